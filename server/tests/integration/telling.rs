//! One way to tell: every message a change to a right writes is also an e-mail, once the
//! change committed, to each login told that wants e-mails. Over real HTTP, on SQLite and on
//! Postgres.

use crate::auth_support;
use app::i18n::Locale;
use app::messages::pages::message_title;
use auth_support::people::invite_paul;
use auth_support::{Options, TestApp, ADMIN, PROVIDER};
use portal_core::domain::MessageKind;

/// The e-mail to `to` that tells `kind`, in French (the demo's logins read French), naming
/// `company`.
async fn told_by_mail(app: &TestApp, to: &str, kind: MessageKind, company: &str) {
    let subject = message_title(Locale::fr, kind);
    let mail = app.newest_mail(to, |m| m.subject == subject).await;
    assert!(mail.body.contains(company), "{kind:?} names {company}: {}", mail.body);
}

async fn end(app: &TestApp, cookie: &str, right_id: i64, how: &str) {
    let right = app.store.right(right_id).await.unwrap();
    let ended = app.post("/api/end_right", &[("right_id", &right_id.to_string()), ("version", &right.version.to_string()), ("how", how)], Some(cookie)).await;
    assert_eq!(ended.status, 200, "{ended:?}");
}

on_both_backends!(a_request_its_decision_and_a_revocation_each_reach_the_other_side_by_e_mail, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    let asked = app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "Mandat TVA 2027")], Some(&paul)).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    told_by_mail(&app, ADMIN, MessageKind::ProviderRequest, "Musterhans SA").await;

    let anna = app.signed_in_cookie(ADMIN).await;
    let right = app.store.right_for(app.demo.principal.id, app.demo.provider.id).await.unwrap().unwrap();
    let approved = app
        .post("/api/decide_request", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("approve", "true")], Some(&anna))
        .await;
    assert_eq!(approved.status, 200, "{approved:?}");
    told_by_mail(&app, PROVIDER, MessageKind::ProviderRequestApproved, "Musterhans SA").await;

    end(&app, &anna, right.id, "revoke").await;
    told_by_mail(&app, PROVIDER, MessageKind::ProviderRightRevoked, "Musterhans SA").await;
});

on_both_backends!(an_answer_to_an_invitation_and_its_cancellation_each_reach_the_other_side_by_e_mail, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let paul = app.signed_in_cookie(PROVIDER).await;
    let (right_id, version) = invite_paul(&app).await;
    let accepted =
        app.post("/api/answer_right", &[("right_id", &right_id.to_string()), ("version", &version.to_string()), ("answer", "accept")], Some(&paul)).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    told_by_mail(&app, ADMIN, MessageKind::ProviderAccepted, "Musterhans SA").await;

    // The e-mail says the same as the message: both carry the provider's name.
    let message = app.store.messages_for(app.demo.admin.id).await.unwrap().into_iter().find(|m| m.kind == MessageKind::ProviderAccepted).unwrap();
    let provider = message.params["provider"].as_str().unwrap().to_string();
    let mail = app.newest_mail(ADMIN, |m| m.subject == message_title(Locale::fr, MessageKind::ProviderAccepted)).await;
    assert!(mail.body.contains(&provider), "{provider}: {}", mail.body);

    let second = auth_support::people::new_company(&app, "10000778", "Agence Avis SA").await;
    let rita = auth_support::people::new_login(&app, "rita@avis.example", &second).await;
    let invited = app
        .post(
            "/api/enter_user",
            &[
                ("right_type", "provider"),
                ("email", "rita@avis.example"),
                ("first_name", ""),
                ("last_name", ""),
                ("name", ""),
                ("remark", ""),
                ("assignment", "manual"),
            ],
            Some(&anna),
        )
        .await;
    assert_eq!(invited.status, 200, "{invited:?}");
    let pending = app.store.right_for(app.demo.principal.id, rita).await.unwrap().unwrap();
    end(&app, &anna, pending.id, "cancel").await;
    told_by_mail(&app, "rita@avis.example", MessageKind::ProviderInvitationCancelled, "Musterhans SA").await;
});
