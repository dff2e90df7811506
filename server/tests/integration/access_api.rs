//! The access-decision API (`GET /api/v1/access`), over real HTTP, on SQLite and on
//! Postgres: a technical user of Musterhans SA asks, with its API key, whether a login may act
//! for Musterhans on a service and a debtor, and gets the portal's own answer.

use crate::auth_support;

use auth_support::{json_of, read, Answer, Options, TestApp, ADMIN, PROVIDER};
use portal_core::domain::{Party, Transition};
use portal_core::store::Actor as StoreActor;
use server::auth::Security;
use std::num::NonZeroU32;

const MARC: &str = "marc.dubois@musterhans.example";
const SOPHIE: &str = "sophie.keller@musterhans.example";

/// Enters a technical user for Musterhans SA; answers its right id and its API key.
async fn technical_user(app: &TestApp) -> (i64, String) {
    let admin = app.signed_in_cookie(ADMIN).await;
    app.enter_technical_user(&admin, "Robot ERP").await
}

async fn ask(app: &TestApp, key: Option<&str>, query: &[(&str, &str)], language: Option<&str>) -> Answer {
    let mut request = app.client.get(format!("{}/api/v1/access", app.base)).query(query);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    if let Some(language) = language {
        request = request.header("accept-language", language);
    }
    read(request.send().await.unwrap()).await
}

async fn allowed(app: &TestApp, key: &str, query: &[(&str, &str)]) -> bool {
    let answer = ask(app, Some(key), query, None).await;
    assert_eq!(answer.status, 200, "{query:?}: {answer:?}");
    json_of(&answer)["allowed"].as_bool().unwrap()
}

on_both_backends!(a_technical_user_learns_who_may_act_for_its_company_on_which_service_and_debtor, Options::default(), |app: TestApp| async move {
    let (_, key) = technical_user(&app).await;
    let first = app.demo.debtors[0].debtor_number.clone();
    let fourth = app.demo.debtors[3].debtor_number.clone();

    let answer = ask(&app, Some(&key), &[("user", MARC), ("service", "orders"), ("debtor", &first)], None).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let body = json_of(&answer);
    assert_eq!(body["company"], app.demo.principal.customer_number.as_str(), "the key's own company: {body}");
    assert_eq!((body["user"].as_str(), body["service"].as_str(), body["debtor"].as_str()), (Some(MARC), Some("orders"), Some(first.as_str())));
    assert_eq!(body["allowed"], true, "Marc orders for every debtor: {body}");

    assert!(!allowed(&app, &key, &[("user", MARC), ("service", "invoices")]).await, "a service not granted to Marc");
    assert!(allowed(&app, &key, &[("user", SOPHIE), ("service", "invoices"), ("debtor", &first)]).await, "one of Sophie's two debtors");
    assert!(!allowed(&app, &key, &[("user", SOPHIE), ("service", "invoices"), ("debtor", &fourth)]).await, "a debtor not granted to Sophie");
    assert!(allowed(&app, &key, &[("user", SOPHIE), ("service", "invoices")]).await, "without a debtor: any debtor at all");
    assert!(!allowed(&app, &key, &[("user", PROVIDER), ("service", "orders")]).await, "Paul has no right on Musterhans SA");
    assert!(!allowed(&app, &key, &[("user", "nobody@nowhere.example"), ("service", "orders")]).await, "an unknown login is not told apart");

    // Revocation takes effect on the very next question.
    let marc = app.store.user_by_email(&portal_core::domain::EmailAddress::parse(MARC).unwrap()).await.unwrap().unwrap();
    let right = app.store.right_for(app.demo.principal.id, marc.id).await.unwrap().unwrap();
    let by = StoreActor::user(app.demo.admin.id, app.demo.principal.id);
    app.store.transition_right(right.id, right.version, Transition::Revoke, Party::Principal, &by).await.unwrap();
    assert!(!allowed(&app, &key, &[("user", MARC), ("service", "orders"), ("debtor", &first)]).await, "revoked");
});

on_both_backends!(without_a_valid_key_of_an_active_technical_user_nothing_is_answered, Options::default(), |app: TestApp| async move {
    let (right_id, key) = technical_user(&app).await;
    let question = [("user", MARC), ("service", "orders")];
    let forged = format!("{}x", &key[..key.len() - 1]);
    let other_prefix = key.replacen("cck_", "cck_0", 1);
    for (what, presented) in
        [("no key", None), ("a forged key", Some(forged.as_str())), ("an unknown prefix", Some(other_prefix.as_str())), ("junk", Some("cck_../_x"))]
    {
        let answer = ask(&app, presented, &question, None).await;
        assert_eq!(answer.status, 401, "{what}: {answer:?}");
        assert_eq!(answer.headers.get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"), "{what}");
        assert_eq!(json_of(&answer)["error"], "api.key_invalid", "{what}");
        assert!(!answer.body.contains("allowed"), "{what}: no decision leaks");
    }
    let german = ask(&app, None, &question, Some("de-CH,de;q=0.9")).await;
    assert!(json_of(&german)["message"].as_str().unwrap().starts_with("Der API-Schlüssel fehlt"), "{german:?}");

    // A session's cookie is no key, and the key's technical right ends with its revocation.
    let admin = app.signed_in_cookie(ADMIN).await;
    let with_cookie =
        read(app.client.get(format!("{}/api/v1/access", app.base)).query(&question).header("cookie", format!("portal_session={admin}")).send().await.unwrap())
            .await;
    assert_eq!(with_cookie.status, 401, "{with_cookie:?}");
    let right = app.store.right(right_id).await.unwrap();
    let by = StoreActor::user(app.demo.admin.id, app.demo.principal.id);
    app.store.transition_right(right.id, right.version, Transition::Revoke, Party::Principal, &by).await.unwrap();
    assert_eq!(ask(&app, Some(&key), &question, None).await.status, 401, "the key of a revoked technical user");
});

on_both_backends!(a_malformed_question_gets_a_clear_refusal_in_the_clients_language, Options::default(), |app: TestApp| async move {
    let (_, key) = technical_user(&app).await;
    let other_company_debtor = "300001";
    for (query, status, code) in [
        (vec![("service", "orders")], 400, "request.malformed"),
        (vec![("user", "not an address"), ("service", "orders")], 400, "api.user_invalid"),
        (vec![("user", MARC), ("service", "<script>")], 400, "api.unknown_service"),
        (vec![("user", MARC), ("service", "orders"), ("debtor", "1' OR 1=1")], 400, "api.unknown_debtor"),
        (vec![("user", MARC), ("service", "orders"), ("debtor", other_company_debtor)], 404, "api.unknown_debtor"),
    ] {
        let answer = ask(&app, Some(&key), &query, Some("it")).await;
        assert_eq!(answer.status, status, "{query:?}: {answer:?}");
        let body = json_of(&answer);
        assert_eq!(body["error"], code, "{query:?}: {body}");
        assert!(!body["message"].as_str().unwrap().is_empty(), "{body}");
    }
    let italian = ask(&app, Some(&key), &[("user", MARC), ("service", "nope")], Some("it-CH")).await;
    assert!(json_of(&italian)["message"].as_str().unwrap().starts_with("Questo servizio online non esiste"), "{italian:?}");
});

on_both_backends!(
    an_address_asking_too_often_is_told_to_wait_and_other_addresses_are_still_answered,
    Options { security: Security { api_requests_per_second: NonZeroU32::new(1).unwrap(), ..Default::default() }, ..Default::default() },
    |app: TestApp| async move {
        let (_, key) = technical_user(&app).await;
        let question = [("user", MARC), ("service", "orders")];
        // One a second, in bursts of two: the third question in a row is refused, unless the
        // machine is so slow that a second passed meanwhile.
        let started = std::time::Instant::now();
        let mut answered = 0;
        let refused = loop {
            let answer = ask(&app, Some(&key), &question, Some("de")).await;
            if answer.status != 200 {
                break answer;
            }
            answered += 1;
            assert!(answered <= 2 + started.elapsed().as_secs() + 1, "answered {answered} in {:?}", started.elapsed());
        };
        assert_eq!(refused.status, 429, "{refused:?}");
        assert_eq!(json_of(&refused)["error"], "api.rate_limited");
        assert!(json_of(&refused)["message"].as_str().unwrap().starts_with("Zu viele Anfragen"), "{refused:?}");
        assert!(!refused.body.contains("allowed"), "no decision with a refusal");
        let wait: u64 = refused.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("a Retry-After in seconds");
        assert!((1..=2).contains(&wait), "{wait}");

        // The quota is the address's: a client on another loopback address is answered.
        let elsewhere = reqwest::Client::builder().local_address(Some("127.0.0.2".parse().unwrap())).build().unwrap();
        let answer = read(elsewhere.get(format!("{}/api/v1/access", app.base)).query(&question).bearer_auth(&key).send().await.unwrap()).await;
        assert_eq!(answer.status, 200, "{answer:?}");

        // And once the wait is over, the first address is answered again.
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        assert!(allowed(&app, &key, &question).await);
    }
);

on_both_backends!(
    behind_a_proxy_the_quota_is_the_forwarded_client_s,
    Options {
        security: Security {
            api_requests_per_second: NonZeroU32::new(1).unwrap(),
            client_ip_source: axum_client_ip::ClientIpSource::RightmostXForwardedFor,
            ..Default::default()
        },
        ..Default::default()
    },
    |app: TestApp| async move {
        let (_, key) = technical_user(&app).await;
        let question = [("user", MARC), ("service", "orders")];
        let ask_for = |client: &'static str| {
            let request = app.client.get(format!("{}/api/v1/access", app.base)).query(&question).bearer_auth(&key).header("x-forwarded-for", client);
            async move { read(request.send().await.unwrap()).await }
        };
        let started = std::time::Instant::now();
        let mut answered = 0;
        while ask_for("203.0.113.7").await.status == 200 {
            answered += 1;
            assert!(answered <= 2 + started.elapsed().as_secs() + 1, "answered {answered} in {:?}", started.elapsed());
        }
        // Every question came over loopback; the client the proxy names is another one.
        assert_eq!(ask_for("198.51.100.9").await.status, 200);
    }
);
