import { test, expect } from '@playwright/test';
import { expectAccessible, keepScreenshot, signIn } from './support';

test.describe("the administrator's user rights and authorizations", () => {
  test('lists the rights with the seed columns, searches, and is accessible', async ({ page }, testInfo) => {
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.getByTestId('nav-admin').click();
    await expect(page).toHaveURL(/\/admin\/rights$/);
    await expect(page.getByRole('heading', { level: 1, name: "Droits d'utilisateur et autorisations" })).toBeVisible();
    await expect(page.getByText('Les utilisateurs signalés par * disposent également')).toBeVisible();
    const table = page.getByTestId('rights-table');
    for (const column of ['Société', 'Nom', 'Prénom', 'Adresse e-mail', 'Rôle', 'Statut']) {
      await expect(table.getByRole('columnheader', { name: new RegExp(`^${column}`) })).toBeVisible();
    }
    await expect(table.locator('[data-email="marc.dubois@musterhans.example"]')).toBeVisible();
    await keepScreenshot(page, testInfo, 'admin-rights');
    await expectAccessible(page);

    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('Recherche:').fill('dubois');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page).toHaveURL(/q=dubois/);
    await expect(page.getByTestId('right-row')).toHaveCount(1);
    await expect(page.getByTestId('right-row')).toHaveAttribute('data-email', 'marc.dubois@musterhans.example');

    await page.getByRole('columnheader', { name: /^Adresse e-mail/ }).getByRole('link').click();
    await expect(page).toHaveURL(/tri=email/);

    await page.getByRole('link', { name: 'Journal des modifications' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Journal des modifications' })).toBeVisible();
    await expect(page.getByTestId('audit-row').first()).toBeVisible();
    await expect(page.getByTestId('audit-table')).toContainText('Connexion');
    await keepScreenshot(page, testInfo, 'audit-log');
    await expectAccessible(page);
  });

  test('enters a provider, confirms the entry and grants a service for chosen debtors', async ({ page }, testInfo) => {
    // Each viewport invites a login no other test invites.
    const provider = testInfo.project.name === 'phone' ? 'paul@fiduciaire.example' : 'admin@transports-rapides.example';
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.goto('/admin/rights/new');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('heading', { level: 1, name: 'Saisir un utilisateur' })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Prestataire' })).toBeChecked();

    await page.getByLabel('E-mail').fill('personne@inconnu.example');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByTestId('entry-error')).toHaveText(/Aucun login n'existe pour cette adresse e-mail/);
    await expectAccessible(page);

    await page.getByLabel('E-mail').fill(provider);
    await page.getByLabel('Remarque (facultatif)').fill('Mandat logistique');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByRole('heading', { name: 'La saisie est confirmée' })).toBeVisible();
    await expect(page.getByTestId('entry-confirmed')).toContainText(provider);
    await keepScreenshot(page, testInfo, 'entry-confirmed');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Octroyer maintenant des autorisations de service' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Octroyer des autorisations de service' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const orders = page.getByTestId('service-orders');
    await orders.getByTestId('service-switch').check();
    await orders.getByTestId('chosen-debtors').check();
    await orders.getByLabel('Filtrer les débiteurs').fill('genève');
    await expect(orders.getByTestId('debtor-list').getByRole('checkbox')).toHaveCount(1);
    await orders.getByTestId('debtor-list').getByRole('checkbox').check();
    await expect(orders.getByText('1 débiteur(s) choisi(s) sur 4')).toBeVisible();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByText('Les autorisations de service sont enregistrées.')).toBeVisible();
    await keepScreenshot(page, testInfo, 'grant-services');
    await expectAccessible(page);

    await page.goto('/admin/rights?q=' + encodeURIComponent(provider));
    await expect(page.getByTestId('right-status')).toHaveText(/en suspens/);
  });

  test('is refused to a provider acting for its principal', async ({ page }) => {
    await signIn(page, 'paul@fiduciaire.example');
    await page.getByRole('button', { name: /Transports Rapides SA/ }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId('acting-company')).toHaveText('Transports Rapides SA');
    await expect(page.getByTestId('nav-admin')).toHaveCount(0);
    await page.goto('/admin/rights');
    await expect(page.getByRole('alert')).toContainText('Seuls les administrateurs de la société');
  });
});
