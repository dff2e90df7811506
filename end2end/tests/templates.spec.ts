import { test, expect, expectAccessible, keepScreenshot, signInActingFor } from './support';

// Each viewport works for a company of its own and invites a login that no other test invites
// there: Anna (Musterhans SA) invites Luca on the desktop, Tina (Transports Rapides SA) invites
// Anna on the phone.
const CASES = {
  desktop: {
    admin: 'admin@musterhans.example',
    company: 'Musterhans SA',
    invitee: 'luca.bernasconi@transports-rapides.example',
    template: 'Comptabilité — débiteurs Suisse romande',
    debtors: ['100001 Musterhans SA – Siège Lausanne', '100002 Musterhans SA – Succursale Genève'],
    total: 4,
  },
  phone: {
    admin: 'admin@transports-rapides.example',
    company: 'Transports Rapides SA',
    invitee: 'admin@musterhans.example',
    template: 'Comptabilité — sièges et dépôts',
    debtors: ['300001 Transports Rapides SA', '300002 Transports Rapides SA – Dépôt Sion'],
    total: 2,
  },
};

test.describe('permission templates', () => {
  test('a template is applied to a new provider right, and changing it later leaves the right as it was until applied again', async ({ page }, testInfo) => {
    test.slow();
    const c = testInfo.project.name.endsWith('phone') ? CASES.phone : CASES.desktop;
    await signInActingFor(page, c.admin, c.company);

    // The administrator names invoices for two debtors and orders for all of them.
    await page.goto('/admin/rights');
    await page.getByRole('link', { name: "Modèles d'autorisations" }).click();
    await expect(page).toHaveURL(/\/admin\/rights\/templates$/);
    await expect(page.getByRole('heading', { level: 1, name: "Modèles d'autorisations" })).toBeVisible();
    await expect(page.getByText('modifier ou supprimer le modèle ensuite ne change aucun droit existant')).toBeVisible();
    await expect(page.getByText("Votre société n'a encore aucun modèle.")).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Nouveau modèle' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('Nom du modèle').fill(c.template);
    const invoices = page.getByTestId('service-invoices');
    await invoices.getByTestId('service-switch').check();
    await invoices.getByTestId('chosen-debtors').check();
    for (const debtor of c.debtors) {
      await invoices.getByTestId('debtor-list').getByRole('listitem').filter({ hasText: debtor.split(' ')[0] }).getByRole('checkbox').check();
    }
    await expect(invoices.getByText(`2 débiteur(s) choisi(s) sur ${c.total}`)).toBeVisible();
    await page.getByTestId('service-orders').getByTestId('service-switch').check();
    await page.getByRole('button', { name: 'Enregistrer le modèle' }).click();

    await expect(page).toHaveURL(/\/admin\/rights\/templates\?modele=\d+$/);
    await expect(page.getByTestId('templates-done')).toHaveText(`Le modèle « ${c.template} » est enregistré.`);
    const card = page.getByTestId('template').filter({ hasText: c.template });
    await expect(card).toContainText(`Factures : ${c.debtors.join(' ; ')}`);
    await expect(card).toContainText('Commande de produits contractuels : tous les débiteurs');
    await keepScreenshot(page, testInfo, 'templates');
    await expectAccessible(page);

    // "Saisir un utilisateur": a provider right made from the template.
    await page.goto('/admin/rights/new');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('E-mail').fill(c.invitee);
    await page.getByRole('radio', { name: "Appliquer un modèle d'autorisations" }).check();
    const chosen = page.getByLabel("Modèle d'autorisations", { exact: true });
    await expect(chosen).toHaveValue(/^\d+$/);
    await expect(chosen.locator('option:checked')).toHaveText(c.template);
    await keepScreenshot(page, testInfo, 'entry-with-template');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByRole('heading', { name: 'La saisie est confirmée' })).toBeVisible();
    await page.getByRole('link', { name: 'Octroyer maintenant des autorisations de service' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Octroyer des autorisations de service' })).toBeVisible();
    const grantsUrl = page.url();
    const given = async (orders: boolean) => {
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
      const invoicesNow = page.getByTestId('service-invoices');
      await expect(invoicesNow.getByTestId('service-switch')).toBeChecked();
      await expect(invoicesNow.getByText(`2 débiteur(s) choisi(s) sur ${c.total}`)).toBeVisible();
      const ordersSwitch = page.getByTestId('service-orders').getByTestId('service-switch');
      await (orders ? expect(ordersSwitch).toBeChecked() : expect(ordersSwitch).not.toBeChecked());
    };
    await given(true);

    // The template loses the orders: the right made from it keeps them.
    await page.goto('/admin/rights/templates');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByRole('button', { name: `Modifier le modèle « ${c.template} »` }).click();
    await expect(page.getByRole('heading', { level: 2, name: `Modifier le modèle « ${c.template} »` })).toBeVisible();
    await expect(page.getByLabel('Nom du modèle')).toHaveValue(c.template);
    await page.getByTestId('service-orders').getByTestId('service-switch').uncheck();
    await page.getByRole('button', { name: 'Enregistrer le modèle' }).click();
    await expect(page.getByTestId('templates-done')).toHaveText(`Le modèle « ${c.template} » est enregistré.`);
    await expect(page.getByTestId('template').filter({ hasText: c.template })).not.toContainText('Commande de produits contractuels');
    await page.goto(grantsUrl);
    await given(true);

    // "Octroyer des autorisations de service": applying it again fills the form in; saving
    // makes it the right's.
    await page.getByRole('button', { name: 'Appliquer le modèle' }).click();
    await expect(page.getByTestId('template-apply').getByRole('status')).toHaveText(
      `Le modèle « ${c.template} » est repris ci-dessous : vérifiez, puis enregistrez.`,
    );
    await expect(page.getByTestId('service-orders').getByTestId('service-switch')).not.toBeChecked();
    await keepScreenshot(page, testInfo, 'grants-from-template');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page.getByText('Les autorisations de service sont enregistrées.')).toBeVisible();
    await page.reload();
    await given(false);
  });
});
