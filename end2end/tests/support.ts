import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
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

/** RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret: what an authenticator app shows. */
export function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/** A company of its own and its administrator, who signs in with the demo password. */
export type FreshLogin = { company: string; customer_number: string; email: string };

/**
 * A company and a login no other test knows, made by the end-to-end server's fixture
 * (`server/src/test_fixtures.rs`): for a form that ends something for good (a login holds
 * one right per company for ever), sent at each moment and repeated.
 */
export async function freshLogin(page: Page): Promise<FreshLogin> {
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const answer = await page.request.post('/test-fixtures/provider-company', { headers: { origin } });
  expect(answer.status(), await answer.text()).toBe(200);
  return answer.json();
}

/** A fresh login ([`freshLogin`]), signed in and working for its own company. */
export async function signInFresh(page: Page): Promise<FreshLogin> {
  const login = await freshLogin(page);
  await signInActingFor(page, login.email, login.company);
  return login;
}
