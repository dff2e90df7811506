import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// The server under test: the release build that `cargo leptos build --release` wrote,
// started on its own port with a fresh SQLite database and the demo data.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const database = path.join(os.tmpdir(), `portal-e2e-${process.pid}-${Date.now()}.db`);
const root = path.resolve(__dirname, '..');

// Debian's Chromium: Playwright must never download a browser of its own.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  // A run that hangs fails here, well inside CI's time, instead of being cut off by it.
  globalTimeout: 20 * 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    baseURL,
    // The portal follows the browser's language; these tests read the French UI (the default).
    locale: 'fr-CH',
    timezoneId: 'Europe/Zurich',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  // lifetime.spec.ts moves the server's test clock days ahead: it runs after every other
  // test, one viewport after the other, so that no invitation another test still answers
  // expires under it.
  projects: [
    { name: 'desktop', testIgnore: /lifetime\.spec\.ts/, use: { ...devices['Desktop Chrome'], locale: 'fr-CH', launchOptions: chromium } },
    { name: 'phone', testIgnore: /lifetime\.spec\.ts/, use: { ...devices['Pixel 7'], locale: 'fr-CH', launchOptions: chromium } },
    {
      name: 'lifetime-desktop',
      testMatch: /lifetime\.spec\.ts/,
      dependencies: ['desktop', 'phone'],
      use: { ...devices['Desktop Chrome'], locale: 'fr-CH', launchOptions: chromium },
    },
    {
      name: 'lifetime-phone',
      testMatch: /lifetime\.spec\.ts/,
      dependencies: ['lifetime-desktop'],
      use: { ...devices['Pixel 7'], locale: 'fr-CH', launchOptions: chromium },
    },
  ],
  webServer: {
    command: `${root}/target/release/server --demo --test-clock --listen 127.0.0.1:${port} --database-url sqlite://${database}`,
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
