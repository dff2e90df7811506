import { Browser, Page } from '@playwright/test';
import { test, expect, expectAccessible, keepScreenshot, signIn } from './support';

// Runs with lifetime.spec.ts, after every other test (projects "late-desktop" and
// "late-phone" in playwright.config.ts): it ends every right of Logistique Alpine SA's
// logins. The desktop run offboards the company from Transports Rapides SA, the phone's from
// Musterhans SA; the demo gives its three logins accepted rights on both.

const LOGINS = [
  { email: 'lea.berger@logistique-alpine.example', name: 'Léa Berger' },
  { email: 'jonas.meier@logistique-alpine.example', name: 'Jonas Meier' },
  { email: 'chloe.rochat@logistique-alpine.example', name: 'Chloé Rochat' },
];

/** A browser of its own, signed in as `email` and working for `company`. */
async function workingFor(browser: Browser, email: string, company: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-CH', timezoneId: 'Europe/Zurich' });
  const page = await context.newPage();
  await signIn(page, email);
  // Their own company and the two they work for: the selector comes first.
  await expect(page).toHaveURL(/\/select-company$/);
  await page.getByRole('button', { name: new RegExp(company) }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByTestId('acting-company')).toHaveText(company);
  return page;
}

test.describe('offboarding a provider company', () => {
  test('ends the access of its three logins in one confirmation, and each is refused on the next request', async ({ page, browser }, testInfo) => {
    test.slow();
    const phone = testInfo.project.name.endsWith('phone');
    const [company, admin] = phone ? ['Musterhans SA', 'admin@musterhans.example'] : ['Transports Rapides SA', 'admin@transports-rapides.example'];
    const providers = [];
    for (const login of LOGINS) {
      providers.push(await workingFor(browser, login.email, company));
    }

    await signIn(page, admin);
    await page.waitForURL(/\/(portal|select-company)$/);
    if (page.url().endsWith('/select-company')) {
      await page.getByRole('button', { name: new RegExp(company) }).click();
    }
    await expect(page).toHaveURL(/\/portal$/);
    await page.goto('/admin/rights');
    const firms = page.getByRole('region', { name: 'Sociétés de prestataires' });
    await expect(firms.getByRole('listitem').filter({ hasText: 'Logistique Alpine SA' })).toContainText('accès en cours : 3');
    await firms.getByRole('link', { name: 'Mettre fin aux accès de Logistique Alpine SA' }).click();

    // The preview: who, which services and debtors, since when.
    await expect(page.getByRole('heading', { level: 1, name: 'Mettre fin aux accès de Logistique Alpine SA' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const lines = page.getByTestId('offboarded-right');
    await expect(lines).toHaveCount(3);
    for (const login of LOGINS) {
      const line = lines.filter({ hasText: login.email });
      await expect(line).toContainText(login.name);
      await expect(line).toContainText(/active · accès depuis le \d{2}\.\d{2}\.\d{4}/);
    }
    const jonas = lines.filter({ hasText: LOGINS[1].email });
    await expect(jonas).toContainText(
      phone ? 'Factures : 100001 Musterhans SA – Siège Lausanne ; 100002 Musterhans SA – Succursale Genève' : 'Factures : tous les débiteurs',
    );
    await keepScreenshot(page, testInfo, 'offboard-preview');
    await expectAccessible(page);

    // One confirmation ends the three.
    await page.getByRole('button', { name: 'Mettre fin aux accès (3)' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'ont pris fin' })).toHaveText('Les accès de Logistique Alpine SA ont pris fin (3). Chaque prestataire en a été informé.');
    await expect(page.getByRole('button', { name: 'Mettre fin aux accès (3)' })).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'offboarded');
    await expectAccessible(page);

    // Each provider's next request is refused: back to the selector, which offers their own
    // company still, and this one no more.
    for (const provider of providers) {
      await provider.goto('/portal');
      await expect(provider).toHaveURL(/\/select-company\?motif=droit$/);
      await expect(provider.getByText("Votre accès à cette société n'est plus actif. Veuillez sélectionner une autre société.")).toBeVisible();
      await expect(provider.getByRole('button', { name: /Logistique Alpine SA/ })).toBeVisible();
      await expect(provider.getByRole('button', { name: new RegExp(company) })).toHaveCount(0);
    }
    await keepScreenshot(providers[0], testInfo, 'offboarded-provider');
    // Back at their own company, the provider reads why.
    await providers[0].getByRole('button', { name: /Logistique Alpine SA/ }).click();
    await expect(providers[0]).toHaveURL(/\/portal$/);
    await providers[0].goto('/messages');
    // One message per company that ended her access: the phone's run is the second.
    const revoked = providers[0].getByTestId('message-line').filter({ hasText: 'Autorisation de prestataire révoquée' });
    await expect(revoked).toHaveCount(phone ? 2 : 1);

    // Nothing is left to end: the list no longer offers the company.
    await page.getByRole('link', { name: "Retour aux droits d'utilisateur" }).click();
    await expect(page.getByRole('heading', { level: 1, name: "Droits d'utilisateur et autorisations" })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Mettre fin aux accès de Logistique Alpine SA' })).toHaveCount(0);
    for (const provider of providers) {
      await provider.context().close();
    }
  });
});
