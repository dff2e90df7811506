//! Offboarding a provider company over real HTTP, on SQLite and on Postgres: the preview
//! names who holds what since when, one confirmation ends every right of the company's
//! logins and each of them is refused on the next request, and a preview the rights have
//! moved on from ends nothing.

use crate::auth_support;
use auth_support::people::{employee_right, invitation, new_company, new_login, step};
use auth_support::{json_of, Options, TestApp, ADMIN};
use portal_core::domain::{MessageKind, Party, RightStatus, Transition};
use portal_core::store::{Actor, Company, GrantSpec, UserRight};
use serde_json::Value;

/// Entrepôts Lémaniques SA: three logins with active provider rights on Musterhans SA (orders
/// for every debtor; invoices for two; nothing yet) and a fourth one invited.
struct Logistics {
    company: Company,
    active: Vec<(String, UserRight)>,
    invited: UserRight,
}

async fn logistics(app: &TestApp) -> Logistics {
    let company = new_company(app, "80000008", "Entrepôts Lémaniques SA").await;
    let (musterhans, anna) = (app.demo.principal.id, app.demo.admin.id);
    let by_anna = Actor::user(anna, musterhans);
    let service = |code: &str| app.demo.services.iter().find(|s| s.code == code).unwrap().id;
    let grants = [
        vec![GrantSpec { service_id: service("orders"), all_debtors: true, debtor_ids: vec![] }],
        vec![GrantSpec { service_id: service("invoices"), all_debtors: false, debtor_ids: vec![app.demo.debtors[0].id, app.demo.debtors[1].id] }],
        vec![],
    ];
    let mut active = Vec::new();
    for (email, grants) in ["lea.berger@entrepots-lemaniques.example", "jonas.meier@entrepots-lemaniques.example", "chloe.rochat@entrepots-lemaniques.example"]
        .into_iter()
        .zip(grants)
    {
        let user_id = new_login(app, email, &company).await;
        employee_right(app, &company, user_id, false).await;
        let invited = invitation(app, musterhans, anna, user_id, None).await;
        let accepted = step(app, invited, Transition::Accept, Party::Provider, Actor::user(user_id, company.id)).await;
        app.store.replace_service_grants(accepted.id, &grants, &by_anna).await.unwrap();
        active.push((email.to_string(), app.store.right(accepted.id).await.unwrap()));
    }
    let noah = new_login(app, "noah.favre@entrepots-lemaniques.example", &company).await;
    let invited = invitation(app, musterhans, anna, noah, None).await;
    Logistics { company, active, invited }
}

/// A session of `email` acting for Musterhans SA.
async fn acting_for_musterhans(app: &TestApp, email: &str) -> String {
    let cookie = app.signed_in_cookie(email).await;
    let chosen = app.post("/api/select_company", &[("company_id", &app.demo.principal.id.to_string())], Some(&cookie)).await;
    assert!(chosen.status < 400, "{email} acts for Musterhans: {chosen:?}");
    chosen.session_cookie().expect("a new session id")
}

async fn preview(app: &TestApp, anna: &str, company: &Company) -> Value {
    let answer = app.post("/api/load_offboarding", &[("provider_company_id", &company.id.to_string())], Some(anna)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    json_of(&answer)
}

/// The confirmation's field, as the page sends it back.
fn previewed(preview: &Value) -> String {
    let rights = preview["rights"].as_array().unwrap();
    rights.iter().map(|r| format!("{}.{}", r["right_id"], r["version"])).collect::<Vec<_>>().join(",")
}

async fn status_of(app: &TestApp, right: &UserRight) -> RightStatus {
    app.store.right(right.id).await.unwrap().status
}

on_both_backends!(a_provider_company_is_offboarded_in_one_confirmation_and_each_login_is_refused_next, Options::default(), |app: TestApp| async move {
    let firm = logistics(&app).await;
    let mut sessions = Vec::new();
    for (email, _) in &firm.active {
        let cookie = acting_for_musterhans(&app, email).await;
        assert_eq!(app.post("/api/load_portal_context", &[], Some(&cookie)).await.status, 200, "{email} works for Musterhans");
        sessions.push((email.clone(), cookie));
    }
    let anna = app.signed_in_cookie(ADMIN).await;
    let list = app.post("/api/list_rights", &[("search", ""), ("sort", "last_name"), ("descending", "false"), ("page", "1")], Some(&anna)).await;
    let entrepots = serde_json::json!({ "company_id": firm.company.id, "name": "Entrepôts Lémaniques SA", "rights": 4 });
    let offered = json_of(&list)["provider_companies"].as_array().unwrap().clone();
    assert!(offered.contains(&entrepots), "offered: {offered:?}");

    let shown = preview(&app, &anna, &firm.company).await;
    assert_eq!(shown["provider_company"], "Entrepôts Lémaniques SA");
    let names: Vec<&str> = shown["rights"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "lea.berger@entrepots-lemaniques.example",
            "jonas.meier@entrepots-lemaniques.example",
            "chloe.rochat@entrepots-lemaniques.example",
            "noah.favre@entrepots-lemaniques.example"
        ],
        "by name (the test's logins share one), then in the order given"
    );
    let lea = &shown["rights"][0];
    assert_eq!((lea["status"].as_str(), lea["services"][0]["code"].as_str()), (Some("active"), Some("orders")));
    assert!(lea["services"][0]["debtors"].is_null(), "every debtor: {lea}");
    assert!(lea["since"].as_str().unwrap().contains('.'), "since when, dd.mm.yyyy: {lea}");
    let jonas = &shown["rights"][1];
    assert_eq!(jonas["services"][0]["debtors"], serde_json::json!(["100001 Musterhans SA – Siège Lausanne", "100002 Musterhans SA – Succursale Genève"]));
    assert_eq!(shown["rights"][2]["services"], serde_json::json!([]));
    assert_eq!(shown["rights"][3]["status"], "pending");

    let ended = app
        .post("/api/offboard_provider_company", &[("provider_company_id", &firm.company.id.to_string()), ("previewed", &previewed(&shown))], Some(&anna))
        .await;
    assert_eq!((ended.status, ended.body.as_str()), (200, "4"), "{ended:?}");
    for (email, cookie) in &sessions {
        let next = app.post("/api/load_portal_context", &[], Some(cookie)).await;
        assert_eq!(next.status, 409, "{email} is refused on the next request: {next:?}");
        assert!(next.body.contains("acting_company.none"), "{next:?}");
    }
    for (email, right) in &firm.active {
        assert_eq!(status_of(&app, right).await, RightStatus::Revoked, "{email}");
        let told = app.store.messages_for(right.user_id).await.unwrap();
        assert_eq!(told.iter().filter(|m| m.kind == MessageKind::ProviderRightRevoked).count(), 1, "{email} is told once");
        let mail = app.newest_mail(email, |m| m.subject == "Autorisation de prestataire révoquée").await;
        assert!(mail.body.contains("Anna Muster") && mail.body.contains("Musterhans SA"), "{}", mail.body);
    }
    assert_eq!(status_of(&app, &firm.invited).await, RightStatus::Revoked, "the invitation is cancelled");
    let told = app.store.messages_for(firm.invited.user_id).await.unwrap();
    assert_eq!(told.iter().filter(|m| m.kind == MessageKind::ProviderInvitationCancelled).count(), 1);

    let actions = app.audit_actions(app.demo.admin.id).await;
    assert_eq!(actions[0], "company.offboard_provider", "the operation, after its rights: {actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "right.revoke").count(), 3);
    assert_eq!(actions.iter().filter(|a| *a == "right.cancel").count(), 1);
    let list = app.post("/api/list_rights", &[("search", ""), ("sort", "last_name"), ("descending", "false"), ("page", "1")], Some(&anna)).await;
    let offered = json_of(&list)["provider_companies"].as_array().unwrap().clone();
    assert!(offered.iter().all(|c| c["company_id"] != firm.company.id), "nothing left to offboard: {offered:?}");
    assert_eq!(offered.len(), 1, "the demo's Logistique Alpine SA is still there: {offered:?}");
    let again = app.post("/api/load_offboarding", &[("provider_company_id", &firm.company.id.to_string())], Some(&anna)).await;
    assert_eq!(again.status, 404);
    assert!(again.body.contains("admin.offboard_nothing"), "{again:?}");
});

on_both_backends!(a_confirmation_the_rights_have_moved_on_from_ends_nothing, Options::default(), |app: TestApp| async move {
    let firm = logistics(&app).await;
    let anna = app.signed_in_cookie(ADMIN).await;
    let shown = preview(&app, &anna, &firm.company).await;
    let company_id = firm.company.id.to_string();

    let newcomer = new_login(&app, "lina.rey@entrepots-lemaniques.example", &firm.company).await;
    invitation(&app, app.demo.principal.id, app.demo.admin.id, newcomer, None).await;
    let stale = app.post("/api/offboard_provider_company", &[("provider_company_id", &company_id), ("previewed", &previewed(&shown))], Some(&anna)).await;
    assert_eq!(stale.status, 409, "{stale:?}");
    assert!(stale.body.contains("admin.offboard_changed"), "{stale:?}");
    let garbled = app.post("/api/offboard_provider_company", &[("provider_company_id", &company_id), ("previewed", "every one")], Some(&anna)).await;
    assert_eq!(garbled.status, 400, "{garbled:?}");
    assert!(garbled.body.contains("admin.offboard_bad_preview"), "{garbled:?}");
    for (email, right) in &firm.active {
        assert_eq!(status_of(&app, right).await, RightStatus::Active, "{email} keeps the access");
    }
    assert!(!app.audit_actions(app.demo.admin.id).await.iter().any(|a| a == "company.offboard_provider"));

    let fresh = preview(&app, &anna, &firm.company).await;
    assert_eq!(fresh["rights"].as_array().unwrap().len(), 5, "the newcomer is in the new preview");
    let ended = app.post("/api/offboard_provider_company", &[("provider_company_id", &company_id), ("previewed", &previewed(&fresh))], Some(&anna)).await;
    assert_eq!((ended.status, ended.body.as_str()), (200, "5"), "{ended:?}");
});

on_both_backends!(an_offboarding_confirmed_without_javascript_leads_to_the_list_which_says_what_ended, Options::default(), |app: TestApp| async move {
    let firm = logistics(&app).await;
    let anna = app.signed_in_cookie(ADMIN).await;
    let shown = preview(&app, &anna, &firm.company).await;
    let form = [("provider_company_id", firm.company.id.to_string()), ("previewed", previewed(&shown))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let posted = app.post_as_a_page("/api/offboard_provider_company", &form, Some(&anna)).await;
    assert_eq!(posted.location(), Some("/admin/rights"), "the offboarding page would find nothing left to end: {posted:?}");
    assert_eq!(status_of(&app, &firm.invited).await, RightStatus::Revoked);

    let list = app.open("/admin/rights", Some(&anna)).await;
    assert_eq!(list.status, 200, "{list:?}");
    let said = "Les accès de Entrepôts Lémaniques SA ont pris fin (4). Chaque prestataire en a été informé.";
    assert!(list.body.contains(said), "{}", list.body);
    assert!(!app.open("/admin/rights", Some(&anna)).await.body.contains(said), "said once");
});
