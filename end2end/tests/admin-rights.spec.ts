import { Page } from '@playwright/test';
import { DEMO_PASSWORD, expect, expectAccessible, keepScreenshot, signIn, test } from './support';

test.describe("the administrator's user rights and authorizations", () => {
  test('lists the rights with the seed columns, searches, and is accessible', async ({ page }, testInfo) => {
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.getByTestId('nav-admin').click();
    await expect(page).toHaveURL(/\/admin\/rights$/);
    await expect(page.getByRole('heading', { level: 1, name: "Droits d'utilisateur et autorisations" })).toBeVisible();
    await expect(page.getByText('Les utilisateurs signalés par * disposent également')).toBeVisible();
    const table = page.getByTestId('rights-table');
    for (const column of ['Société', 'Nom', 'Prénom', 'Adresse e-mail', 'Rôle', 'Statut']) {
      await expect(table.getByRole('columnheader', { name: new RegExp(`^${column}`) })).toBeVisible();
    }
    await expect(table.locator('[data-email="marc.dubois@musterhans.example"]')).toBeVisible();
    await keepScreenshot(page, testInfo, 'admin-rights');
    await expectAccessible(page);

    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('Recherche:').fill('dubois');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page).toHaveURL(/q=dubois/);
    await expect(page.getByTestId('right-row')).toHaveCount(1);
    await expect(page.getByTestId('right-row')).toHaveAttribute('data-email', 'marc.dubois@musterhans.example');

    await page.getByRole('columnheader', { name: /^Adresse e-mail/ }).getByRole('link').click();
    await expect(page).toHaveURL(/tri=email/);

    await page.getByRole('link', { name: 'Journal des modifications' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Journal des modifications' })).toBeVisible();
    // A phone shows one card per entry, a wider screen the table; neither scrolls sideways.
    const phone = testInfo.project.name === 'phone';
    await expect(page.getByTestId(phone ? 'audit-entry' : 'audit-row').first()).toBeVisible();
    await expect(page.getByTestId(phone ? 'audit-entries' : 'audit-table')).toContainText('Connexion');
    await expect(page.getByTestId(phone ? 'audit-table' : 'audit-entries')).toBeHidden();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await keepScreenshot(page, testInfo, 'audit-log');
    await expectAccessible(page);
  });

  test('the seed flow: enter a provider, grant two of four debtors, accept on the invitee side, order, revoke', async ({ page, browser }, testInfo) => {
    // Two logins, six pages and two hydrations: on a loaded CI machine this took 33 s, past the
    // 30 s every other test gets; three times that leaves room without hiding a hang.
    test.slow();
    // Each viewport invites a login no other test invites.
    const provider = testInfo.project.name === 'phone' ? 'paul@fiduciaire.example' : 'admin@transports-rapides.example';
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.goto('/admin/rights/new');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('heading', { level: 1, name: 'Saisir un utilisateur' })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Prestataire' })).toBeChecked();

    await page.getByLabel('E-mail').fill('personne@inconnu.example');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByTestId('entry-error')).toHaveText(/Aucun login n'existe pour cette adresse e-mail/);
    await expectAccessible(page);

    await page.getByLabel('E-mail').fill(provider);
    await page.getByLabel('Remarque (facultatif)').fill('Mandat logistique');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByRole('heading', { name: 'La saisie est confirmée' })).toBeVisible();
    await expect(page.getByTestId('entry-confirmed')).toContainText(provider);
    await keepScreenshot(page, testInfo, 'entry-confirmed');
    await expectAccessible(page);

    const grantLink = page.getByRole('link', { name: 'Octroyer maintenant des autorisations de service' });
    const rightId = (await grantLink.getAttribute('href'))!.match(/\/admin\/rights\/(\d+)\/services/)![1];
    await grantLink.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Octroyer des autorisations de service' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const orders = page.getByTestId('service-orders');
    await orders.getByTestId('service-switch').check();
    await orders.getByTestId('chosen-debtors').check();
    await orders.getByLabel('Filtrer les débiteurs').fill('genève');
    await expect(orders.getByTestId('debtor-list').getByRole('checkbox')).toHaveCount(1);
    await orders.getByTestId('debtor-list').getByRole('checkbox').check();
    await orders.getByLabel('Filtrer les débiteurs').fill('lausanne');
    await orders.getByTestId('debtor-list').getByRole('checkbox').check();
    await expect(orders.getByText('2 débiteur(s) choisi(s) sur 4')).toBeVisible();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByText('Les autorisations de service sont enregistrées.')).toBeVisible();
    await keepScreenshot(page, testInfo, 'grant-services');
    await expectAccessible(page);

    await page.goto('/admin/rights?q=' + encodeURIComponent(provider));
    await expect(page.getByTestId('right-status')).toHaveText(/en suspens/);

    // The provider opens the e-mail's link signed out, as on a phone: the sign-in (and the
    // company choice when there is one to make) comes back to the invitation's own page.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto(`/invitations/${rightId}`);
    await expect(page).toHaveURL(new RegExp(`/login\\?retour=%2Finvitations%2F${rightId}$`));
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('Adresse e-mail').fill(provider);
    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    // Paul (phone) also works for Transports Rapides SA, and Tina (desktop) may meanwhile
    // have been given access to Fiduciaire by the request test: both may meet the selector.
    let taps = 0;
    await page.waitForURL(/\/(invitations\/\d+|select-company)$/);
    if (page.url().endsWith('/select-company')) {
      await page.getByRole('button', { name: testInfo.project.name === 'phone' ? /Fiduciaire Exemple/ : /Transports Rapides SA/ }).click();
      taps += 1;
    }
    await expect(page).toHaveURL(new RegExp(`/invitations/${rightId}$`));
    await expect(page.getByRole('heading', { level: 1, name: 'Autorisation en tant que prestataire' })).toBeVisible();
    await expect(page.getByTestId('invitation-intro')).toHaveText(
      'Anna Muster vous donne accès en tant que prestataire aux services en ligne de Musterhans SA.',
    );
    await expect(page.getByTestId('invitation-company')).toHaveText('Musterhans SA N° client 10000001');
    await expect(page.getByTestId('invitation-services')).toHaveText(
      'Commande de produits contractuels: 100001 – Musterhans SA – Siège Lausanne, 100002 – Musterhans SA – Succursale Genève',
    );
    await expect(page.getByTestId('invitation-until')).toHaveText('sans date de fin');
    await expect(page.getByTestId('invitation-status')).toHaveText('en suspens');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await keepScreenshot(page, testInfo, 'invitation');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Valider' }).click();
    taps += 1;
    await expect(page.getByTestId('invitation-state')).toHaveText(
      'Vous avez accepté cet accès. Vous pouvez maintenant travailler pour Musterhans SA.',
    );
    await expect(page.getByTestId('invitation-status')).toHaveText('active');
    expect(taps, 'taps from the signed-in link to an accepted right').toBeLessThanOrEqual(2);
    await keepScreenshot(page, testInfo, 'accepted');

    // The message leads to the same page.
    await page.getByTestId('nav-messages').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
    await page.getByTestId('message-line').filter({ hasText: 'Autorisation en tant que prestataire' }).filter({ hasText: 'Musterhans SA' }).click();
    await expect(page.getByTestId('message-title')).toHaveText('Autorisation en tant que prestataire');
    await expect(page.getByTestId('message-text')).toContainText("L'administrateur Anna Muster du compte de société Musterhans SA souhaite vous octroyer une autorisation de prestataire.");
    await expect(page.getByTestId('message-company')).toContainText('Musterhans SA');
    await expect(page.getByTestId('message-read-at')).toHaveText(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    await keepScreenshot(page, testInfo, 'message');
    await expectAccessible(page);
    // The header of the opened message's page no longer counts it: at most the messages
    // still unread in the list loaded next (which may have grown meanwhile, never shrunk).
    const badge = page.getByTestId('unread-count');
    const counted = (await badge.count()) > 0 ? Number(await badge.textContent()) : 0;
    const messageUrl = page.url();
    await page.goto('/messages');
    await expect(page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
    const stillUnread = await page.locator('[data-testid="message-line"][data-unread="true"]').count();
    expect(counted, "unread messages counted on the opened message's page").toBeLessThanOrEqual(stillUnread);
    await page.goto(messageUrl);
    await page.getByTestId('message-link').click();
    await expect(page).toHaveURL(new RegExp(`/invitations/${rightId}$`));

    // Working for Musterhans SA, chosen from the invitation: ordering is granted for two of
    // its four debtors only.
    await page.getByRole('button', { name: 'Travailler pour Musterhans SA' }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId('acting-company')).toHaveText('Musterhans SA');
    await page.getByRole('link', { name: 'Commande de produits contractuels' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const form = page.getByTestId('order-form');
    const debtor = form.getByLabel('Débiteur', { exact: true });
    await expect(debtor.locator('option')).toHaveText([
      'Choisir un débiteur',
      '100001 – Musterhans SA – Siège Lausanne',
      '100002 – Musterhans SA – Succursale Genève',
    ]);
    await debtor.selectOption({ label: '100002 – Musterhans SA – Succursale Genève' });
    await form.getByLabel("Quantité – Carton d'expédition S (lot de 25)").fill('4');
    await form.getByRole('button', { name: 'Passer la commande' }).click();
    await expect(page.getByText(/Votre commande n° \d+ a été passée/)).toBeVisible();
    // The page was loaded again with the order in its list: its form reacts once hydrated.
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByTestId('order').first().getByTestId('placed-by')).toContainText('pour le compte de Musterhans SA');
    await keepScreenshot(page, testInfo, 'ordered-for-principal');
    await expectAccessible(page);

    // The administrator revokes; the provider's very next action is refused.
    const adminContext = await browser.newContext({ locale: 'fr-CH', baseURL: testInfo.project.use.baseURL });
    const admin = await adminContext.newPage();
    await revoke(admin, provider);
    // Another login opening the invitation's link is told so, and nothing changes.
    await admin.goto(`/invitations/${rightId}`);
    await expect(admin.getByRole('alert')).toContainText('Cette invitation est adressée à un autre login.');
    await expect(admin.getByRole('button', { name: 'Valider' })).toHaveCount(0);
    await adminContext.close();

    await form.getByLabel("Quantité – Carton d'expédition S (lot de 25)").fill('1');
    await form.getByRole('button', { name: 'Passer la commande' }).click();
    await expect(form.getByRole('status')).toHaveText("Votre accès à cette société n'est plus actif. Veuillez sélectionner une autre société.");
    await page.goto('/select-company');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('button', { name: /Musterhans SA/ })).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'after-revocation');
  });

  test('is refused to a provider acting for its principal', async ({ page }) => {
    await signIn(page, 'paul@fiduciaire.example');
    await page.getByRole('button', { name: /Transports Rapides SA/ }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId('acting-company')).toHaveText('Transports Rapides SA');
    await expect(page.getByTestId('nav-admin')).toHaveCount(0);
    await page.goto('/admin/rights');
    await expect(page.getByRole('alert')).toContainText('Seuls les administrateurs de la société');
  });
});

/** Anna revokes the right of `provider` on Musterhans SA from its page. */
async function revoke(page: Page, provider: string) {
  await signIn(page, 'admin@musterhans.example');
  await expect(page).toHaveURL(/\/portal$/);
  await page.goto('/admin/rights?q=' + encodeURIComponent(provider));
  await page.getByRole('link', { name: 'Gérer' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByTestId('end-right').getByText('Révoquer le droit').click();
  await page.getByRole('button', { name: 'Confirmer' }).click();
  await expect(page.getByTestId('manage-status')).toHaveText('révoquée');
}
