import { DEMO_PASSWORD, expect, expectAccessible, keepScreenshot, signIn, test } from './support';


test.describe('managing the user account', () => {
  test('shows the login, the last login in Swiss time and the provider accesses', async ({ page }, testInfo) => {
    await signIn(page, 'paul@fiduciaire.example');
    await page.getByRole('button', { name: /Fiduciaire Exemple Sàrl/ }).click();
    await page.getByRole('link', { name: 'Profil utilisateur' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Gérer le compte utilisateur' })).toBeVisible();
    await expect(page.getByTestId('account-email')).toHaveText('paul@fiduciaire.example');
    await expect(page.getByTestId('last-login')).toHaveText(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    const table = page.getByRole('table');
    await expect(table.getByRole('columnheader', { name: 'Société (demande d\'accès)' })).toBeVisible();
    await expect(table.getByRole('row', { name: /Transports Rapides SA.*active/ })).toBeVisible();
    await keepScreenshot(page, testInfo, 'account');
    await expectAccessible(page);
  });

  test('refuses a wrong current password and two different new ones, then changes it', async ({ page }, testInfo) => {
    // Each viewport changes the password of a login no other test uses.
    const login = testInfo.project.name === 'phone' ? 'sophie.keller@musterhans.example' : 'marc.dubois@musterhans.example';
    await signIn(page, login);
    await expect(page).toHaveURL(/\/portal$/);
    await page.goto('/account');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    // The e-mail change form also asks for the current password: work inside the password form.
    const form = page.locator('form').filter({ has: page.locator('#current') });

    await form.getByLabel('Mot de passe actuel').fill('not-the-password');
    await form.getByLabel('Nouveau mot de passe', { exact: true }).fill('Nouveau-2026!portal');
    await form.getByLabel('Confirmer le nouveau mot de passe').fill('Nouveau-2026!portal');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(form.getByRole('status')).toHaveText('Le mot de passe actuel est incorrect.');

    await form.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await form.getByLabel('Confirmer le nouveau mot de passe').fill('Autre-2026!portal');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(form.getByRole('status')).toHaveText('Les deux nouveaux mots de passe ne sont pas identiques.');
    await expectAccessible(page);

    await form.getByLabel('Confirmer le nouveau mot de passe').fill('Nouveau-2026!portal');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(form.getByRole('status')).toHaveText('Votre mot de passe a été modifié.');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await signIn(page, login, 'Nouveau-2026!portal');
    await expect(page).toHaveURL(/\/portal$/);
  });
});
