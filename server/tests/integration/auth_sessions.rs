//! Sign-in, sessions, throttling and CSRF over real HTTP, on SQLite and on Postgres.

use crate::auth_support;

use std::time::Duration;

use app::shared::context::AuthSettings;
use auth_support::{Options, TestApp, ADMIN, PASSWORD, PROVIDER};
use portal_core::domain::{Party, RightOrigin, RightType, Transition};
use portal_core::store::{session_key, Actor, NewRight};
use server::auth::{Security, CSRF_REJECTED};

fn with_auth(auth: AuthSettings) -> Options {
    Options { security: Security { auth, ..Default::default() }, ..Default::default() }
}

on_both_backends!(signing_in_with_the_right_password_opens_a_session_and_says_where_to_go, Options::default(), |app: TestApp| async move {
    let answer = app.sign_in(ADMIN, PASSWORD).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, "\"/portal\"", "one company only: straight to the portal");
    assert_eq!(answer.location(), Some("/portal"));
    let line = answer.set_cookie_lines().into_iter().find(|l| l.starts_with("portal_session=")).expect("a session cookie");
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(!line.contains("Secure"), "not Secure behind a plain http public address: {line}");
    let cookie = answer.session_cookie().unwrap();
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN));
    assert_eq!(app.session_rows().await, 1, "the session is stored in the database");
    let user = app.store.user(app.demo.admin.id).await.unwrap();
    assert!(user.last_login_at.is_some(), "the last login is recorded");
    assert!(app.audit_actions(user.id).await.contains(&"login".to_string()));
});

on_both_backends!(the_sessions_table_holds_nothing_a_session_cookie_could_be_made_from, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let id: tower_sessions::session::Id = cookie.parse().expect("the cookie carries a session id");
    let rows = app.session_table().await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (key, data) = &rows[0];
    assert_eq!(key, &session_key(&cookie), "the row is keyed by the id's hash");
    assert!(!data.contains(&cookie) && !data.contains(&id.0.to_string()), "the id is not in the data: {data}");
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN), "the cookie still signs in");
});

on_both_backends!(files_leave_the_session_alone_so_a_post_beside_them_keeps_what_it_stored, Options::default(), |app: TestApp| async move {
    // A page saves the signed-in session with each answer (its expiry slides), as it was when
    // the request came in: a file answered that way while a form was posted would undo the post.
    let cookie = app.signed_in_cookie(ADMIN).await;
    let page = app.get("/account", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.session_cookie().is_some(), "a page saves the session: {page:?}");
    for path in [format!("/pkg/{}", auth_support::PKG_FILE), "/favicon.svg".to_string()] {
        let file = app.get(&path, Some(&cookie)).await;
        assert_eq!(file.status, 200, "{path}: {file:?}");
        assert_eq!(file.body, auth_support::FAVICON, "{path}");
        assert!(file.headers.get("set-cookie").is_none(), "{path} wrote the session: {file:?}");
    }
    let missing = app.get("/pkg/nothing-here.wasm", Some(&cookie)).await;
    assert_eq!(missing.status, 404, "{missing:?}");
    assert!(missing.headers.get("set-cookie").is_none(), "{missing:?}");
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN), "still signed in");
});

/// An HTTPS deployment's public address.
const HTTPS_PORTAL: &str = "https://portal.example.ch";

on_both_backends!(
    over_https_the_session_cookie_is_secure_and_bound_to_the_host,
    Options { public_url: Some(HTTPS_PORTAL), ..Default::default() },
    |app: TestApp| async move {
        let answer = app.post_from(HTTPS_PORTAL, "/api/sign_in", &[("email", ADMIN), ("password", PASSWORD)], None).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        let line = answer.set_cookie_lines().into_iter().find(|l| l.starts_with("__Host-portal_session=")).expect("the session cookie under its __Host- name");
        for part in ["Secure", "HttpOnly", "Path=/"] {
            assert!(line.contains(part), "{part}: {line}");
        }
        assert!(!line.to_ascii_lowercase().contains("domain="), "for this host only: {line}");
    }
);

on_both_backends!(a_wrong_password_gets_the_generic_message_and_sets_nothing, Options::default(), |app: TestApp| async move {
    let answer = app.sign_in(ADMIN, "not-the-password").await;
    assert_eq!(answer.status, 401, "a refusal, not a server failure: {answer:?}");
    assert!(answer.body.contains("sign_in.invalid_credentials"), "{answer:?}");
    assert_eq!(answer.session_cookie(), None);
    assert_eq!(app.session_rows().await, 0);
    let user = app.store.user(app.demo.admin.id).await.unwrap();
    assert_eq!(user.last_login_at, None);
    assert!(app.audit_actions(user.id).await.contains(&"login.failed".to_string()));
});

on_both_backends!(a_refusal_carries_its_code_its_status_and_the_sentence_in_the_readers_language, Options::default(), |app: TestApp| async move {
    let refusal = |cookie: Option<&'static str>, accept: &'static str| {
        let mut request = app
            .client
            .post(format!("{}/api/sign_in", app.base))
            .form(&[("email", ADMIN), ("password", "not-the-password")])
            .header("origin", app.base.clone())
            .header("accept-language", accept);
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        async move {
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 401);
            answer.json::<serde_json::Value>().await.unwrap()
        }
    };
    let german = refusal(Some("i18n_pref_locale=de"), "fr-CH").await;
    assert_eq!(german["code"], "sign_in.invalid_credentials");
    assert_eq!(german["status"], "NotSignedIn");
    assert_eq!(german["sentence"], "E-Mail-Adresse oder Passwort falsch.", "the language chosen on the site");
    let french = refusal(None, "fr-CH,fr;q=0.9").await;
    assert_eq!(french["sentence"], "Adresse e-mail ou mot de passe incorrect.", "else the browser's language");
});

on_both_backends!(an_unknown_email_gets_exactly_the_same_answer_as_a_wrong_password, Options::default(), |app: TestApp| async move {
    let wrong = app.sign_in(ADMIN, "not-the-password").await;
    let unknown = app.sign_in("nobody@nowhere.example", PASSWORD).await;
    let malformed = app.sign_in("not an address", PASSWORD).await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(malformed.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
    assert_eq!(malformed.body, wrong.body);
    assert_eq!(unknown.session_cookie(), None);
});

on_both_backends!(after_five_failures_even_the_right_password_is_refused_with_the_throttling_message, Options::default(), |app: TestApp| async move {
    for _ in 0..5 {
        let answer = app.sign_in(ADMIN, "wrong-password").await;
        assert!(answer.body.contains("sign_in.invalid_credentials"), "{answer:?}");
    }
    let answer = app.sign_in(ADMIN, PASSWORD).await;
    assert!(answer.body.contains("sign_in.throttled"), "{answer:?}");
    assert_eq!(answer.status, 429, "{answer:?}");
    assert_eq!(answer.session_cookie(), None);
    assert_eq!(app.store.user(app.demo.admin.id).await.unwrap().last_login_at, None);
    // The same message for an e-mail that does not exist: no hint either way.
    for _ in 0..5 {
        app.sign_in("ghost@nowhere.example", "wrong-password").await;
    }
    let ghost = app.sign_in("ghost@nowhere.example", "wrong-password").await;
    assert_eq!(ghost.body, answer.body);
    // Other accounts are not affected by one account's throttling.
    assert_eq!(app.sign_in(PROVIDER, PASSWORD).await.status, 200);
});

on_both_backends!(a_successful_sign_in_clears_the_accounts_failures, Options::default(), |app: TestApp| async move {
    for _ in 0..4 {
        app.sign_in(ADMIN, "wrong-password").await;
    }
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 200);
    for _ in 0..4 {
        app.sign_in(ADMIN, "wrong-password").await;
    }
    assert_eq!(app.sign_in(ADMIN, PASSWORD).await.status, 200, "the counter started again at zero");
});

on_both_backends!(
    sign_in_is_throttled_per_client_address_across_accounts,
    with_auth(AuthSettings { max_failures_per_address: 3, ..Default::default() }),
    |app: TestApp| async move {
        for email in ["a@x.example", "b@x.example", "c@x.example"] {
            let answer = app.sign_in(email, "wrong-password").await;
            assert!(answer.body.contains("sign_in.invalid_credentials"), "{answer:?}");
        }
        let answer = app.sign_in(ADMIN, PASSWORD).await;
        assert!(answer.body.contains("sign_in.throttled"), "{answer:?}");
        assert_eq!(answer.session_cookie(), None);
    }
);

/// Behind the portal's reverse proxy every connection comes from the proxy: the address to
/// throttle is the one the proxy appends to X-Forwarded-For.
fn behind_a_proxy(auth: AuthSettings) -> Options {
    Options {
        security: Security { auth, client_ip_source: axum_client_ip::ClientIpSource::RightmostXForwardedFor, ..Default::default() },
        ..Default::default()
    }
}

on_both_backends!(
    behind_a_proxy_one_client_s_failures_throttle_that_client_only,
    behind_a_proxy(AuthSettings { max_failures_per_address: 3, ..Default::default() }),
    |app: TestApp| async move {
        let sign_in_from = |client: &'static str, email: &'static str, password: &'static str| {
            let request = app
                .client
                .post(format!("{}/api/sign_in", app.base))
                .form(&[("email", email), ("password", password)])
                .header("origin", app.base.clone())
                // What a client writes is on the left; the proxy appends the peer it saw.
                .header("x-forwarded-for", format!("10.9.9.9, {client}"));
            async move { auth_support::read(request.send().await.expect("the server answers")).await }
        };
        for email in ["a@x.example", "b@x.example", "c@x.example"] {
            let answer = sign_in_from("203.0.113.7", email, "wrong-password").await;
            assert!(answer.body.contains("sign_in.invalid_credentials"), "{answer:?}");
        }
        let answer = sign_in_from("203.0.113.7", ADMIN, PASSWORD).await;
        assert!(answer.body.contains("sign_in.throttled"), "the failing client is throttled: {answer:?}");
        // Same proxy, same connection address, another client: not throttled.
        let answer = sign_in_from("198.51.100.9", ADMIN, PASSWORD).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(answer.session_cookie().is_some());
    }
);

on_both_backends!(the_session_id_changes_at_sign_in, Options::default(), |app: TestApp| async move {
    // A planted cookie (session fixation) is not adopted.
    let planted = "AAAAAAAAAAAAAAAAAAAAAA";
    let answer = app.post("/api/sign_in", &[("email", ADMIN), ("password", PASSWORD)], Some(planted)).await;
    let first = answer.session_cookie().expect("a new session");
    assert_ne!(first, planted);
    // Signing in again on a live session gives it a new id and the old one stops working.
    let answer = app.post("/api/sign_in", &[("email", ADMIN), ("password", PASSWORD)], Some(&first)).await;
    let second = answer.session_cookie().expect("a new session");
    assert_ne!(second, first);
    assert_eq!(app.who_is_signed_in(&first).await, None);
    assert_eq!(app.who_is_signed_in(&second).await.as_deref(), Some(ADMIN));
    assert_eq!(app.session_rows().await, 1);
});

// The margins are many seconds: on a loaded machine (CI compiles three builds beside the
// tests) one request was seen to take more than 2.5 s, and a slow request must not end a
// session that is in use. A slower machine only makes the idle session more idle.
on_both_backends!(
    an_idle_session_ends_after_the_idle_timeout_and_activity_keeps_it,
    with_auth(AuthSettings { idle_timeout: Duration::from_secs(15), ..Default::default() }),
    |app: TestApp| async move {
        let cookie = app.signed_in_cookie(ADMIN).await;
        // Three requests 6 s apart span 18 s, past the 15 s time-out: only activity keeps it.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_secs(6)).await;
            assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN), "activity extends the session past the time-out");
        }
        tokio::time::sleep(Duration::from_secs(16)).await;
        assert_eq!(app.who_is_signed_in(&cookie).await, None, "idle for longer than the time-out");
    }
);

// A page view is otherwise a durable commit: on SQLite every signed-in page would wait for
// the one writer. The default 30-minute time-out moves by at most a minute of slack.
on_both_backends!(a_page_view_that_changes_nothing_in_the_session_writes_nothing, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let first = app.get("/portal", Some(&cookie)).await;
    assert_eq!(first.status, 200, "{first:?}");
    let stored = app.session_expiries().await;
    for _ in 0..3 {
        let page = app.get("/portal", Some(&cookie)).await;
        assert_eq!(page.status, 200, "{page:?}");
        assert!(page.body.contains("Musterhans SA"), "the portal of the acting company");
    }
    assert_eq!(app.session_expiries().await, stored, "the same session, its expiry not rewritten");
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN));
});

on_both_backends!(
    a_session_ends_at_the_absolute_timeout_however_active,
    with_auth(AuthSettings { absolute_timeout: Duration::from_secs(12), ..Default::default() }),
    |app: TestApp| async move {
        let cookie = app.signed_in_cookie(ADMIN).await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN));
        tokio::time::sleep(Duration::from_secs(12)).await;
        // Any request ends it (here a page), not only the server functions.
        let page = app.get("/login", Some(&cookie)).await;
        assert!(page.removes_session_cookie(), "{:?}", page.set_cookie_lines());
        assert_eq!(app.session_rows().await, 0, "deleted from the store");
        assert_eq!(app.who_is_signed_in(&cookie).await, None);
    }
);

on_both_backends!(signing_out_ends_the_session_on_the_server, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let answer = app.post("/api/sign_out", &[], Some(&cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.location(), Some("/login"));
    assert!(answer.removes_session_cookie(), "{:?}", answer.set_cookie_lines());
    assert_eq!(app.session_rows().await, 0);
    // The old cookie, replayed, no longer works.
    assert_eq!(app.who_is_signed_in(&cookie).await, None);
    assert!(app.audit_actions(app.demo.admin.id).await.contains(&"logout".to_string()));
});

on_both_backends!(a_cross_site_post_is_refused_with_403_and_changes_nothing, Options::default(), |app: TestApp| async move {
    let answer = app.post_from("https://evil.example", "/api/sign_in", &[("email", ADMIN), ("password", PASSWORD)], None).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.body, CSRF_REJECTED);
    assert_eq!(answer.session_cookie(), None);
    assert_eq!(app.store.user(app.demo.admin.id).await.unwrap().last_login_at, None);
    assert!(app.audit_actions(app.demo.admin.id).await.is_empty());

    // Signing a victim out from another site does not work either.
    let cookie = app.signed_in_cookie(ADMIN).await;
    let answer = app.post_from("http://127.0.0.1:1", "/api/sign_out", &[], Some(&cookie)).await;
    assert_eq!(answer.status, 403);
    assert_eq!(app.who_is_signed_in(&cookie).await.as_deref(), Some(ADMIN));

    // Nor does a request without Origin, Referer or Sec-Fetch-Site.
    let bare = app.client.post(format!("{}/api/sign_in", app.base)).form(&[("email", ADMIN), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(bare.status(), 403);
});

on_both_backends!(a_provider_with_an_active_right_is_sent_to_the_company_selector, Options::default(), |app: TestApp| async move {
    // Tina (Transports Rapides SA) is invited as a provider of Musterhans SA.
    let principal = app.demo.principal.id;
    let tina = &app.demo.third_admin;
    let right = app
        .store
        .create_right(
            &NewRight {
                company_id: principal,
                user_id: tina.id,
                right_type: RightType::Provider,
                is_admin: false,
                origin: RightOrigin::Invitation,
                remark: Default::default(),
                end_date: None,
                created_by_user_id: Some(app.demo.admin.id),
            },
            &Actor::user(app.demo.admin.id, principal),
        )
        .await
        .unwrap();
    let answer = app.sign_in(&tina.email, PASSWORD).await;
    assert_eq!(answer.body, "\"/portal\"", "a pending right grants nothing");
    app.store.transition_right(right.id, right.version, Transition::Accept, Party::Provider, &Actor::user(tina.id, app.demo.third_company.id)).await.unwrap();
    let answer = app.sign_in(&tina.email, PASSWORD).await;
    assert_eq!(answer.body, "\"/select-company\"");
});

on_both_backends!(the_login_form_works_without_javascript, Options::default(), |app: TestApp| async move {
    let post = |password: &'static str| {
        app.client
            .post(format!("{}/api/sign_in", app.base))
            .header("origin", app.base.clone())
            .header("referer", format!("{}/login", app.base))
            .header("accept", "text/html,application/xhtml+xml")
            .form(&[("email", ADMIN), ("password", password)])
            .send()
    };
    let failed = post("wrong-password").await.unwrap();
    assert_eq!(failed.status(), 302);
    assert_eq!(failed.headers()["location"], "/login?erreur=identifiants");
    let page = app.get("/login?erreur=identifiants", None).await;
    assert!(page.body.contains("Adresse e-mail ou mot de passe incorrect."), "the page shows the message");
    let ok = post(PASSWORD).await.unwrap();
    assert_eq!(ok.status(), 302);
    assert_eq!(ok.headers()["location"], "/portal");
    assert!(ok.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("portal_session=")));
});

on_both_backends!(a_form_sent_before_its_page_woke_up_comes_back_with_its_refusal_or_goes_on, Options::default(), |app: TestApp| async move {
    let cookie = app.signed_in_cookie(ADMIN).await;
    let post = |referer: String, email: &'static str| {
        app.client
            .post(format!("{}/api/enter_user", app.base))
            .header("origin", app.base.clone())
            .header("referer", referer)
            .header("accept", "text/html,application/xhtml+xml")
            .header("cookie", format!("portal_session={cookie}"))
            .form(&[
                ("right_type", "employee"),
                ("email", email),
                ("first_name", "Eva"),
                ("last_name", "Early"),
                ("name", ""),
                ("remark", ""),
                ("assignment", "manual"),
            ])
            .send()
    };
    let refused = post(format!("{}/admin/rights/new", app.base), "pas-une-adresse").await.unwrap();
    assert_eq!(refused.status(), 303, "a refusal the browser follows back to the form");
    let back = refused.headers()["location"].to_str().unwrap().to_string();
    assert!(back.starts_with("/admin/rights/new?__path=%2Fapi%2Fenter_user&__err="), "back to the form as a path, with the refusal: {back}");
    let page = app.get(&back, Some(&cookie)).await;
    let paragraph = page.body.split(r#"data-testid="entry-error""#).nth(1).and_then(|rest| rest.split("</p>").next()).unwrap_or_default();
    // The paragraph's text, without the markers hydration finds its place by (`<!>`).
    let sentence = paragraph.replace("<!>", "");
    assert!(sentence.contains("adresse e-mail"), "the page says why: {paragraph:?}");

    // A `Referer` elsewhere (the same origin sent it, so the guard let the post through)
    // never becomes the redirect's target.
    let elsewhere = post("https://evil.example/phish".to_string(), "pas-une-adresse").await.unwrap();
    assert_eq!(elsewhere.headers()["location"], "/");

    let saved = post(format!("{}/admin/rights/new", app.base), "eva.early@musterhans.example").await.unwrap();
    assert_eq!(saved.status(), 302);
    let right = saved.headers()["location"].to_str().unwrap().to_string();
    assert!(right.starts_with("/admin/rights/") && right["/admin/rights/".len()..].parse::<i64>().is_ok(), "on to the new right's page: {right}");
    let page = app.get(&right, Some(&cookie)).await;
    assert!(page.body.contains("Eva Early"), "the right's page names the person");
});
