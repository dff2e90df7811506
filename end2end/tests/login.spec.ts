import { expect, expectAccessible, keepScreenshot, test } from './support';

test.describe('the login page', () => {
  test('is rendered on the server in French and then hydrated', async ({ page }, testInfo) => {
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
    });

    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page).toHaveTitle('Connexion · Centre clientèle');
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');

    // Only the hydrated page reacts to this button: the server rendered a plain one.
    const password = page.getByLabel('Mot de passe');
    await password.fill('secret');
    await expect(password).toHaveAttribute('type', 'password');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect(password).toHaveAttribute('type', 'text');
    await expect(page.getByRole('button', { name: 'Masquer' })).toHaveAttribute('aria-pressed', 'true');

    await keepScreenshot(page, testInfo, 'login');
    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
  });

  test('checks the e-mail address in the browser before sending anything', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const email = page.getByLabel('Adresse e-mail');
    await email.fill('pas-une-adresse');
    await email.blur();
    await expect(page.getByText('Veuillez saisir une adresse e-mail valide')).toBeVisible();
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page);

    await email.fill('admin@musterhans.example');
    await expect(page.getByText('Veuillez saisir une adresse e-mail valide')).toHaveCount(0);
    await expect(email).toHaveAttribute('aria-invalid', 'false');
  });

  test('answers 404 with a page in French for an unknown address', async ({ page }) => {
    const response = await page.goto('/cette-page-n-existe-pas');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
    await expectAccessible(page);
  });
});
