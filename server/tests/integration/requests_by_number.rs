//! Asking a company for access by its customer number never tells whether the number is a
//! customer's: a number no company has is answered, listed, shown, withdrawn and lapsed like
//! a request the company has not answered yet. On SQLite and on Postgres.

use crate::auth_support;
use auth_support::{json_of, Answer, Options, TestApp, PROVIDER};
use chrono::Duration;
use portal_core::domain::MessageKind;

const KNOWN: &str = "10000001";
const UNKNOWN: &str = "99999999";

async fn ask(app: &TestApp, cookie: &str, number: &str) -> Answer {
    app.post("/api/request_access", &[("customer_number", number), ("message", "Mandat TVA 2027")], Some(cookie)).await
}

async fn answer(app: &TestApp, cookie: &str, row: &serde_json::Value, what: &str) -> Answer {
    let (id, version) = (row["right_id"].to_string(), row["version"].to_string());
    app.post("/api/answer_right", &[("right_id", &id), ("version", &version), ("answer", what)], Some(cookie)).await
}

/// The requester's rows of its requests, by the number it typed.
async fn request_rows(app: &TestApp, cookie: &str) -> Vec<serde_json::Value> {
    let account = json_of(&app.post("/api/load_account", &[], Some(cookie)).await);
    account["provider_access"].as_array().unwrap().iter().filter(|row| row["customer_number"] == KNOWN || row["customer_number"] == UNKNOWN).cloned().collect()
}

/// What a row or a page shows, less what tells one request from another anyway: its id, its
/// version, the number typed, and the minute it is due.
fn shown(value: &serde_json::Value) -> serde_json::Value {
    let mut shown = value.clone();
    for key in ["right_id", "version", "customer_number", "answer_by"] {
        shown.as_object_mut().unwrap().remove(key);
    }
    shown
}

on_both_backends!(a_number_no_company_has_is_answered_and_listed_like_a_request_the_company_has_not_answered, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    let known = ask(&app, &paul, KNOWN).await;
    let unknown = ask(&app, &paul, UNKNOWN).await;
    assert_eq!((known.status, known.body.as_str()), (200, "\"10000001\""), "{known:?}");
    assert_eq!((unknown.status, unknown.body.as_str()), (200, "\"99999999\""), "the same answer: {unknown:?}");
    let (known_again, unknown_again) = (ask(&app, &paul, KNOWN).await, ask(&app, &paul, UNKNOWN).await);
    assert_eq!((known_again.status, unknown_again.status), (409, 409));
    assert_eq!(known_again.body, unknown_again.body, "asked twice, the same refusal");
    assert!(known_again.body.contains("admin.right_exists.pending"), "{known_again:?}");

    let rows = request_rows(&app, &paul).await;
    assert_eq!(rows.len(), 2, "both listed: {rows:?}");
    assert_eq!(shown(&rows[0]), shown(&rows[1]), "the same row: {rows:?}");
    assert_eq!((rows[0]["company_name"].as_str(), rows[0]["status"].as_str(), rows[0]["awaiting"].as_str()), (Some(""), Some("pending"), Some("principal")));
    assert!(rows.iter().all(|row| row["answer_by"].is_string()), "both wait until a date: {rows:?}");
    let account = app.open("/account", Some(&paul)).await;
    assert!(account.body.contains("99999999") && account.body.contains("10000001"), "{}", account.body);
    assert!(!account.body.contains("Musterhans SA"), "the company's name is not told before it answers: {}", account.body);

    // Each request's own page: the number typed and that the company decides, nothing else.
    let page_of = |row: &serde_json::Value| [("right_id", row["right_id"].to_string())];
    let first = json_of(&app.post("/api/load_invitation", &page_of(&rows[0]).each_ref().map(|(k, v)| (*k, v.as_str())), Some(&paul)).await);
    let second = json_of(&app.post("/api/load_invitation", &page_of(&rows[1]).each_ref().map(|(k, v)| (*k, v.as_str())), Some(&paul)).await);
    assert_eq!(shown(&first), shown(&second), "the same page: {first} / {second}");
    assert_eq!(first["services"], serde_json::json!([]));
    for row in &rows {
        let page = app.open(&format!("/invitations/{}", row["right_id"]), Some(&paul)).await;
        assert!(page.body.contains("Votre demande attend la décision de la société."), "{}", page.body);
        assert!(page.body.contains("Décision attendue jusqu&#x27;au") || page.body.contains("Décision attendue jusqu'au"), "{}", page.body);
        assert!(!page.body.contains("À accepter jusqu"), "the requester accepts nothing: {}", page.body);
        assert!(!page.body.contains("Musterhans"), "{}", page.body);
    }

    // Accepting its own request is refused alike; withdrawing goes through alike.
    let (known_row, unknown_row) = if rows[0]["customer_number"] == KNOWN { (&rows[0], &rows[1]) } else { (&rows[1], &rows[0]) };
    let (accept_known, accept_unknown) = (answer(&app, &paul, known_row, "accept").await, answer(&app, &paul, unknown_row, "accept").await);
    assert_eq!((accept_known.status, accept_known.body.as_str()), (accept_unknown.status, accept_unknown.body.as_str()), "{accept_unknown:?}");
    assert_eq!(answer(&app, &paul, unknown_row, "withdraw").await.status, 200);
    assert_eq!(answer(&app, &paul, known_row, "withdraw").await.status, 200);
    let rows = request_rows(&app, &paul).await;
    assert_eq!(shown(&rows[0]), shown(&rows[1]), "withdrawn alike: {rows:?}");
    assert_eq!(rows[0]["status"], "revoked");
    let (late_known, late_unknown) = (answer(&app, &paul, known_row, "withdraw").await, answer(&app, &paul, unknown_row, "withdraw").await);
    assert_eq!((late_known.status, late_known.body), (late_unknown.status, late_unknown.body), "a stale answer, the same conflict");

    // Another login cannot see nor withdraw Paul's request for a number no company has.
    let anna = app.signed_in_cookie(auth_support::ADMIN).await;
    assert_eq!(app.post("/api/load_invitation", &[("right_id", &unknown_row["right_id"].to_string())], Some(&anna)).await.status, 404);
    assert_eq!(answer(&app, &anna, unknown_row, "withdraw").await.status, 404);
});

on_both_backends!(a_request_for_a_number_no_company_has_lapses_and_its_requester_is_told_as_for_a_company, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    assert_eq!(ask(&app, &paul, KNOWN).await.status, 200);
    assert_eq!(ask(&app, &paul, UNKNOWN).await.status, 200);
    app.store.advance_clock_for_tests(Duration::days(15));
    app.housekeeping.run_once().await;
    app.housekeeping.run_once().await;

    let rows = request_rows(&app, &paul).await;
    assert_eq!(shown(&rows[0]), shown(&rows[1]), "expired alike: {rows:?}");
    assert_eq!((rows[0]["status"].as_str(), rows[0]["company_name"].as_str()), (Some("expired"), Some("")));
    let told: Vec<_> =
        app.store.messages_for(app.demo.provider.id).await.unwrap().into_iter().filter(|m| m.kind == MessageKind::ProviderRequestExpired).collect();
    assert_eq!(told.len(), 2, "told once each: {told:?}");
    assert!(told.iter().all(|m| m.company_id.is_none()), "filed under no company: {told:?}");
    let mut numbers: Vec<_> = told.iter().map(|m| m.params["company"].as_str().unwrap().to_string()).collect();
    numbers.sort();
    assert_eq!(numbers, [KNOWN, UNKNOWN]);
    let list = json_of(&app.post("/api/list_messages", &[], Some(&paul)).await);
    let opened = json_of(&app.post("/api/open_message", &[("message_id", &list["lines"][0]["id"].to_string())], Some(&paul)).await);
    assert_eq!(opened["company"], "", "{opened}");
    assert!(opened["company_name"] == KNOWN || opened["company_name"] == UNKNOWN, "the number typed: {opened}");
    let mails = app.store.outbox(false).await.unwrap().into_iter().filter(|m| m.to_address == PROVIDER && m.subject == "Demande d'accès expirée").count();
    assert_eq!(mails, 2, "an e-mail each");
});
