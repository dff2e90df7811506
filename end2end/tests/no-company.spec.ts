import { expect, expectAccessible, keepScreenshot, signIn, test } from './support';

// Nadia registered a login of her own and belongs to no company yet (demo data).
const NADIA = 'nadia.libre@independante.example';

test.describe('a login of no company', () => {
  test('is told after sign-in what it can do, and asks for access from its account', async ({ page }, testInfo) => {
    await signIn(page, NADIA);
    await expect(page).toHaveURL(/\/select-company$/);
    const what = page.getByTestId('without-company');
    await expect(what.getByRole('heading', { name: "Aucune société n'est accessible avec votre login pour le moment." })).toBeVisible();
    await expect(what).toContainText('Ce que vous pouvez faire :');
    await expect(what).toContainText("l'exploitant du portail l'enregistre sur demande");
    await expect(what.getByRole('button', { name: 'Se déconnecter' })).toBeEnabled();
    await keepScreenshot(page, testInfo, 'no-company-choice');
    await expectAccessible(page);

    await what.getByRole('link', { name: 'Demander un accès prestataire' }).click();
    await expect(page).toHaveURL(/\/account#requests-section$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Gérer le compte utilisateur' })).toBeVisible();
    await expect(page.getByTestId('account-email')).toHaveText(NADIA);
    await expect(page.getByRole('heading', { name: 'Demander un accès prestataire', exact: true })).toBeVisible();
    await expect(page.getByLabel('Numéro de client de la société')).toBeEditable();
    await expect(page.getByRole('button', { name: 'Envoyer la demande' })).toBeEnabled();
    await keepScreenshot(page, testInfo, 'no-company-account');
    await expectAccessible(page);
  });
});
