//! Permission templates over real HTTP, on SQLite and on Postgres: an administrator makes one,
//! applies it to a new provider right on "Saisir un utilisateur", and changing or deleting it
//! later leaves the right as it was; bad names and empty templates change nothing, and another
//! company's template is neither applied nor deleted.

use crate::auth_support;
use auth_support::people::{new_company, new_login};
use auth_support::{json_of, Options, TestApp, ADMIN};
use portal_core::store::{GrantSpec, ServiceGrant};
use serde_json::{json, Value};

const ROMANDIE: &str = "Comptabilité — débiteurs Suisse romande";

fn service(app: &TestApp, code: &str) -> i64 {
    app.demo.services.iter().find(|s| s.code == code).unwrap().id
}

async fn templates(app: &TestApp, cookie: &str) -> Value {
    let answer = app.post("/api/load_templates", &[], Some(cookie)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    json_of(&answer)["templates"].clone()
}

/// "Saisir un utilisateur": a provider right for `email`, its authorizations from `template`.
async fn invite_with_template(app: &TestApp, cookie: &str, email: &str, template: &str) -> auth_support::Answer {
    let form = [
        ("right_type", "provider"),
        ("email", email),
        ("first_name", ""),
        ("last_name", ""),
        ("name", ""),
        ("remark", ""),
        ("assignment", "template"),
        ("template", template),
    ];
    app.post("/api/enter_user", &form, Some(cookie)).await
}

on_both_backends!(
    a_template_is_applied_to_a_new_provider_right_and_its_later_change_leaves_the_right_as_it_was,
    Options::default(),
    |app: TestApp| async move {
        let anna = app.signed_in_cookie(ADMIN).await;
        let (first, second) = (app.demo.debtors[0].id, app.demo.debtors[1].id);
        let made = app.save_template(&anna, 0, ROMANDIE, &[(service(&app, "invoices"), Some(vec![second, first])), (service(&app, "orders"), None)]).await;
        assert_eq!(made.status, 200, "{made:?}");
        let template_id = json_of(&made).as_i64().unwrap();
        let listed = templates(&app, &anna).await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["name"], ROMANDIE);
        let sources = json_of(&app.post("/api/list_copy_sources", &[], Some(&anna)).await);
        assert_eq!(sources["templates"][0]["template_id"], template_id, "Saisir un utilisateur offers it");

        let firm = new_company(&app, "80000009", "Fiduciaire Romande Sàrl").await;
        new_login(&app, "ines.roulin@fiduciaire-romande.example", &firm).await;
        let entered = invite_with_template(&app, &anna, "ines.roulin@fiduciaire-romande.example", &template_id.to_string()).await;
        assert_eq!(entered.status, 200, "{entered:?}");
        let right_id = json_of(&entered)["right_id"].as_i64().unwrap();
        let given = || async { app.store.service_grants(right_id).await.unwrap().iter().map(ServiceGrant::spec).collect::<Vec<_>>() };
        let mut expected = vec![
            GrantSpec { service_id: service(&app, "invoices"), all_debtors: false, debtor_ids: vec![first.min(second), first.max(second)] },
            GrantSpec { service_id: service(&app, "orders"), all_debtors: true, debtor_ids: vec![] },
        ];
        expected.sort_by_key(|g| app.demo.services.iter().find(|s| s.id == g.service_id).unwrap().code.clone());
        assert_eq!(given().await, expected, "the new right holds the template's services and debtors");
        let detail = json_of(&app.post("/api/load_right", &[("right_id", &right_id.to_string())], Some(&anna)).await);
        assert_eq!(detail["templates"][0]["name"], ROMANDIE, "Octroyer des autorisations de service offers it too");

        let changed = app.save_template(&anna, template_id, "Comptabilité — tous les débiteurs", &[(service(&app, "invoices"), None)]).await;
        assert_eq!((changed.status, json_of(&changed).as_i64()), (200, Some(template_id)), "{changed:?}");
        assert_eq!(templates(&app, &anna).await[0]["services"].as_array().unwrap().len(), 1);
        assert_eq!(given().await, expected, "a change of the template changes no right made from it");
        let deleted = app.post("/api/delete_template", &[("template_id", &template_id.to_string())], Some(&anna)).await;
        assert_eq!(deleted.status, 200, "{deleted:?}");
        assert_eq!(templates(&app, &anna).await, json!([]));
        assert_eq!(given().await, expected, "nor does its deletion");

        let audit = json_of(&app.post("/api/list_audit", &[("page", "1")], Some(&anna)).await);
        let actions: Vec<&str> =
            audit["lines"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).filter(|a| a.starts_with("template.")).collect();
        assert_eq!(actions, ["template.delete", "template.save", "template.save"]);
    }
);

on_both_backends!(bad_templates_change_nothing_and_another_company_s_template_is_out_of_reach, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    let orders = [(service(&app, "orders"), None)];
    let refused = [
        (app.save_template(&anna, 0, "   ", &orders).await, 400, "name.empty"),
        (app.save_template(&anna, 0, "Rien", &[]).await, 400, "grant.empty_template"),
        (app.save_template(&anna, 0, "Sans débiteur", &[(service(&app, "orders"), Some(vec![]))]).await, 400, "grant.no_debtors"),
        (app.save_template(&anna, 987_654, "Inconnu", &orders).await, 404, "admin.template_not_found"),
    ];
    for (answer, status, code) in refused {
        assert_eq!(answer.status, status, "{answer:?}");
        assert!(answer.body.contains(code), "{code}: {answer:?}");
    }
    assert_eq!(app.save_template(&anna, 0, "Commandes", &orders).await.status, 200);
    let twice = app.save_template(&anna, 0, " Commandes ", &orders).await;
    assert_eq!(twice.status, 409, "{twice:?}");
    assert!(twice.body.contains("duplicate.template_name"), "{twice:?}");
    assert_eq!(templates(&app, &anna).await.as_array().unwrap().len(), 1, "only the good one was stored");

    // Tina's template of Transports Rapides SA.
    let tina = app.signed_in_cookie(&app.demo.third_admin.email).await;
    let theirs = app.save_template(&tina, 0, "Transports", &orders).await;
    assert_eq!(theirs.status, 200, "{theirs:?}");
    let theirs = json_of(&theirs).as_i64().unwrap().to_string();
    let gone = app.post("/api/delete_template", &[("template_id", &theirs)], Some(&anna)).await;
    assert_eq!(gone.status, 404, "{gone:?}");
    let firm = new_company(&app, "80000010", "Conseil Vaudois SA").await;
    new_login(&app, "luc@conseil-vaudois.example", &firm).await;
    let applied = invite_with_template(&app, &anna, "luc@conseil-vaudois.example", &theirs).await;
    assert_eq!(applied.status, 400, "{applied:?}");
    assert!(applied.body.contains("rights.template_invalid"), "{applied:?}");
    let none = invite_with_template(&app, &anna, "luc@conseil-vaudois.example", "").await;
    assert!(none.status == 400 && none.body.contains("admin.template_required"), "{none:?}");
    let luc = app.store.user_by_email(&portal_core::domain::EmailAddress::parse("luc@conseil-vaudois.example").unwrap()).await.unwrap().unwrap();
    assert!(app.store.right_for(app.demo.principal.id, luc.id).await.unwrap().is_none(), "no right was entered");
    assert_eq!(templates(&app, &tina).await[0]["name"], "Transports", "Tina's template is still there");
});
