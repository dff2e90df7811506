import { DEMO_PASSWORD, expect, expectAccessible, keepScreenshot, signIn, test } from './support';


test.describe('signing in', () => {
  test('a wrong password gets one message that does not say which field was wrong', async ({ page }) => {
    await signIn(page, 'admin@musterhans.example', 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: 'Adresse e-mail ou mot de passe incorrect.' })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    await expectAccessible(page);
  });

  test('a login with one company lands in the portal without a selector', async ({ page }, testInfo) => {
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Bienvenue, Anna Muster' })).toBeVisible();
    await expect(page.getByTestId('acting-company')).toHaveText('Musterhans SA');
    await expect(page.getByRole('link', { name: 'Changer de société' })).toHaveCount(0);
    await expect(page.getByText('Commande de produits contractuels')).toBeVisible();
    await keepScreenshot(page, testInfo, 'portal');
    await expectAccessible(page);

    // The portal's address, from a bookmark or an e-mail, does not ask to sign in again.
    for (const address of ['/', '/login']) {
      await page.goto(address);
      await expect(page).toHaveURL(/\/portal$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Bienvenue, Anna Muster' })).toBeVisible();
    }
  });

  test('a provider chooses the company, then switches from the header', async ({ page }, testInfo) => {
    await signIn(page, 'paul@fiduciaire.example');
    await expect(page).toHaveURL(/\/select-company$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sélectionner la société' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Ma société' })).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Sociétés auxquelles vous avez accès en tant que prestataire de services.' }),
    ).toBeVisible();
    await keepScreenshot(page, testInfo, 'select-company');
    await expectAccessible(page);

    await page.getByRole('button', { name: /Transports Rapides SA/ }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId('acting-company')).toHaveText('Transports Rapides SA');
    await expect(page.getByText('Vous agissez en tant que prestataire de services pour cette société.')).toBeVisible();
    await expect(page.getByText('Commande de produits contractuels')).toBeVisible();
    await expect(page.getByText('Factures')).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'portal-as-provider');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Changer de société' }).click();
    await expect(page).toHaveURL(/\/select-company$/);
    await page.getByRole('button', { name: /Fiduciaire Exemple Sàrl/ }).click();
    await expect(page.getByTestId('acting-company')).toHaveText('Fiduciaire Exemple Sàrl');

    // Signed in, the portal's address leads where signing in does: the choice of company.
    await page.goto('/');
    await expect(page).toHaveURL(/\/select-company$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sélectionner la société' })).toBeVisible();
  });

  test('signing out ends the session: the portal sends back to the login page', async ({ page }) => {
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/portal');
    await expect(page).toHaveURL(/\/login\?retour=%2Fportal$/);
  });

  test('when the page\'s WebAssembly cannot be fetched, the page says so and its form still signs in', async ({ page }) => {
    // A network that drops the download must leave the server's form working, as it does
    // before the WebAssembly arrives.
    const dropped: string[] = [];
    await page.route(/\/pkg\/[^/]+\.wasm$/, async (route) => {
      dropped.push(route.request().url());
      await route.abort('connectionfailed');
    });
    const failure = page.waitForEvent('console', (m) => m.type() === 'error' && m.text().includes('the page could not start'));
    await page.goto('/login');
    await failure;
    expect(dropped.length, 'the page asked for its WebAssembly').toBe(1);
    await expect(page.locator('html')).not.toHaveAttribute('data-hydrated', 'true');

    await page.getByLabel('Adresse e-mail').fill('admin@musterhans.example');
    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Bienvenue, Anna Muster' })).toBeVisible();
  });
});
