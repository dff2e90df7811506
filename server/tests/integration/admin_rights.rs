//! The administrator's side over real HTTP, on SQLite and on Postgres: the rights list,
//! "Saisir un utilisateur", service authorizations, managing and revoking rights.

use crate::auth_support;

use auth_support::{json_of, Answer, Options, TestApp, ADMIN, PROVIDER};
use portal_core::domain::{EmailAddress, MessageKind, RightStatus};
use portal_core::store::RightQuery;

const EMPLOYEE: &str = "marc.dubois@musterhans.example";
const THIRD_ADMIN: &str = "admin@transports-rapides.example";

fn enter_form<'a>(right_type: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("right_type", right_type),
        ("email", email),
        ("first_name", ""),
        ("last_name", ""),
        ("name", ""),
        ("remark", "Mandat comptable 2027"),
        ("assignment", "manual"),
    ]
}

async fn enter(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> Answer {
    app.post("/api/enter_user", form, Some(cookie)).await
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.store.user_by_email(&EmailAddress::parse(email).unwrap()).await.unwrap().expect("the login exists").id
}

on_both_backends!(only_active_administrators_of_the_acting_company_see_its_rights, Options::default(), |app: TestApp| async move {
    let anonymous = app.post("/api/list_rights", &[("search", ""), ("sort", ""), ("descending", "false"), ("page", "1")], None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:?}");

    let employee = app.signed_in_cookie(EMPLOYEE).await;
    let refused = app.post("/api/list_rights", &[("search", ""), ("sort", ""), ("descending", "false"), ("page", "1")], Some(&employee)).await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert!(refused.body.contains("admin.not_admin"), "{refused:?}");

    let admin = app.signed_in_cookie(ADMIN).await;
    let list = app.post("/api/list_rights", &[("search", ""), ("sort", "email"), ("descending", "false"), ("page", "1")], Some(&admin)).await;
    assert_eq!(list.status, 200, "{list:?}");
    let page = json_of(&list);
    let emails: Vec<&str> = page["rows"].as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap()).collect();
    assert!(emails.contains(&ADMIN) && emails.contains(&EMPLOYEE), "{emails:?}");
    assert!(!emails.contains(&THIRD_ADMIN), "another company's rights never appear: {emails:?}");
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted, "sorted by e-mail");

    let searched = app.post("/api/list_rights", &[("search", "dubois"), ("sort", ""), ("descending", "false"), ("page", "1")], Some(&admin)).await;
    let rows = json_of(&searched)["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["email"], EMPLOYEE);
});

on_both_backends!(a_provider_acting_for_a_principal_never_administers_it, Options::default(), |app: TestApp| async move {
    // Paul holds an active provider right on Transports Rapides SA (demo data).
    let cookie = app.signed_in_cookie(PROVIDER).await;
    let third = app.demo.third_company.id.to_string();
    let cookie = app.post("/api/select_company", &[("company_id", &third)], Some(&cookie)).await.session_cookie().unwrap();
    let refused = app.post("/api/list_rights", &[("search", ""), ("sort", ""), ("descending", "false"), ("page", "1")], Some(&cookie)).await;
    assert_eq!(refused.status, 403, "{refused:?}");
    let entered = enter(&app, &cookie, &enter_form("provider", ADMIN)).await;
    assert_eq!(entered.status, 403, "{entered:?}");
});

on_both_backends!(entering_a_provider_invites_it_with_a_message_and_an_email, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let answer = enter(&app, &admin, &enter_form("provider", "Paul@Fiduciaire.example")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let confirmation = json_of(&answer);
    assert_eq!(confirmation["who"], PROVIDER);
    assert!(confirmation["api_key"].is_null());

    let right = app.store.right_for(app.demo.principal.id, app.demo.provider.id).await.unwrap().expect("the right exists");
    assert_eq!(right.status, RightStatus::Pending, "not active until accepted");
    assert_eq!(right.remark.as_deref(), Some("Mandat comptable 2027"));
    assert!(!app.store.may_act(app.demo.provider.id, app.demo.principal.id, "orders", None).await.unwrap());

    let messages = app.store.messages_for(app.demo.provider.id).await.unwrap();
    let invitation = messages.iter().find(|m| m.kind == MessageKind::ProviderInvitation).expect("the provider has the message");
    assert_eq!(invitation.company_id, Some(app.demo.principal.id));
    assert_eq!(invitation.params["company"], "Musterhans SA");
    assert!(invitation.read_at.is_none());

    let outbox = app.store.outbox(false).await.unwrap();
    let mail = outbox.iter().find(|m| m.to_address == PROVIDER).expect("an e-mail went to the provider");
    let right_id = invitation.params["right_id"].as_i64().expect("the message names its right");
    assert!(mail.body.contains(&format!("/invitations/{right_id}")), "it links to the invitation's page: {}", mail.body);
    assert!(mail.body.contains("Musterhans SA"));
    assert!(mail.body.contains("Cette invitation peut être acceptée jusqu'au "), "it says until when: {}", mail.body);
    assert!(mail.body.contains("« Anna Muster »") && mail.body.contains("« Musterhans SA »"), "names quoted as typed: {}", mail.body);
    assert!(mail.body.contains("Les noms entre « » sont ceux que les personnes ont saisis elles-mêmes"), "{}", mail.body);

    let audit = app.audit_actions(app.demo.admin.id).await;
    assert!(audit.contains(&"right.create".to_string()), "{audit:?}");
});

on_both_backends!(a_provider_entry_is_refused_with_its_reason_and_changes_nothing, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let cases = [
        ("nobody@nowhere.example", 400, "admin.unknown_login"),
        (ADMIN, 400, "admin.own_login"),
        (EMPLOYEE, 400, "admin.provider_is_employee"),
        ("pas une adresse", 400, "email."),
    ];
    for (email, status, code) in cases {
        let answer = enter(&app, &admin, &enter_form("provider", email)).await;
        assert_eq!(answer.status, status, "{email}: {answer:?}");
        assert!(answer.body.contains(code), "{email}: {answer:?}");
    }
    // Tina's login exists, so she can be invited once; the second time names the status.
    assert_eq!(enter(&app, &admin, &enter_form("provider", THIRD_ADMIN)).await.status, 200);
    let again = enter(&app, &admin, &enter_form("provider", THIRD_ADMIN)).await;
    assert_eq!(again.status, 409, "{again:?}");
    assert!(again.body.contains("admin.right_exists.pending"), "{again:?}");
    let tina = user_id(&app, THIRD_ADMIN).await;
    let invitations = app.store.messages_for(tina).await.unwrap().into_iter().filter(|m| m.kind == MessageKind::ProviderInvitation).count();
    assert_eq!(invitations, 1, "the refused entry sent no second message");
    assert!(app.store.messages_for(app.demo.provider.id).await.unwrap().is_empty(), "refusals sent nothing");
});

on_both_backends!(a_new_employee_receives_a_link_to_set_a_password, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let mut form = enter_form("employee", "nouveau@musterhans.example");
    form[2] = ("first_name", "Nora");
    form[3] = ("last_name", "Neuhaus");
    form.push(("administrator", "on"));
    let answer = enter(&app, &admin, &form).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(json_of(&answer)["login_created"], true);
    let nora = app.store.user_by_email(&EmailAddress::parse("nouveau@musterhans.example").unwrap()).await.unwrap().unwrap();
    assert_eq!(nora.home_company_id, Some(app.demo.principal.id));
    let right = app.store.right_for(app.demo.principal.id, nora.id).await.unwrap().unwrap();
    assert!(right.is_admin && right.status == RightStatus::Active);
    let outbox = app.store.outbox(false).await.unwrap();
    let mail = outbox.iter().find(|m| m.to_address == "nouveau@musterhans.example").expect("a set-password e-mail");
    assert!(mail.body.contains("/password/reset?token="), "{}", mail.body);

    let foreign = enter(
        &app,
        &admin,
        &[("right_type", "employee"), ("email", PROVIDER), ("first_name", "Paul"), ("last_name", "P"), ("name", ""), ("remark", ""), ("assignment", "manual")],
    )
    .await;
    assert_eq!(foreign.status, 400, "{foreign:?}");
    assert!(foreign.body.contains("rights.login_of_another_company"), "{foreign:?}");
});

on_both_backends!(a_technical_user_gets_an_api_key_shown_once_and_stored_as_a_hash, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let mut form = enter_form("technical", "");
    form[4] = ("name", "Interface ERP");
    let answer = enter(&app, &admin, &form).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let confirmation = json_of(&answer);
    let key = confirmation["api_key"].as_str().expect("the key is shown").to_string();
    assert!(key.starts_with("cck_"));
    let right = app.store.right(confirmation["right_id"].as_i64().unwrap()).await.unwrap();
    let stored = app.store.api_keys_of_right(right.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].key_hash.expose(), key, "only the hash is stored");
    assert_eq!(stored[0].key_hash.expose(), portal_core::store::hash_api_key(&key));
});

on_both_backends!(a_technical_user_entered_without_javascript_shows_its_api_key_once_on_its_page, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let mut form = enter_form("technical", "");
    form[4] = ("name", "Interface ERP");
    let plain = app.post_as_a_page("/api/enter_user", &form, Some(&admin)).await;
    let page = plain.location().expect("sent to the new right's page").to_string();
    assert!(page.starts_with("/admin/rights/"), "{plain:?}");
    let right_id: i64 = page.trim_start_matches("/admin/rights/").parse().unwrap();

    let shown = app.open(&page, Some(&admin)).await;
    assert_eq!(shown.status, 200, "{shown:?}");
    let key =
        shown.body.split(r#"data-testid="api-key""#).nth(1).and_then(|rest| rest.split('>').nth(1)).and_then(|rest| rest.split('<').next()).unwrap_or_default();
    assert!(key.starts_with("cck_"), "the key is shown: {}", shown.body);
    assert!(shown.body.contains("Clé API") && shown.body.contains("elle ne sera plus affichée"), "{}", shown.body);
    let stored = app.store.api_keys_of_right(right_id).await.unwrap();
    assert_eq!(stored[0].key_hash.expose(), portal_core::store::hash_api_key(key), "the key of this technical user");
    let again = app.open(&page, Some(&admin)).await;
    assert!(!again.body.contains(key) && !again.body.contains(r#"data-testid="api-key""#), "shown once");
});

on_both_backends!(service_authorizations_are_saved_at_once_and_only_within_the_company, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let entered = json_of(&enter(&app, &admin, &enter_form("provider", PROVIDER)).await);
    let right_id = entered["right_id"].as_i64().unwrap();
    let orders = app.demo.services.iter().find(|s| s.code == "orders").unwrap().id;
    let invoices = app.demo.services.iter().find(|s| s.code == "invoices").unwrap().id;
    let debtor = app.demo.debtors[0].id;

    let grants = [(orders, Some(vec![debtor])), (invoices, None)];
    let saved = app.save_grants(&admin, right_id, &grants).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    let again = app.save_grants(&admin, right_id, &grants).await;
    assert_eq!(again.status, 200, "saving the same set again is harmless: {again:?}");
    let stored = app.store.service_grants(right_id).await.unwrap();
    assert_eq!(stored.len(), 2);
    let audits = app.store.audit_for_company(app.demo.principal.id, 100, 0).await.unwrap();
    let target = format!("right:{right_id}");
    let grant_audits = audits.items.iter().filter(|a| a.action.as_str() == "right.grants" && a.target == target).count();
    assert_eq!(grant_audits, 1, "the second save changed nothing");

    // A debtor of another company: refused, and the previous authorizations stay.
    let foreign_debtor =
        app.store.create_debtor(app.demo.third_company.id, &portal_core::domain::DebtorNumber::parse("999001").unwrap(), "Autre").await.unwrap();
    let bad = app.save_grants(&admin, right_id, &[(orders, Some(vec![foreign_debtor.id]))]).await;
    assert_eq!(bad.status, 400, "{bad:?}");
    assert_eq!(app.store.service_grants(right_id).await.unwrap().len(), 2);

    // Another company's administrator cannot see or change this right.
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let hidden = app.post("/api/load_right", &[("right_id", &right_id.to_string())], Some(&tina)).await;
    assert_eq!(hidden.status, 404, "{hidden:?}");
    let changed = app.save_grants(&tina, right_id, &[]).await;
    assert_eq!(changed.status, 404, "{changed:?}");
    assert_eq!(app.store.service_grants(right_id).await.unwrap().len(), 2);
});

on_both_backends!(a_revoked_provider_is_refused_on_its_next_request, Options::default(), |app: TestApp| async move {
    let paul = app.signed_in_cookie(PROVIDER).await;
    let third = app.demo.third_company.id.to_string();
    let paul = app.post("/api/select_company", &[("company_id", &third)], Some(&paul)).await.session_cookie().unwrap();
    assert_eq!(app.post("/api/load_portal_context", &[], Some(&paul)).await.status, 200);

    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let right = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().unwrap();
    let revoked =
        app.post("/api/end_right", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("how", "revoke")], Some(&tina)).await;
    assert_eq!(revoked.status, 200, "{revoked:?}");

    let next = app.post("/api/load_portal_context", &[], Some(&paul)).await;
    assert_eq!(next.status, 409, "{next:?}");
    assert!(next.body.contains("acting_company.none"), "{next:?}");
    assert!(app.store.messages_for(app.demo.provider.id).await.unwrap().iter().any(|m| m.kind == MessageKind::ProviderRightRevoked));

    // A stale version is a conflict, not a second revocation.
    let stale =
        app.post("/api/end_right", &[("right_id", &right.id.to_string()), ("version", &right.version.to_string()), ("how", "revoke")], Some(&tina)).await;
    assert_eq!(stale.status, 409, "{stale:?}");
});

on_both_backends!(the_last_administrator_keeps_the_flag_and_remarks_and_end_dates_are_checked, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    let own = app.store.right_for(app.demo.principal.id, app.demo.admin.id).await.unwrap().unwrap();
    let update = |version: i64, remark: &'static str, end: &str, admin_flag: bool| {
        let mut form = vec![
            ("right_id".to_string(), own.id.to_string()),
            ("version".to_string(), version.to_string()),
            ("remark".to_string(), remark.to_string()),
            ("end_date".to_string(), end.to_string()),
        ];
        if admin_flag {
            form.push(("administrator".to_string(), "on".to_string()));
        }
        form
    };
    let post = |form: Vec<(String, String)>| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.post("/api/update_right", &pairs, Some(&admin)).await
        }
    };
    let last = post(update(own.version, "", "", false)).await;
    assert_eq!(last.status, 400, "{last:?}");
    assert!(last.body.contains("rights.last_administrator"), "{last:?}");

    // Nor an end date, not even today's: tomorrow the company would have no administrator.
    let today = app.store.today().format("%Y-%m-%d").to_string();
    let ends_today = post(update(own.version, "", &today, true)).await;
    assert_eq!(ends_today.status, 400, "{ends_today:?}");
    assert!(ends_today.body.contains("rights.last_administrator"), "{ends_today:?}");
    assert_eq!(app.store.right(own.id).await.unwrap().end_date, None, "nothing changed");

    let past = post(update(own.version, "", "2020-01-01", true)).await;
    assert_eq!(past.status, 400, "{past:?}");
    assert!(past.body.contains("admin.end_date_past"), "{past:?}");

    let saved = post(update(own.version, "Responsable du portail", "", true)).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    let after = app.store.right(own.id).await.unwrap();
    assert_eq!(after.remark.as_deref(), Some("Responsable du portail"));
    assert!(after.is_admin);

    let own_end =
        app.post("/api/end_right", &[("right_id", &own.id.to_string()), ("version", &after.version.to_string()), ("how", "revoke")], Some(&admin)).await;
    assert_eq!(own_end.status, 400, "{own_end:?}");
    assert!(own_end.body.contains("admin.own_right"), "{own_end:?}");
});

on_both_backends!(administrators_read_the_audit_log_of_their_company_only, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    assert_eq!(enter(&app, &admin, &enter_form("provider", PROVIDER)).await.status, 200);
    let log = app.post("/api/list_audit", &[("page", "1")], Some(&admin)).await;
    assert_eq!(log.status, 200, "{log:?}");
    let page = json_of(&log);
    let first = &page["lines"][0];
    assert_eq!(first["action"], "right.create", "newest first: {page}");
    assert_eq!(first["actor"], ADMIN);
    assert_eq!(first["subject"], PROVIDER);
    let pending = serde_json::json!({ "Set": { "field": "status", "value": "pending" } });
    assert!(first["changes"].as_array().unwrap().contains(&pending), "{first}");

    // The page says it in the reader's words, never in field or value codes.
    let html = app.get("/admin/audit", Some(&admin)).await;
    assert_eq!(html.status, 200, "{html:?}");
    for words in ["utilisateur saisi", "Statut : en suspens", "Rôle : Prestataire", "Origine : invitation de l", "Administrateur : non"] {
        assert!(html.body.contains(words), "the log shows {words:?}: {}", html.body);
    }
    for code in ["right.create", "status: pending", "right_type", "is_admin"] {
        assert!(!html.body.contains(&format!(">{code}")), "no raw code {code:?} is shown");
    }

    let employee = app.signed_in_cookie(EMPLOYEE).await;
    assert_eq!(app.post("/api/list_audit", &[("page", "1")], Some(&employee)).await.status, 403);
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let other = json_of(&app.post("/api/list_audit", &[("page", "1")], Some(&tina)).await);
    assert!(
        other["lines"].as_array().unwrap().iter().all(|l| l["actor"] != ADMIN),
        "another company's log shows nothing Musterhans' administrator did: {other}"
    );
});

on_both_backends!(a_name_that_reads_as_a_web_address_is_refused_with_a_sentence_and_enters_nobody, Options::default(), |app: TestApp| async move {
    let admin = app.signed_in_cookie(ADMIN).await;
    for name in ["URGENT: re-validate at https://evil.example", "Anna www.evil.example"] {
        let form = [
            ("right_type", "employee"),
            ("email", "nouvelle.personne@musterhans.example"),
            ("first_name", "Nouvelle"),
            ("last_name", name),
            ("name", ""),
            ("remark", ""),
            ("assignment", "manual"),
        ];
        let refused = enter(&app, &admin, &form).await;
        assert_eq!(refused.status, 400, "{name}: {refused:?}");
        assert!(refused.body.contains("Un nom ne peut pas contenir d"), "{name}: {refused:?}");
    }
    let nobody = app.store.user_by_email(&EmailAddress::parse("nouvelle.personne@musterhans.example").unwrap()).await.unwrap();
    assert!(nobody.is_none(), "no login was entered");
});

on_both_backends!(a_provider_working_for_the_company_is_told_when_its_services_change_and_only_then, Options::default(), |app: TestApp| async move {
    let right = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().unwrap();
    assert_eq!(right.status, RightStatus::Active);
    let invoices = app.demo.services.iter().find(|s| s.code == "invoices").unwrap().id;
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    for _ in 0..2 {
        let saved = app.save_grants(&tina, right.id, &[(invoices, None)]).await;
        assert_eq!(saved.status, 200, "{saved:?}");
    }
    let told: Vec<_> =
        app.store.messages_for(app.demo.provider.id).await.unwrap().into_iter().filter(|m| m.kind == MessageKind::ProviderGrantsChanged).collect();
    assert_eq!(told.len(), 1, "told once: saving the same services again changes nothing");
    assert_eq!(told[0].params["right_id"], right.id, "the message opens the access's page");
    let mail = app.store.outbox(false).await.unwrap().into_iter().find(|m| m.to_address == PROVIDER && m.subject == "Autorisations modifiées");
    assert!(mail.is_some_and(|m| m.body.contains(&format!("/invitations/{}", right.id))), "and an e-mail leading there");
});

on_both_backends!(a_list_of_more_than_a_thousand_rights_or_entries_counts_a_thousand_then_says_more, Options::default(), |app: TestApp| async move {
    let principal = app.demo.principal.id;
    portal_core::generate::employees(&app.store, principal, 1100).await.unwrap();
    let admin = app.signed_in_cookie(ADMIN).await;

    // The page's text, without the markers Leptos puts around each value it writes.
    let text = |body: &str| body.replace("<!>", "");
    let first = app.get("/admin/rights", Some(&admin)).await;
    assert_eq!(first.status, 200, "{first:?}");
    let first = text(&first.body);
    assert!(first.contains("Plus de 1000 droits d"), "the count stops at a thousand and says so: {first}");
    assert!(first.contains("Page 1") && !first.contains("Page 1 sur"), "the pager names the page alone");
    assert!(first.contains("rel=\"next\""), "and leads on to the next page");

    let whole = app.store.list_company_rights(principal, &RightQuery { offset: 1000, ..RightQuery::default() }).await.unwrap();
    assert!(!whole.more, "counted from the 1,001st right, the count reaches the end");
    let pages = (whole.total + 24) / 25;
    let last = text(&app.get(&format!("/admin/rights?tri=last_name&page={pages}"), Some(&admin)).await.body);
    assert!(last.contains(&format!("{} droit(s) d", whole.total)), "near the end the whole count is known: {last}");
    assert!(last.contains(&format!("Page {pages} sur {pages}")), "{last}");
    assert!(!last.contains("rel=\"next\""), "the last page leads nowhere further");

    let log = text(&app.get("/admin/audit", Some(&admin)).await.body);
    assert!(log.contains("Plus de 1000 entrées"), "the audit log counts the same way: {log}");
});
