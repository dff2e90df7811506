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

/** The tests that change what the others rely on: see `projects`. */
const LATE = /(lifetime|offboarding|suspension)\.spec\.ts/;

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
  // lifetime.spec.ts moves the server's test clock days ahead, offboarding.spec.ts ends the
  // demo's Logistique Alpine SA rights and suspension.spec.ts holds Paul's access to
  // Transports Rapides SA for a while: they run after every other test, one viewport after
  // the other, so that no invitation another test still answers expires under it and no
  // right another test relies on ends or is on hold.
  projects: [
    { name: 'desktop', testIgnore: LATE, use: { ...devices['Desktop Chrome'], locale: 'fr-CH', launchOptions: chromium } },
    { name: 'phone', testIgnore: LATE, use: { ...devices['Pixel 7'], locale: 'fr-CH', launchOptions: chromium } },
    {
      name: 'late-desktop',
      testMatch: LATE,
      dependencies: ['desktop', 'phone'],
      use: { ...devices['Desktop Chrome'], locale: 'fr-CH', launchOptions: chromium },
    },
    {
      name: 'late-phone',
      testMatch: LATE,
      dependencies: ['late-desktop'],
      use: { ...devices['Pixel 7'], locale: 'fr-CH', launchOptions: chromium },
    },
  ],
  webServer: {
    command: `${root}/target/release/server-e2e --demo --test-clock --listen 127.0.0.1:${port} --database-url sqlite://${database}`,
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
