import { expect, expectAccessible, keepScreenshot, signIn, test } from './support';

test.describe('working for the principal', () => {
  test('a provider orders contract products for Transports Rapides SA, on its behalf', async ({ page }, testInfo) => {
    // Each viewport places an order of its own, told apart by its reference.
    const reference = `E2E-${testInfo.project.name}-${Date.now() % 100000}`;
    await signIn(page, 'paul@fiduciaire.example');
    await expect(page).toHaveURL(/\/select-company$/);
    await page.getByRole('button', { name: /Transports Rapides SA/ }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId('acting-company')).toHaveText('Transports Rapides SA');

    // Only the granted service is in the menu.
    await expect(page.getByRole('link', { name: 'Factures' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Commande de produits contractuels' }).click();
    await expect(page).toHaveURL(/\/services\/orders$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Commande de produits contractuels' })).toBeVisible();
    await expect(page.getByText('en tant que prestataire de services')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expectAccessible(page);

    const form = page.getByTestId('order-form');
    const debtor = form.getByLabel('Débiteur', { exact: true });
    await expect(debtor.locator('option')).toHaveText([
      'Choisir un débiteur',
      '300001 – Transports Rapides SA',
      '300002 – Transports Rapides SA – Dépôt Sion',
    ]);
    await debtor.selectOption({ label: '300002 – Transports Rapides SA – Dépôt Sion' });
    await expect(form.getByTestId('product-row').filter({ hasText: 'CNT-R' })).toContainText("CHF 1'234.50");
    await form.getByLabel('Quantité – Conteneur roulant (location annuelle)').fill('1');
    await form.getByLabel('Quantité – Étiquettes pour palettes EUR (lot de 100)').fill('2');
    await form.getByLabel('Votre référence (facultatif)').fill(reference);
    await form.getByRole('button', { name: 'Passer la commande' }).click();

    await expect(page.getByText(/Votre commande n° \d+ a été passée \(CHF 1'311\.50\)\./)).toBeVisible();
    const order = page.getByTestId('order').filter({ hasText: reference });
    await expect(order).toHaveCount(1);
    await expect(order.getByTestId('placed-by')).toHaveText(
      'Passée par Paul Prestataire (Fiduciaire Exemple Sàrl) pour le compte de Transports Rapides SA',
    );
    await expect(order).toContainText('300002 – Transports Rapides SA – Dépôt Sion');
    await expect(order.getByTestId('order-total')).toHaveText("CHF 1'311.50");
    await keepScreenshot(page, testInfo, 'orders-as-provider');
    await expectAccessible(page);

    // A service that is not granted is refused by the server, in words.
    await page.goto('/services/invoices');
    await expect(page.getByRole('alert')).toContainText('Ce service en ligne ne vous est pas autorisé pour cette société.');
    await keepScreenshot(page, testInfo, 'invoices-refused');
  });

  test('an administrator sees the invoices per debtor, in Swiss francs and Swiss dates', async ({ page }, testInfo) => {
    // (Sophie Keller, limited to two debtors, changes her password in account.spec.ts; the
    // debtor limit is covered by the server's integration tests.)
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.getByRole('link', { name: 'Factures' }).click();
    await expect(page).toHaveURL(/\/services\/invoices$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Factures' })).toBeVisible();
    const debtors = page.getByTestId('debtor-invoices');
    await expect(debtors).toHaveCount(4);
    const first = debtors.first();
    await expect(first).toContainText('Débiteur 100001 – Musterhans SA – Siège Lausanne');
    const oldest = first.getByTestId('invoice').last();
    await expect(oldest).toContainText('F-2026-0001');
    await expect(oldest).toContainText('15.01.2026');
    await expect(oldest).toContainText('CHF 155.17');
    await expect(oldest).toContainText('payée');
    // The services menu leads to the other granted service.
    await expect(page.getByTestId('services-menu').getByRole('link', { name: 'Commande de produits contractuels' })).toBeVisible();
    await keepScreenshot(page, testInfo, 'invoices');
    await expectAccessible(page);
  });
});
