//! The services are plain functions over explicit dependencies (`Deps`: the store, the
//! mailer, the portal's address, the limits), who acts (an administrator's scope, a login)
//! and, for signing in, the session: called here without any request, as a server function
//! calls them once it has checked who acts.

use crate::auth_support;
use app::access::{AdminScope, CompanyChoice, SignedIn};
use app::i18n::Locale;
use app::messages::pages::message_title;
use app::rights::service;
use app::shared::deps::Deps;
use app::shared::refusal::Refusal;
use auth_support::people::{invitation, step};
use auth_support::{Options, TestApp, ADMIN, PROVIDER};
use portal_core::domain::{MessageKind, Party, RightStatus, Transition};
use portal_core::store::Actor;

fn deps(app: &TestApp) -> Deps {
    Deps { store: app.store.clone(), mailer: app.housekeeping.mailer.clone(), base: app.base.clone(), settings: Default::default() }
}

/// A login as `require_login` gives it.
fn signed_in(user_id: i64) -> SignedIn {
    SignedIn { user_id, signed_in_at: portal_core::store::real_time() }
}

/// Anna Muster administering Musterhans SA, as `require_admin` gives her.
fn anna(app: &TestApp) -> AdminScope {
    let company = &app.demo.principal;
    AdminScope {
        admin: app.demo.admin.clone(),
        company: CompanyChoice { company_id: company.id, name: company.name.clone(), customer_number: company.customer_number.clone(), as_provider: false },
        actor: Actor::user(app.demo.admin.id, company.id),
    }
}

on_both_backends!(a_suspension_made_by_the_service_alone_tells_the_provider_by_message_and_e_mail, Options::default(), |app: TestApp| async move {
    let (deps, anna) = (deps(&app), anna(&app));
    let invited = invitation(&app, app.demo.principal.id, app.demo.admin.id, app.demo.provider.id, None).await;
    let paul = Actor::user(app.demo.provider.id, app.demo.provider_company.id);
    let active = step(&app, invited, Transition::Accept, Party::Provider, paul).await;

    let withheld = service::put_on_hold(&deps, &anna, active.id, active.version, Transition::Suspend).await.unwrap();
    assert!(!withheld, "the provider's e-mail went out");
    assert_eq!(app.store.right(active.id).await.unwrap().status, RightStatus::Suspended);
    let messages = app.store.messages_for(app.demo.provider.id).await.unwrap();
    assert!(messages.iter().any(|m| m.kind == MessageKind::ProviderRightSuspended), "{messages:?}");
    let mail = app.newest_mail(PROVIDER, |m| m.subject == message_title(Locale::fr, MessageKind::ProviderRightSuspended)).await;
    assert!(mail.body.contains("Musterhans SA"), "{}", mail.body);
    assert!(mail.body.contains(&format!("{}/account", app.base)), "the link starts with the portal's address: {}", mail.body);

    let detail = service::load_right(&app.store, &anna, active.id).await.unwrap();
    assert_eq!((detail.row.email.as_str(), detail.row.status), (PROVIDER, RightStatus::Suspended));
});

on_both_backends!(the_service_refuses_another_company_s_right_and_an_unknown_ending_and_changes_nothing, Options::default(), |app: TestApp| async move {
    let (deps, anna) = (deps(&app), anna(&app));
    let elsewhere = app.store.right_for(app.demo.third_company.id, app.demo.provider.id).await.unwrap().expect("Paul's access to Transports Rapides SA");
    let refused = service::end_right(&deps, &anna, elsewhere.id, elsewhere.version, "revoke").await.unwrap_err();
    assert!(refused.is(Refusal::RightNotFound), "{refused:?}");
    assert_eq!(app.store.right(elsewhere.id).await.unwrap(), elsewhere, "another company's right is untouched");

    let own = invitation(&app, app.demo.principal.id, app.demo.admin.id, app.demo.provider.id, None).await;
    let refused = service::end_right(&deps, &anna, own.id, own.version, "delete").await.unwrap_err();
    assert!(refused.is(Refusal::BadEnding), "{refused:?}");
    assert_eq!(app.store.right(own.id).await.unwrap().status, RightStatus::Pending);
    assert!(!service::end_right(&deps, &anna, own.id, own.version, "cancel").await.unwrap(), "the provider's e-mail went out");
    assert_eq!(app.store.right(own.id).await.unwrap().status, RightStatus::Revoked);
});

on_both_backends!(
    a_provider_s_answer_made_by_the_service_alone_tells_the_administrators_and_only_its_own_right_is_answered,
    Options::default(),
    |app: TestApp| async move {
        let deps = deps(&app);
        let paul = signed_in(app.demo.provider.id);
        let invited = invitation(&app, app.demo.principal.id, app.demo.admin.id, paul.user_id, None).await;

        let someone_else = signed_in(app.demo.employees[0].id);
        let refused = app::provider::service::answer(&deps, &someone_else, invited.id, invited.version, "accept").await.unwrap_err();
        assert!(refused.is(Refusal::ProviderRightNotFound), "{refused:?}");
        let refused = app::provider::service::answer(&deps, &paul, invited.id, invited.version, "approve").await.unwrap_err();
        assert!(refused.is(Refusal::BadAnswer), "{refused:?}");
        assert_eq!(app.store.right(invited.id).await.unwrap().status, RightStatus::Pending, "nothing changed");

        app::provider::service::answer(&deps, &paul, invited.id, invited.version, "accept").await.unwrap();
        assert_eq!(app.store.right(invited.id).await.unwrap().status, RightStatus::Active);
        let messages = app.store.messages_for(app.demo.admin.id).await.unwrap();
        assert!(messages.iter().any(|m| m.kind == MessageKind::ProviderAccepted), "{messages:?}");
        let mail = app.newest_mail(ADMIN, |m| m.subject == message_title(Locale::fr, MessageKind::ProviderAccepted)).await;
        assert!(mail.body.contains("Paul"), "the provider is named: {}", mail.body);
        let view = app::provider::service::invitation(&app.store, &paul, invited.id).await.unwrap();
        assert_eq!(view.status, RightStatus::Active);
        let refused = app::provider::service::invitation(&app.store, &someone_else, invited.id).await.unwrap_err();
        assert!(refused.is(Refusal::NotYourInvitation), "another login's invitation is not shown: {refused:?}");
    }
);

/// A session of its own over the portal's session store, as the session layer gives a request.
fn fresh_session(app: &TestApp) -> tower_sessions::Session {
    tower_sessions::Session::new(None, std::sync::Arc::new(server::auth::DbSessionStore::new(app.store.clone(), std::time::Duration::from_secs(1800))), None)
}

on_both_backends!(
    signing_in_by_the_service_alone_holds_the_login_in_the_session_given_and_a_wrong_password_goes_back_to_the_login_page,
    Options::default(),
    |app: TestApp| async move {
        use app::access::{signed_in, SignInStep};
        let settings = app::shared::context::AuthSettings::default();
        let session = fresh_session(&app);
        let back = app::shared::return_path::ReturnPath::parse("/messages");

        let refused =
            app::sign_in::service::sign_in(&app.store, &settings, &session, None, ADMIN, "not-the-password".into(), back.clone()).await.unwrap().unwrap_err();
        assert_eq!(refused.refusal, Refusal::InvalidCredentials);
        assert!(refused.page.starts_with("/login?erreur=identifiants&"), "the login page says it and keeps the way back: {}", refused.page);
        assert_eq!(signed_in(&session, &settings).await.unwrap(), None, "nobody is signed in");

        let step = app::sign_in::service::sign_in(&app.store, &settings, &session, None, ADMIN, auth_support::PASSWORD.into(), back).await.unwrap().unwrap();
        assert_eq!(step, SignInStep::SignedIn { next: "/messages".into(), language: app.demo.admin.language });
        let login = signed_in(&session, &settings).await.unwrap().expect("the session holds the login");
        assert_eq!(login.user_id, app.demo.admin.id);
    }
);

on_both_backends!(
    a_registration_made_by_the_service_alone_sends_its_link_on_the_portal_s_address_and_a_client_over_its_limit_is_refused,
    Options::default(),
    |app: TestApp| async move {
        use app::registration::service::{register, Registration};
        let mut deps = deps(&app);
        deps.settings.max_requests_per_address = 1;
        let client = Some(std::net::IpAddr::from([192, 0, 2, 7]));
        let lea = |email: &str| Registration {
            email: email.into(),
            first_name: "Léa".into(),
            last_name: "Rochat".into(),
            password: "Lea-2026!portail".into(),
            confirm: "Lea-2026!portail".into(),
            language: "fr".into(),
        };

        register(&deps, client, lea("lea.rochat@example.ch")).await.unwrap();
        let mail = app.newest_mail("lea.rochat@example.ch", |m| m.body.contains("/register/confirm?token=")).await;
        assert!(mail.body.contains(&format!("{}/register/confirm?token=", app.base)), "the link starts with the portal's address: {}", mail.body);

        let refused = register(&deps, client, lea("leo.rochat@example.ch")).await.unwrap_err();
        assert!(refused.is(Refusal::RequestsThrottled), "{refused:?}");
        assert!(
            app.store.user_by_email(&portal_core::domain::EmailAddress::parse("leo.rochat@example.ch").unwrap()).await.unwrap().is_none(),
            "nothing was registered"
        );
    }
);
