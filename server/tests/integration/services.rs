//! Working for the principal, over real HTTP, on SQLite and on Postgres: the online services
//! "Commande de produits contractuels" and "Factures" show and accept only what is granted
//! to the login for its acting company, decided again on every call.

use crate::auth_support;

use auth_support::{json_of, Answer, Options, TestApp, ADMIN, PROVIDER};
use chrono::Duration;
use portal_core::domain::{Party, Remark, RightOrigin, RightType, Transition};
use portal_core::store::{Actor, ContractProduct, Debtor, GrantSpec, NewRight, RightChanges, UserRight};
use serde_json::{json, Value};

const EMPLOYEE: &str = "marc.dubois@musterhans.example";
const INVOICES_ONLY: &str = "sophie.keller@musterhans.example";
const THIRD_ADMIN: &str = "admin@transports-rapides.example";

fn service_id(app: &TestApp, code: &str) -> i64 {
    app.demo.services.iter().find(|s| s.code == code).expect("a demo service").id
}

fn only(app: &TestApp, code: &str, debtors: &[&Debtor]) -> GrantSpec {
    GrantSpec { service_id: service_id(app, code), all_debtors: false, debtor_ids: debtors.iter().map(|d| d.id).collect() }
}

fn all(app: &TestApp, code: &str) -> GrantSpec {
    GrantSpec { service_id: service_id(app, code), all_debtors: true, debtor_ids: vec![] }
}

/// Musterhans SA invites Paul, Paul accepts, the administrator grants `grants`.
async fn provider_on_principal(app: &TestApp, grants: &[GrantSpec]) -> UserRight {
    let by_admin = Actor::user(app.demo.admin.id, app.demo.principal.id);
    let invited = app
        .store
        .create_right(
            &NewRight {
                company_id: app.demo.principal.id,
                user_id: app.demo.provider.id,
                right_type: RightType::Provider,
                is_admin: false,
                origin: RightOrigin::Invitation,
                remark: Remark::default(),
                end_date: None,
                created_by_user_id: Some(app.demo.admin.id),
            },
            &by_admin,
        )
        .await
        .unwrap();
    let accepted = app
        .store
        .transition_right(invited.id, invited.version, Transition::Accept, Party::Provider, &Actor::user(app.demo.provider.id, app.demo.provider_company.id))
        .await
        .unwrap();
    app.store.replace_service_grants(accepted.id, grants, &by_admin).await.unwrap();
    accepted
}

/// Paul signed in and acting for `company_id`.
async fn paul_acting_for(app: &TestApp, company_id: i64) -> String {
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let chosen = app.post("/api/select_company", &[("company_id", &company_id.to_string())], Some(&cookie)).await;
    assert!(chosen.status < 400, "{chosen:?}");
    chosen.session_cookie().expect("choosing a company gives the session a new id")
}

async fn place(app: &TestApp, cookie: &str, debtor_id: i64, lines: &[(i64, i64)], reference: &str) -> Answer {
    let debtor = debtor_id.to_string();
    let fields: Vec<(String, String)> = lines.iter().map(|(p, q)| (format!("quantities[{p}]"), q.to_string())).collect();
    let mut form: Vec<(&str, &str)> = vec![("debtor_id", &debtor), ("reference", reference)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.post("/api/place_order", &form, Some(cookie)).await
}

async fn orders_page(app: &TestApp, cookie: &str) -> Value {
    let answer = app.post("/api/load_orders", &[], Some(cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    json_of(&answer)
}

fn debtor_numbers(view: &Value) -> Vec<String> {
    view["debtors"].as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap().to_string()).collect()
}

fn order_debtors(view: &Value) -> Vec<String> {
    view["orders"].as_array().unwrap().iter().map(|o| o["debtor_number"].as_str().unwrap().to_string()).collect()
}

fn refused_with(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert!(answer.body.contains(code), "{code} expected: {answer:?}");
}

async fn products_of(app: &TestApp, company_id: i64) -> Vec<ContractProduct> {
    app.store.products(company_id, true).await.unwrap()
}

async fn debtors_of(app: &TestApp, company_id: i64) -> Vec<Debtor> {
    app.store.debtors(company_id).await.unwrap()
}

async fn stored_orders(app: &TestApp, company_id: i64) -> usize {
    app.store.orders_for_company(company_id).await.unwrap().len()
}

on_both_backends!(the_orders_page_shows_twenty_five_orders_and_links_to_the_older_ones, Options::default(), |app: TestApp| async move {
    let d = app.demo.debtors.clone();
    let box_s = app.demo.products[0].id;
    let marc = app.signed_in_cookie(EMPLOYEE).await;
    let mut placed = Vec::new();
    for n in 0..27 {
        let answer = place(&app, &marc, d[0].id, &[(box_s, 1)], &format!("PO-{n}")).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        placed.push(json_of(&answer)["order_id"].as_i64().unwrap());
    }
    let ids = |page: &str| -> Vec<i64> { page.split("data-order-id=\"").skip(1).map(|rest| rest.split('"').next().unwrap().parse().unwrap()).collect() };

    let newest = app.get("/services/orders", Some(&marc)).await;
    assert_eq!(newest.status, 200, "{newest:?}");
    let shown = ids(&newest.body);
    assert_eq!(shown, placed.iter().rev().take(25).copied().collect::<Vec<_>>(), "the 25 newest, newest first");
    let older_link = format!("/services/orders?avant={}#order-list", shown[24]);
    assert!(newest.body.contains(&format!("href=\"{older_link}\"")), "a link to the older orders");
    assert!(newest.body.contains("Commandes plus anciennes"));
    assert!(!newest.body.contains("Commandes les plus récentes"), "already the newest");

    let older = app.get(older_link.trim_end_matches("#order-list"), Some(&marc)).await;
    assert_eq!(older.status, 200, "{older:?}");
    assert_eq!(ids(&older.body), [placed[1], placed[0]], "the two oldest");
    assert!(older.body.contains("Commandes les plus récentes"), "a way back to the newest");
    assert!(!older.body.contains("Commandes plus anciennes"), "nothing older");
});

on_both_backends!(a_provider_with_orders_for_one_debtor_sees_only_that_debtor_and_its_orders, Options::default(), |app: TestApp| async move {
    let d = app.demo.debtors.clone();
    let box_s = app.demo.products[0].id;
    // Marc, an employee with orders for all debtors, orders for two debtors.
    let marc = app.signed_in_cookie(EMPLOYEE).await;
    assert_eq!(place(&app, &marc, d[0].id, &[(box_s, 2)], "").await.status, 200);
    assert_eq!(place(&app, &marc, d[1].id, &[(box_s, 1)], "").await.status, 200);

    provider_on_principal(&app, &[only(&app, "orders", &[&d[0]])]).await;
    let paul = paul_acting_for(&app, app.demo.principal.id).await;
    let view = orders_page(&app, &paul).await;
    assert_eq!(debtor_numbers(&view), vec!["100001"], "only the granted debtor can be chosen");
    assert_eq!(order_debtors(&view), vec!["100001"], "only that debtor's orders are shown");
    assert_eq!(view["products"].as_array().unwrap().len(), 5, "the principal's contract products");
    let box_s_offer = view["products"].as_array().unwrap().iter().find(|p| p["code"] == "BOX-S").unwrap().clone();
    assert_eq!(box_s_offer["unit_price"], "CHF 24.50");
    assert_eq!(view["as_provider"], true);
    assert_eq!(view["orders"][0]["placed_by"], "Marc Dubois");

    // Marc still sees every debtor's orders.
    let marcs = orders_page(&app, &marc).await;
    assert_eq!(debtor_numbers(&marcs).len(), 4);
    assert_eq!(order_debtors(&marcs).len(), 2);
});

on_both_backends!(ordering_outside_the_scope_or_with_bad_lines_is_refused_and_stores_nothing, Options::default(), |app: TestApp| async move {
    let d = app.demo.debtors.clone();
    let box_s = app.demo.products[0].id;
    provider_on_principal(&app, &[only(&app, "orders", &[&d[0]])]).await;
    let paul = paul_acting_for(&app, app.demo.principal.id).await;
    let third = app.demo.third_company.id;
    let foreign_debtor = debtors_of(&app, third).await[0].id;
    let foreign_product = products_of(&app, third).await[0].id;

    refused_with(&place(&app, &paul, d[1].id, &[(box_s, 1)], "").await, 403, "service.debtor_not_granted");
    refused_with(&place(&app, &paul, foreign_debtor, &[(box_s, 1)], "").await, 403, "service.debtor_not_granted");
    refused_with(&place(&app, &paul, d[0].id, &[(foreign_product, 1)], "").await, 400, "order.unknown_product");
    refused_with(&place(&app, &paul, d[0].id, &[(box_s, 0)], "").await, 400, "order.no_lines");
    refused_with(&place(&app, &paul, d[0].id, &[(box_s, -3)], "").await, 400, "order.bad_quantity");
    refused_with(&place(&app, &paul, d[0].id, &[(box_s, 1)], &"R".repeat(36)).await, 400, "order.reference_invalid");
    let no_debtor = app.post("/api/place_order", &[("quantities[1]", "1")], Some(&paul)).await;
    refused_with(&no_debtor, 400, "order.debtor_required");

    assert_eq!(stored_orders(&app, app.demo.principal.id).await, 0, "nothing was stored");
    assert_eq!(stored_orders(&app, third).await, 0);
    let audit = app.store.audit_for_company(app.demo.principal.id, 100, 0).await.unwrap();
    assert!(!audit.items.iter().any(|a| a.action.as_str() == "order.create"), "nothing was audited as an order");

    assert_eq!(place(&app, &paul, d[0].id, &[(box_s, 1)], "").await.status, 200, "within the scope it works");
});

on_both_backends!(a_service_not_granted_is_absent_from_the_menu_and_refused_by_the_server, Options::default(), |app: TestApp| async move {
    // Paul works for Transports Rapides SA with orders only (demo data).
    let paul = paul_acting_for(&app, app.demo.third_company.id).await;
    let context = json_of(&app.post("/api/load_portal_context", &[], Some(&paul)).await);
    assert_eq!(context["services"], json!(["orders"]));
    refused_with(&app.post("/api/load_invoices", &[], Some(&paul)).await, 403, "service.not_granted");
    let refusal = app.get("/services/invoices", Some(&paul)).await;
    assert!(refusal.body.contains("Ce service en ligne ne vous est pas autorisé pour cette société."), "{}", refusal.body);
    let portal = app.get("/portal", Some(&paul)).await;
    assert!(portal.body.contains("href=\"/services/orders\""), "the menu opens the granted service: {}", portal.body);
    assert!(!portal.body.contains("/services/invoices"), "and only that one");

    // Sophie has invoices (two debtors) but not orders.
    let sophie = app.signed_in_cookie(INVOICES_ONLY).await;
    refused_with(&app.post("/api/load_orders", &[], Some(&sophie)).await, 403, "service.not_granted");
    let box_s = app.demo.products[0].id;
    refused_with(&place(&app, &sophie, app.demo.debtors[0].id, &[(box_s, 1)], "").await, 403, "service.not_granted");
    assert_eq!(stored_orders(&app, app.demo.principal.id).await, 0);

    let anonymous = app.post("/api/load_orders", &[], None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");
});

on_both_backends!(invoices_are_listed_per_debtor_for_the_debtors_in_scope_only, Options::default(), |app: TestApp| async move {
    let sophie = app.signed_in_cookie(INVOICES_ONLY).await;
    let answer = app.post("/api/load_invoices", &[], Some(&sophie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let view = json_of(&answer);
    let debtors = view["debtors"].as_array().unwrap();
    let numbers: Vec<&str> = debtors.iter().map(|d| d["debtor"]["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, vec!["100001", "100002"]);
    for d in debtors {
        let invoices = d["invoices"].as_array().unwrap();
        assert_eq!(invoices.len(), 3, "{d}");
        for i in invoices {
            assert!(i["amount"].as_str().unwrap().starts_with("CHF "), "{i}");
            let issued = i["issued"].as_str().unwrap();
            assert!(issued.len() == 10 && &issued[2..3] == "." && &issued[5..6] == ".", "dd.mm.yyyy: {issued}");
        }
    }
    assert_eq!(debtors[0]["invoices"][2]["number"], "F-2026-0001", "newest first");
    assert_eq!(debtors[0]["invoices"][2]["issued"], "15.01.2026");
    assert_eq!(debtors[0]["invoices"][2]["amount"], "CHF 155.17");
    assert_eq!(debtors[0]["invoices"][2]["status"], "paid");

    // The administrator sees all four debtors.
    let admin = app.signed_in_cookie(ADMIN).await;
    let all_view = json_of(&app.post("/api/load_invoices", &[], Some(&admin)).await);
    assert_eq!(all_view["debtors"].as_array().unwrap().len(), 4);
});

on_both_backends!(a_provider_order_is_placed_on_behalf_of_the_principal_and_audited, Options::default(), |app: TestApp| async move {
    let third = app.demo.third_company.id;
    let paul = paul_acting_for(&app, third).await;
    let view = orders_page(&app, &paul).await;
    assert_eq!(debtor_numbers(&view), vec!["300001", "300002"], "all debtors are granted");
    let products = products_of(&app, third).await;
    let container = products.iter().find(|p| p.code == "CNT-R").unwrap().id;
    let labels = products.iter().find(|p| p.code == "PAL-EU").unwrap().id;
    let depot = debtors_of(&app, third).await.into_iter().find(|d| d.debtor_number == "300002").unwrap();

    let placed = place(&app, &paul, depot.id, &[(container, 1), (labels, 2)], " TR-4711 ").await;
    assert_eq!(placed.status, 200, "{placed:?}");
    assert_eq!(json_of(&placed)["total"], "CHF 1'311.50");

    let order = orders_page(&app, &paul).await["orders"][0].clone();
    assert_eq!(order["placed_by"], "Paul Prestataire");
    assert_eq!(order["provider_company"], "Fiduciaire Exemple Sàrl");
    assert_eq!(order["on_behalf_of"], "Transports Rapides SA");
    assert_eq!(order["reference"], "TR-4711");
    assert_eq!(order["debtor_number"], "300002");
    assert_eq!(order["lines"].as_array().unwrap().len(), 2);
    let page = app.get("/services/orders", Some(&paul)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Passée par Paul Prestataire (Fiduciaire Exemple Sàrl) pour le compte de Transports Rapides SA"),
        "the page says on whose behalf: {}",
        page.body
    );
    assert!(page.body.contains("CHF 1&#x27;311.50") || page.body.contains("CHF 1'311.50"), "Swiss francs");

    let audit = app.store.audit_for_company(third, 100, 0).await.unwrap();
    let entry = audit.items.iter().find(|a| a.action.as_str() == "order.create").expect("the order is audited");
    assert_eq!(entry.actor_user_id, Some(app.demo.provider.id), "done by the provider");
    assert_eq!(entry.acting_company_id, Some(third), "on behalf of the company");
    assert_eq!(entry.company_id, Some(third), "readable by the company's administrators");

    // The principal's administrator sees it, and her own order has no "on behalf of".
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    assert_eq!(place(&app, &tina, depot.id, &[(labels, 1)], "").await.status, 200);
    let tinas = orders_page(&app, &tina).await;
    let orders = tinas["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0]["placed_by"], "Tina Rapide");
    assert!(orders[0]["on_behalf_of"].is_null() && orders[0]["provider_company"].is_null(), "{}", orders[0]);
    assert_eq!(orders[1]["on_behalf_of"], "Transports Rapides SA");
});

on_both_backends!(an_employee_order_shows_no_on_behalf_of, Options::default(), |app: TestApp| async move {
    let marc = app.signed_in_cookie(EMPLOYEE).await;
    let placed = place(&app, &marc, app.demo.debtors[2].id, &[(app.demo.products[1].id, 3)], "PO-17").await;
    assert_eq!(placed.status, 200, "{placed:?}");
    let view = orders_page(&app, &marc).await;
    let order = &view["orders"][0];
    assert_eq!(order["placed_by"], "Marc Dubois");
    assert!(order["on_behalf_of"].is_null() && order["provider_company"].is_null(), "{order}");
    assert_eq!(view["as_provider"], false);
    assert_eq!(order["total"], "CHF 98.70");
    let audit = app.store.audit_for_company(app.demo.principal.id, 100, 0).await.unwrap();
    let entry = audit.items.iter().find(|a| a.action.as_str() == "order.create").expect("audited");
    assert_eq!((entry.actor_user_id, entry.acting_company_id), (Some(app.demo.employees[0].id), Some(app.demo.principal.id)));
});

on_both_backends!(the_next_call_follows_a_change_of_debtors_or_services, Options::default(), |app: TestApp| async move {
    let d = app.demo.debtors.clone();
    let box_s = app.demo.products[0].id;
    let right = provider_on_principal(&app, &[only(&app, "orders", &[&d[0], &d[1]])]).await;
    let paul = paul_acting_for(&app, app.demo.principal.id).await;
    assert_eq!(debtor_numbers(&orders_page(&app, &paul).await), vec!["100001", "100002"]);
    assert_eq!(place(&app, &paul, d[0].id, &[(box_s, 1)], "").await.status, 200);

    // The administrator removes the first debtor.
    let by_admin = Actor::user(app.demo.admin.id, app.demo.principal.id);
    app.store.replace_service_grants(right.id, &[only(&app, "orders", &[&d[1]])], &by_admin).await.unwrap();
    refused_with(&place(&app, &paul, d[0].id, &[(box_s, 1)], "").await, 403, "service.debtor_not_granted");
    let view = orders_page(&app, &paul).await;
    assert_eq!(debtor_numbers(&view), vec!["100002"]);
    assert!(order_debtors(&view).is_empty(), "the first debtor's order is no longer shown");

    // The administrator takes the service away (and grants invoices instead).
    app.store.replace_service_grants(right.id, &[all(&app, "invoices")], &by_admin).await.unwrap();
    refused_with(&app.post("/api/load_orders", &[], Some(&paul)).await, 403, "service.not_granted");
    refused_with(&place(&app, &paul, d[1].id, &[(box_s, 1)], "").await, 403, "service.not_granted");
    assert_eq!(app.post("/api/load_invoices", &[], Some(&paul)).await.status, 200);
    assert_eq!(stored_orders(&app, app.demo.principal.id).await, 1);
});

on_both_backends!(a_revoked_or_resigned_right_refuses_the_next_call, Options::default(), |app: TestApp| async move {
    let third = app.demo.third_company.id;
    let box_s = app.demo.products[0].id;
    let paul = paul_acting_for(&app, third).await;
    let debtor = debtors_of(&app, third).await[0].id;
    let product = products_of(&app, third).await[0].id;
    assert_eq!(orders_page(&app, &paul).await["company"], "Transports Rapides SA");

    // Tina revokes Paul's right from the rights page.
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let right = app.store.right_for(third, app.demo.provider.id).await.unwrap().unwrap();
    let revoked =
        app.post("/api/end_right", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("how", "revoke")], Some(&tina)).await;
    assert_eq!(revoked.status, 200, "{revoked:?}");
    refused_with(&place(&app, &paul, debtor, &[(product, 1)], "").await, 409, "acting_company.none");
    assert_eq!(stored_orders(&app, third).await, 0);

    // Paul resigns his right on Musterhans SA while acting for it.
    let right = provider_on_principal(&app, &[all(&app, "orders")]).await;
    let chosen = app.post("/api/select_company", &[("company_id", &app.demo.principal.id.to_string())], Some(&paul)).await;
    assert!(chosen.status < 400, "{chosen:?}");
    let paul = chosen.session_cookie().unwrap();
    assert_eq!(orders_page(&app, &paul).await["company"], "Musterhans SA");
    app.store
        .transition_right(right.id, right.version, Transition::Resign, Party::Provider, &Actor::user(app.demo.provider.id, app.demo.principal.id))
        .await
        .unwrap();
    refused_with(&place(&app, &paul, app.demo.debtors[0].id, &[(box_s, 1)], "").await, 409, "acting_company.none");
    assert_eq!(stored_orders(&app, app.demo.principal.id).await, 0);
    // With only his own company left, Paul then works for it; Musterhans SA's debtors stay out of reach.
    assert_eq!(orders_page(&app, &paul).await["company"], "Fiduciaire Exemple Sàrl");
    refused_with(&place(&app, &paul, app.demo.debtors[0].id, &[(box_s, 1)], "").await, 403, "service.debtor_not_granted");
    assert_eq!(stored_orders(&app, app.demo.principal.id).await, 0);
});

on_both_backends!(a_right_past_its_end_date_refuses_the_next_call, Options::default(), |app: TestApp| async move {
    let right = provider_on_principal(&app, &[all(&app, "orders"), all(&app, "invoices")]).await;
    let paul = paul_acting_for(&app, app.demo.principal.id).await;
    assert_eq!(app.post("/api/load_invoices", &[], Some(&paul)).await.status, 200);

    // The end date was yesterday (as if the night had passed since the administrator set it).
    let yesterday = app.store.today() - Duration::days(1);
    let changes = RightChanges { is_admin: false, remark: Remark::default(), end_date: Some(yesterday) };
    let current = app.store.right(right.id).await.unwrap();
    app.store.update_right(right.id, current.version, &changes, &Actor::system()).await.unwrap();
    refused_with(&app.post("/api/load_invoices", &[], Some(&paul)).await, 409, "acting_company.none");
    refused_with(&place(&app, &paul, app.demo.debtors[0].id, &[(app.demo.products[0].id, 1)], "").await, 409, "acting_company.none");
    assert_eq!(stored_orders(&app, app.demo.principal.id).await, 0);

    // The server's housekeeping then ends the right for the lists too, once, in the log.
    app.housekeeping.run_once().await;
    app.housekeeping.run_once().await;
    let ended = app.store.right(right.id).await.unwrap();
    assert_eq!(ended.status, portal_core::domain::RightStatus::Expired);
    let log = app.store.audit_for_company(app.demo.principal.id, 50, 0).await.unwrap().items;
    assert_eq!(log.iter().filter(|a| a.action.as_str() == "right.expire" && a.target == format!("right:{}", right.id)).count(), 1);

    // The administrator's log names the portal as the author of the expiry, in words.
    let admin = app.signed_in_cookie(ADMIN).await;
    let page = json_of(&app.post("/api/list_audit", &[("page", "1")], Some(&admin)).await);
    let expiry = page["lines"].as_array().unwrap().iter().find(|l| l["action"] == "right.expire").expect("the expiry is in the log");
    assert_eq!(expiry["actor"], Value::Null, "{expiry}");
    let html = app.get("/admin/audit", Some(&admin)).await;
    assert!(html.body.contains("Système (automatique)"), "{}", html.body);
    assert!(!html.body.contains(">—<"), "no dash stands for an author");
});
