import { Browser, Page, devices } from '@playwright/test';
import { test, expect, expectAccessible, keepScreenshot, signIn, signInActingFor } from './support';

// Runs after every other test (projects "late-desktop" and "late-phone" in
// playwright.config.ts): it suspends Paul's access to Transports Rapides SA, which the other
// tests use, and resumes it before it ends. The phone's run repeats the desktop's.

/** Paul in a browser of his own (the project's viewport), working for Transports Rapides SA. */
async function paulAtTransports(browser: Browser, phone: boolean): Promise<Page> {
  const context = await browser.newContext({ ...(phone ? devices['Pixel 7'] : devices['Desktop Chrome']), locale: 'fr-CH', timezoneId: 'Europe/Zurich' });
  const page = await context.newPage();
  await signIn(page, 'paul@fiduciaire.example');
  await expect(page).toHaveURL(/\/select-company$/);
  await page.getByRole('button', { name: /Transports Rapides SA/ }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId('acting-company')).toHaveText('Transports Rapides SA');
  return page;
}

/** Tina, acting for Transports Rapides SA, on the page of Paul's right there. */
async function tinaOnPaulsRight(page: Page) {
  await signInActingFor(page, 'admin@transports-rapides.example', /Transports Rapides SA/);
  await page.goto('/admin/rights?q=' + encodeURIComponent('paul@fiduciaire.example'));
  await page.getByRole('link', { name: 'Gérer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Paul Prestataire' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

test.describe('suspending an access', () => {
  test('refuses the provider at the next request, tells them, and once resumed they work again', async ({ page, browser }, testInfo) => {
    test.slow();
    const phone = testInfo.project.name.endsWith('phone');
    const paul = await paulAtTransports(browser, phone);
    await tinaOnPaulsRight(page);
    await expect(page.getByTestId('manage-status')).toHaveText('active');
    const hold = page.getByTestId('suspension');
    await expect(hold).toContainText("Suspendre l'accès le bloque dès la prochaine requête, sans y mettre fin");
    await hold.getByRole('button', { name: "Suspendre l'accès" }).click();

    // The page loads again with the right on hold, and the way to lift it.
    await expect(page.getByTestId('manage-status')).toHaveText('suspendue');
    await expect(hold).toContainText("L'accès est suspendu : il n'autorise rien tant qu'il n'est pas repris. Ses autorisations de service sont conservées.");
    await expect(hold.getByRole('button', { name: "Reprendre l'accès" })).toBeEnabled();
    await expect(page.getByRole('link', { name: 'Octroyer des autorisations de service' })).toBeVisible();
    await keepScreenshot(page, testInfo, 'suspended-right');
    await expectAccessible(page);

    // Paul's next request is refused; his own company is still offered, this one is not.
    await paul.goto('/portal');
    await expect(paul).toHaveURL(/\/select-company\?motif=droit$/);
    await expect(paul.getByText("Votre accès à cette société n'est plus actif. Veuillez sélectionner une autre société.")).toBeVisible();
    await expect(paul.getByRole('button', { name: /Transports Rapides SA/ })).toHaveCount(0);
    await paul.getByRole('button', { name: /Fiduciaire Exemple/ }).click();
    await expect(paul).toHaveURL(/\/portal$/);
    await paul.goto('/messages');
    await expect(paul.getByTestId('message-line').filter({ hasText: 'Accès suspendu' })).toHaveCount(phone ? 2 : 1);
    await paul.goto('/account');
    const access = paul.getByTestId('access-row').filter({ hasText: 'Transports Rapides SA' });
    await expect(access.getByTestId('access-status')).toContainText('suspendue');
    await expect(access.getByTestId('access-suspended')).toHaveText("Suspendu par la société : vous ne pouvez pas agir pour elle tant que l'accès n'est pas repris.");
    await keepScreenshot(paul, testInfo, 'suspended-provider');
    await expectAccessible(paul);

    // Tina lifts the suspension: the right is active again, and Paul works for the company.
    await hold.getByRole('button', { name: "Reprendre l'accès" }).click();
    await expect(page.getByTestId('manage-status')).toHaveText('active');
    await expect(hold.getByRole('button', { name: "Suspendre l'accès" })).toBeEnabled();
    await paul.goto('/select-company');
    await paul.getByRole('button', { name: /Transports Rapides SA/ }).click();
    await expect(paul).toHaveURL(/\/portal$/);
    await expect(paul.getByTestId('acting-company')).toHaveText('Transports Rapides SA');
    await paul.goto('/messages');
    await expect(paul.getByTestId('message-line').filter({ hasText: 'Accès repris' })).toHaveCount(phone ? 2 : 1);
    await paul.context().close();
  });
});
