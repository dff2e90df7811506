//! What a review of sign-in, self-service and two-step login found, each as the behaviour that
//! closes it: e-mail links that never follow a forged `Host`, credentials that change only
//! with the current password, limits counted before the work they protect, and answers that
//! never tell whether an address has a login. On SQLite and on Postgres.

use crate::auth_support;

use std::time::{Duration, Instant};

use auth_support::{Answer, Options, TestApp, ADMIN, PASSWORD, PROVIDER};
use portal_core::domain::MessageKind;
use portal_core::store::OutboxEmail;

const NEW_PASSWORD: &str = "Nouveau-2026!mot";
/// Chosen by somebody who registers an address they do not read, and by its owner.
const ATTACKER_PASSWORD: &str = "Angreifer-2026!pw";
const OWN_PASSWORD: &str = "Eigenes-2026!passwort";

/// The newest e-mail to `to` with a link to `path`.
async fn link_mail(app: &TestApp, to: &str, path: &str) -> OutboxEmail {
    app.newest_mail(to, |m| m.body.contains(path)).await
}

/// The token of the link to `path` in `mail`.
fn token_in(mail: &OutboxEmail, path: &str) -> String {
    mail.body.split(path).nth(1).unwrap().split_whitespace().next().unwrap().to_string()
}

async fn post_with(app: &TestApp, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)], cookie: Option<&str>) -> Answer {
    let mut request = app.client.post(format!("{}{path}", app.base)).form(form);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(c) = cookie {
        request = request.header("cookie", format!("portal_session={c}"));
    }
    auth_support::read(request.send().await.expect("the server answers")).await
}

async fn register(app: &TestApp, email: &str, password: &str) -> Answer {
    let form = [("email", email), ("first_name", "Nina"), ("last_name", "Neuhaus"), ("password", password), ("confirm", password), ("language", "fr")];
    app.post("/api/register", &form, None).await
}

// ------------------------------------------------------------------ account takeover

on_both_backends!(a_forged_host_neither_passes_the_origin_check_nor_reaches_an_e_mail_link, Options::default(), |app: TestApp| async move {
    let forged =
        post_with(&app, "/api/request_password_reset", &[("email", PROVIDER)], &[("host", "evil.example"), ("origin", "http://evil.example")], None).await;
    assert_eq!(forged.status, 403, "a Host and an Origin that agree with each other are not the portal's: {forged:?}");

    let sent = post_with(&app, "/api/request_password_reset", &[("email", PROVIDER)], &[("host", "evil.example"), ("origin", &app.base)], None).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let mail = link_mail(&app, PROVIDER, "/password/reset?token=").await;
    assert!(mail.body.contains(&format!("{}/password/reset?token=", app.base)), "the link names the portal's own address: {}", mail.body);
    assert!(!mail.body.contains("evil.example"), "{}", mail.body);
});

on_both_backends!(two_step_login_is_turned_on_only_with_the_current_password_and_never_swapped, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let without = app.post("/api/start_two_step", &[], Some(&cookie)).await;
    assert_eq!(without.status, 400, "the password is a required argument: {without:?}");
    let wrong = app.post("/api/start_two_step", &[("password", "not-the-password")], Some(&cookie)).await;
    assert_eq!(wrong.status, 400, "{wrong:?}");
    assert!(wrong.body.contains("password.wrong_current"), "{wrong:?}");
    assert!(!wrong.body.contains("otpauth"), "no secret without the password");

    let started = app.post("/api/start_two_step", &[("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(started.status, 200, "{started:?}");
    let secret = auth_support::json_of(&started)["secret"].as_str().unwrap().to_string();
    let sessions = app.session_table().await;
    assert!(!sessions.is_empty() && sessions.iter().all(|(_, data)| !data.contains(&secret)), "the secret being enrolled is sealed in the session");
    let code = app::two_step::service::code_at(&secret, portal_core::store::real_time().timestamp() as u64).unwrap();
    let confirmed = app.post("/api/confirm_two_step", &[("code", &code)], Some(&cookie)).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_ne!(confirmed.session_cookie(), None, "turning two-step login on gives the session a new id");
    let before = cookie;
    let cookie = confirmed.session_cookie().unwrap();
    assert_ne!(cookie, before);
    assert_eq!(app.who_is_signed_in(&before).await, None, "the id from before two-step login opens nothing");
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(PROVIDER));

    let again = app.post("/api/start_two_step", &[("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(again.status, 409, "an authenticator is replaced only by turning it off first: {again:?}");
    assert!(again.body.contains("two_step.already_on"), "{again:?}");
    let actions = app.audit_actions(app.demo.provider.id).await;
    assert!(actions.contains(&"two_step.enrol_start".to_string()) && actions.contains(&"two_step.enable".to_string()), "{actions:?}");
});

// ------------------------------------------------------------------ abuse and enumeration

on_both_backends!(concurrent_wrong_passwords_never_pass_the_limit, Options::default(), |app: TestApp| async move {
    let guesses = (0..20).map(|i| {
        let app = app.clone();
        tokio::spawn(async move { app.sign_in(PROVIDER, &format!("wrong-guess-{i:02}")).await.status })
    });
    let mut statuses = Vec::new();
    for guess in guesses.collect::<Vec<_>>() {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 15), "5 attempts are checked, the other 15 refused: {statuses:?}");
    let failures = app.audit_actions(app.demo.provider.id).await.iter().filter(|a| *a == "login.failed").count();
    assert_eq!(failures, 5);
});

on_both_backends!(a_wrong_current_password_is_throttled_when_changing_the_password, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let change = |current: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move { app.post("/api/change_password", &[("current", current), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)], Some(&cookie)).await }
    };
    for _ in 0..5 {
        let wrong = change("not-the-password").await;
        assert_eq!(wrong.status, 400, "{wrong:?}");
        assert!(wrong.body.contains("password.wrong_current"));
    }
    let blocked = change(PASSWORD).await;
    assert_eq!(blocked.status, 429, "even the right password waits once the limit is reached: {blocked:?}");
    assert!(blocked.body.contains("sign_in.throttled"));
    assert_eq!(app.sign_in(PROVIDER, PASSWORD).await.status, 200, "the password did not change");
});

on_both_backends!(registrations_from_one_address_are_limited_and_the_portal_keeps_answering, Options::default(), |app: TestApp| async move {
    let flood: Vec<_> = (0..100)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move { register(&app, &format!("flood{i}@flood.example"), NEW_PASSWORD).await.status })
        })
        .collect();
    let started = Instant::now();
    let signed_in = app.sign_in(ADMIN, PASSWORD).await;
    let sign_in_took = started.elapsed();
    assert_eq!(signed_in.status, 200, "another login signs in during the flood: {signed_in:?}");
    let mut statuses = Vec::new();
    for request in flood {
        statuses.push(request.await.unwrap());
    }
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((accepted, refused), (10, 90), "{statuses:?}");
    // A bound far above one sign-in's own time, far below 100 hashes in a row.
    assert!(sign_in_took < Duration::from_secs(20), "sign-in took {sign_in_took:?} during the flood");
    println!("sign-in during 100 registrations: {} ms", sign_in_took.as_millis());
    let last = register(&app, "late@flood.example", NEW_PASSWORD).await;
    assert!(last.body.contains("requests.too_many"), "{last:?}");
});

on_both_backends!(reset_links_and_email_changes_are_limited, Options::default(), |app: TestApp| async move {
    for i in 0..10 {
        let asked = app.post("/api/request_password_reset", &[("email", &format!("nobody{i}@nowhere.example"))], None).await;
        assert_eq!(asked.status, 200, "{asked:?}");
    }
    let refused = app.post("/api/request_password_reset", &[("email", PROVIDER)], None).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(refused.body.contains("requests.too_many"));

    let cookie = app.signed_in_cookie(ADMIN).await;
    for i in 0..10 {
        let asked = app.post("/api/request_email_change", &[("new_email", &format!("neu{i}@neu.example")), ("password", PASSWORD)], Some(&cookie)).await;
        assert_eq!(asked.status, 200, "{asked:?}");
    }
    let refused = app.post("/api/request_email_change", &[("new_email", "neu-x@neu.example"), ("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(refused.body.contains("requests.too_many"));
});

// ------------------------------------------------------------------ sessions and pages

on_both_backends!(another_site_can_show_a_message_but_not_mark_it_read, Options::default(), |app: TestApp| async move {
    let new = portal_core::store::NewMessage {
        recipient_user_id: app.demo.provider.id,
        company_id: Some(app.demo.principal.id),
        kind: MessageKind::ProviderInvitation,
        params: serde_json::json!({ "admin": "Anna Muster", "company": "Musterhans SA" }),
    };
    let message = app.store.create_message(&new).await.unwrap();
    let paul = app.signed_in_cookie(PROVIDER).await;
    let home = app.demo.provider_company.id.to_string();
    let paul = app.post("/api/select_company", &[("company_id", &home)], Some(&paul)).await.session_cookie().expect("a new session id");
    let open = |site: &'static str| {
        let app = app.clone();
        let paul = paul.clone();
        async move {
            let request = app
                .client
                .get(format!("{}/messages/{}", app.base, message.id))
                .header("cookie", format!("portal_session={paul}"))
                .header("sec-fetch-site", site);
            auth_support::read(request.send().await.unwrap()).await
        }
    };
    let from_elsewhere = open("cross-site").await;
    assert_eq!(from_elsewhere.status, 200, "{from_elsewhere:?}");
    assert!(from_elsewhere.body.contains("Musterhans SA"), "the message is shown");
    assert_eq!(app.store.message(app.demo.provider.id, message.id).await.unwrap().read_at, None, "a link on another site marks nothing read");

    let from_the_mail = open("none").await;
    assert_eq!(from_the_mail.status, 200, "{from_the_mail:?}");
    assert!(app.store.message(app.demo.provider.id, message.id).await.unwrap().read_at.is_some(), "opened from an e-mail or a bookmark, it is read");
});

on_both_backends!(nobody_who_does_not_read_the_mailbox_can_sign_in_as_its_owner, Options::default(), |app: TestApp| async move {
    const VICTIM: &str = "vera@opfer.example";
    // Somebody registers an address they do not read; its owner registers later.
    assert_eq!(register(&app, VICTIM, ATTACKER_PASSWORD).await.status, 200);
    let attackers_link = link_mail(&app, VICTIM, "/register/confirm?token=").await;
    assert_eq!(register(&app, VICTIM, OWN_PASSWORD).await.status, 200);
    let owners_link = app.newest_mail(VICTIM, |m| m.body.contains("/register/confirm?token=") && m.id != attackers_link.id).await;
    let token_of = |mail: &OutboxEmail| token_in(mail, "/register/confirm?token=");

    // The first link died with the second registration, whoever opens it.
    let stale = app.post("/api/confirm_registration", &[("token", &token_of(&attackers_link)), ("password", ATTACKER_PASSWORD)], None).await;
    assert_eq!(stale.status, 400, "{stale:?}");
    // The owner's link confirms only with the password chosen with it.
    let with_attackers = app.post("/api/confirm_registration", &[("token", &token_of(&owners_link)), ("password", ATTACKER_PASSWORD)], None).await;
    assert_eq!(with_attackers.status, 400, "{with_attackers:?}");
    let confirmed = app.post("/api/confirm_registration", &[("token", &token_of(&owners_link)), ("password", OWN_PASSWORD)], None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");

    assert_eq!(app.sign_in(VICTIM, ATTACKER_PASSWORD).await.status, 401, "the pending password was replaced");
    assert_eq!(app.sign_in(VICTIM, OWN_PASSWORD).await.status, 200, "the owner signs in with their own");
});

on_both_backends!(
    an_unconfirmed_registration_entered_as_an_employee_is_replaced_and_the_owner_sets_the_password,
    Options::default(),
    |app: TestApp| async move {
        const VICTIM: &str = "nora@musterhans.example";
        // Somebody registers the address of a future employee, which they do not read.
        assert_eq!(register(&app, VICTIM, ATTACKER_PASSWORD).await.status, 200);
        let attackers_link = link_mail(&app, VICTIM, "/register/confirm?token=").await;

        let admin = app.signed_in_cookie(ADMIN).await;
        let form = [
            ("right_type", "employee"),
            ("email", VICTIM),
            ("first_name", "Nora"),
            ("last_name", "Neuhaus"),
            ("name", ""),
            ("remark", ""),
            ("assignment", "manual"),
        ];
        let entered = app.post("/api/enter_user", &form, Some(&admin)).await;
        assert_eq!(entered.status, 200, "{entered:?}");
        assert_eq!(auth_support::json_of(&entered)["login_created"], true, "the employee sets a password by link");

        let stale = app
            .post("/api/confirm_registration", &[("token", &token_in(&attackers_link, "/register/confirm?token=")), ("password", ATTACKER_PASSWORD)], None)
            .await;
        assert_eq!(stale.status, 400, "the registration's link died with it: {stale:?}");
        assert_eq!(app.sign_in(VICTIM, ATTACKER_PASSWORD).await.status, 401, "the registrant's password is gone");

        let link = link_mail(&app, VICTIM, "/password/reset?token=").await;
        let token = token_in(&link, "/password/reset?token=");
        let set = app.post("/api/reset_password", &[("token", &token), ("password", OWN_PASSWORD), ("confirm", OWN_PASSWORD)], None).await;
        assert_eq!(set.status, 200, "{set:?}");
        assert_eq!(app.sign_in(VICTIM, OWN_PASSWORD).await.status, 200, "the owner of the mailbox signs in");
        let nora = app.store.user_by_email(&portal_core::domain::EmailAddress::parse(VICTIM).unwrap()).await.unwrap().unwrap();
        assert_eq!((nora.first_name.as_str(), nora.home_company_id), ("Nora", Some(app.demo.principal.id)), "the administrator's entry, not the registrant's");
    }
);

on_both_backends!(access_requests_by_customer_number_are_limited_and_name_no_company, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    let asked = app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "")], Some(&paul)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    assert_eq!(asked.body, "\"10000001\"", "the number typed, not the company's name");
    // Numbers no company has are asked for like any: kept up to five open requests, then
    // refused as too many, and counted all the same.
    for number in 90000000..90000009 {
        let unknown = app.post("/api/request_access", &[("customer_number", &number.to_string()), ("message", "")], Some(&paul)).await;
        let expected = if number < 90000004 { 200 } else { 429 };
        assert_eq!(unknown.status, expected, "{unknown:?}");
        assert!(expected == 200 || unknown.body.contains("rights.too_many_requests"), "{unknown:?}");
    }
    let refused = app.post("/api/request_access", &[("customer_number", "30000003"), ("message", "")], Some(&paul)).await;
    assert_eq!(refused.status, 429, "the 11th request in 15 minutes waits: {refused:?}");
    assert!(refused.body.contains("requests.too_many"));
    assert!(!refused.body.contains("Transports Rapides"));
});

on_both_backends!(a_new_password_kills_unused_reset_links_and_a_new_address_ends_the_other_sessions, Options::default(), |app: TestApp| async move {
    app.post("/api/request_password_reset", &[("email", PROVIDER)], None).await;
    let token = token_in(&link_mail(&app, PROVIDER, "/password/reset?token=").await, "/password/reset?token=");
    let here = app.signed_in_cookie(PROVIDER).await;
    let elsewhere = app.signed_in_cookie(PROVIDER).await;
    // Asked for by whoever knew the old password: the new one must end it.
    let asked = app.post("/api/request_email_change", &[("new_email", "paul.ailleurs@fiduciaire.example"), ("password", PASSWORD)], Some(&elsewhere)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    let move_away = token_in(&link_mail(&app, "paul.ailleurs@fiduciaire.example", "/email/confirm?token=").await, "/email/confirm?token=");
    let changed = app.post("/api/change_password", &[("current", PASSWORD), ("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)], Some(&here)).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let dead = app.post("/api/check_password_link", &[("token", &token)], None).await;
    assert_eq!(dead.status, 400, "a reset link sent before the change would undo it: {dead:?}");
    assert_eq!(app.who_is_signed_in(&elsewhere).await, None);
    let not_moved = app.post("/api/confirm_email_change", &[("token", &move_away)], None).await;
    assert_eq!(not_moved.status, 400, "an address change asked for before the new password is void: {not_moved:?}");
    assert_eq!(app.who_is_signed_in(&here).await.as_deref(), Some(PROVIDER));

    // A reset link sent to the old address must not outlive the move to the new one.
    app.post("/api/request_password_reset", &[("email", PROVIDER)], None).await;
    let second = app.newest_mail(PROVIDER, |m| m.body.contains("/password/reset?token=") && token_in(m, "/password/reset?token=") != token).await;
    let old_mailbox = token_in(&second, "/password/reset?token=");
    assert_eq!(app.post("/api/check_password_link", &[("token", &old_mailbox)], None).await.status, 200);

    let other = app.post("/api/sign_in", &[("email", PROVIDER), ("password", NEW_PASSWORD)], None).await.session_cookie().unwrap();
    let asked = app.post("/api/request_email_change", &[("new_email", "paul.neu@fiduciaire.example"), ("password", NEW_PASSWORD)], Some(&here)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    let token = token_in(&link_mail(&app, "paul.neu@fiduciaire.example", "/email/confirm?token=").await, "/email/confirm?token=");
    let confirmed = app.post("/api/confirm_email_change", &[("token", &token)], Some(&here)).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(app.who_is_signed_in(&here).await.as_deref(), Some("paul.neu@fiduciaire.example"), "the session that confirmed goes on");
    assert_eq!(app.who_is_signed_in(&other).await, None, "a session signed in with the old address ends");
    let dead = app.post("/api/check_password_link", &[("token", &old_mailbox)], None).await;
    assert_eq!(dead.status, 400, "the old mailbox's reset link would take the login back: {dead:?}");
});
