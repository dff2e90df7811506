//! E-mailed one-time links over real HTTP, on SQLite and on Postgres: self-registration and
//! its confirmation, "Mot de passe oublié ?", the change of a login's e-mail, the operator's
//! `create-company`, and the language a login is remembered in. E-mails are read from the
//! outbox table, where every message is written before it is sent.

use crate::auth_support;

use std::time::Duration;

use auth_support::{Options, TestApp, ADMIN, PASSWORD, PROVIDER};
use portal_core::domain::{EmailAddress, Language};
use portal_core::store::{self, OutboxEmail};

const NEW_PASSWORD: &str = "Nouveau-2026!mot";

/// The newest e-mail to `to` whose subject contains `subject`.
async fn mail_to(app: &TestApp, to: &str, subject: &str) -> OutboxEmail {
    app.newest_mail(to, |m| m.subject.contains(subject)).await
}

/// How many e-mails went to `to`, after giving background sends a moment.
async fn mails_to(app: &TestApp, to: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.store.outbox(false).await.unwrap().iter().filter(|m| m.to_address == to).count()
}

/// The token of the first link in an e-mail that goes to `path`.
fn token_in(mail: &OutboxEmail, path: &str) -> String {
    let start = mail.body.find(&format!("{path}?token=")).unwrap_or_else(|| panic!("no {path} link in {}", mail.body));
    let rest = &mail.body[start + path.len() + "?token=".len()..];
    rest.split_whitespace().next().unwrap().to_string()
}

async fn register(app: &TestApp, email: &str, password: &str, confirm: &str) -> auth_support::Answer {
    app.post(
        "/api/register",
        &[("email", email), ("first_name", "Nina"), ("last_name", "Neuhaus"), ("password", password), ("confirm", confirm), ("language", "de")],
        None,
    )
    .await
}

on_both_backends!(a_registered_login_signs_in_only_after_its_address_is_confirmed, Options::default(), |app: TestApp| async move {
    let answer = register(&app, "Nina@Neu.example", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let user = app.store.user_by_email(&EmailAddress::parse("nina@neu.example").unwrap()).await.unwrap().expect("created");
    assert_eq!((user.home_company_id, user.email_verified_at, user.language), (None, None, Language::De));

    let early = app.sign_in("nina@neu.example", NEW_PASSWORD).await;
    assert_eq!(early.status, 403, "{early:?}");
    assert!(early.body.contains("sign_in.email_unconfirmed"), "{early:?}");
    assert_eq!(early.session_cookie(), None);
    let wrong = app.sign_in("nina@neu.example", "not-the-password").await;
    assert_eq!(wrong.status, 401, "a wrong password gets no hint about the confirmation: {wrong:?}");
    assert!(wrong.body.contains("sign_in.invalid_credentials"));

    let mail = mail_to(&app, "nina@neu.example", "E-Mail-Adresse").await;
    assert!(mail.body.starts_with("Guten Tag Nina Neuhaus,"), "in the chosen language: {}", mail.body);
    let token = token_in(&mail, "/register/confirm");
    let guessed = app.post("/api/confirm_registration", &[("token", &token), ("password", "not-the-password")], None).await;
    assert_eq!(guessed.status, 400, "the link alone does not confirm: {guessed:?}");
    assert!(guessed.body.contains("registration.password_wrong"), "{guessed:?}");
    let confirmed = app.post("/api/confirm_registration", &[("token", &token), ("password", NEW_PASSWORD)], None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(confirmed.location(), Some("/login?confirme=1"));

    let answer = app.sign_in("nina@neu.example", NEW_PASSWORD).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let again = app.post("/api/confirm_registration", &[("token", &token), ("password", NEW_PASSWORD)], None).await;
    assert_eq!(again.status, 400, "a link works once: {again:?}");
    assert!(again.body.contains("link.invalid"));
    let actions = app.audit_actions(user.id).await;
    assert!(actions.contains(&"user.register".into()) && actions.contains(&"user.email_confirm".into()), "{actions:?}");
});

on_both_backends!(registering_an_address_in_use_answers_the_same_and_only_tells_its_owner, Options::default(), |app: TestApp| async move {
    let fresh = register(&app, "nina@neu.example", NEW_PASSWORD, NEW_PASSWORD).await;
    let taken = register(&app, ADMIN, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!((taken.status, taken.body.as_str()), (fresh.status, fresh.body.as_str()), "no hint that the address exists");
    let mail = mail_to(&app, ADMIN, "Votre login au Centre clientèle").await;
    assert!(mail.body.contains("/password/forgot"), "{}", mail.body);
    assert!(!mail.body.contains("token="), "no link that would change anything");
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 200, "the existing login is unchanged");
    assert_eq!(app.store.user(app.demo.admin.id).await.unwrap().first_name, app.demo.admin.first_name);
});

on_both_backends!(registration_input_is_checked_and_a_refusal_creates_nothing, Options::default(), |app: TestApp| async move {
    let users = |app: &TestApp| {
        let store = app.store.clone();
        async move { store.table_counts().await.unwrap().into_iter().find(|(t, _)| *t == "users").unwrap().1 }
    };
    let before = users(&app).await;
    let short = register(&app, "nina@neu.example", "kurz", "kurz").await;
    assert_eq!(short.status, 400, "{short:?}");
    assert!(short.body.contains("registration.password_policy"));
    let differ = register(&app, "nina@neu.example", NEW_PASSWORD, "Anderes-2026!pw").await;
    assert_eq!(differ.status, 400);
    assert!(differ.body.contains("registration.passwords_differ"));
    let bad_email = register(&app, "not an address", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(bad_email.status, 400);
    let no_name = app
        .post(
            "/api/register",
            &[("email", "x@neu.example"), ("first_name", " "), ("last_name", "N"), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD), ("language", "fr")],
            None,
        )
        .await;
    assert_eq!(no_name.status, 400);
    let bad_language = app
        .post(
            "/api/register",
            &[("email", "x@neu.example"), ("first_name", "X"), ("last_name", "N"), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD), ("language", "xx")],
            None,
        )
        .await;
    assert_eq!(bad_language.status, 400);
    assert_eq!(users(&app).await, before);
    assert_eq!(mails_to(&app, "nina@neu.example").await, 0);
});

on_both_backends!(a_reset_link_works_once_ends_the_sessions_and_clears_the_throttling, Options::default(), |app: TestApp| async move {
    let old_session = app.signed_in_cookie(ADMIN).await;
    for _ in 0..5 {
        app.sign_in(ADMIN, "wrong-password").await;
    }
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 429, "throttled");

    let known = app.post("/api/request_password_reset", &[("email", ADMIN)], None).await;
    let unknown = app.post("/api/request_password_reset", &[("email", "ghost@nowhere.example")], None).await;
    assert_eq!(known.status, 200, "{known:?}");
    assert_eq!((unknown.status, unknown.body.as_str()), (known.status, known.body.as_str()), "always the same answer");
    let token = token_in(&mail_to(&app, ADMIN, "Réinitialisation").await, "/password/reset");
    assert_eq!(mails_to(&app, "ghost@nowhere.example").await, 0);

    let check = app.post("/api/check_password_link", &[("token", &token)], None).await;
    assert_eq!((check.status, check.body.as_str()), (200, "\"reset\""));
    let short = app.post("/api/reset_password", &[("token", &token), ("password", "kurz"), ("confirm", "kurz")], None).await;
    assert_eq!(short.status, 400, "the password policy applies: {short:?}");
    let reset = app.post("/api/reset_password", &[("token", &token), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)], None).await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(reset.location(), Some("/login?motdepasse=1"));

    assert_eq!(app.who_is_signed_in(&old_session).await, None, "the sessions of the login ended");
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 401, "the old password no longer works");
    assert_eq!(app.sign_in(ADMIN, NEW_PASSWORD).await.status, 200, "the throttling was cleared");
    let again = app.post("/api/reset_password", &[("token", &token), ("password", "Encore-2026!autre"), ("confirm", "Encore-2026!autre")], None).await;
    assert_eq!(again.status, 400, "a link works once: {again:?}");
    assert!(again.body.contains("link.invalid"));
    assert!(app.audit_actions(app.demo.admin.id).await.contains(&"password.reset".to_string()));
});

on_both_backends!(a_reset_link_expires_after_its_hour, Options::default(), |app: TestApp| async move {
    app.post("/api/request_password_reset", &[("email", PROVIDER)], None).await;
    let token = token_in(&mail_to(&app, PROVIDER, "Réinitialisation").await, "/password/reset");
    let link = app.store.valid_email_token(&[store::TokenPurpose::ResetPassword], &token).await.unwrap().expect("valid");
    let hour = link.expires_at - link.created_at;
    assert_eq!(hour, chrono::Duration::hours(1));
    app.store.set_email_token_expiry(&token, store::real_time() - chrono::Duration::seconds(1)).await.unwrap();

    let check = app.post("/api/check_password_link", &[("token", &token)], None).await;
    assert_eq!(check.status, 400, "{check:?}");
    let reset = app.post("/api/reset_password", &[("token", &token), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)], None).await;
    assert_eq!(reset.status, 400, "{reset:?}");
    assert!(reset.body.contains("link.invalid"));
    assert_eq!(app.sign_in(PROVIDER, PASSWORD).await.status, 200, "the password is unchanged");
});

on_both_backends!(a_login_email_changes_only_when_the_new_address_confirms, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let new = "anna.neu@musterhans.example";
    let asked = app.post("/api/request_email_change", &[("new_email", "Anna.Neu@Musterhans.example"), ("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    assert_eq!(asked.body, format!("\"{new}\""));
    let notice = mail_to(&app, ADMIN, "Modification de l'adresse e-mail").await;
    assert!(notice.body.contains(new), "the old address is told: {}", notice.body);
    assert!(!notice.body.contains("token="), "the link goes to the new address only");
    let token = token_in(&mail_to(&app, new, "nouvelle adresse").await, "/email/confirm");
    assert_eq!(app.store.user(app.demo.admin.id).await.unwrap().email, ADMIN, "nothing changes before the link is opened");

    let confirmed = app.post("/api/confirm_email_change", &[("token", &token)], Some(&cookie)).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(confirmed.location(), Some("/account?adresse=1"));
    assert_eq!(app.store.user(app.demo.admin.id).await.unwrap().email, new);
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(new), "the session goes on");
    mail_to(&app, ADMIN, "a été modifiée").await;
    assert_eq!(app.sign_in(new, PASSWORD).await.status, 200);
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 401);
    let again = app.post("/api/confirm_email_change", &[("token", &token)], None).await;
    assert_eq!(again.status, 400, "{again:?}");
    let actions = app.audit_actions(app.demo.admin.id).await;
    assert!(actions.contains(&"user.email_change_request".into()) && actions.contains(&"user.email_change".into()), "{actions:?}");
});

on_both_backends!(an_email_change_needs_the_password_and_never_tells_whether_an_address_has_a_login, Options::default(), |app: TestApp| async move {
    let anonymous = app.post("/api/request_email_change", &[("new_email", "x@neu.example"), ("password", PASSWORD)], None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
    assert!(anonymous.body.contains("session.expired"));
    let cookie = app.signed_in_cookie(ADMIN).await;
    let wrong = app.post("/api/request_email_change", &[("new_email", "x@neu.example"), ("password", "not-the-password")], Some(&cookie)).await;
    assert_eq!(wrong.status, 400, "{wrong:?}");
    assert!(wrong.body.contains("password.wrong_current"));
    let same = app.post("/api/request_email_change", &[("new_email", ADMIN), ("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(same.status, 400, "{same:?}");
    assert!(same.body.contains("email_change.same"));
    assert_eq!(mails_to(&app, "x@neu.example").await + mails_to(&app, ADMIN).await, 0, "nothing was sent");

    let taken = app.post("/api/request_email_change", &[("new_email", PROVIDER), ("password", PASSWORD)], Some(&cookie)).await;
    assert_eq!(taken.status, 200, "the same answer as for a free address: {taken:?}");
    assert_eq!(taken.body, format!("\"{PROVIDER}\""));
    let warned = mail_to(&app, PROVIDER, "Tentative d'utiliser votre adresse e-mail").await;
    assert!(!warned.body.contains("token=") && !warned.body.contains(ADMIN), "the owner is told, and learns nothing of the asker: {}", warned.body);
    assert!(app.store.email_tokens_of(app.demo.admin.id).await.unwrap().is_empty(), "no link was made");
});

on_both_backends!(the_language_a_login_chooses_is_remembered_and_set_at_sign_in, Options::default(), |app: TestApp| async move {
    let anonymous = app.post("/api/remember_language", &[("language", "de")], None).await;
    assert_eq!(anonymous.status, 401);
    let cookie = app.signed_in_cookie(PROVIDER).await;
    assert_eq!(app.post("/api/remember_language", &[("language", "xx")], Some(&cookie)).await.status, 400);
    let answer = app.post("/api/remember_language", &[("language", "it")], Some(&cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(app.store.user(app.demo.provider.id).await.unwrap().language, Language::It);
    assert!(app.audit_actions(app.demo.provider.id).await.contains(&"user.language".to_string()));

    let signed_in = app.sign_in(PROVIDER, PASSWORD).await;
    let lines = signed_in.set_cookie_lines();
    assert!(lines.iter().any(|l| l.starts_with("i18n_pref_locale=it;") && l.contains("Path=/")), "{lines:?}");
});

on_both_backends!(create_company_makes_an_administrator_who_sets_a_password_by_link, Options::default(), |app: TestApp| async move {
    let mailer = server::mail::mailer(app.store.clone(), None, None).unwrap();
    let mut args = server::config::CreateCompanyArgs {
        customer_number: "40000004".into(),
        name: "Neue Firma AG".into(),
        language: "de".into(),
        admin_email: "Chef@Neue-Firma.example".into(),
        first_name: "Carla".into(),
        last_name: "Chef".into(),
        public_url: Some("https://portal.example.ch".parse().unwrap()),
        smtp_url: None,
        mail_from: None,
    };
    let created = server::operator::create_company(&app.store, &mailer, &args).await.expect("created");
    assert!(created.new_login);
    assert!(app.store.is_admin(created.admin_user_id, created.company_id).await.unwrap());

    let mail = mail_to(&app, "chef@neue-firma.example", "Kundencenter").await;
    assert!(mail.body.contains("Neue Firma AG") && mail.body.contains("https://portal.example.ch/password/reset?token="), "{}", mail.body);
    let token = token_in(&mail, "/password/reset");
    let link = app.store.valid_email_token(&[store::TokenPurpose::SetPassword], &token).await.unwrap().expect("valid");
    assert_eq!(link.expires_at - link.created_at, chrono::Duration::hours(72));
    assert_eq!(app.sign_in("chef@neue-firma.example", NEW_PASSWORD).await.status, 401, "no password before the link");
    let check = app.post("/api/check_password_link", &[("token", &token)], None).await;
    assert_eq!(check.body, "\"set\"");
    let set = app.post("/api/reset_password", &[("token", &token), ("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)], None).await;
    assert_eq!(set.status, 200, "{set:?}");
    let signed_in = app.sign_in("chef@neue-firma.example", NEW_PASSWORD).await;
    assert_eq!((signed_in.status, signed_in.body.as_str()), (200, "\"/portal\""));

    // The same customer number again, or a login that belongs to a company: clear, nothing made.
    args.admin_email = "other@neue-firma.example".into();
    let err = server::operator::create_company(&app.store, &mailer, &args).await.unwrap_err();
    assert_eq!(err, "customer number 40000004 is already used by another company");
    args.customer_number = "50000005".into();
    args.admin_email = ADMIN.into();
    let err = server::operator::create_company(&app.store, &mailer, &args).await.unwrap_err();
    assert!(err.starts_with(&format!("the login {ADMIN} already belongs to a company")), "{err}");
    assert!(app.store.company_by_customer_number(&portal_core::domain::CustomerNumber::parse("50000005").unwrap()).await.unwrap().is_none());
});

/// The `create-company` subcommand itself: bad input is one clear line and a failure exit;
/// good input creates the company and says so.
#[test]
fn the_create_company_subcommand_refuses_bad_input_in_one_line_and_creates_a_company() {
    let dir = std::env::temp_dir().join(format!("portal-create-company-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("portal.db").display());
    let run = |extra: &[&str]| {
        let mut args = vec!["create-company", "--database-url", db.as_str()];
        args.extend_from_slice(extra);
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(&args)
            .env_remove("DATABASE_URL")
            .env_remove("PORTAL_SMTP_URL")
            .env_remove("PORTAL_PUBLIC_URL")
            .env("RUST_LOG", "off")
            .output()
            .expect("the server binary runs")
    };
    let good = [
        "--customer-number",
        "40000004",
        "--name",
        "Neue Firma AG",
        "--language",
        "de",
        "--admin-email",
        "chef@neue-firma.example",
        "--first-name",
        "Carla",
        "--last-name",
        "Chef",
        "--public-url",
        "https://portal.example.ch",
    ];
    for (flag, bad, expected) in [
        ("--public-url", "mailto:x@y.example", "error: --public-url mailto:x@y.example: expected http:// or https://"),
        ("--customer-number", "12 ab", "error: invalid customer number"),
        ("--language", "xx", "error: unknown language \"xx\""),
        ("--admin-email", "not-an-address", "error: invalid administrator e-mail"),
        ("--first-name", " ", "error: invalid first name"),
    ] {
        let mut args = good.to_vec();
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1] = bad;
        let output = run(&args);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(lines[0].starts_with(expected), "{stderr}");
    }
    let without_public_url = run(&good[..good.len() - 2]);
    assert_eq!(
        String::from_utf8_lossy(&without_public_url.stderr).trim(),
        format!("error: {}", server::config::MISSING_PUBLIC_URL),
        "no link without the portal's address"
    );
    let output = run(&good);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Company Neue Firma AG created") && stdout.contains("chef@neue-firma.example (new login)"), "{stdout}");
    let again = run(&good);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(stderr.trim(), "error: customer number 40000004 is already used by another company");
    let _ = std::fs::remove_dir_all(&dir);
}
