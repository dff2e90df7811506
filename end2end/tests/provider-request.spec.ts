import { expect, expectAccessible, keepScreenshot, signInActingFor, test } from './support';

test.describe('a provider asks a company for access', () => {
  test('the request waits for the company, whose administrator approves it', async ({ page }, testInfo) => {
    // One login asks one company: the demo has a single pair free for it.
    test.skip(testInfo.project.name === 'phone', 'the demo data has one free login/company pair for this flow');
    await signInActingFor(page, 'admin@transports-rapides.example', /Transports Rapides SA/);
    await page.goto('/account');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const form = page.getByTestId('request-access-form');
    // A number no company has is asked for like any: the answer never tells which numbers
    // are customers'.
    await form.getByLabel('Numéro de client de la société').fill('99999999');
    await form.getByRole('button', { name: 'Envoyer la demande' }).click();
    const unknown = page.getByTestId('access-row').filter({ hasText: 'N° client 99999999' });
    await expect(unknown.getByTestId('access-status')).toContainText('en suspens');
    await expect(unknown).toContainText('Demande envoyée');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');

    await form.getByLabel('Numéro de client de la société').fill('20000002');
    await form.getByLabel('Message (facultatif)').fill('Transport des archives 2027');
    await form.getByRole('button', { name: 'Envoyer la demande' }).click();
    const row = page.getByTestId('access-row').filter({ hasText: 'N° client 20000002' });
    await expect(row.getByTestId('access-status')).toContainText('en suspens');
    await expect(row).toContainText('Demande envoyée');
    await expect(row).not.toContainText('Fiduciaire Exemple Sàrl');
    await keepScreenshot(page, testInfo, 'access-requested');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await signInActingFor(page, 'paul@fiduciaire.example', /Fiduciaire Exemple/);
    await page.goto('/admin/rights?q=' + encodeURIComponent('admin@transports-rapides.example'));
    await expect(page.getByTestId('right-status')).toHaveText(/en suspens \(demande à traiter\)/);
    await page.getByRole('link', { name: 'Gérer' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByTestId('request-decision')).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Approuver la demande' }).click();
    await expect(page.getByTestId('manage-status')).toHaveText('active');
  });
});
