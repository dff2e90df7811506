import { Browser, Page } from '@playwright/test';
import { DEMO_PASSWORD, expect, fillAndSend, freshLogin, holdWaking, Moment, MOMENTS, signIn, signInActingFor, signInFresh, test, totp } from './support';

// Léa administers Logistique Alpine SA, whose templates and rights no other test before the
// late projects looks at: the forms below may add to them freely.
const LEA = 'lea.berger@logistique-alpine.example';
const LOGISTICS = 'Logistique Alpine SA';
// Logistique Alpine SA's customer number.
const LOGISTICS_NUMBER = '45000005';

/** A right entered for the acting company through the server function; its id. */
async function enter(page: Page, fields: Record<string, string>): Promise<number> {
  const answer = await page.request.post('/api/enter_user', {
    form: { email: '', first_name: '', last_name: '', name: '', remark: '', assignment: 'manual', ...fields },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  return (await answer.json()).right_id;
}

/** A technical user of the acting company; its right's id. */
async function enterTechnicalUser(page: Page, name: string): Promise<number> {
  return enter(page, { right_type: 'technical', name });
}

/** A page of its own browser, signed in as Léa for Logistique Alpine SA: the company's side. */
async function leaInAnotherBrowser(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ locale: 'fr-CH', timezoneId: 'Europe/Zurich', javaScriptEnabled });
  const page = await context.newPage();
  await signInActingFor(page, LEA, LOGISTICS);
  return page;
}

/** Switches the first service of the authorizations form on, for its first debtor only. */
async function grantFirstServiceForOneDebtor(page: Page) {
  const service = page.locator('[data-grant]').first();
  await service.getByTestId('service-switch').check();
  await service.getByTestId('chosen-debtors').check();
  await service.getByTestId('debtor-list').getByRole('checkbox').first().check();
}

// A person types and taps as soon as a page is shown; on a phone the page's island wakes up
// a moment later (after the first paint). Each form is sent at each moment of that wake-up
// (support.ts, `fillAndSend`) and must give the same result: nothing typed, autofilled or
// chosen is lost, nothing is sent twice.
test.describe('a form sent before, while or after its page wakes up', () => {
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'a phone is where the page wakes up late');
  });

  for (const moment of MOMENTS) {
    test(`signs in when tapped ${moment}`, async ({ page }) => {
      await fillAndSend(
        page,
        '/login',
        moment,
        async () => {
          await page.getByLabel('Adresse e-mail').fill('admin@musterhans.example');
          await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
        },
        () => page.getByRole('button', { name: 'Se connecter' }).click(),
      );
      await expect(page).toHaveURL(/\/portal$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Bienvenue, Anna Muster' })).toBeVisible();
    });

    test(`asks for a new password when sent ${moment}`, async ({ page }) => {
      await fillAndSend(
        page,
        '/password/forgot',
        moment,
        () => page.getByLabel('Adresse e-mail').fill(`oubli.${moment}.${Date.now()}@nulle-part.example`),
        () => page.getByRole('button', { name: 'Envoyer le lien' }).click(),
      );
      await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre boîte de réception' })).toBeVisible();
    });

    test(`creates a login when sent ${moment}`, async ({ page }) => {
      await fillAndSend(
        page,
        '/register',
        moment,
        async () => {
          await page.getByLabel('Adresse e-mail').fill(`nina.${moment}.${Date.now()}@neu.example`);
          await page.getByLabel('Prénom').fill('Nina');
          await page.getByLabel('Nom', { exact: true }).fill('Neuhaus');
          await page.getByLabel('Mot de passe', { exact: true }).fill('Nouveau-2026!mot');
          await page.getByLabel('Confirmer le mot de passe').fill('Nouveau-2026!mot');
          await page.getByLabel('Langue de correspondance').selectOption('de');
        },
        () => page.getByRole('button', { name: 'Créer le login' }).click(),
      );
      await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre boîte de réception' })).toBeVisible();
    });

    test(`chooses the company when tapped ${moment}`, async ({ page }) => {
      await signIn(page, 'paul@fiduciaire.example');
      await expect(page).toHaveURL(/\/select-company$/);
      await fillAndSend(
        page,
        '/select-company',
        moment,
        async () => {},
        () => page.getByRole('button', { name: /Transports Rapides SA/ }).click(),
      );
      await expect(page).toHaveURL(/\/portal$/);
      await expect(page.getByTestId('acting-company')).toHaveText('Transports Rapides SA');
    });

    test(`enters an employee chosen and typed ${moment}`, async ({ page }) => {
      const email = `eva.${moment}.${Date.now()}@musterhans.example`;
      await signIn(page, 'admin@musterhans.example');
      await expect(page).toHaveURL(/\/portal$/);
      await fillAndSend(
        page,
        '/admin/rights/new',
        moment,
        async () => {
          // The employee's fields appear with the choice, the island awake or not.
          await page.getByRole('radio', { name: 'Collaborateur de votre société' }).check();
          await page.getByLabel('E-mail', { exact: true }).fill(email);
          await page.getByLabel('Prénom').fill('Eva');
          await page.getByLabel('Nom', { exact: true }).fill('Early');
          await expect(page.getByLabel("Nom de l'utilisateur technique")).toBeHidden();
        },
        () => page.getByRole('button', { name: 'Enregistrer' }).click(),
      );
      // Awake, the confirmation shows in place; asleep, the browser lands on the new right.
      await expect(page.getByText(/Eva Early|La saisie est confirmée/).first()).toBeVisible();
      await page.goto(`/admin/rights?q=${encodeURIComponent(email)}`);
      await expect(page.locator(`[data-testid="right-row"][data-email="${email}"]`)).toHaveCount(1);
    });

    test(`places an order when sent ${moment}`, async ({ page }) => {
      await signIn(page, 'admin@musterhans.example');
      await expect(page).toHaveURL(/\/portal$/);
      await fillAndSend(
        page,
        '/services/orders',
        moment,
        async () => {
          const form = page.getByTestId('order-form');
          await form.getByLabel('Débiteur', { exact: true }).selectOption({ index: 1 });
          await form.getByLabel("Quantité – Carton d'expédition S (lot de 25)").fill('2');
        },
        () => page.getByTestId('order-form').getByRole('button', { name: 'Passer la commande' }).click(),
      );
      await expect(page.getByText(/Votre commande n° \d+ a été passée/)).toBeVisible();
    });
    test(`grants a service for one debtor when saved ${moment}`, async ({ page }) => {
      await signInActingFor(page, LEA, LOGISTICS);
      const rightId = await enterTechnicalUser(page, `Interface ${moment} ${Date.now()}`);
      await fillAndSend(page, `/admin/rights/${rightId}/services`, moment, () => grantFirstServiceForOneDebtor(page), () =>
        page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      );
      await expect(page.getByText('Les autorisations de service sont enregistrées.')).toBeVisible();
      await page.goto(`/admin/rights/${rightId}/services`);
      const service = page.locator('[data-grant]').first();
      await expect(service.getByTestId('service-switch')).toBeChecked();
      await expect(service.getByTestId('chosen-debtors')).toBeChecked();
      await expect(service.getByTestId('debtor-list').getByRole('checkbox').first()).toBeChecked();
    });

    test(`changes, extends, suspends and resumes a right, each sent ${moment}`, async ({ page }) => {
      await signInActingFor(page, LEA, LOGISTICS);
      const rightId = await enterTechnicalUser(page, `Relevés ${moment} ${Date.now()}`);
      const path = `/admin/rights/${rightId}`;
      // An end date on the 15th: three months later is the 15th again.
      const now = new Date();
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 15));
      const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 5, 15));
      const swiss = (d: Date) => `15.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;

      await fillAndSend(
        page,
        path,
        moment,
        async () => {
          await page.getByLabel('Remarque (facultatif)').fill(`Relevés ${moment}`);
          await page.getByLabel('Date de fin (facultatif)').fill(end.toISOString().slice(0, 10));
        },
        () => page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
      );
      // "Prolonger l'accès" is offered once the right has an end date.
      await expect(page.getByTestId('extend-ends')).toContainText(swiss(end));
      await expect(page.getByLabel('Remarque (facultatif)')).toHaveValue(`Relevés ${moment}`);

      await fillAndSend(page, path, moment, async () => {}, () => page.getByRole('button', { name: '+ 3 mois' }).click());
      await expect(page.getByTestId('extend-ends')).toContainText(swiss(later));

      await fillAndSend(page, path, moment, async () => {}, () => page.getByRole('button', { name: "Suspendre l'accès" }).click());
      await expect(page.getByTestId('manage-status')).toHaveText('suspendue');

      await fillAndSend(page, path, moment, async () => {}, () => page.getByRole('button', { name: "Reprendre l'accès" }).click());
      await expect(page.getByTestId('manage-status')).toHaveText('active');
    });

    test(`revokes a right when confirmed ${moment}`, async ({ page }) => {
      await signInActingFor(page, LEA, LOGISTICS);
      const rightId = await enterTechnicalUser(page, `Révoqué ${moment} ${Date.now()}`);
      await fillAndSend(
        page,
        `/admin/rights/${rightId}`,
        moment,
        async () => {
          // The question opens from its disclosure, the island awake or not.
          await page.getByTestId('end-right').getByText('Révoquer le droit').click();
          await expect(page.getByText('Révoquer ce droit maintenant ?')).toBeVisible();
        },
        () => page.getByTestId('end-right').getByRole('button', { name: 'Confirmer' }).click(),
      );
      await expect(page.getByTestId('manage-status')).toHaveText('révoquée');
    });

    test(`says why a password change is refused when sent ${moment}`, async ({ page }) => {
      // Chloé signs in nowhere else before the late projects; three refusals stay under the limit of five.
      await signInActingFor(page, 'chloe.rochat@logistique-alpine.example', LOGISTICS);
      await fillAndSend(
        page,
        '/account',
        moment,
        async () => {
          await page.locator('#current').fill('pas-le-bon-mot-de-passe');
          await page.locator('#new').fill('Nouveau-2026!mot');
          await page.locator('#confirm').fill('Nouveau-2026!mot');
        },
        () => page.locator('form').filter({ has: page.locator('#current') }).getByRole('button', { name: 'Enregistrer' }).click(),
      );
      await expect(page.getByRole('status').filter({ hasText: 'Le mot de passe actuel est incorrect.' })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
      await expect(page.getByRole('status').filter({ hasText: 'Le mot de passe actuel est incorrect.' })).toBeVisible();
    });

    test(`saves a permission template sent ${moment}`, async ({ page }) => {
      const name = `Modèle ${moment} ${Date.now()}`;
      await signInActingFor(page, LEA, LOGISTICS);
      await fillAndSend(
        page,
        '/admin/rights/templates',
        moment,
        async () => {
          await page.getByLabel('Nom du modèle').fill(name);
          await grantFirstServiceForOneDebtor(page);
        },
        () => page.getByRole('button', { name: 'Enregistrer le modèle' }).click(),
      );
      await expect(page.getByTestId('templates-done')).toHaveText(`Le modèle « ${name} » est enregistré.`);
      await expect(page.getByTestId('template').filter({ hasText: name })).toContainText('400001');
    });

    test(`changes the password when sent ${moment}`, async ({ page }) => {
      const login = await signInFresh(page);
      const form = page.locator('form').filter({ has: page.locator('#current') });
      await fillAndSend(
        page,
        '/account',
        moment,
        async () => {
          await form.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
          await form.getByLabel('Nouveau mot de passe', { exact: true }).fill('Nouveau-2026!mot');
          await form.getByLabel('Confirmer le nouveau mot de passe').fill('Nouveau-2026!mot');
        },
        () => form.getByRole('button', { name: 'Enregistrer' }).click(),
      );
      await expect(page.getByRole('status').filter({ hasText: 'Votre mot de passe a été modifié.' })).toBeVisible();
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await expect(page).toHaveURL(/\/login$/);
      await signIn(page, login.email, 'Nouveau-2026!mot');
      await expect(page).toHaveURL(/\/portal$/);
    });

    test(`asks for a new e-mail address when sent ${moment}`, async ({ page }) => {
      const login = await signInFresh(page);
      await fillAndSend(
        page,
        '/account',
        moment,
        async () => {
          await page.getByLabel('Nouvelle adresse e-mail').fill(`nouvelle.${moment}.${Date.now()}@nouvelle-adresse.example`);
          await page.locator('#email_password').fill(DEMO_PASSWORD);
        },
        () => page.getByRole('button', { name: 'Envoyer le lien de confirmation' }).click(),
      );
      // Said beside the form when the island sent it, above the page when the browser did.
      await expect(page.getByRole('status').filter({ hasText: 'Nous avons envoyé un lien de confirmation à la nouvelle adresse.' })).toBeVisible();
      // The login's address changes only once the link is opened.
      await expect(page.getByTestId('account-email')).toHaveText(login.email);
    });

    test(`asks a company for access and withdraws the request, each sent ${moment}`, async ({ page }) => {
      await signInFresh(page);
      // Until the company answers, the request names the number typed only.
      const row = page.getByTestId('access-row').filter({ hasText: `N° client ${LOGISTICS_NUMBER}` });
      await fillAndSend(
        page,
        '/account',
        moment,
        async () => {
          await page.getByLabel('Numéro de client de la société').fill(LOGISTICS_NUMBER);
          await page.getByLabel('Message (facultatif)').fill(`Demande ${moment}`);
        },
        () => page.getByRole('button', { name: 'Envoyer la demande' }).click(),
      );
      await expect(row.getByTestId('access-status')).toContainText('en suspens');
      await expect(row).toContainText('Demande envoyée');

      await fillAndSend(page, '/account', moment, async () => {}, () => row.getByRole('button', { name: 'Retirer la demande' }).click());
      // A withdrawn request ends as the company's withdrawn invitation does.
      await expect(row.getByTestId('access-status')).toContainText('révoquée');
      await expect(row.getByRole('button', { name: 'Retirer la demande' })).toHaveCount(0);
    });

    test(`signs in with the app's code sent ${moment}`, async ({ page }) => {
      const login = await signInFresh(page);
      const secret = await turnTwoStepOn(page);
      const enrolledAt = Date.now();
      await signInAgainUpToTheCode(page, login.email);
      await fillAndSend(page, '/login/code', moment, () => page.getByLabel('Code de vérification').fill(nextCode(secret, enrolledAt)), () =>
        page.getByRole('button', { name: 'Vérifier' }).click(),
      );
      await expect(page).toHaveURL(/\/portal$/);
      await expect(page.getByTestId('acting-company')).toHaveText(login.company);
    });

    test(`accepts an invitation and gives the access back, each sent ${moment}`, async ({ page, browser }) => {
      await acceptAndGiveBack(page, browser, moment);
    });

    test(`ends a provider company's access when confirmed ${moment}`, async ({ page }) => {
      await offboard(page, moment);
    });
  }

  test('sets how long invitations wait, sent at each moment', async ({ page, browser }) => {
    await signInActingFor(page, LEA, LOGISTICS);
    // One after the other: the three values are the company's one setting.
    for (const [i, moment] of MOMENTS.entries()) {
      const days = String(21 + i);
      await fillAndSend(page, '/admin/rights', moment, () => page.getByLabel('Nombre de jours (1 à 90)').fill(days), () =>
        page.getByRole('button', { name: 'Enregistrer la durée' }).click(),
      );
      // Saved, whether the island said so in place or the browser came back to the page.
      await expect.poll(async () => (await page.request.get('/admin/rights')).text()).toMatch(new RegExp(`id="lifetime-days"[^>]*value="${days}"`));
      await page.goto('/admin/rights');
      await expect(page.getByLabel('Nombre de jours (1 à 90)')).toHaveValue(days);
    }
    // And once without JavaScript: the list it comes back to says what was saved.
    const asleep = await leaInAnotherBrowser(browser, false);
    await asleep.goto('/admin/rights');
    await asleep.getByLabel('Nombre de jours (1 à 90)').fill('30');
    await asleep.getByRole('button', { name: 'Enregistrer la durée' }).click();
    await expect(asleep.getByTestId('done-note')).toHaveText('Les nouvelles invitations sont valables 30 jours.');
    await expect(asleep.getByLabel('Nombre de jours (1 à 90)')).toHaveValue('30');
    await asleep.context().close();
  });

  test('a refused sign-in sent asleep says why on the page it returns to', async ({ page }) => {
    await fillAndSend(
      page,
      '/login',
      'asleep',
      async () => {
        // An address of its own: five failures of one address within 15 minutes are throttled.
        await page.getByLabel('Adresse e-mail').fill(`personne.${Date.now()}@nulle-part.example`);
        await page.getByLabel('Mot de passe', { exact: true }).fill('pas-le-bon-mot');
      },
      () => page.getByRole('button', { name: 'Se connecter' }).click(),
    );
    await expect(page.getByRole('alert').filter({ hasText: 'Adresse e-mail ou mot de passe incorrect.' })).toBeVisible();
    // The sentence stays once the page is awake.
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('alert').filter({ hasText: 'Adresse e-mail ou mot de passe incorrect.' })).toBeVisible();
  });

  test('a refused entry sent asleep says why, and still does once the page is awake', async ({ page }) => {
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await fillAndSend(
      page,
      '/admin/rights/new',
      'asleep',
      () => page.getByLabel('E-mail', { exact: true }).fill('pas-une-adresse'),
      () => page.getByRole('button', { name: 'Enregistrer' }).click(),
    );
    const error = page.getByTestId('entry-error');
    await expect(error).toHaveText('Veuillez saisir une adresse e-mail valide, par exemple nom@societe.ch.');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(error).toHaveText('Veuillez saisir une adresse e-mail valide, par exemple nom@societe.ch.');
  });

  test('signs in with one tap on what the password manager filled in before the page woke up', async ({ page }) => {
    const wake = await holdWaking(page);
    await page.goto('/login', { waitUntil: 'domcontentloaded' });
    // Autofill sets the values without a keystroke: no `input` event reaches the island.
    await page.evaluate(
      ([email, password]) => {
        (document.getElementById('email') as HTMLInputElement).value = email;
        (document.getElementById('password') as HTMLInputElement).value = password;
      },
      ['admin@musterhans.example', DEMO_PASSWORD],
    );
    wake();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByLabel('Adresse e-mail')).toHaveValue('admin@musterhans.example');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/portal$/);
  });
});

/** Turns two-step login on for the signed-in login from its account page; the app's secret. */
async function turnTwoStepOn(page: Page): Promise<string> {
  await page.goto('/account');
  const twoStep = page.getByRole('region', { name: 'Processus de connexion en deux étapes' });
  await twoStep.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
  await twoStep.getByRole('button', { name: 'Activer la connexion en deux étapes' }).click();
  await expect(twoStep.getByText('Clé pour la saisie manuelle :')).toBeVisible();
  const secret = (await twoStep.locator('code').first().textContent())!.replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await twoStep.getByLabel('Code de vérification').fill(totp(secret));
  await twoStep.getByRole('button', { name: 'Confirmer' }).click();
  await expect(twoStep.getByRole('heading', { name: 'Codes de récupération' })).toBeVisible();
  return secret;
}

/**
 * The app's code for the sign-in after an enrolment confirmed at `enrolledAt`: each code works
 * once, so it is a later step's, at most one step ahead of the server's clock.
 */
function nextCode(secret: string, enrolledAt: number): string {
  const step = (t: number) => Math.floor(t / 30_000);
  return totp(secret, Math.max(step(Date.now()), step(enrolledAt) + 1) * 30_000);
}

/** Signs out, then in again with the password: the code page asks for the second step. */
async function signInAgainUpToTheCode(page: Page, email: string) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/login\/code$/);
}

type When = Moment | 'without JavaScript';

/** Opens `path`, lets `fill` type and `tap` send: at `moment`, or with the page's own scripts off. */
async function sendAt(page: Page, when: When, path: string, fill: () => Promise<void>, tap: () => Promise<void>) {
  if (when === 'without JavaScript') {
    await page.goto(path);
    await fill();
    await tap();
  } else {
    await fillAndSend(page, path, when, fill, tap);
  }
}

/** A login of a company of its own accepts Léa's invitation to Logistique Alpine SA, then gives the access back. */
async function acceptAndGiveBack(page: Page, browser: Browser, when: When) {
  const provider = await freshLogin(page);
  const lea = await leaInAnotherBrowser(browser);
  const rightId = await enter(lea, { right_type: 'provider', email: provider.email });
  await lea.context().close();
  await signInActingFor(page, provider.email, provider.company);

  await sendAt(page, when, `/invitations/${rightId}`, async () => {}, () => page.getByRole('button', { name: 'Valider' }).click());
  await expect(page.getByTestId('invitation-state')).toHaveText(`Vous avez accepté cet accès. Vous pouvez maintenant travailler pour ${LOGISTICS}.`);
  await expect(page.getByTestId('invitation-status')).toHaveText('active');

  // The confirmation opens from its disclosure, before the page wakes up too.
  const access = page.locator(`[data-testid="access-row"][data-company="${LOGISTICS}"]`);
  await sendAt(
    page,
    when,
    '/account',
    async () => {
      await access.getByText('Résilier', { exact: true }).click();
      await expect(access.getByText(`Résilier votre accès prestataire à ${LOGISTICS} ? Vous ne pourrez plus sélectionner cette société.`)).toBeVisible();
    },
    () => access.getByRole('button', { name: 'Confirmer' }).click(),
  );
  await expect(access.getByTestId('access-status')).toContainText('résiliée');
  await expect(access.getByText('Résilier', { exact: true })).toHaveCount(0);
}

/** Léa invites a login of a company of its own, then ends that company's access to Logistique Alpine SA. */
async function offboard(page: Page, when: When) {
  const provider = await freshLogin(page);
  await signInActingFor(page, LEA, LOGISTICS);
  await enter(page, { right_type: 'provider', email: provider.email });
  await page.goto('/admin/rights');
  const path = (await page.getByRole('link', { name: `Mettre fin aux accès de ${provider.company}` }).getAttribute('href'))!;
  await sendAt(page, when, path, async () => {}, () => page.getByRole('button', { name: 'Mettre fin aux accès (1)' }).click());
  // Said in place when the island sent it; above the list it leads back to when the browser did.
  await expect(page.getByRole('status').filter({ hasText: 'ont pris fin' })).toHaveText(
    `Les accès de ${provider.company} ont pris fin (1). Chaque prestataire en a été informé.`,
  );
  await page.goto('/admin/rights');
  await expect(page.getByRole('heading', { level: 1, name: "Droits d'utilisateur et autorisations" })).toBeVisible();
  await expect(page.getByRole('link', { name: `Mettre fin aux accès de ${provider.company}` })).toHaveCount(0);
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'the same pages as on a desktop, once');
  });

  test('a person signs in, is refused with the reason, and enters a user', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Adresse e-mail').fill(`personne.${Date.now()}@nulle-part.example`);
    await page.getByLabel('Mot de passe', { exact: true }).fill('pas-le-bon-mot');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Adresse e-mail ou mot de passe incorrect.' })).toBeVisible();

    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByLabel('Adresse e-mail').fill('admin@musterhans.example');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Bienvenue, Anna Muster' })).toBeVisible();

    // A refusal of a form the server answers comes back with its sentence.
    await page.goto('/admin/rights/new');
    await page.getByRole('radio', { name: 'Collaborateur de votre société' }).check();
    await page.getByLabel('E-mail', { exact: true }).fill('pas-une-adresse');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByTestId('entry-error')).not.toBeEmpty();
    await expect(page.getByRole('heading', { level: 1, name: 'Saisir un utilisateur' })).toBeVisible();
  });

  test('two-step login is turned on with the QR code and a code, shows the recovery codes once, and asks for a code at sign-in', async ({ page }) => {
    const login = await signInFresh(page);
    await page.goto('/account');
    const twoStep = page.getByRole('region', { name: 'Processus de connexion en deux étapes' });
    await twoStep.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await twoStep.getByRole('button', { name: 'Activer la connexion en deux étapes' }).click();

    await expect(twoStep.getByRole('img', { name: /QR/ })).toBeVisible();
    await expect(twoStep.getByText('Clé pour la saisie manuelle :')).toBeVisible();
    const secret = (await twoStep.locator('code').first().textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await twoStep.getByLabel('Code de vérification').fill(totp(secret));
    await twoStep.getByRole('button', { name: 'Confirmer' }).click();
    const enrolledAt = Date.now();

    await expect(twoStep.getByRole('heading', { name: 'Codes de récupération' })).toBeVisible();
    await expect(twoStep.getByRole('listitem')).toHaveCount(10);
    await expect(twoStep.getByText('Activé', { exact: true })).toBeVisible();
    await page.reload();
    await expect(twoStep.getByRole('button', { name: 'Désactiver la connexion en deux étapes' })).toBeVisible();
    await expect(twoStep.getByRole('heading', { name: 'Codes de récupération' })).toHaveCount(0);

    // A wrong code is refused with the reason; the app's code signs in.
    await signInAgainUpToTheCode(page, login.email);
    const code = nextCode(secret, enrolledAt);
    await page.getByLabel('Code de vérification').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.getByText('Le code de vérification est incorrect.')).toBeVisible();
    await page.getByLabel('Code de vérification').fill(code);
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId('acting-company')).toHaveText(login.company);

    await page.goto('/account');
    await twoStep.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await twoStep.getByRole('button', { name: 'Désactiver la connexion en deux étapes' }).click();
    await expect(twoStep.getByText('Désactivé', { exact: true })).toBeVisible();
    await expect(twoStep.getByRole('button', { name: 'Activer la connexion en deux étapes' })).toBeVisible();
  });

  test('a provider accepts an invitation and gives the access back', async ({ page, browser }) => {
    await acceptAndGiveBack(page, browser, 'without JavaScript');
  });

  test("an administrator ends a provider company's access", async ({ page }) => {
    await offboard(page, 'without JavaScript');
  });

  test('a person creates a login and asks for a new password', async ({ page }) => {
    await page.goto('/register');
    await page.getByLabel('Adresse e-mail').fill(`nina.sans-script.${Date.now()}@neu.example`);
    await page.getByLabel('Prénom').fill('Nina');
    await page.getByLabel('Nom', { exact: true }).fill('Neuhaus');
    await page.getByLabel('Mot de passe', { exact: true }).fill('Nouveau-2026!mot');
    await page.getByLabel('Confirmer le mot de passe').fill('Nouveau-2026!mot');
    await page.getByRole('button', { name: 'Créer le login' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre boîte de réception' })).toBeVisible();

    await page.goto('/password/forgot');
    await page.getByLabel('Adresse e-mail').fill(`oubli.sans-script.${Date.now()}@nulle-part.example`);
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Consultez votre boîte de réception' })).toBeVisible();
  });

  test('a login is refused a password change, asks for a new e-mail address, asks for access and withdraws it', async ({ page }) => {
    const login = await signInFresh(page);
    await page.goto('/account');
    const password = page.locator('form').filter({ has: page.locator('#current') });
    await password.getByLabel('Mot de passe actuel').fill('pas-le-bon-mot-de-passe');
    await password.getByLabel('Nouveau mot de passe', { exact: true }).fill('Nouveau-2026!mot');
    await password.getByLabel('Confirmer le nouveau mot de passe').fill('Nouveau-2026!mot');
    await password.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Le mot de passe actuel est incorrect.' })).toBeVisible();

    await page.getByLabel('Nouvelle adresse e-mail').fill(`lea.sans-script.${Date.now()}@nouvelle-adresse.example`);
    await page.locator('#email_password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Envoyer le lien de confirmation' }).click();
    await expect(page.getByTestId('done-note')).toHaveText(/^Nous avons envoyé un lien de confirmation à la nouvelle adresse\./);
    await expect(page.getByTestId('account-email')).toHaveText(login.email);

    const number = LOGISTICS_NUMBER;
    await page.getByLabel('Numéro de client de la société').fill(number);
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await expect(page.getByTestId('done-note')).toHaveText(/^Votre demande est enregistrée/);
    const row = page.getByTestId('access-row').filter({ hasText: `N° client ${number}` });
    await expect(row).toContainText('Demande envoyée');
    await row.getByRole('button', { name: 'Retirer la demande' }).click();
    await expect(page.getByTestId('done-note')).toHaveText('Votre réponse est enregistrée.');
    await expect(row.getByTestId('access-status')).toContainText('révoquée');
  });

  test("an administrator changes a right, extends, suspends and resumes it, and an employee orders", async ({ page }) => {
    await signInActingFor(page, LEA, LOGISTICS);
    const rightId = await enterTechnicalUser(page, `Sans script ${Date.now()}`);
    await page.goto(`/admin/rights/${rightId}`);
    const now = new Date();
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 15));
    await page.getByLabel('Remarque (facultatif)').fill('Sans script');
    await page.getByLabel('Date de fin (facultatif)').fill(end.toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page.getByLabel('Remarque (facultatif)')).toHaveValue('Sans script');
    await expect(page.getByTestId('extend-ends')).toContainText(`15.${String(end.getUTCMonth() + 1).padStart(2, '0')}.${end.getUTCFullYear()}`);
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 5, 15));
    await page.getByRole('button', { name: '+ 3 mois' }).click();
    await expect(page.getByTestId('extend-ends')).toContainText(`15.${String(later.getUTCMonth() + 1).padStart(2, '0')}.${later.getUTCFullYear()}`);
    await page.getByRole('button', { name: "Suspendre l'accès" }).click();
    await expect(page.getByTestId('manage-status')).toHaveText('suspendue');
    await page.getByRole('button', { name: "Reprendre l'accès" }).click();
    await expect(page.getByTestId('manage-status')).toHaveText('active');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(page, 'admin@musterhans.example');
    await expect(page).toHaveURL(/\/portal$/);
    await page.goto('/services/orders');
    const form = page.getByTestId('order-form');
    await form.getByLabel('Débiteur', { exact: true }).selectOption({ index: 1 });
    await form.getByLabel("Quantité – Carton d'expédition S (lot de 25)").fill('3');
    await form.getByRole('button', { name: 'Passer la commande' }).click();
    await expect(page.getByText(/Votre commande n° \d+ a été passée/)).toBeVisible();
  });

  test('an administrator makes and deletes a template, grants services and revokes a right', async ({ page }) => {
    await signInActingFor(page, LEA, LOGISTICS);
    const name = `Sans script ${Date.now()}`;
    await page.goto('/admin/rights/templates');
    await page.getByLabel('Nom du modèle').fill(name);
    await grantFirstServiceForOneDebtor(page);
    await page.getByRole('button', { name: 'Enregistrer le modèle' }).click();
    await expect(page.getByTestId('templates-done')).toHaveText(`Le modèle « ${name} » est enregistré.`);
    await page.getByRole('button', { name: `Supprimer le modèle « ${name} »` }).click();
    await expect(page.getByTestId('templates-done')).toHaveText(/^Le modèle est supprimé\./);
    await expect(page.getByTestId('template').filter({ hasText: name })).toHaveCount(0);

    const rightId = await enterTechnicalUser(page, `Sans script ${Date.now()}`);
    await page.goto(`/admin/rights/${rightId}/services`);
    // A service that is off shows no debtor choice, and one turned on does, without a script.
    const service = page.locator('[data-grant]').first();
    await expect(service.getByTestId('chosen-debtors')).toBeHidden();
    await grantFirstServiceForOneDebtor(page);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page.getByTestId('grants-saved')).toHaveText('Les autorisations de service sont enregistrées.');
    await expect(service.getByTestId('debtor-list').getByRole('checkbox').first()).toBeChecked();

    await page.goto(`/admin/rights/${rightId}`);
    await page.getByTestId('end-right').getByText('Révoquer le droit').click();
    await expect(page.getByText('Révoquer ce droit maintenant ?')).toBeVisible();
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await expect(page.getByTestId('manage-status')).toHaveText('révoquée');
  });
});
