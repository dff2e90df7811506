import { expect, signIn, test } from './support';

test('the pages hydrate under the strict Content-Security-Policy without any violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, 'admin@musterhans.example');
  await expect(page).toHaveURL(/\/portal$/);
  for (const path of ['/admin/rights', '/admin/rights/new', '/messages', '/account', '/services/orders', '/services/invoices']) {
    await page.goto(path);
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  }
  expect(violations).toEqual([]);
});
