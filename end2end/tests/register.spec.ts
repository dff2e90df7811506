import { expect, expectAccessible, keepScreenshot, test } from './support';

test.describe('creating a login', () => {
  test('is offered on the login page, with the forgotten-password link', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('link', { name: 'Mot de passe oublié ?' })).toHaveAttribute('href', '/password/forgot');
    await page.getByRole('link', { name: 'Créer un login' }).click();
    await expect(page).toHaveURL(/\/register$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Créer un login' })).toBeVisible();
  });

  test('checks every field in the browser and explains what is wrong', async ({ page }) => {
    await page.goto('/register');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page).toHaveTitle('Créer un login · Centre clientèle');

    await page.getByRole('button', { name: 'Créer le login' }).click();
    await expect(page.getByText('Veuillez saisir votre adresse e-mail.')).toBeVisible();
    await expect(page.getByText('Veuillez saisir votre prénom.')).toBeVisible();
    await expect(page.getByText('Veuillez saisir votre nom.')).toBeVisible();
    await expect(page.getByText('Veuillez choisir un mot de passe.')).toBeVisible();
    await expect(page.getByLabel('Adresse e-mail')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page);

    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await expect(page.getByText('Veuillez saisir une adresse e-mail valide')).toBeVisible();
    await page.getByLabel('Mot de passe', { exact: true }).fill('court');
    await expect(page.getByText('Le mot de passe doit comporter de 10 à 128 caractères.')).toBeVisible();
    await page.getByLabel('Mot de passe', { exact: true }).fill('Nouveau-2026!mot');
    await page.getByLabel('Confirmer le mot de passe').fill('Autre-2026!mot');
    await page.getByLabel('Confirmer le mot de passe').blur();
    await expect(page.getByText('Les deux mots de passe ne sont pas identiques.')).toBeVisible();
    // Nothing was sent: the page still shows the form.
    await expect(page.getByRole('button', { name: 'Créer le login' })).toBeVisible();
  });

  test('answers "check your mailbox", whether or not the address is already in use', async ({ page }, testInfo) => {
    for (const email of [`nina.${Date.now()}@neu.example`, 'admin@musterhans.example']) {
      await page.goto('/register');
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByLabel('Prénom').fill('Nina');
      await page.getByLabel('Nom', { exact: true }).fill('Neuhaus');
      await page.getByLabel('Mot de passe', { exact: true }).fill('Nouveau-2026!mot');
      await page.getByLabel('Confirmer le mot de passe').fill('Nouveau-2026!mot');
      await page.getByLabel('Langue de correspondance').selectOption('de');
      await page.getByRole('button', { name: 'Créer le login' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre boîte de réception' })).toBeVisible();
      await expect(page.getByTestId('check-mailbox')).toContainText('dans les 24 heures');
    }
    await keepScreenshot(page, testInfo, 'register-check-mailbox');
    await expectAccessible(page);
  });

  test('a confirmation link that is not valid says so clearly', async ({ page }) => {
    await page.goto('/register/confirm?token=not-a-valid-token');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    // Confirming takes the link and the password chosen when registering.
    await page.getByLabel("Mot de passe choisi lors de l'inscription").fill('Demo-2026!portal');
    await page.getByRole('button', { name: "Confirmer l'adresse e-mail" }).click();
    await expect(page.getByRole('alert').filter({ hasText: "Ce lien n'est plus valable" })).toBeVisible();
    await expectAccessible(page);
  });
});
