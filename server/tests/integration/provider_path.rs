//! The provider's path from a link to an accepted right, over real HTTP on SQLite and on
//! Postgres: the way back after sign-in (and never to another site), the sign-in page for a
//! login that is signed in already, the invitation's own page, and pages whose company
//! choice stopped being allowed.

use crate::auth_support;
use auth_support::people::invite_paul;
use auth_support::{json_of, Answer, Options, TestApp, ADMIN, PASSWORD, PROVIDER};
use portal_core::domain::{MessageKind, RightStatus};
use portal_core::store::{Actor, GrantSpec};

const THIRD_ADMIN: &str = "admin@transports-rapides.example";

async fn sign_in_back_to(app: &TestApp, email: &str, back: &str) -> Answer {
    app.post("/api/sign_in", &[("email", email), ("password", PASSWORD), ("retour", back)], None).await
}

/// The path a server function's answer names (its JSON string).
fn next_of(answer: &Answer) -> String {
    assert_eq!(answer.status, 200, "{answer:?}");
    json_of(answer).as_str().expect("a path").to_string()
}

on_both_backends!(a_page_opened_by_a_link_while_signed_out_comes_back_after_sign_in, Options::default(), |app: TestApp| async move {
    let page = "/admin/rights?tri=email&ordre=desc";
    let signed_out = app.open(page, None).await;
    assert_eq!(signed_out.status, 302, "{signed_out:?}");
    let login = signed_out.location().unwrap().to_string();
    assert_eq!(login, "/login?retour=%2Fadmin%2Frights%3Ftri%3Demail%26ordre%3Ddesc");
    let plain = app.get(page, None).await;
    assert_eq!((plain.status, plain.location()), (401, Some(login.as_str())), "{plain:?}");
    assert_eq!(plain.body, format!("Votre session a expiré. Veuillez vous reconnecter.\n{login}\n"), "a client without HTML is told why");

    let form = app.open(&login, None).await;
    assert_eq!(form.status, 200, "{form:?}");
    assert!(
        form.body.contains(r#"name="retour""#) && form.body.contains(r#"value="/admin/rights?tri=email&amp;ordre=desc""#),
        "the form carries the way back: {}",
        form.body
    );

    // Anna acts for one company only: straight back to the page.
    let signed_in = sign_in_back_to(&app, ADMIN, page).await;
    assert_eq!(next_of(&signed_in), page);
    let cookie = signed_in.session_cookie().unwrap();
    let opened = app.open(page, Some(&cookie)).await;
    assert_eq!(opened.status, 200, "{opened:?}");
    assert!(opened.body.contains("Droits d&#x27;utilisateur et autorisations") || opened.body.contains("Droits d'utilisateur et autorisations"));
});

on_both_backends!(the_way_back_waits_for_the_company_choice, Options::default(), |app: TestApp| async move {
    let (right_id, _) = invite_paul(&app).await;
    let page = format!("/invitations/{right_id}");
    // Paul acts for Fiduciaire Exemple Sàrl and for Transports Rapides SA: he chooses first.
    let signed_in = sign_in_back_to(&app, PROVIDER, &page).await;
    assert_eq!(next_of(&signed_in), "/select-company");
    let cookie = signed_in.session_cookie().unwrap();
    let chosen = app.post("/api/select_company", &[("company_id", &app.demo.provider_company.id.to_string())], Some(&cookie)).await;
    assert_eq!(next_of(&chosen), page, "the choice leads back to the invitation");
    let cookie = chosen.session_cookie().unwrap_or(cookie);
    // Used once: the next choice goes to the portal.
    let again = app.post("/api/select_company", &[("company_id", &app.demo.third_company.id.to_string())], Some(&cookie)).await;
    assert_eq!(next_of(&again), "/portal");
});

on_both_backends!(a_way_back_to_another_site_or_a_page_outside_the_portal_is_dropped, Options::default(), |app: TestApp| async move {
    for back in
        ["https://evil.example/portal", "//evil.example", "/\\evil.example", "/%2F%2Fevil.example/x", "/login", "/api/sign_out", "/register/confirm?token=x"]
    {
        let signed_in = sign_in_back_to(&app, ADMIN, back).await;
        assert_eq!(next_of(&signed_in), "/portal", "{back}");
    }
    // Without JavaScript a failed sign-in keeps the way back, and only a checked one.
    let plain = app.post_as_a_page("/api/sign_in", &[("email", ADMIN), ("password", "wrong password"), ("retour", "/messages")], None).await;
    assert_eq!(plain.location(), Some("/login?erreur=identifiants&retour=%2Fmessages"), "{plain:?}");
});

on_both_backends!(a_signed_in_login_opening_the_portal_s_address_goes_on_instead_of_signing_in_again, Options::default(), |app: TestApp| async move {
    let anna = app.signed_in_cookie(ADMIN).await;
    for path in ["/", "/login"] {
        let answer = app.open(path, Some(&anna)).await;
        assert_eq!((answer.status, answer.location()), (302, Some("/portal")), "{path}: {answer:?}");
    }
    let paul = app.signed_in_cookie(PROVIDER).await;
    let answer = app.open("/", Some(&paul)).await;
    assert_eq!((answer.status, answer.location()), (302, Some("/select-company")), "{answer:?}");
    let answer = app.open("/login?retour=%2Fmessages", Some(&anna)).await;
    assert_eq!((answer.status, answer.location()), (302, Some("/messages")), "{answer:?}");

    let signed_out = app.open("/", None).await;
    assert_eq!(signed_out.status, 200);
    assert!(signed_out.body.contains("Se connecter"), "the sign-in form: {}", signed_out.body);
});

on_both_backends!(the_invitation_page_shows_who_invites_for_what_and_until_when, Options::default(), |app: TestApp| async move {
    let (right_id, _) = invite_paul(&app).await;
    let orders = app.demo.services.iter().find(|s| s.code == "orders").unwrap();
    let spec = GrantSpec { service_id: orders.id, all_debtors: false, debtor_ids: vec![app.demo.debtors[0].id, app.demo.debtors[1].id] };
    app.store.replace_service_grants(right_id, &[spec], &Actor::user(app.demo.admin.id, app.demo.principal.id)).await.unwrap();

    let paul = app.signed_in_cookie(PROVIDER).await;
    let page = app.open(&format!("/invitations/{right_id}"), Some(&paul)).await;
    assert_eq!(page.status, 200, "{page:?}");
    for seen in ["Autorisation en tant que prestataire", "Anna Muster", "Musterhans SA", "10000001", "sans date de fin", "Valider", "Refuser"] {
        assert!(page.body.contains(seen), "the page shows {seen:?}: {}", page.body);
    }
    for debtor in &app.demo.debtors[..2] {
        assert!(page.body.contains(&debtor.debtor_number), "granted debtor {} shown", debtor.debtor_number);
    }
    assert!(!page.body.contains(&app.demo.debtors[2].debtor_number), "a debtor not granted is not listed");

    // The message and the e-mail lead to this page.
    let message = &app.store.messages_for(app.demo.provider.id).await.unwrap()[0];
    let opened = json_of(&app.post("/api/open_message", &[("message_id", &message.id.to_string())], Some(&paul)).await);
    assert_eq!(opened["right_id"], right_id);
    let outbox = app.store.outbox(false).await.unwrap();
    let mail = outbox.iter().find(|m| m.to_address == PROVIDER).expect("the invitation e-mail");
    assert!(mail.body.contains(&format!("{}/invitations/{right_id}", app.base)), "{}", mail.body);
});

on_both_backends!(
    accepting_an_invitation_the_company_widened_since_it_was_shown_is_refused_and_it_is_shown_again,
    Options::default(),
    |app: TestApp| async move {
        let (right_id, _) = invite_paul(&app).await;
        let orders = app.demo.services.iter().find(|s| s.code == "orders").unwrap().id;
        let anna = app.signed_in_cookie(ADMIN).await;
        let one_debtor = [(orders, Some(vec![app.demo.debtors[0].id]))];
        assert_eq!(app.save_grants(&anna, right_id, &one_debtor).await.status, 200);

        // Paul opens the invitation: one debtor.
        let paul = app.signed_in_cookie(PROVIDER).await;
        let shown = json_of(&app.post("/api/load_invitation", &[("right_id", &right_id.to_string())], Some(&paul)).await);
        assert_eq!(shown["services"][0]["debtors"].as_array().map(Vec::len), Some(1), "{shown}");
        // Anna widens it to every debtor before Paul presses "Valider".
        assert_eq!(app.save_grants(&anna, right_id, &[(orders, None)]).await.status, 200);
        let version = shown["version"].to_string();
        let answer = app.post("/api/answer_right", &[("right_id", &right_id.to_string()), ("version", &version), ("answer", "accept")], Some(&paul)).await;
        assert_eq!(answer.status, 409, "{answer:?}");
        assert!(answer.body.contains("Cette invitation a été modifiée depuis que vous"), "{answer:?}");
        assert_eq!(app.store.right(right_id).await.unwrap().status, RightStatus::Pending, "nothing was accepted");

        // Shown again, it says so and what it now grants; accepted as it is, it is active.
        let page = app.open(&format!("/invitations/{right_id}?motif=modifiee"), Some(&paul)).await;
        assert_eq!(page.status, 200, "{page:?}");
        for seen in ["la voici telle qu", "tous les débiteurs", "Valider"] {
            assert!(page.body.contains(seen), "the page shows {seen:?}: {}", page.body);
        }
        let now = json_of(&app.post("/api/load_invitation", &[("right_id", &right_id.to_string())], Some(&paul)).await);
        let again = app
            .post("/api/answer_right", &[("right_id", &right_id.to_string()), ("version", &now["version"].to_string()), ("answer", "accept")], Some(&paul))
            .await;
        assert_eq!(again.status, 200, "{again:?}");
        assert_eq!(app.store.right(right_id).await.unwrap().status, RightStatus::Active);
    }
);

on_both_backends!(an_ended_right_shows_when_and_by_whom_it_ended_and_no_longer_the_company_s_debtors, Options::default(), |app: TestApp| async move {
    let (right_id, _) = invite_paul(&app).await;
    let orders = app.demo.services.iter().find(|s| s.code == "orders").unwrap();
    let spec = GrantSpec { service_id: orders.id, all_debtors: false, debtor_ids: vec![app.demo.debtors[0].id, app.demo.debtors[1].id] };
    app.store.replace_service_grants(right_id, &[spec], &Actor::user(app.demo.admin.id, app.demo.principal.id)).await.unwrap();
    let paul = app.signed_in_cookie(PROVIDER).await;
    let shown = app.store.right(right_id).await.unwrap();
    let accepted =
        app.post("/api/answer_right", &[("right_id", &right_id.to_string()), ("version", &shown.version.to_string()), ("answer", "accept")], Some(&paul)).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    let page = app.open(&format!("/invitations/{right_id}"), Some(&paul)).await;
    assert!(page.body.contains(&app.demo.debtors[0].debtor_number), "an active right shows its debtors");

    // Anna revokes it: the page says when and by whom, and no longer what it granted.
    let anna = app.signed_in_cookie(ADMIN).await;
    let active = app.store.right(right_id).await.unwrap();
    let revoked =
        app.post("/api/end_right", &[("right_id", &right_id.to_string()), ("version", &active.version.to_string()), ("how", "revoke")], Some(&anna)).await;
    assert_eq!(revoked.status, 200, "{revoked:?}");
    let view = json_of(&app.post("/api/load_invitation", &[("right_id", &right_id.to_string())], Some(&paul)).await);
    assert_eq!(view["services"], serde_json::json!([]), "{view}");
    assert_eq!(view["end_date"], serde_json::Value::Null);
    assert_eq!(view["ended"]["by"], "principal", "{view}");
    let page = app.open(&format!("/invitations/{right_id}"), Some(&paul)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Cet accès a pris fin le") && page.body.contains("Musterhans SA y a mis fin."), "{}", page.body);
    assert!(!page.body.contains("vous donne accès"), "nor says that it gives access: {}", page.body);
    for debtor in &app.demo.debtors[..2] {
        assert!(!page.body.contains(&debtor.debtor_number), "debtor {} no longer shown", debtor.debtor_number);
        assert!(!view.to_string().contains(&debtor.name), "nor sent");
    }
});

on_both_backends!(another_login_opening_the_invitation_is_told_and_nothing_changes, Options::default(), |app: TestApp| async move {
    let (right_id, _) = invite_paul(&app).await;
    let tina = app.signed_in_cookie(THIRD_ADMIN).await;
    let page = app.open(&format!("/invitations/{right_id}"), Some(&tina)).await;
    assert_eq!(page.status, 404, "{page:?}");
    assert!(page.body.contains("Cette invitation est adressée à un autre login"), "{}", page.body);
    assert!(!page.body.contains("Musterhans SA") && !page.body.contains("Valider"), "nothing of the invitation is shown");
    let right = app.store.right(right_id).await.unwrap();
    assert_eq!(right.status, RightStatus::Pending);
    // The same answer for an invitation that does not exist.
    let none = app.open("/invitations/999999", Some(&tina)).await;
    assert_eq!(none.status, 404);
    assert!(none.body.contains("Cette invitation est adressée à un autre login"));
});

on_both_backends!(an_accepted_invitation_offers_to_work_for_the_company, Options::default(), |app: TestApp| async move {
    let right = invite_paul(&app).await;
    let paul = app.signed_in_cookie(PROVIDER).await;
    let form = [("right_id", right.0.to_string()), ("version", right.1.to_string()), ("answer", "accept".to_string())];
    let accepted = app.post("/api/answer_right", &form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(), Some(&paul)).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    let page = app.open(&format!("/invitations/{}", right.0), Some(&paul)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Vous avez accepté cet accès") && page.body.contains("Travailler pour Musterhans SA"), "{}", page.body);
    assert!(!page.body.contains(">Valider<"), "no second answer is offered");
});

/// Every signed-in page that works for the acting company, with the ids its route needs.
fn acting_pages(app: &TestApp, right_id: i64) -> Vec<String> {
    let _ = app;
    let mut pages: Vec<String> =
        ["/portal", "/account", "/messages", "/services/orders", "/services/invoices", "/admin/rights", "/admin/audit", "/admin/rights/new"]
            .iter()
            .map(|p| p.to_string())
            .collect();
    pages.push(format!("/admin/rights/{right_id}"));
    pages.push(format!("/admin/rights/{right_id}/services"));
    pages
}

on_both_backends!(
    a_session_acting_for_a_company_it_may_no_longer_act_for_is_sent_to_the_selector_on_every_page,
    Options::default(),
    |app: TestApp| async move {
        use auth_support::people::{employee_right, invitation, new_company, new_login, set_acting_company, step};
        use portal_core::domain::{Party, Transition};

        let home = new_company(&app, "50000005", "Conseil Chemin Sàrl").await;
        let principal = app.demo.principal.id;
        let by_admin = Actor::user(app.demo.admin.id, principal);
        let today = app.store.today();
        let mut sessions = Vec::new();
        for (n, ending) in ["revoked", "expired", "resigned"].into_iter().enumerate() {
            let email = format!("{ending}@conseil-chemin.example");
            let user_id = new_login(&app, &email, &home).await;
            employee_right(&app, &home, user_id, false).await;
            let as_provider = Actor::user(user_id, home.id);
            let invited = invitation(&app, principal, app.demo.admin.id, user_id, (ending == "expired").then_some(today)).await;
            let active = step(&app, invited, Transition::Accept, Party::Provider, as_provider).await;
            match ending {
                "revoked" => drop(step(&app, active, Transition::Revoke, Party::Principal, by_admin).await),
                "resigned" => drop(step(&app, active, Transition::Resign, Party::Provider, as_provider).await),
                _ => {}
            }
            sessions.push((ending, app.signed_in_cookie(&email).await, n));
        }
        let ended = app.store.expire_rights(today + chrono::Duration::days(1)).await.unwrap();
        assert_eq!(ended.len(), 1, "the expired one's right ends");

        let staff = app.store.right_for(principal, app.demo.employees[1].id).await.unwrap().unwrap();
        for (ending, cookie, _) in &sessions {
            for page in acting_pages(&app, staff.id) {
                for round in 0..20 {
                    set_acting_company(&app, cookie, principal).await;
                    let answer = app.open(&page, Some(cookie)).await;
                    assert_eq!((answer.status, answer.location()), (302, Some("/select-company?motif=droit")), "{ending}, {page}, round {round}: {answer:?}");
                }
            }
            // A client that does not ask for HTML is told why, with where to go.
            set_acting_company(&app, cookie, principal).await;
            let plain = app.get("/services/orders", Some(cookie)).await;
            assert_eq!((plain.status, plain.location()), (409, Some("/select-company?motif=droit")), "{plain:?}");
            assert_eq!(plain.body, "Votre accès à cette société n'est plus actif. Veuillez sélectionner une autre société.\n/select-company?motif=droit\n");
            let selector = app.open("/select-company?motif=droit", Some(cookie)).await;
            assert_eq!(selector.status, 200);
            assert!(
                selector.body.contains("Votre accès à cette société n&#x27;est plus actif")
                    || selector.body.contains("Votre accès à cette société n'est plus actif"),
                "{ending}: {}",
                selector.body
            );
            assert!(selector.body.contains("Conseil Chemin Sàrl"), "the login's own company is offered");
        }
    }
);

on_both_backends!(the_opened_message_s_page_no_longer_counts_it_as_unread, Options::default(), |app: TestApp| async move {
    invite_paul(&app).await;
    let paul = app.signed_in_cookie(PROVIDER).await;
    auth_support::people::set_acting_company(&app, &paul, app.demo.provider_company.id).await;
    let unread = app.store.unread_count(app.demo.provider.id).await.unwrap();
    assert!(unread >= 1);
    let invitation = app.store.messages_for(app.demo.provider.id).await.unwrap().into_iter().find(|m| m.kind == MessageKind::ProviderInvitation).unwrap();
    let page = app.open(&format!("/messages/{}", invitation.id), Some(&paul)).await;
    assert_eq!(page.status, 200, "{page:?}");
    let badge = format!(r#"data-testid="unread-count">{}<"#, unread - 1);
    if unread == 1 {
        assert!(!page.body.contains(r#"data-testid="unread-count""#), "no unread badge is left: {}", page.body);
    } else {
        assert!(page.body.contains(&badge), "the badge counts {} : {}", unread - 1, page.body);
    }
});
