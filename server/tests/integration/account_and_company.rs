//! The account page's password change and the acting company, over real HTTP, on SQLite and
//! on Postgres.

use crate::auth_support;

use auth_support::{Options, TestApp, ADMIN, PASSWORD, PROVIDER};
use portal_core::domain::{Party, Transition};
use portal_core::store::Actor;

const NEW_PASSWORD: &str = "Nouveau-2026!portal";

async fn change(app: &TestApp, cookie: &str, current: &str, new: &str, confirm: &str) -> auth_support::Answer {
    app.post("/api/change_password", &[("current", current), ("new", new), ("confirm", confirm)], Some(cookie)).await
}

on_both_backends!(the_password_changes_only_with_the_current_one, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;

    let wrong = change(&app, &cookie, "not-the-password", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(wrong.status, 400, "a refusal, not a server failure: {wrong:?}");
    assert!(wrong.body.contains("password.wrong_current"), "{wrong:?}");
    let differ = change(&app, &cookie, PASSWORD, NEW_PASSWORD, "Autre-2026!portal").await;
    assert_eq!(differ.status, 400, "{differ:?}");
    assert!(differ.body.contains("password_change.passwords_differ"), "{differ:?}");
    let short = change(&app, &cookie, PASSWORD, "court", "court").await;
    assert_eq!(short.status, 400, "{short:?}");
    assert!(short.body.contains("password_change.password_policy"), "{short:?}");
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 200, "refusals changed nothing");

    let done = change(&app, &cookie, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_ne!(app.sign_in(ADMIN, PASSWORD).await.status, 200, "the old password no longer works");
    assert_eq!(app.sign_in(ADMIN, NEW_PASSWORD).await.status, 200);
    assert!(app.audit_actions(app.demo.admin.id).await.contains(&"password.change".to_string()));
});

on_both_backends!(a_password_changed_without_javascript_is_said_once_above_the_next_page, Options::default(), |app: TestApp| async move {
    const SAID: &str = "Votre mot de passe a été modifié.";
    let cookie = app.signed_in_cookie(ADMIN).await;
    let form = [("current", PASSWORD), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)];
    let posted = app.post_as_a_page("/api/change_password", &form, Some(&cookie)).await;
    assert!(matches!(posted.status, 302 | 303) && posted.location().is_some(), "the browser goes back to a page: {posted:?}");
    let cookie = posted.session_cookie().unwrap_or(cookie);

    let page = app.open("/account", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("data-testid=\"done-note\"") && page.body.contains(SAID), "{}", page.body);
    let again = app.open("/account", Some(&cookie)).await;
    assert!(!again.body.contains(SAID), "said once: {}", again.body);

    // A script's call shows the sentence beside the form: no page says it afterwards.
    let by_script = change(&app, &cookie, NEW_PASSWORD, PASSWORD, PASSWORD).await;
    assert_eq!(by_script.status, 200, "{by_script:?}");
    assert!(!app.open("/account", Some(&cookie)).await.body.contains("done-note"));
});

on_both_backends!(changing_the_password_signs_out_the_other_sessions_of_the_login_only, Options::default(), |app: TestApp| async move {
    let here = app.signed_in_cookie(ADMIN).await;
    let elsewhere = app.signed_in_cookie(ADMIN).await;
    let someone_else = app.signed_in_cookie(PROVIDER).await;

    let done = change(&app, &here, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(app.who_is_signed_in(&here).await.as_deref(), Some(ADMIN), "the browser that changed it stays signed in");
    assert_eq!(app.who_is_signed_in(&elsewhere).await, None, "the other session of the login ended");
    assert_eq!(app.who_is_signed_in(&someone_else).await.as_deref(), Some(PROVIDER), "other logins keep their sessions");
});

on_both_backends!(changing_the_password_needs_a_signed_in_login, Options::default(), |app: TestApp| async move {
    let answer = app.post("/api/change_password", &[("current", PASSWORD), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)], None).await;
    assert!(answer.status >= 400, "{answer:?}");
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 200, "nothing changed");
});

on_both_backends!(a_provider_may_select_only_companies_it_has_an_active_right_on, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let choices = app.post("/api/list_company_choices", &[], Some(&cookie)).await;
    assert!(choices.body.contains("Transports Rapides SA"), "{choices:?}");
    assert!(choices.body.contains("Fiduciaire Exemple"), "{choices:?}");

    let foreign = app.post("/api/select_company", &[("company_id", &app.demo.principal.id.to_string())], Some(&cookie)).await;
    assert_eq!(foreign.status, 403, "no right on Musterhans SA: {foreign:?}");

    let third = app.demo.third_company.id.to_string();
    let chosen = app.post("/api/select_company", &[("company_id", &third)], Some(&cookie)).await;
    assert!(chosen.status < 400, "{chosen:?}");
    let before = cookie;
    let cookie = chosen.session_cookie().expect("choosing a company gives the session a new id");
    assert_ne!(cookie, before);
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(PROVIDER));
    assert_eq!(app.who_is_signed_in(&before).await, None, "the id from before the choice opens nothing");
    let context = app.post("/api/load_portal_context", &[], Some(&cookie)).await;
    assert!(context.body.contains("Transports Rapides SA"), "{context:?}");
});

on_both_backends!(a_login_of_no_company_is_told_what_it_can_do_and_asks_for_access_from_its_account, Options::default(), |app: TestApp| async move {
    let luca = auth_support::people::new_login_of_no_company(&app, "luca.libre@freelance.example").await;
    let cookie = app.signed_in_cookie("luca.libre@freelance.example").await;
    let destination = app.post("/api/signed_in_destination", &[], Some(&cookie)).await;
    assert!(destination.body.contains("/select-company"), "the page that says what it can do: {destination:?}");
    // Signing in from the invitation it was sent, it goes back to the invitation.
    let invited = auth_support::people::invitation(&app, app.demo.third_company.id, app.demo.third_admin.id, luca, None).await;
    let back = format!("/invitations/{}", invited.id);
    let destination = app.post("/api/signed_in_destination", &[("retour", back.as_str())], Some(&cookie)).await;
    assert!(destination.body.contains(&back), "the way back: {destination:?}");
    let answered = app
        .post("/api/answer_right", &[("right_id", &invited.id.to_string()), ("version", &invited.version.to_string()), ("answer", "refuse")], Some(&cookie))
        .await;
    assert_eq!(answered.status, 200, "{answered:?}");

    let choice = app.open("/select-company", Some(&cookie)).await;
    assert_eq!(choice.status, 200, "{choice:?}");
    says(
        &choice,
        &[
            "Aucune société n'est accessible avec votre login pour le moment.",
            "Ce que vous pouvez faire :",
            "Demander un accès prestataire",
            "l'exploitant du portail l'enregistre sur demande",
            "Se déconnecter",
        ],
    );
    assert!(choice.body.contains(r#"href="/account#requests-section""#));
    assert!(!choice.body.contains("Veuillez sélectionner l'entreprise"), "no invitation to choose among no companies: {}", choice.body);

    // The account page stands without a company: there it asks for access.
    let account = app.open("/account", Some(&cookie)).await;
    assert_eq!(account.status, 200, "not a dead end: {account:?}");
    says(&account, &["Gérer le compte utilisateur", "Demander un accès en qualité de prestataire", "Luca Libre", "Se déconnecter"]);
    assert!(account.body.contains(r#"data-testid="no-company""#));
    let asked = app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "Mandat de saisie")], Some(&cookie)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    let account = app.open("/account", Some(&cookie)).await;
    assert!(account.body.contains("Musterhans SA") || account.body.contains("10000001"), "the request is listed: {}", account.body);

    // The pages of a company send it to the company choice, which says what it can do, not
    // that an access ended.
    let portal = app.open("/portal", Some(&cookie)).await;
    assert_eq!(portal.location(), Some("/select-company?motif=droit"), "{portal:?}");
    let choice = app.open("/select-company?motif=droit", Some(&cookie)).await;
    assert!(choice.body.contains("Ce que vous pouvez faire :"), "{}", choice.body);
    assert!(!choice.body.contains("n'est plus actif"), "{}", choice.body);
});

on_both_backends!(a_revoked_right_drops_the_acting_company_on_the_next_request, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let third = app.demo.third_company.id;
    let chosen = app.post("/api/select_company", &[("company_id", &third.to_string())], Some(&cookie)).await;
    assert!(chosen.status < 400, "{chosen:?}");
    let cookie = chosen.session_cookie().unwrap();

    let right = app.store.right_for(third, app.demo.provider.id).await.unwrap().unwrap();
    app.store.transition_right(right.id, right.version, Transition::Revoke, Party::Principal, &Actor::user(app.demo.third_admin.id, third)).await.unwrap();

    let context = app.post("/api/load_portal_context", &[], Some(&cookie)).await;
    assert_eq!(context.status, 409, "{context:?}");
    assert!(context.body.contains("acting_company.none"), "{context:?}");
    let choices = app.post("/api/list_company_choices", &[], Some(&cookie)).await;
    assert!(!choices.body.contains("Transports Rapides SA"), "gone from the selector: {choices:?}");
});

on_both_backends!(a_login_of_no_company_joins_a_company_only_by_accepting_and_can_leave_it, Options::default(), |app: TestApp| async move {
    use portal_core::domain::{MessageKind, RightStatus};
    let email = "luca.libre@freelance.example";
    let luca = auth_support::people::new_login_of_no_company(&app, email).await;
    let musterhans = app.demo.principal.id;
    let admin = app.signed_in_cookie(ADMIN).await;
    let entered = auth_support::people::enter_employee(&app, &admin, email, true).await;
    assert_eq!(entered.status, 200, "{entered:?}");
    let confirmation = auth_support::json_of(&entered);
    assert_eq!((confirmation["invited_to_join"].as_bool(), confirmation["login_created"].as_bool()), (Some(true), Some(false)), "{confirmation}");
    assert_eq!(app.store.user(luca).await.unwrap().home_company_id, None, "not annexed: the login is its owner's until it accepts");
    let right = app.store.right_for(musterhans, luca).await.unwrap().expect("an invitation");
    assert_eq!(right.status, RightStatus::Pending);
    let link = format!("/invitations/{}", right.id);
    let outbox = app.store.outbox(false).await.unwrap();
    let mail = outbox.iter().find(|m| m.to_address == email).expect("the login is told by e-mail");
    assert!(mail.body.contains(&link) && mail.body.contains("vous invite à rejoindre cette société"), "{}", mail.body);

    // Its own sign-ins stay out of the company's audit log while it has not joined.
    let cookie = app.signed_in_cookie(email).await;
    let own = format!("user:{luca}");
    let logged = |items: &[portal_core::store::AuditRecord]| items.iter().any(|r| r.target == own && r.action.as_str() == "login");
    assert!(!logged(&app.store.audit_for_company(musterhans, 100, 0).await.unwrap().items));

    let page = app.open(&link, Some(&cookie)).await;
    assert_eq!(page.status, 200, "{page:?}");
    says(
        &page,
        &[
            "Invitation à rejoindre une société",
            "vous invite à rejoindre Musterhans SA en tant qu'employé et administrateur.",
            "Si vous acceptez, Musterhans SA devient votre société",
            "Valider",
            ">Gérer le compte utilisateur</a>",
        ],
    );
    assert!(!page.body.contains("Tous vos accès en tant que prestataire"), "not a provider's access: {}", page.body);
    let account = app.open("/account", Some(&cookie)).await;
    assert!(
        account.body.contains("Musterhans SA vous invite à la rejoindre en tant qu&#x27;employé.")
            || account.body.contains("Musterhans SA vous invite à la rejoindre en tant qu'employé."),
        "{}",
        account.body
    );
    assert!(account.body.contains(&format!(r#"href="{link}""#)), "{}", account.body);
    let badge = account.body.split(r#"data-testid="unread-count""#).nth(1).and_then(|rest| rest.split('<').next());
    assert!(badge.is_some_and(|badge| badge.ends_with(">1")), "its unread message counted: {}", account.body);

    // Its messages are its own: read without a company to act for.
    let messages = app.open("/messages", Some(&cookie)).await;
    assert_eq!(messages.status, 200, "not sent to the company choice: {messages:?}");
    says(&messages, &["<h1 class=\"text-2xl font-semibold\">Messages</h1>", "Invitation à rejoindre une société", "Se déconnecter"]);
    assert!(messages.body.contains(r#"data-testid="no-company""#), "{}", messages.body);
    let message = app.store.messages_for(luca).await.unwrap()[0].id;
    let opened = app.open(&format!("/messages/{message}"), Some(&cookie)).await;
    assert_eq!(opened.status, 200, "{opened:?}");
    says(&opened, &["Invitation à rejoindre une société", &format!(r#"href="{link}""#)]);

    let accepted = answer(&app, &cookie, &right, "accept").await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    assert_eq!(app.store.user(luca).await.unwrap().home_company_id, Some(musterhans), "accepting is joining");
    assert!(told_anna(&app, MessageKind::EmployeeJoined).await, "the administrators are told");
    let account = app.open("/account", Some(&cookie)).await;
    says(&account, &["Vous faites partie de Musterhans SA", "Quitter Musterhans SA", "Oui, quitter la société"]);

    // Anna is still an administrator of Musterhans: Luca, an administrator too, may leave.
    let right = app.store.right_for(musterhans, luca).await.unwrap().unwrap();
    let left = answer(&app, &cookie, &right, "resign").await;
    assert_eq!(left.status, 200, "{left:?}");
    assert_eq!(app.store.user(luca).await.unwrap().home_company_id, None, "leaving gives the login back to its owner");
    assert!(told_anna(&app, MessageKind::EmployeeLeft).await, "the administrators are told");
    assert_eq!(app.store.right_for(musterhans, luca).await.unwrap().unwrap().status, RightStatus::Resigned);
});

on_both_backends!(a_company_that_cancels_an_invitation_to_join_or_ends_a_membership_tells_the_login, Options::default(), |app: TestApp| async move {
    use portal_core::domain::{MessageKind, RightStatus};
    let musterhans = app.demo.principal.id;
    let admin = app.signed_in_cookie(ADMIN).await;
    let mut invited = Vec::new();
    for email in ["luca.libre@freelance.example", "lena.libre@freelance.example"] {
        let id = auth_support::people::new_login_of_no_company(&app, email).await;
        assert_eq!(auth_support::people::enter_employee(&app, &admin, email, false).await.status, 200);
        invited.push((id, app.store.right_for(musterhans, id).await.unwrap().unwrap()));
    }
    // Cancelled before it answered: told, still of no company.
    let (lena, invitation) = &invited[1];
    assert_eq!(end(&app, &admin, invitation, "cancel").await.status, 200);
    assert!(told(&app, *lena, MessageKind::EmployeeInvitationCancelled).await);
    assert_eq!(app.store.user(*lena).await.unwrap().home_company_id, None);

    // Joined, then removed by the company: told, and its login is its own again.
    let (luca, invitation) = &invited[0];
    let luca_cookie = app.signed_in_cookie("luca.libre@freelance.example").await;
    assert_eq!(answer(&app, &luca_cookie, invitation, "accept").await.status, 200);
    assert_eq!(app.store.user(*luca).await.unwrap().home_company_id, Some(musterhans));
    let joined = app.store.right_for(musterhans, *luca).await.unwrap().unwrap();
    let revoked = end(&app, &admin, &joined, "revoke").await;
    assert_eq!(revoked.status, 200, "{revoked:?}");
    assert!(told(&app, *luca, MessageKind::EmployeeRemoved).await);
    assert_eq!(app.store.user(*luca).await.unwrap().home_company_id, None, "the consent was to this right only");
    assert_eq!(app.store.right_for(musterhans, *luca).await.unwrap().unwrap().status, RightStatus::Revoked);
});

async fn answer(app: &TestApp, cookie: &str, right: &portal_core::store::UserRight, what: &str) -> auth_support::Answer {
    app.post("/api/answer_right", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("answer", what)], Some(cookie)).await
}

async fn told_anna(app: &TestApp, kind: portal_core::domain::MessageKind) -> bool {
    told(app, app.demo.admin.id, kind).await
}

async fn told(app: &TestApp, user_id: i64, kind: portal_core::domain::MessageKind) -> bool {
    app.store.messages_for(user_id).await.unwrap().iter().any(|m| m.kind == kind)
}

async fn end(app: &TestApp, admin: &str, right: &portal_core::store::UserRight, how: &str) -> auth_support::Answer {
    app.post("/api/end_right", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("how", how)], Some(admin)).await
}

/// The page says each of `sentences`.
fn says(page: &auth_support::Answer, sentences: &[&str]) {
    for sentence in sentences {
        assert!(page.body.contains(sentence), "{sentence:?} in {}", page.body);
    }
}
