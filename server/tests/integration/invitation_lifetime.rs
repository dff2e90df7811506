//! A pending invitation's lifetime over real HTTP, on SQLite and on Postgres: the company
//! sets it, the provider and the administrators see until when it can be answered, the
//! housekeeping expires it once and tells the administrator who invited, "Renvoyer" sends it
//! again, and a lapsed invitation cannot be accepted. Time moves with the store's test clock.

use crate::auth_support;
use auth_support::people::invite_paul;
use auth_support::{json_of, Answer, Options, TestApp, ADMIN, PROVIDER};
use chrono::Duration;
use portal_core::domain::{AuditAction, RightStatus};

async fn answer(app: &TestApp, cookie: &str, right: (i64, i64), what: &str) -> Answer {
    app.post("/api/answer_right", &[("right_id", &right.0.to_string()), ("version", &right.1.to_string()), ("answer", what)], Some(cookie)).await
}

async fn message_kinds(app: &TestApp, user_id: i64) -> Vec<String> {
    app.store.messages_for(user_id).await.unwrap().into_iter().map(|m| m.kind.as_str().to_string()).collect()
}

async fn audited(app: &TestApp, action: AuditAction) -> usize {
    let log = app.store.audit_for_company(app.demo.principal.id, 500, 0).await.unwrap();
    log.items.iter().filter(|e| e.action == action).count()
}

on_both_backends!(an_unanswered_invitation_expires_once_and_is_accepted_after_it_is_sent_again, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let set = app.post("/api/set_invitation_lifetime", &[("days", "7")], Some(&anna)).await;
    assert_eq!((set.status, json_of(&set)), (200, serde_json::json!(7)), "{set:?}");
    let right = invite_paul(&app).await;
    let due = app.store.right(right.0).await.unwrap().answer_by.expect("due by a time");
    assert!(due > app.store.now() + Duration::days(6) && due <= app.store.now() + Duration::days(7));

    // Both sides see until when it can be answered.
    let paul = app.signed_in_cookie(PROVIDER).await;
    let id = app.store.messages_for(app.demo.provider.id).await.unwrap()[0].id.to_string();
    let message = json_of(&app.post("/api/open_message", &[("message_id", &id)], Some(&paul)).await);
    assert!(!message["answer_by"].as_str().unwrap().is_empty(), "{message}");
    let list = json_of(&app.post("/api/list_rights", &[("search", "paul"), ("sort", "last_name"), ("descending", "false"), ("page", "1")], Some(&anna)).await);
    assert_eq!(list["rows"][0]["answer_by"], message["answer_by"], "{list}");
    assert_eq!(list["invitation_days"], 7);

    // A week later it can no longer be accepted, even before the housekeeping ran.
    app.store.advance_clock_for_tests(Duration::days(7));
    let late = answer(&app, &paul, right, "accept").await;
    assert_eq!(late.status, 409, "{late:?}");
    assert!(late.body.contains("Cette invitation a expiré"), "{late:?}");
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Pending, "refusing the answer changed nothing");

    // Two rounds of the housekeeping at once, as two instances would: expired once, told once.
    let (mailer, base) = (&app.housekeeping.mailer, app.base.as_str());
    let (a, b) = tokio::join!(
        app::housekeeping::lapse::expire_unanswered(&app.store, mailer, base),
        app::housekeeping::lapse::expire_unanswered(&app.store, mailer, base)
    );
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 1);
    app.housekeeping.run_once().await;
    let expired = app.store.right(right.0).await.unwrap();
    assert_eq!(expired.status, RightStatus::Expired);
    assert!(expired.is_lapsed_invitation());
    assert_eq!(audited(&app, AuditAction::RightExpire).await, 1);
    assert_eq!(message_kinds(&app, app.demo.admin.id).await, ["provider_invitation_expired"], "the administrator who invited is told once");
    let told = &app.store.messages_for(app.demo.admin.id).await.unwrap()[0];
    assert_eq!(told.params["right_id"], right.0, "the message opens the right, where it is sent again");
    let mails = app.store.outbox(false).await.unwrap().into_iter().filter(|m| m.to_address == ADMIN && m.subject == "Invitation expirée").collect::<Vec<_>>();
    assert_eq!(mails.len(), 1, "and an e-mail, once");
    assert!(mails[0].body.contains(&format!("{}/admin/rights/{}", app.base, right.0)), "{}", mails[0].body);

    // "Renvoyer": pending again, due a week from now, and Paul accepts.
    let resent = app.post("/api/resend_invitation", &[("right_id", &right.0.to_string())], Some(&anna)).await;
    assert_eq!(resent.status, 200, "{resent:?}");
    let again = app.store.right(right.0).await.unwrap();
    assert_eq!(again.status, RightStatus::Pending);
    assert!(again.answer_by.unwrap() > app.store.now() + Duration::days(6));
    assert_eq!(audited(&app, AuditAction::RightReinvite).await, 1);
    let accepted = answer(&app, &paul, (again.id, again.version), "accept").await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Active);
});

on_both_backends!(a_pending_invitation_sent_again_is_due_a_whole_lifetime_later, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let right = invite_paul(&app).await;
    app.store.advance_clock_for_tests(Duration::days(10));
    let resent = app.post("/api/resend_invitation", &[("right_id", &right.0.to_string())], Some(&anna)).await;
    assert_eq!(resent.status, 200, "{resent:?}");
    let renewed = app.store.right(right.0).await.unwrap();
    assert!(renewed.answer_by.unwrap() > app.store.now() + Duration::days(13), "14 days from the sending again");
    app.store.advance_clock_for_tests(Duration::days(5));
    app.housekeeping.run_once().await;
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Pending, "15 days after the first sending, still open");
    assert_eq!(audited(&app, AuditAction::RightResend).await, 1);
});

on_both_backends!(an_invitation_lifetime_outside_one_to_ninety_days_is_refused_and_changes_nothing, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    for days in ["0", "91", "2.5", "", "quatorze"] {
        let refused = app.post("/api/set_invitation_lifetime", &[("days", days)], Some(&anna)).await;
        assert_eq!(refused.status, 400, "{days:?}: {refused:?}");
        assert!(refused.body.contains("de 1 à 90"), "{days:?}: {refused:?}");
    }
    assert_eq!(app.store.company(app.demo.principal.id).await.unwrap().invitation_lifetime.days(), 14);
    let employee = app.signed_in_cookie("marc.dubois@musterhans.example").await;
    assert_eq!(app.post("/api/set_invitation_lifetime", &[("days", "30")], Some(&employee)).await.status, 403);
    assert_eq!(app.store.company(app.demo.principal.id).await.unwrap().invitation_lifetime.days(), 14);
});

/// Gives or takes the administrator flag of `user_id`'s right on Musterhans SA.
async fn set_admin(app: &TestApp, user_id: i64, is_admin: bool) {
    use portal_core::domain::Remark;
    use portal_core::store::{Actor, RightChanges};
    let current = app.store.right_for(app.demo.principal.id, user_id).await.unwrap().unwrap();
    let changes = RightChanges { is_admin, remark: Remark::default(), end_date: None };
    app.store.update_right(current.id, current.version, &changes, &Actor::system()).await.unwrap();
}

on_both_backends!(a_lapsed_invitation_is_told_to_the_administrators_of_the_day_not_to_a_former_one, Options::default(), |app: TestApp| async move {
    let right = invite_paul(&app).await;
    // Sophie becomes an administrator; then Anna, who invited, no longer is one.
    let (anna, sophie) = (app.demo.admin.id, app.demo.employees[1].id);
    set_admin(&app, sophie, true).await;
    set_admin(&app, anna, false).await;

    app.store.advance_clock_for_tests(Duration::days(14));
    app.housekeeping.run_once().await;
    assert_eq!(app.store.right(right.0).await.unwrap().status, RightStatus::Expired);
    assert_eq!(message_kinds(&app, sophie).await, ["provider_invitation_expired"], "the administrator of the day is told");
    assert!(message_kinds(&app, anna).await.is_empty(), "the former administrator is not");
    let mails = app.store.outbox(false).await.unwrap();
    assert!(!mails.iter().any(|m| m.to_address == ADMIN && m.subject == "Invitation expirée"), "nor e-mailed");
});

on_both_backends!(an_invitation_is_sent_again_at_most_once_a_quarter_of_an_hour, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let right = invite_paul(&app).await;
    let id = right.0.to_string();
    let form = [("right_id", id.as_str())];
    let resend = || app.post("/api/resend_invitation", &form, Some(&anna));
    assert_eq!(resend().await.status, 200);
    let again = resend().await;
    assert_eq!(again.status, 429, "{again:?}");
    assert!(again.body.contains("Cette invitation vient d"), "{again:?}");
    assert_eq!(message_kinds(&app, app.demo.provider.id).await.len(), 2, "the invitation and one sending again");
    assert_eq!(audited(&app, AuditAction::RightResend).await, 1);
});

on_both_backends!(an_unanswered_invitation_to_join_lapses_and_is_sent_again_as_an_invitation_to_join, Options::default(), |app: TestApp| async move {
    let email = "luca.libre@freelance.example";
    let luca = auth_support::people::new_login_of_no_company(&app, email).await;
    let anna = app.signed_in_cookie(ADMIN).await;
    assert_eq!(auth_support::people::enter_employee(&app, &anna, email, false).await.status, 200);
    let right = app.store.right_for(app.demo.principal.id, luca).await.unwrap().unwrap();

    app.store.advance_clock_for_tests(Duration::days(14));
    app.housekeeping.run_once().await;
    let lapsed = app.store.right(right.id).await.unwrap();
    assert!(lapsed.is_lapsed_invitation(), "{lapsed:?}");
    assert_eq!(message_kinds(&app, app.demo.admin.id).await, ["employee_invitation_expired"], "the administrators read that it was an invitation to join");
    assert_eq!(app.store.user(luca).await.unwrap().home_company_id, None);

    let again = app.post("/api/resend_invitation", &[("right_id", &right.id.to_string())], Some(&anna)).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(app.store.right(right.id).await.unwrap().status, RightStatus::Pending);
    assert_eq!(message_kinds(&app, luca).await, ["employee_invitation", "employee_invitation"], "the login reads the invitation to join again");
});
