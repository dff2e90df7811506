import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, Page, TestInfo } from '@playwright/test';

export { expect };

/**
 * Playwright's `test`, which also prints what the browser reported (console errors and
 * warnings, uncaught exceptions, failed requests) when a test fails: a page that never
 * hydrates says why in CI's output, where the trace files are out of reach. A page whose
 * WebAssembly bundle lacks one of its islands fails the test (scripts/bundles.sh).
 */
export const test = base.extend<{ browserLog: void }>({
  browserLog: [
    async ({ page }, use, testInfo) => {
      const lines: string[] = [];
      const missingIslands: string[] = [];
      const at = () => `${(performance.now() / 1000).toFixed(2)}s ${page.url()}`;
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') lines.push(`${at()} console.${m.type()}: ${m.text()}`);
        if (m.text().includes('no code for the island')) missingIslands.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => lines.push(`${at()} uncaught: ${e.message}`));
      page.on('requestfailed', (r) => lines.push(`${at()} request failed: ${r.url()} (${r.failure()?.errorText})`));
      page.on('requestfinished', (r) => {
        if (r.url().includes('/pkg/')) lines.push(`${at()} loaded ${r.url()}`);
      });
      page.on('load', () => lines.push(`${at()} load event`));
      await use();
      if (testInfo.status !== testInfo.expectedStatus && lines.length > 0) {
        console.log(`--- browser log of "${testInfo.title}" [${testInfo.project.name}]\n${lines.join('\n')}`);
      }
      expect(missingIslands, 'every island of the pages visited is in the bundle they load').toEqual([]);
    },
    { auto: true },
  ],
});

/** axe finds no violation of WCAG 2.1 A and AA on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
  expect(violations).toEqual([]);
}

/** A full-page screenshot kept with the test's results. */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** The demo password of every demo login (printed by the server in demo mode). */
export const DEMO_PASSWORD = 'Demo-2026!portal';

/** Signs in and, when the login meets the company selector, picks `company`. */
export async function signInActingFor(page: Page, email: string, company: string | RegExp) {
  await signIn(page, email);
  await page.waitForURL(/\/(portal|select-company)$/);
  if (page.url().endsWith('/select-company')) {
    await page.getByRole('button', { name: typeof company === 'string' ? new RegExp(company) : company }).click();
  }
  await expect(page).toHaveURL(/\/portal$/);
}

/** Signs in through the login page, typing as soon as the page is shown (awake or not). */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login', { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** The moments at which a person sends a form, as the page wakes up (docs/architecture.md, "Forms"). */
export const MOMENTS = ['asleep', 'waking', 'awake'] as const;
export type Moment = (typeof MOMENTS)[number];

/**
 * Holds the page's WebAssembly back until the returned `wake` is called: what a test does
 * before lands on the page as the server sent it, the island still asleep (a person on a slow
 * phone, or a password manager, is that fast). After `wake`, every page loads as usual.
 */
export async function holdWaking(page: Page): Promise<() => void> {
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  await page.route(/\/pkg\/[^/]+\.wasm$/, async (route) => {
    await woken;
    // The page that asked may be gone: the form it held was posted by the browser.
    await route.continue().catch(() => undefined);
  });
  return wake;
}

/** True once the page's islands are awake. */
export async function isAwake(page: Page): Promise<boolean> {
  return (await page.locator('html').getAttribute('data-hydrated')) === 'true';
}

/**
 * Opens `path` with its island held asleep, lets `fill` type and choose, then sends with
 * `send` at `moment`: `asleep` (the browser posts the form), `waking` (sent the instant the
 * WebAssembly is let through, while it starts) or `awake` (typed asleep, sent once the
 * island has taken over). Whatever the moment, the page then wakes as usual.
 */
export async function fillAndSend(page: Page, path: string, moment: Moment, fill: () => Promise<void>, send: () => Promise<void>) {
  const wake = await holdWaking(page);
  await page.goto(path, { waitUntil: 'domcontentloaded' });
  await fill();
  expect(await isAwake(page), 'the island is still asleep while the person types').toBe(false);
  if (moment === 'waking') {
    wake();
  } else if (moment === 'awake') {
    wake();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }
  await send();
  wake();
}
