import { expect, expectAccessible, keepScreenshot, test } from './support';

test.describe('the language', () => {
  test('follows the browser: German for a de-CH browser', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'de-CH' });
    const page = await context.newPage();
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(page.getByRole('heading', { level: 1, name: 'Anmeldung' })).toBeVisible();
    await context.close();
  });

  test('can be switched in the header and is remembered on the next page', async ({ page }, testInfo) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();

    await page.getByLabel('Langue').selectOption('it');
    await expect(page.getByRole('heading', { level: 1, name: 'Login' })).toBeVisible();
    await expect(page.getByLabel('Indirizzo e-mail')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'it');

    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Login' })).toBeVisible();
    // The switch acts once the page is hydrated, which starts after the largest paint.
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await keepScreenshot(page, testInfo, 'login-it');
    await expectAccessible(page);

    await page.getByLabel('Lingua').selectOption('en');
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  });
});
