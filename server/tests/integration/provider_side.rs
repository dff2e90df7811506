//! The provider's side over real HTTP, on SQLite and on Postgres: messages, accepting,
//! refusing and resigning provider rights, and the administrators being told.

use crate::auth_support;
use auth_support::people::invite_paul;
use auth_support::{json_of, Answer, Options, TestApp, ADMIN, PROVIDER};
use portal_core::domain::RightStatus;

const THIRD_ADMIN: &str = "admin@transports-rapides.example";

async fn answer(app: &TestApp, cookie: &str, right: (i64, i64), what: &str) -> Answer {
    app.post("/api/answer_right", &[("right_id", &right.0.to_string()), ("version", &right.1.to_string()), ("answer", what)], Some(cookie)).await
}

async fn message_kinds(app: &TestApp, user_id: i64) -> Vec<String> {
    app.store.messages_for(user_id).await.unwrap().into_iter().map(|m| m.kind.as_str().to_string()).collect()
}

on_both_backends!(the_message_list_shows_fifty_messages_and_links_to_the_older_ones, Options::default(), |app: TestApp| async move {
    for n in 0..52 {
        let new = portal_core::store::NewMessage {
            recipient_user_id: app.demo.provider.id,
            company_id: Some(app.demo.principal.id),
            kind: portal_core::domain::MessageKind::ProviderInvitation,
            params: serde_json::json!({ "admin": "Anna Muster", "company": format!("Musterhans SA {n}") }),
        };
        app.store.create_message(&new).await.unwrap();
    }
    // With the demo's own messages to Paul, if any: newest first.
    let all: Vec<i64> = app.store.messages_for(app.demo.provider.id).await.unwrap().iter().map(|m| m.id).collect();
    assert!((52..=100).contains(&all.len()), "two pages: {}", all.len());
    // Paul works for two companies: he picks his own, as the company selector asks first.
    let paul = app.signed_in_cookie(PROVIDER).await;
    let home = app.demo.provider_company.id.to_string();
    let paul = app.post("/api/select_company", &[("company_id", &home)], Some(&paul)).await.session_cookie().expect("a new session id");
    let ids = |page: &str| -> Vec<i64> { page.split("href=\"/messages/").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect() };

    let newest = app.get("/messages", Some(&paul)).await;
    assert_eq!(newest.status, 200, "{newest:?}");
    let shown = ids(&newest.body);
    assert_eq!(shown, all[..50], "the 50 newest, newest first");
    let older_link = format!("/messages?avant={}#message-list", shown[49]);
    assert!(newest.body.contains(&format!("href=\"{older_link}\"")), "a link to the older messages");
    assert!(newest.body.contains("Messages plus anciens"));

    let older = app.get(older_link.trim_end_matches("#message-list"), Some(&paul)).await;
    assert_eq!(older.status, 200, "{older:?}");
    assert_eq!(ids(&older.body), all[50..], "the oldest");
    assert!(older.body.contains("Messages les plus récents"), "a way back to the newest");
    assert!(!older.body.contains("Messages plus anciens"), "nothing older");
});

on_both_backends!(the_invited_provider_reads_the_message_once_and_accepts, Options::default(), |app: TestApp| async move {
    let right = invite_paul(&app).await;
    let paul = app.signed_in_cookie(PROVIDER).await;

    let list = json_of(&app.post("/api/list_messages", &[], Some(&paul)).await);
    let line = &list["lines"][0];
    assert_eq!(line["kind"], "provider_invitation");
    assert_eq!(line["unread"], true);
    assert_eq!(line["company"], "Musterhans SA");
    let id = line["id"].as_i64().unwrap().to_string();
    let opened = json_of(&app.post("/api/open_message", &[("message_id", &id)], Some(&paul)).await);
    assert_eq!(opened["admin"], "Anna Muster");
    assert!(opened["company"].as_str().unwrap().starts_with("Musterhans SA"));
    let first_read = opened["read_at"].as_str().unwrap().to_string();
    assert!(!first_read.is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = json_of(&app.post("/api/open_message", &[("message_id", &id)], Some(&paul)).await);
    assert_eq!(again["read_at"], first_read.as_str(), "« Lu le » keeps the first opening");

    // Before accepting, the company is not in the selector.
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(!choices.body.contains("Musterhans SA"), "{choices:?}");

    let accepted = answer(&app, &paul, right, "accept").await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Active);
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(choices.body.contains("Musterhans SA"), "the company appears in the selector at once: {choices:?}");
    assert_eq!(message_kinds(&app, app.demo.admin.id).await, vec!["provider_accepted".to_string()], "the administrator is told once");

    let twice = answer(&app, &paul, right, "accept").await;
    assert_eq!(twice.status, 409, "a stale answer changes nothing: {twice:?}");
    assert_eq!(message_kinds(&app, app.demo.admin.id).await.len(), 1);
});

on_both_backends!(only_the_invited_login_answers_its_right, Options::default(), |app: TestApp| async move {
    let right = invite_paul(&app).await;
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let foreign = answer(&app, &tina, right, "accept").await;
    assert_eq!(foreign.status, 404, "{foreign:?}");
    let anna = app.signed_in_cookie(ADMIN).await;
    let admin_accepting = answer(&app, &anna, right, "accept").await;
    assert_eq!(admin_accepting.status, 404, "the principal cannot accept in the provider's place: {admin_accepting:?}");
    let anonymous = answer(&app, "", right, "accept").await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Pending);

    // Messages are the recipient's only.
    let paul_message = app.store.messages_for(app.demo.provider.id).await.unwrap()[0].id.to_string();
    let peek = app.post("/api/open_message", &[("message_id", &paul_message)], Some(&tina)).await;
    assert_eq!(peek.status, 404, "{peek:?}");
    assert!(app.store.messages_for(app.demo.provider.id).await.unwrap()[0].read_at.is_none(), "peeking did not mark it read");
});

on_both_backends!(a_refusal_is_recorded_and_told_to_the_administrators, Options::default(), |app: TestApp| async move {
    let right = invite_paul(&app).await;
    let paul = app.signed_in_cookie(PROVIDER).await;
    let refused = answer(&app, &paul, right, "refuse").await;
    assert_eq!(refused.status, 200, "{refused:?}");
    let after = app.store.right(right.0).await.unwrap();
    assert_eq!(after.status, RightStatus::Refused);
    assert!(after.decided_at.is_some());
    assert_eq!(message_kinds(&app, app.demo.admin.id).await, vec!["provider_refused".to_string()]);
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(!choices.body.contains("Musterhans SA"), "a refused right grants nothing: {choices:?}");
});

on_both_backends!(a_provider_who_resigns_is_refused_on_its_next_request, Options::default(), |app: TestApp| async move {
    // Paul's demo right on Transports Rapides SA is active.
    let paul = app.signed_in_cookie(PROVIDER).await;
    let third = app.demo.third_company.id.to_string();
    let paul = app.post("/api/select_company", &[("company_id", &third)], Some(&paul)).await.session_cookie().unwrap();
    let right = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().unwrap();
    let resigned = answer(&app, &paul, (right.id, right.version), "resign").await;
    assert_eq!(resigned.status, 200, "{resigned:?}");
    assert_eq!(app.store.right(right.id).await.unwrap().status, RightStatus::Resigned);

    let next = app.post("/api/load_portal_context", &[], Some(&paul)).await;
    assert_eq!(next.status, 409, "{next:?}");
    assert!(next.body.contains("acting_company.none"));
    let tina_id = app.demo.third_admin.id;
    assert_eq!(message_kinds(&app, tina_id).await, vec!["provider_resigned".to_string()]);
});

on_both_backends!(the_header_counts_unread_messages, Options::default(), |app: TestApp| async move {
    invite_paul(&app).await;
    let paul = app.signed_in_cookie(PROVIDER).await;
    // Paul acts for his home company here.
    let home = app.demo.provider_company.id.to_string();
    let paul = app.post("/api/select_company", &[("company_id", &home)], Some(&paul)).await.session_cookie().unwrap();
    let context = json_of(&app.post("/api/load_portal_context", &[], Some(&paul)).await);
    assert_eq!(context["unread_messages"], 1);
    let id = app.store.messages_for(app.demo.provider.id).await.unwrap()[0].id.to_string();
    app.post("/api/open_message", &[("message_id", &id)], Some(&paul)).await;
    let context = json_of(&app.post("/api/load_portal_context", &[], Some(&paul)).await);
    assert_eq!(context["unread_messages"], 0);
});

on_both_backends!(a_provider_asks_a_company_for_access_and_its_approval_activates_the_right, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    let ask = |number: &'static str| {
        let (app, paul) = (&app, paul.clone());
        async move { app.post("/api/request_access", &[("customer_number", number), ("message", "Mandat TVA 2027")], Some(&paul)).await }
    };
    let own = ask("20000002").await;
    assert!(own.body.contains("provider.own_company"), "{own:?}");
    let bad = ask("12ab").await;
    assert!(bad.body.contains("customer_number."), "{bad:?}");
    let existing = ask("30000003").await;
    assert_eq!(existing.status, 409, "Paul already works for Transports Rapides SA: {existing:?}");
    assert!(existing.body.contains("admin.right_exists.active"));

    let asked = ask("10000001").await;
    assert_eq!(asked.status, 200, "{asked:?}");
    let right = app.store.right_for(app.demo.principal.id, app.demo.provider.id).await.unwrap().unwrap();
    assert_eq!(right.status, RightStatus::Pending);
    assert_eq!(right.remark.as_deref(), Some("Mandat TVA 2027"));
    let told = app.store.messages_for(app.demo.admin.id).await.unwrap();
    assert_eq!(told.iter().map(|m| m.kind.as_str()).collect::<Vec<_>>(), vec!["provider_request"]);
    assert_eq!(told[0].params["message"], "Mandat TVA 2027");
    assert_eq!(ask("10000001").await.status, 409, "a duplicate request is refused");

    // The administrator sees it in the rights list and approves: active without a second acceptance.
    let anna = app.signed_in_cookie(ADMIN).await;
    let list = app.post("/api/list_rights", &[("search", "en suspens"), ("sort", ""), ("descending", "false"), ("page", "1")], Some(&anna)).await;
    assert!(list.body.contains(PROVIDER), "{list:?}");
    let approved = app
        .post("/api/decide_request", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("approve", "true")], Some(&anna))
        .await;
    assert_eq!(approved.status, 200, "{approved:?}");
    assert_eq!(app.store.right(right.id).await.unwrap().status, RightStatus::Active);
    assert!(message_kinds(&app, app.demo.provider.id).await.contains(&"provider_request_approved".to_string()));
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(choices.body.contains("Musterhans SA"), "{choices:?}");
});

on_both_backends!(a_provider_cannot_accept_its_own_request_but_may_withdraw_it, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    assert_eq!(app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "")], Some(&paul)).await.status, 200);
    let right = app.store.right_for(app.demo.principal.id, app.demo.provider.id).await.unwrap().unwrap();
    let self_accept = answer(&app, &paul, (right.id, right.version), "accept").await;
    assert_eq!(self_accept.status, 409, "the company decides a request, not the requester: {self_accept:?}");
    let withdrawn = answer(&app, &paul, (right.id, right.version), "withdraw").await;
    assert_eq!(withdrawn.status, 200, "{withdrawn:?}");
    assert!(app.store.right(right.id).await.unwrap().status.is_ended());
    assert!(message_kinds(&app, app.demo.admin.id).await.contains(&"provider_request_withdrawn".to_string()));
});

on_both_backends!(accepting_after_a_cancel_or_a_revocation_is_refused_in_words, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let paul = app.signed_in_cookie(PROVIDER).await;
    let right = invite_paul(&app).await;
    let cancel = app.post("/api/end_right", &[("right_id", &right.0.to_string()), ("version", &right.1.to_string()), ("how", "cancel")], Some(&anna)).await;
    assert_eq!(cancel.status, 200, "{cancel:?}");
    let current = app.store.right(right.0).await.unwrap();
    let late = answer(&app, &paul, (current.id, current.version), "accept").await;
    assert_eq!(late.status, 409, "{late:?}");
    assert!(late.body.contains("lifecycle."), "a code the page words as 'no longer possible': {late:?}");
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Revoked);
    assert!(message_kinds(&app, app.demo.provider.id).await.contains(&"provider_invitation_cancelled".to_string()));

    // Paul's right on Transports Rapides SA, revoked by Tina, cannot be accepted again either.
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let active = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().unwrap();
    let revoked =
        app.post("/api/end_right", &[("right_id", &active.id.to_string()), ("version", &active.version.to_string()), ("how", "revoke")], Some(&tina)).await;
    assert_eq!(revoked.status, 200, "{revoked:?}");
    let now = app.store.right(active.id).await.unwrap();
    assert_eq!(answer(&app, &paul, (now.id, now.version), "accept").await.status, 409);
    assert_eq!(app.store.right(active.id).await.unwrap().status, RightStatus::Revoked);
});

on_both_backends!(a_declined_request_grants_nothing_and_the_requester_is_told, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    assert_eq!(app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "")], Some(&paul)).await.status, 200);
    let right = app.store.right_for(app.demo.principal.id, app.demo.provider.id).await.unwrap().unwrap();
    let anna = app.signed_in_cookie(ADMIN).await;
    let declined = app
        .post("/api/decide_request", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("approve", "false")], Some(&anna))
        .await;
    assert_eq!(declined.status, 200, "{declined:?}");
    assert_eq!(app.store.right(right.id).await.unwrap().status, RightStatus::Refused);
    assert!(message_kinds(&app, app.demo.provider.id).await.contains(&"provider_request_declined".to_string()));
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(!choices.body.contains("Musterhans SA"), "{choices:?}");
    // An employee of Musterhans SA who is no administrator cannot decide requests.
    let marc = app.signed_in_cookie("marc.dubois@musterhans.example").await;
    let forged = app.post("/api/decide_request", &[("right_id", &right.id.to_string()), ("version", "1"), ("approve", "true")], Some(&marc)).await;
    assert_eq!(forged.status, 403, "{forged:?}");
});
