//! Two-step login over real HTTP, on SQLite and on Postgres: enrolment, sign-in with a code
//! or a recovery code, and turning it off.

use crate::auth_support;

use app::two_step::service::code_at;
use auth_support::{Options, TestApp, ADMIN, PASSWORD};

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// A code that is wrong now (the one of ten minutes ago).
fn stale_code(secret: &str) -> String {
    let stale = code_at(secret, now() - 600).unwrap();
    if stale == code_at(secret, now()).unwrap() {
        "000000".into()
    } else {
        stale
    }
}

/// The code an authenticator shows next: the enrolment used the current step's code, and
/// each code works once; the next step's is accepted (one step of skew).
fn next_code(secret: &str) -> String {
    code_at(secret, now() + 30).unwrap()
}

/// Starts enrolment on `cookie`; answers the base32 secret.
async fn start(app: &TestApp, cookie: &str) -> String {
    let answer = app.post("/api/start_two_step", &[("password", PASSWORD)], Some(cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let value: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert!(value["qr_svg"].as_str().unwrap().starts_with("<svg"));
    assert!(value["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    value["secret"].as_str().unwrap().to_string()
}

/// Enrols the admin; answers (secret, recovery codes).
async fn enrol(app: &TestApp) -> (String, Vec<String>) {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let secret = start(app, &cookie).await;
    let code = code_at(&secret, now()).unwrap();
    let answer = app.post("/api/confirm_two_step", &[("code", &code)], Some(&cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let codes: Vec<String> = serde_json::from_str(&answer.body).unwrap();
    (secret, codes)
}

on_both_backends!(enabling_needs_a_valid_code_and_returns_ten_recovery_codes, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let secret = start(&app, &cookie).await;
    let credentials = app.store.credentials(app.demo.admin.id).await.unwrap();
    assert!(!credentials.totp_enabled && credentials.totp_secret.is_none(), "nothing stored before confirmation");

    let wrong = app.post("/api/confirm_two_step", &[("code", &stale_code(&secret))], Some(&cookie)).await;
    assert_eq!(wrong.status, 400, "a refusal, not a server failure: {wrong:?}");
    assert!(wrong.body.contains("two_step.code_invalid"), "{wrong:?}");
    assert!(!app.store.credentials(app.demo.admin.id).await.unwrap().totp_enabled);

    let code = code_at(&secret, now()).unwrap();
    let answer = app.post("/api/confirm_two_step", &[("code", &code)], Some(&cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let codes: Vec<String> = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(codes.len(), 10);
    let credentials = app.store.credentials(app.demo.admin.id).await.unwrap();
    assert!(credentials.totp_enabled);
    assert_eq!(credentials.totp_secret.unwrap().expose(), secret);
    assert_eq!(app.store.unused_recovery_codes(app.demo.admin.id).await.unwrap(), 10);
    assert!(app.audit_actions(app.demo.admin.id).await.contains(&"two_step.enable".to_string()));

    let anonymous = app.post("/api/start_two_step", &[("password", PASSWORD)], None).await;
    assert!(anonymous.body.contains("session.expired"), "{anonymous:?}");
});

on_both_backends!(sign_in_with_two_step_asks_for_the_code_and_grants_nothing_before, Options::default(), |app: TestApp| async move {
    let (secret, _) = enrol(&app).await;
    let answer = app.sign_in(ADMIN, PASSWORD).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, "\"/login/code\"");
    let pending = answer.session_cookie().expect("a pending session");
    assert_eq!(app.who_is_signed_in(&pending).await, None, "no access before the code");

    let wrong = app.post("/api/verify_sign_in_code", &[("code", &stale_code(&secret))], Some(&pending)).await;
    assert_eq!(wrong.status, 400, "a refusal, not a server failure: {wrong:?}");
    assert!(wrong.body.contains("two_step.code_invalid"), "{wrong:?}");
    assert_eq!(app.who_is_signed_in(&pending).await, None);

    let ok = app.post("/api/verify_sign_in_code", &[("code", &next_code(&secret))], Some(&pending)).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(ok.body, "\"/portal\"");
    let cookie = ok.session_cookie().expect("a new session id");
    assert_ne!(cookie, pending, "the session id changes again");
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN));
    assert_eq!(app.who_is_signed_in(&pending).await, None, "the pending id no longer works");
});

on_both_backends!(wrong_codes_are_throttled_like_passwords, Options::default(), |app: TestApp| async move {
    let (secret, _) = enrol(&app).await;
    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    for _ in 0..5 {
        let wrong = app.post("/api/verify_sign_in_code", &[("code", &stale_code(&secret))], Some(&pending)).await;
        assert!(wrong.body.contains("two_step.code_invalid"), "{wrong:?}");
    }
    let refused = app.post("/api/verify_sign_in_code", &[("code", &next_code(&secret))], Some(&pending)).await;
    assert!(refused.body.contains("sign_in.throttled"), "{refused:?}");
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(app.who_is_signed_in(&pending).await, None);
});

on_both_backends!(a_recovery_code_works_once, Options::default(), |app: TestApp| async move {
    let (_, codes) = enrol(&app).await;
    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    let ok = app.post("/api/verify_sign_in_code", &[("code", &codes[3].to_uppercase())], Some(&pending)).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(app.who_is_signed_in(&ok.session_cookie().unwrap()).await.as_deref(), Some(ADMIN));
    assert_eq!(app.store.unused_recovery_codes(app.demo.admin.id).await.unwrap(), 9);

    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    let again = app.post("/api/verify_sign_in_code", &[("code", &codes[3])], Some(&pending)).await;
    assert_eq!(again.status, 400, "{again:?}");
    assert!(again.body.contains("two_step.code_invalid"), "{again:?}");
    assert_eq!(app.who_is_signed_in(&pending).await, None);
});

on_both_backends!(disabling_needs_the_password, Options::default(), |app: TestApp| async move {
    let (secret, _) = enrol(&app).await;
    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    let cookie = app.post("/api/verify_sign_in_code", &[("code", &next_code(&secret))], Some(&pending)).await.session_cookie().unwrap();

    let wrong = app.post("/api/disable_two_step", &[("password", "not-the-password")], Some(&cookie)).await;
    assert_eq!(wrong.status, 400, "a refusal, not a server failure: {wrong:?}");
    assert!(wrong.body.contains("password.wrong_current"), "{wrong:?}");
    assert!(app.store.credentials(app.demo.admin.id).await.unwrap().totp_enabled);

    let ok = app.post("/api/disable_two_step", &[("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    let credentials = app.store.credentials(app.demo.admin.id).await.unwrap();
    assert!(!credentials.totp_enabled && credentials.totp_secret.is_none());
    assert_eq!(app.store.unused_recovery_codes(app.demo.admin.id).await.unwrap(), 0);
    assert!(app.audit_actions(app.demo.admin.id).await.contains(&"two_step.disable".to_string()));

    let answer = app.sign_in(ADMIN, PASSWORD).await;
    assert_eq!(answer.body, "\"/portal\"", "no code asked any more");
});

on_both_backends!(a_code_signs_in_once_even_while_it_is_still_valid, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let secret = start(&app, &cookie).await;
    let enrolment_code = code_at(&secret, now()).unwrap();
    let enrolled = app.post("/api/confirm_two_step", &[("code", &enrolment_code)], Some(&cookie)).await;
    assert_eq!(enrolled.status, 200, "{enrolled:?}");
    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    let reused = app.post("/api/verify_sign_in_code", &[("code", &enrolment_code)], Some(&pending)).await;
    assert_eq!(reused.status, 400, "the code that confirmed the enrolment is used: {reused:?}");
    assert!(reused.body.contains("two_step.code_invalid"), "{reused:?}");

    let code = next_code(&secret);
    let ok = app.post("/api/verify_sign_in_code", &[("code", &code)], Some(&pending)).await;
    assert_eq!(ok.status, 200, "{ok:?}");

    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    let again = app.post("/api/verify_sign_in_code", &[("code", &code)], Some(&pending)).await;
    assert_eq!(again.status, 400, "a code seen once does not sign in a second time: {again:?}");
    assert!(again.body.contains("two_step.code_invalid"), "{again:?}");
    assert_eq!(app.who_is_signed_in(&pending).await, None);
});

/// The text of the first `<code>` of an account page: the key to type by hand.
fn shown_secret(page: &str) -> String {
    page.split("font-mono\">").nth(1).and_then(|rest| rest.split('<').next()).unwrap_or_default().to_string()
}

/// The recovery codes an account page shows (`xxxx-xxxx-xxxx-xxxx`).
fn shown_recovery_codes(page: &str) -> Vec<String> {
    let is_code = |word: &str| word.len() == 19 && word.split('-').all(|part| part.len() == 4 && part.chars().all(|c| c.is_ascii_hexdigit()));
    page.split(['<', '>']).filter(|word| is_code(word)).map(str::to_string).collect()
}

on_both_backends!(two_step_login_is_turned_on_without_javascript_from_the_account_page, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let started = app.post_as_a_page("/api/start_two_step", &[("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!((started.status, started.location()), (302, Some("/account#two-step-title")), "{started:?}");

    let page = app.open("/account", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Clé pour la saisie manuelle") && page.body.contains("<svg"), "the QR code and the key are shown: {}", page.body);
    let secret = shown_secret(&page.body);
    assert_eq!(secret.len(), 32, "{}", page.body);
    assert_eq!(shown_secret(&app.open("/account", Some(&cookie)).await.body), secret, "the enrolment under way stays on the page until confirmed");

    let wrong = app.post_as_a_page("/api/confirm_two_step", &[("code", &stale_code(&secret))], Some(&cookie)).await;
    assert!(wrong.location().is_some() && wrong.body.contains("two_step.code_invalid"), "back to the page, the refusal in its address: {wrong:?}");
    assert!(!app.store.credentials(app.demo.admin.id).await.unwrap().totp_enabled);

    let confirmed = app.post_as_a_page("/api/confirm_two_step", &[("code", &code_at(&secret, now()).unwrap())], Some(&cookie)).await;
    assert_eq!((confirmed.status, confirmed.location()), (302, Some("/account#two-step-title")), "{confirmed:?}");
    assert!(app.store.credentials(app.demo.admin.id).await.unwrap().totp_enabled);
    let cookie = confirmed.session_cookie().expect("a new session id once two-step login is on");

    let page = app.open("/account", Some(&cookie)).await;
    assert!(page.body.contains("Codes de récupération"), "{}", page.body);
    let codes = shown_recovery_codes(&page.body);
    assert_eq!(codes.len(), 10, "{}", page.body);
    assert!(!page.body.contains("Clé pour la saisie manuelle"), "no enrolment once it is on");
    let again = app.open("/account", Some(&cookie)).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert!(!again.body.contains("Codes de récupération") && shown_recovery_codes(&again.body).is_empty(), "the codes are shown once");
    assert!(!app.session_table().await.iter().any(|(_, data)| codes.iter().any(|code| data.contains(code))), "no recovery code left in a session");

    let pending = app.sign_in(ADMIN, PASSWORD).await.session_cookie().unwrap();
    let recovered = app.post("/api/verify_sign_in_code", &[("code", &codes[3])], Some(&pending)).await;
    assert_eq!(recovered.status, 200, "a code shown on the page is one of the login's: {recovered:?}");
});
