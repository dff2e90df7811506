//! Suspending and resuming a provider's access over real HTTP, on SQLite and on Postgres:
//! a suspended right refuses the provider's next request and keeps its services and debtors;
//! resumed, it works as before. Only an administrator of the right's company does either.

use crate::auth_support;

use auth_support::{json_of, Answer, Options, TestApp, PROVIDER};
use portal_core::domain::{MessageKind, RightStatus};
use portal_core::store::UserRight;

const TINA: &str = "admin@transports-rapides.example";

/// Paul's accepted right on Transports Rapides SA, and Paul signed in and acting for it.
async fn paul_working_for_transports(app: &TestApp) -> (UserRight, String) {
    let third = app.demo.third_company.id;
    let right = app.store.right_for(third, app.demo.provider.id).await.unwrap().unwrap();
    assert_eq!(right.status, RightStatus::Active);
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let chosen = app.post("/api/select_company", &[("company_id", &third.to_string())], Some(&cookie)).await;
    assert!(chosen.status < 400, "{chosen:?}");
    (right, chosen.session_cookie().expect("choosing a company gives the session a new id"))
}

async fn hold(app: &TestApp, cookie: &str, how: &str, right_id: i64) -> Answer {
    let version = app.store.right(right_id).await.unwrap().version;
    app.post(&format!("/api/{how}_right"), &[("right_id", &right_id.to_string()), ("version", &version.to_string())], Some(cookie)).await
}

fn offered(choices: &Answer, company: &str) -> bool {
    assert_eq!(choices.status, 200, "{choices:?}");
    choices.body.contains(company)
}

on_both_backends!(a_suspended_access_refuses_the_next_request_and_once_resumed_works_as_before, Options::default(), |app: TestApp| async move {
    let (right, paul) = paul_working_for_transports(&app).await;
    let grants = app.store.service_grants(right.id).await.unwrap();
    assert_eq!(app.post("/api/load_orders", &[], Some(&paul)).await.status, 200);
    let tina = app.signed_in_cookie(TINA).await;

    let suspended = hold(&app, &tina, "suspend", right.id).await;
    assert_eq!(suspended.status, 200, "{suspended:?}");
    let next = app.post("/api/load_orders", &[], Some(&paul)).await;
    assert_eq!(next.status, 409, "refused on the very next request: {next:?}");
    assert!(next.body.contains("acting_company.none"), "{next:?}");
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(!offered(&choices, "Transports Rapides SA"), "no longer offered: {choices:?}");
    let stored = app.store.right(right.id).await.unwrap();
    assert_eq!(stored.status, RightStatus::Suspended);
    assert_eq!(app.store.service_grants(right.id).await.unwrap(), grants, "its services and debtors are kept");
    let page = json_of(&app.post("/api/load_right", &[("right_id", &right.id.to_string())], Some(&tina)).await);
    assert_eq!(page["row"]["status"], "suspended", "{page}");
    let told = app.store.messages_for(app.demo.provider.id).await.unwrap();
    assert_eq!(told.iter().filter(|m| m.kind == MessageKind::ProviderRightSuspended).count(), 1, "Paul is told once");
    let mail = app.newest_mail(PROVIDER, |m| m.subject == "Accès suspendu").await;
    assert!(mail.body.contains("Tina Rapide") && mail.body.contains("Transports Rapides SA"), "{}", mail.body);

    let resumed = hold(&app, &tina, "resume", right.id).await;
    assert_eq!(resumed.status, 200, "{resumed:?}");
    let choices = app.post("/api/list_company_choices", &[], Some(&paul)).await;
    assert!(offered(&choices, "Transports Rapides SA"), "offered again: {choices:?}");
    let (_, paul) = paul_working_for_transports(&app).await;
    assert_eq!(app.post("/api/load_orders", &[], Some(&paul)).await.status, 200, "works for the company again");
    assert_eq!(app.store.service_grants(right.id).await.unwrap(), grants);
    let told = app.store.messages_for(app.demo.provider.id).await.unwrap();
    assert_eq!(told.iter().filter(|m| m.kind == MessageKind::ProviderRightResumed).count(), 1);
    let actions = app.audit_actions(app.demo.third_admin.id).await;
    assert_eq!(actions[..2], ["right.resume".to_string(), "right.suspend".to_string()], "{actions:?}");
});

on_both_backends!(
    only_an_active_right_is_suspended_never_the_administrator_s_own_and_a_refusal_changes_nothing,
    Options::default(),
    |app: TestApp| async move {
        let third = app.demo.third_company.id;
        let right = app.store.right_for(third, app.demo.provider.id).await.unwrap().unwrap();
        let tina = app.signed_in_cookie(TINA).await;
        let messages = app.store.messages_for(app.demo.provider.id).await.unwrap().len();

        let not_suspended = hold(&app, &tina, "resume", right.id).await;
        assert_eq!(not_suspended.status, 409, "an active right is not resumed: {not_suspended:?}");
        assert!(not_suspended.body.contains("lifecycle.not_suspended"), "{not_suspended:?}");
        let stale = app.post("/api/suspend_right", &[("right_id", &right.id.to_string()), ("version", &(right.version - 1).to_string())], Some(&tina)).await;
        assert_eq!(stale.status, 409, "a page older than the right: {stale:?}");
        let own = app.store.right_for(third, app.demo.third_admin.id).await.unwrap().unwrap();
        let own_hold = hold(&app, &tina, "suspend", own.id).await;
        assert_eq!(own_hold.status, 400, "{own_hold:?}");
        assert!(own_hold.body.contains("admin.own_right"), "{own_hold:?}");
        // Anna administers Musterhans SA, not the company of this right.
        let anna = app.signed_in_cookie(auth_support::ADMIN).await;
        let foreign = hold(&app, &anna, "suspend", right.id).await;
        assert_eq!(foreign.status, 404, "{foreign:?}");
        // Paul cannot put his own access on hold or lift a hold: he is no administrator there.
        let (_, paul) = paul_working_for_transports(&app).await;
        assert_eq!(hold(&app, &paul, "suspend", right.id).await.status, 403);

        assert_eq!(app.store.right(right.id).await.unwrap(), right, "nothing changed");
        assert_eq!(own, app.store.right(own.id).await.unwrap());
        assert_eq!(app.store.messages_for(app.demo.provider.id).await.unwrap().len(), messages, "nobody is told of a refusal");
    }
);

on_both_backends!(
    an_administrator_suspending_and_resuming_over_and_over_cannot_flood_the_provider_with_e_mails,
    Options::default(),
    |app: TestApp| async move {
        let right = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().unwrap();
        let tina = app.signed_in_cookie(TINA).await;
        for _ in 0..4 {
            assert_eq!(hold(&app, &tina, "suspend", right.id).await.status, 200);
            assert_eq!(hold(&app, &tina, "resume", right.id).await.status, 200);
        }
        let messages = app.store.messages_for(app.demo.provider.id).await.unwrap();
        let told = messages.iter().filter(|m| matches!(m.kind, MessageKind::ProviderRightSuspended | MessageKind::ProviderRightResumed)).count();
        assert_eq!(told, 8, "every change is in the provider's messages");
        let outbox = app.store.outbox(false).await.unwrap();
        let mails = outbox.iter().filter(|m| m.to_address == PROVIDER && ["Accès suspendu", "Accès repris"].contains(&m.subject.as_str())).count();
        assert_eq!(mails, 5, "but at most 5 e-mails in the throttling window");
    }
);

on_both_backends!(an_administrator_is_told_when_the_provider_s_e_mail_was_withheld_by_the_per_address_limit, Options::default(), |app: TestApp| async move {
    let right = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().unwrap();
    let tina = app.signed_in_cookie(TINA).await;
    let page = format!("/admin/rights/{}", right.id);
    // Each suspension and resumption e-mails Paul; the per-address limit withholds the sixth.
    for round in 0..6 {
        let how = if round % 2 == 0 { "suspend" } else { "resume" };
        assert_eq!(hold(&app, &tina, how, right.id).await.status, 200, "round {round}");
        let shown = app.open(&page, Some(&tina)).await;
        assert_eq!(shown.status, 200, "{shown:?}");
        let told = shown.body.contains(r#"data-testid="mail-withheld""#);
        assert_eq!(told, round == 5, "round {round}: {}", shown.body);
        if told {
            assert!(
                shown.body.contains("son adresse a déjà reçu trop d&#x27;e-mails du portail")
                    || shown.body.contains("son adresse a déjà reçu trop d'e-mails du portail")
            );
        }
    }
    assert!(!app.open(&page, Some(&tina)).await.body.contains(r#"data-testid="mail-withheld""#), "said once");
    let mails = app.store.outbox(false).await.unwrap().into_iter().filter(|m| m.to_address == PROVIDER).count();
    let messages = app.store.messages_for(app.demo.provider.id).await.unwrap();
    assert_eq!((mails, messages.len()), (5, 6), "every change is in the portal; five e-mails");

    // An invitation to the same address now says so in its confirmation.
    let anna = app.signed_in_cookie(auth_support::ADMIN).await;
    let form = [("right_type", "provider"), ("email", PROVIDER), ("first_name", ""), ("last_name", ""), ("name", ""), ("remark", ""), ("assignment", "manual")];
    let invited = json_of(&app.post("/api/enter_user", &form, Some(&anna)).await);
    assert!(invited["mail_withheld"].as_str().is_some_and(|note| note.starts_with("Aucun e-mail ne lui a été envoyé")), "{invited}");
});
