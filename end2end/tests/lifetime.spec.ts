import { Page } from '@playwright/test';
import { test, expect, expectAccessible, keepScreenshot, signIn, signInActingFor } from './support';

// Runs after every other test (projects "late-desktop" and "late-phone" in
// playwright.config.ts): it moves the server's test clock days ahead, which would expire the
// invitations other tests are still answering. Its own tests run one after the other: the
// second works on the access the first gives, and each moves the clock the other reads.
test.describe.configure({ mode: 'serial' });

/** Signs in as Tina, acting for Transports Rapides SA (she may also meet the selector). */
async function signInAsTina(page: Page) {
  await signInActingFor(page, 'admin@transports-rapides.example', /Transports Rapides SA/);
}

/** account.spec.ts, which runs before, gave both Musterhans logins this password. */
const CHANGED_PASSWORD = 'Nouveau-2026!portal';

test.describe('an invitation left unanswered', () => {
  test('expires after the company\'s lifetime, is sent again with "Renvoyer" and then accepted', async ({ page }, testInfo) => {
    test.slow();
    // Each viewport invites a Musterhans login that no other test invites.
    const phone = testInfo.project.name.endsWith('phone');
    const provider = phone ? 'sophie.keller@musterhans.example' : 'marc.dubois@musterhans.example';
    await signInAsTina(page);

    // The company sets how long its invitations wait for an answer.
    await page.goto('/admin/rights');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const lifetime = page.getByRole('region', { name: 'Durée de validité des invitations' });
    // 14 days at first; the desktop run, which goes first, leaves 5 for the phone's.
    await expect(lifetime.getByLabel('Nombre de jours (1 à 90)')).toHaveValue(phone ? '5' : '14');
    const days = phone ? '4' : '5';
    await lifetime.getByLabel('Nombre de jours (1 à 90)').fill(days);
    await lifetime.getByRole('button', { name: 'Enregistrer la durée' }).click();
    await expect(lifetime.getByRole('status')).toHaveText(`Les nouvelles invitations sont valables ${days} jours.`);
    await keepScreenshot(page, testInfo, 'lifetime-set');
    await expectAccessible(page);

    await page.goto('/admin/rights/new');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByRole('radio', { name: 'Prestataire' }).check();
    await page.getByLabel('E-mail').fill(provider);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByRole('heading', { name: 'La saisie est confirmée' })).toBeVisible();
    const grantLink = page.getByRole('link', { name: 'Octroyer maintenant des autorisations de service' });
    const rightId = (await grantLink.getAttribute('href'))!.match(/\/admin\/rights\/(\d+)\/services/)![1];

    await page.goto('/admin/rights?q=' + encodeURIComponent(provider));
    await expect(page.getByTestId('right-status')).toContainText('en suspens');
    await expect(page.getByTestId('right-answer-by')).toHaveText(/^réponse attendue jusqu'au \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);

    // Six days later (the test clock, not a wait), the housekeeping has expired it.
    await moveClock(page, 6);
    await page.goto('/admin/rights?q=' + encodeURIComponent(provider));
    await expect(page.getByTestId('right-status')).toHaveText('expirée');
    await expect(page.getByTestId('right-answer-by')).toHaveCount(0);

    // Tina is told, and the message leads to the right, where she sends it again.
    await page.getByTestId('nav-messages').click();
    await page.getByTestId('message-line').filter({ hasText: 'Invitation expirée' }).first().click();
    await expect(page.getByTestId('message-title')).toHaveText('Invitation expirée');
    await expect(page.getByTestId('message-text')).toContainText("n'a pas répondu à temps à l'invitation du compte de société Transports Rapides SA");
    await keepScreenshot(page, testInfo, 'lapse-message');
    await expectAccessible(page);
    await page.getByTestId('message-link').click();
    await expect(page).toHaveURL(new RegExp(`/admin/rights/${rightId}$`));
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByTestId('manage-status')).toHaveText('expirée');
    await page.getByRole('button', { name: "Renvoyer l'invitation" }).click();
    await expect(page.getByTestId('manage-status')).toContainText('en suspens');
    await expect(page.getByTestId('manage-status')).toContainText("réponse attendue jusqu'au");
    await keepScreenshot(page, testInfo, 'sent-again');
    await expectAccessible(page);

    // The provider accepts the invitation sent again, before its new answer-by time.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await signIn(page, provider, CHANGED_PASSWORD);
    await page.waitForURL(/\/(portal|select-company)$/);
    await page.goto(`/invitations/${rightId}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Autorisation en tant que prestataire' })).toBeVisible();
    await expect(page.getByTestId('invitation-answer-by')).toHaveText(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await keepScreenshot(page, testInfo, 'invitation-with-answer-by');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page.getByTestId('invitation-status')).toHaveText('active');
  });
});

/** `yyyy-mm-dd` of a moment on the portal's calendar (Europe/Zurich). */
function isoDay(at: Date): string {
  return at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Zurich' });
}

/** `yyyy-mm-dd` → `dd.mm.yyyy`, as the portal writes a day. */
function swissDay(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** The day `months` months after `iso`, kept to the last day of a shorter month. */
function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDay(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))));
}

/**
 * Moves the server's clock `days` ahead (one housekeeping round runs); answers its time. The
 * route sits behind the portal's same-origin check, as a page's own request would.
 */
async function moveClock(page: Page, days: number): Promise<Date> {
  const origin = new URL(page.url()).origin;
  const moved = await page.request.post(`/test-clock?days=${days}`, { headers: { origin } });
  expect(moved.status()).toBe(200);
  return new Date(await moved.json());
}

const ENDING = 'Accès de prestataire bientôt échu';

test.describe('an access with an end date', () => {
  test('is reminded once, 30 days before it ends, and extended by 3 months from the reminder', async ({ page }, testInfo) => {
    test.slow();
    // The provider who accepted the invitation in the test above, on this viewport.
    const phone = testInfo.project.name.endsWith('phone');
    const provider = phone ? 'sophie.keller@musterhans.example' : 'marc.dubois@musterhans.example';
    await signInAsTina(page);
    const endingLines = page.getByTestId('message-line').filter({ hasText: ENDING });
    await page.goto('/messages');
    const before = await endingLines.count();

    // Tina gives the access an end date 40 days from the server's today.
    const now = await moveClock(page, 1);
    const end = isoDay(new Date(now.getTime() + 40 * 86_400_000));
    await page.goto('/admin/rights?q=' + encodeURIComponent(provider));
    await page.getByRole('link', { name: 'Gérer' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const rightPath = new URL(page.url()).pathname;
    await page.getByLabel('Date de fin (facultatif)').fill(end);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    const extend = page.getByRole('region', { name: "Prolonger l'accès" });
    await expect(extend.getByTestId('extend-ends')).toHaveText(`Le droit prend fin le ${swissDay(end)}. Prolongez-le en une étape :`);

    // 29 days before the end, the housekeeping reminds her; another round sends nothing more.
    await moveClock(page, 11);
    await moveClock(page, 1);
    await page.goto('/messages');
    await expect(endingLines).toHaveCount(before + 1);
    await endingLines.first().click();
    await expect(page.getByTestId('message-title')).toHaveText(ENDING);
    await expect(page.getByTestId('message-text')).toContainText(`au compte de société Transports Rapides SA prend fin le ${swissDay(end)}.`);
    await keepScreenshot(page, testInfo, 'ending-reminder');
    await expectAccessible(page);

    // The reminder opens the right at "Prolonger l'accès": one click adds 3 months.
    await page.getByRole('link', { name: "Prolonger l'accès" }).click();
    await expect(page).toHaveURL(new RegExp(`${rightPath}#extend$`));
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await extend.getByRole('button', { name: '+ 3 mois' }).click();
    const extended = addMonths(end, 3);
    await expect(extend.getByTestId('extend-ends')).toHaveText(`Le droit prend fin le ${swissDay(extended)}. Prolongez-le en une étape :`);
    await expect(page.getByLabel('Date de fin (facultatif)')).toHaveValue(extended);
    await keepScreenshot(page, testInfo, 'extended');
    await expectAccessible(page);

    // The provider was reminded too, and is told of the new end date.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await signIn(page, provider, CHANGED_PASSWORD);
    // Working for two companies now, the provider first picks one (here their own).
    await expect(page).toHaveURL(/\/select-company$/);
    await page.getByRole('button', { name: /Musterhans SA/ }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await page.goto('/messages');
    await expect(page.getByTestId('message-line').filter({ hasText: 'Votre accès prend bientôt fin' })).toHaveCount(1);
    await page.getByTestId('message-line').filter({ hasText: 'Accès prolongé' }).click();
    await expect(page.getByTestId('message-text')).toContainText(`a prolongé votre accès jusqu'au ${swissDay(extended)}.`);
    await keepScreenshot(page, testInfo, 'extended-message');
  });
});
