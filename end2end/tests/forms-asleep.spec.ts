import { Page } from '@playwright/test';
import { DEMO_PASSWORD, expect, fillAndSend, holdWaking, MOMENTS, signIn, signInActingFor, test } from './support';

// Léa administers Logistique Alpine SA, whose templates and rights no other test before the
// late projects looks at: the forms below may add to them freely.
const LEA = 'lea.berger@logistique-alpine.example';
const LOGISTICS = 'Logistique Alpine SA';

/** A technical user of the acting company, entered through the server function; its right's id. */
async function enterTechnicalUser(page: Page, name: string): Promise<number> {
  const answer = await page.request.post('/api/enter_user', {
    form: { right_type: 'technical', email: '', first_name: '', last_name: '', name, remark: '', assignment: 'manual' },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(answer.status(), await answer.text()).toBe(200);
  return (await answer.json()).right_id;
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
  }

  test('sets how long invitations wait, sent at each moment', async ({ page }) => {
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
