//! The store contract: every case is written once and runs against SQLite (a fresh temp
//! file per test) and Postgres (a fresh database per test, dropped afterwards).
//!
//! Postgres: `TEST_POSTGRES_URL` (default `portal_core::test_support::DEFAULT_POSTGRES_URL`). When it
//! is unreachable the Postgres tests print "skipped: no Postgres" — unless
//! `REQUIRE_POSTGRES=1`, then they fail.

#[macro_use]
mod harness;

contract!(
    migrations_create_every_table_on_an_empty_database,
    the_store_answers_a_ping_and_names_its_backend,
    an_email_is_unique_whatever_its_case,
    a_user_is_found_by_email_in_any_case_and_secrets_stay_apart,
    a_message_whose_kind_or_parameters_cannot_be_read_fails_the_read_instead_of_being_guessed,
    a_sign_in_and_a_language_change_are_stored_with_their_audit_entries,
    a_company_holds_at_most_one_right_per_user,
    employees_start_active_and_invitations_start_pending_awaiting_the_provider,
    an_accepted_invitation_is_persisted_active_with_a_new_version,
    a_transition_with_a_stale_version_is_a_conflict_and_changes_nothing,
    an_illegal_transition_is_refused_with_its_reason_and_changes_nothing,
    may_act_is_false_unless_the_right_is_active,
    may_act_is_false_after_the_end_date,
    may_act_is_false_for_a_service_not_granted_or_a_debtor_outside_the_list,
    may_act_is_true_for_every_debtor_with_an_all_debtors_grant,
    replacing_grants_with_a_debtor_of_another_company_fails_and_keeps_the_previous_grants,
    replacing_grants_with_an_unsubscribed_service_fails,
    replacing_grants_with_the_same_set_twice_changes_nothing,
    a_message_keeps_its_first_read_date,
    a_message_is_visible_only_to_its_recipient,
    the_rights_list_searches_sorts_and_pages_with_a_total,
    the_rights_list_follows_a_changed_name_e_mail_or_home_company_whichever_statement_changes_it,
    a_large_company_s_rights_list_and_audit_log_count_a_thousand_past_the_page_then_say_more,
    the_rights_list_stars_users_with_rights_elsewhere,
    the_star_counts_provider_and_administrator_rights_elsewhere_that_grant_access_today,
    every_change_of_rights_is_written_to_the_audit_log,
    the_audit_log_cannot_be_changed,
    seeding_the_demo_twice_changes_nothing,
    an_order_is_stored_with_its_lines_prices_and_who_placed_it,
    the_orders_page_shows_the_debtors_in_scope_newest_first_and_goes_on_from_the_last_order_shown,
    an_order_with_a_foreign_debtor_or_unknown_product_is_refused_entirely,
    invoices_are_listed_per_company_and_debtors,
    rights_of_a_user_name_their_companies,
    offboarding_ends_every_right_of_a_provider_company,
    offboarding_ends_nothing_when_the_rights_changed_since_the_preview,
    rights_past_their_end_date_expire_by_the_system_job,
    sessions_load_until_they_expire_and_are_created_once,
    an_unchanged_session_is_written_again_only_when_its_expiry_moves_past_the_slack,
    the_outbox_lists_unsent_emails_until_marked_sent,
    failed_logins_are_counted_within_a_window,
    concurrent_attempts_each_get_their_own_count,
    two_step_secrets_are_stored_sealed_and_resealed_with_a_new_key,
);

mod cases {
    use chrono::{Duration, NaiveDate, SubsecRound};
    use portal_core::store::*;
    use portal_core::*;
    use serde_json::json;

    /// A small world: a principal with admin, two debtors, three services; a provider
    /// company with its user; another company with a debtor.
    struct World {
        principal: Company,
        other: Company,
        admin: User,
        provider: User,
        orders: Service,
        invoices: Service,
        tracking: Service,
        d1: Debtor,
        d2: Debtor,
        foreign_debtor: Debtor,
    }

    impl World {
        fn by_admin(&self) -> Actor {
            Actor::user(self.admin.id, self.principal.id)
        }
    }

    async fn company(store: &Store, number: &str, name: &str) -> Company {
        store.create_company(&NewCompany { customer_number: CustomerNumber::parse(number).unwrap(), name: name.into(), language: Language::Fr }).await.unwrap()
    }

    async fn user(store: &Store, email: &str, first: &str, last: &str, home: Option<&Company>) -> User {
        store
            .create_user(&NewUser {
                email: EmailAddress::parse(email).unwrap(),
                first_name: PersonName::parse(first).unwrap(),
                last_name: PersonName::parse(last).unwrap(),
                password_hash: Some(PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$fake$fake")),
                language: Language::Fr,
                home_company_id: home.map(|c| c.id),
            })
            .await
            .unwrap()
    }

    fn new_right(company: &Company, user: &User, right_type: RightType, origin: RightOrigin) -> NewRight {
        NewRight {
            company_id: company.id,
            user_id: user.id,
            right_type,
            is_admin: false,
            origin,
            remark: Remark::default(),
            end_date: None,
            created_by_user_id: None,
        }
    }

    async fn world(store: &Store) -> World {
        let principal = company(store, "10000001", "Musterhans SA").await;
        let provider_co = company(store, "20000002", "Fiduciaire Exemple Sàrl").await;
        let other = company(store, "30000003", "Transports Rapides SA").await;
        let orders = store.ensure_service("orders", "Commandes").await.unwrap();
        let invoices = store.ensure_service("invoices", "Factures").await.unwrap();
        let tracking = store.ensure_service("tracking", "Suivi").await.unwrap();
        for s in [&orders, &invoices, &tracking] {
            store.subscribe_service(principal.id, s.id).await.unwrap();
            store.subscribe_service(other.id, s.id).await.unwrap();
        }
        let d1 = store.create_debtor(principal.id, &DebtorNumber::parse("100001").unwrap(), "Siège").await.unwrap();
        let d2 = store.create_debtor(principal.id, &DebtorNumber::parse("100002").unwrap(), "Succursale").await.unwrap();
        let foreign_debtor = store.create_debtor(other.id, &DebtorNumber::parse("300001").unwrap(), "Autre").await.unwrap();
        let admin = user(store, "admin@musterhans.example", "Anna", "Muster", Some(&principal)).await;
        let mut r = new_right(&principal, &admin, RightType::Employee, RightOrigin::Direct);
        r.is_admin = true;
        store.create_right(&r, &Actor::system()).await.unwrap();
        let provider = user(store, "paul@fiduciaire.example", "Paul", "Prestataire", Some(&provider_co)).await;
        World { principal, other, admin, provider, orders, invoices, tracking, d1, d2, foreign_debtor }
    }

    /// Invites the world's provider and has them accept; returns the active right.
    async fn active_provider_right(store: &Store, w: &World) -> UserRight {
        let r = store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        store.transition_right(r.id, r.version, Transition::Accept, Party::Provider, &Actor::user(w.provider.id, w.principal.id)).await.unwrap()
    }

    fn all_debtors(s: &Service) -> GrantSpec {
        GrantSpec { service_id: s.id, all_debtors: true, debtor_ids: vec![] }
    }

    fn some_debtors(s: &Service, ds: &[&Debtor]) -> GrantSpec {
        GrantSpec { service_id: s.id, all_debtors: false, debtor_ids: ds.iter().map(|d| d.id).collect() }
    }

    // ------------------------------------------------------------------ schema

    pub async fn migrations_create_every_table_on_an_empty_database(store: Store) {
        let counts = store.table_counts().await.unwrap();
        assert_eq!(counts.len(), TABLES.len());
        assert!(counts.iter().all(|(_, n)| *n == 0), "{counts:?}");
        // Running them again is a no-op.
        store.migrate().await.unwrap();
    }

    pub async fn the_store_answers_a_ping_and_names_its_backend(store: Store) {
        store.ping().await.unwrap();
        assert!(["sqlite", "postgres"].contains(&store.backend_name()));
    }

    // ------------------------------------------------------------------ users

    pub async fn an_email_is_unique_whatever_its_case(store: Store) {
        user(&store, "Anna@Example.CH", "Anna", "Muster", None).await;
        let err = store
            .create_user(&NewUser {
                email: EmailAddress::parse("anna@example.ch").unwrap(),
                first_name: PersonName::parse("Other").unwrap(),
                last_name: PersonName::parse("Anna").unwrap(),
                password_hash: None,
                language: Language::De,
                home_company_id: None,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "user.email" }), "{err:?}");
        assert_eq!(err.code(), "duplicate.user_email");
    }

    pub async fn a_user_is_found_by_email_in_any_case_and_secrets_stay_apart(store: Store) {
        let u = user(&store, "paul@fiduciaire.example", "Paul", "Prestataire", None).await;
        assert_eq!(u.email, "paul@fiduciaire.example");
        assert!(u.has_password);
        let found = store.user_by_email(&EmailAddress::parse(" PAUL@Fiduciaire.Example ").unwrap()).await.unwrap().unwrap();
        assert_eq!(found, u);
        let (_, creds) = store.user_with_credentials(&EmailAddress::parse("paul@fiduciaire.example").unwrap()).await.unwrap().unwrap();
        assert!(creds.password_hash.is_some());
        assert!(!format!("{creds:?}").contains("argon2"), "secrets are redacted in Debug");
        let at = real_time();
        store.set_last_login(u.id, at).await.unwrap();
        assert_eq!(store.user(u.id).await.unwrap().last_login_at, Some(at));
        assert!(matches!(store.user(u.id + 1000).await, Err(StoreError::NotFound)));
    }

    pub async fn a_message_whose_kind_or_parameters_cannot_be_read_fails_the_read_instead_of_being_guessed(store: Store) {
        let u = user(&store, "paul@fiduciaire.example", "Paul", "Prestataire", None).await;
        let params = json!({ "company": "Musterhans SA" });
        let new = NewMessage { recipient_user_id: u.id, company_id: None, kind: MessageKind::ProviderAccepted, params: params.clone() };
        let sent = store.create_message(&new).await.unwrap();
        let read = store.message(u.id, sent.id).await.unwrap();
        assert_eq!((read.kind, read.params), (MessageKind::ProviderAccepted, params), "what was written reads back");
        let unknown_kind = "UPDATE messages SET kind = 'no_such_kind' WHERE id = $1".to_string();
        let broken_json = format!("UPDATE messages SET kind = '{}', params = '{{not json' WHERE id = $1", MessageKind::ProviderAccepted.as_str());
        for sql in [unknown_kind, broken_json] {
            match store.backend() {
                Backend::Sqlite(p) => sqlx::query(&sql).bind(sent.id).execute(p).await.map(|_| ()).unwrap(),
                Backend::Postgres(p) => sqlx::query(&sql).bind(sent.id).execute(p).await.map(|_| ()).unwrap(),
            }
            assert!(matches!(store.message(u.id, sent.id).await, Err(StoreError::Database(_))), "one message: {sql}");
            assert!(matches!(store.messages_for(u.id).await, Err(StoreError::Database(_))), "the list: {sql}");
        }
    }

    pub async fn a_sign_in_and_a_language_change_are_stored_with_their_audit_entries(store: Store) {
        let u = user(&store, "paul@fiduciaire.example", "Paul", "Prestataire", None).await;
        let at = real_time();
        store.record_sign_in(&u, at).await.unwrap();
        store.change_user_language(&u, Language::De).await.unwrap();
        let after = store.user(u.id).await.unwrap();
        assert_eq!((after.last_login_at, after.language), (Some(at), Language::De));
        let audit = store.audit_by_actor(u.id, 10).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["user.language", "login"]);
        let mut gone = after.clone();
        gone.id += 1000;
        assert!(matches!(store.record_sign_in(&gone, at).await, Err(StoreError::NotFound)));
        assert_eq!(store.audit_by_actor(gone.id, 10).await.unwrap().len(), 0, "no audit entry without its change");
    }

    // ------------------------------------------------------------------ rights

    pub async fn a_company_holds_at_most_one_right_per_user(store: Store) {
        let w = world(&store).await;
        store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let err = store.create_right(&new_right(&w.principal, &w.provider, RightType::Employee, RightOrigin::Direct), &w.by_admin()).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "right" }), "{err:?}");
        // … but the same user may hold a right on another company.
        store.create_right(&new_right(&w.other, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
    }

    pub async fn employees_start_active_and_invitations_start_pending_awaiting_the_provider(store: Store) {
        let w = world(&store).await;
        let emp = user(&store, "e@musterhans.example", "Emil", "Employé", Some(&w.principal)).await;
        let e = store.create_right(&new_right(&w.principal, &emp, RightType::Employee, RightOrigin::Direct), &w.by_admin()).await.unwrap();
        assert_eq!((e.status, e.awaiting, e.version), (RightStatus::Active, None, 1));
        let p = store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        assert_eq!((p.status, p.awaiting, p.origin), (RightStatus::Pending, Some(Awaiting::Provider), RightOrigin::Invitation));
        let q = store
            .create_right(&new_right(&w.other, &w.provider, RightType::Provider, RightOrigin::Request), &Actor::user(w.provider.id, w.other.id))
            .await
            .unwrap();
        assert_eq!((q.status, q.awaiting), (RightStatus::Pending, Some(Awaiting::Principal)));
        let err = store.create_right(&new_right(&w.other, &emp, RightType::Provider, RightOrigin::Direct), &w.by_admin()).await.unwrap_err();
        assert_eq!(err.code(), "lifecycle.provider_needs_consent");
    }

    pub async fn an_accepted_invitation_is_persisted_active_with_a_new_version(store: Store) {
        let w = world(&store).await;
        let r = store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let a = store.transition_right(r.id, r.version, Transition::Accept, Party::Provider, &Actor::user(w.provider.id, w.principal.id)).await.unwrap();
        assert_eq!((a.status, a.awaiting, a.version), (RightStatus::Active, None, r.version + 1));
        assert!(a.decided_at.is_some());
        assert_eq!(store.right(r.id).await.unwrap(), a);
        let revoked = store.transition_right(a.id, a.version, Transition::Revoke, Party::Principal, &w.by_admin()).await.unwrap();
        assert_eq!(revoked.status, RightStatus::Revoked);
        let again = store.transition_right(r.id, revoked.version, Transition::Reinvite, Party::Principal, &w.by_admin()).await.unwrap();
        assert_eq!((again.status, again.awaiting, again.decided_at), (RightStatus::Pending, Some(Awaiting::Provider), None));
    }

    pub async fn a_transition_with_a_stale_version_is_a_conflict_and_changes_nothing(store: Store) {
        let w = world(&store).await;
        let r = store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let accepted = store.transition_right(r.id, r.version, Transition::Accept, Party::Provider, &Actor::system()).await.unwrap();
        // The admin still looks at version 1 and tries to cancel the invitation.
        let err = store.transition_right(r.id, r.version, Transition::Cancel, Party::Principal, &w.by_admin()).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict), "{err:?}");
        assert_eq!(store.right(r.id).await.unwrap(), accepted);
        let err =
            store.update_right(r.id, r.version, &RightChanges { is_admin: true, remark: Remark::default(), end_date: None }, &w.by_admin()).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict), "{err:?}");
    }

    pub async fn an_illegal_transition_is_refused_with_its_reason_and_changes_nothing(store: Store) {
        let w = world(&store).await;
        let r = store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let err = store.transition_right(r.id, r.version, Transition::Accept, Party::Principal, &w.by_admin()).await.unwrap_err();
        assert_eq!(err.code(), "lifecycle.not_awaiting_party");
        assert!(matches!(err, StoreError::Invalid(DomainError::Lifecycle(LifecycleError::NotAwaitingParty))));
        assert_eq!(store.right(r.id).await.unwrap(), r);
        assert!(matches!(store.transition_right(r.id + 999, 1, Transition::Accept, Party::Provider, &Actor::system()).await, Err(StoreError::NotFound)));
    }

    // ------------------------------------------------------------------ may_act

    /// [`Store::may_act_on`], checked against the pure rule [`UserRight::may_act_through`] on
    /// the stored right, grants and subscriptions: the two must agree in every case below.
    async fn checked_may_act(store: &Store, user: UserId, company: CompanyId, service: &str, debtor: Option<DebtorId>, today: NaiveDate) -> bool {
        let sql = store.may_act_on(user, company, service, debtor, today).await.unwrap();
        let subscribed = store.company_services(company).await.unwrap().iter().any(|s| s.code == service);
        let rule = match store.right_for(company, user).await.unwrap() {
            Some(right) => {
                let grants = store.service_grants(right.id).await.unwrap();
                grants.iter().filter(|g| g.service_code == service).any(|g| right.may_act_through(g, subscribed, debtor, today))
            }
            None => false,
        };
        assert_eq!(sql, rule, "the SQL and the rule disagree: user {user}, company {company}, {service}, debtor {debtor:?}, {today}");
        sql
    }

    pub async fn may_act_is_false_unless_the_right_is_active(store: Store) {
        let w = world(&store).await;
        let grants = [all_debtors(&w.orders)];
        // (how to reach the status, from a fresh invitation)
        let paths: [(&str, &[(Transition, Party)]); 6] = [
            ("pending", &[]),
            ("refused", &[(Transition::Refuse, Party::Provider)]),
            ("revoked", &[(Transition::Accept, Party::Provider), (Transition::Revoke, Party::Principal)]),
            ("expired", &[(Transition::Accept, Party::Provider), (Transition::Expire, Party::System)]),
            ("resigned", &[(Transition::Accept, Party::Provider), (Transition::Resign, Party::Provider)]),
            ("active", &[(Transition::Accept, Party::Provider)]),
        ];
        for (i, (status, steps)) in paths.iter().enumerate() {
            let u = user(&store, &format!("p{i}@provider.example"), "P", &format!("User{i}"), None).await;
            let mut r = store.create_right(&new_right(&w.principal, &u, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
            store.replace_service_grants(r.id, &grants, &w.by_admin()).await.unwrap();
            r = store.right(r.id).await.unwrap();
            for (t, by) in steps.iter() {
                r = store.transition_right(r.id, r.version, *t, *by, &Actor::system()).await.unwrap();
            }
            assert_eq!(r.status.as_str(), *status);
            let may = checked_may_act(&store, u.id, w.principal.id, "orders", Some(w.d1.id), store.today()).await;
            assert_eq!(may, *status == "active", "a {status} right");
            assert_eq!(checked_may_act(&store, u.id, w.principal.id, "orders", None, store.today()).await, *status == "active");
        }
    }

    pub async fn may_act_is_false_after_the_end_date(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        store.replace_service_grants(r.id, &[all_debtors(&w.orders)], &w.by_admin()).await.unwrap();
        let end = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        store.update_right(r.id, r.version, &RightChanges { is_admin: false, remark: Remark::default(), end_date: Some(end) }, &w.by_admin()).await.unwrap();
        let may = |d: NaiveDate| checked_may_act(&store, w.provider.id, w.principal.id, "orders", Some(w.d1.id), d);
        assert!(may(end).await, "still valid on its end date");
        assert!(!may(end + Duration::days(1)).await, "not the day after");
    }

    pub async fn may_act_is_false_for_a_service_not_granted_or_a_debtor_outside_the_list(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        store.replace_service_grants(r.id, &[some_debtors(&w.invoices, &[&w.d1])], &w.by_admin()).await.unwrap();
        let p = w.provider.id;
        assert!(checked_may_act(&store, p, w.principal.id, "invoices", Some(w.d1.id), store.today()).await);
        assert!(!checked_may_act(&store, p, w.principal.id, "invoices", Some(w.d2.id), store.today()).await, "debtor not in the list");
        assert!(!checked_may_act(&store, p, w.principal.id, "orders", Some(w.d1.id), store.today()).await, "service not granted");
        assert!(!checked_may_act(&store, p, w.principal.id, "unknown", None, store.today()).await);
        assert!(!checked_may_act(&store, p, w.other.id, "invoices", Some(w.foreign_debtor.id), store.today()).await, "no right on that company");
        let permitted = store.permitted_debtors(p, w.principal.id, "invoices").await.unwrap();
        assert_eq!(permitted, vec![w.d1.clone()]);
    }

    pub async fn may_act_is_true_for_every_debtor_with_an_all_debtors_grant(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        store.replace_service_grants(r.id, &[all_debtors(&w.tracking)], &w.by_admin()).await.unwrap();
        for d in [&w.d1, &w.d2] {
            assert!(checked_may_act(&store, w.provider.id, w.principal.id, "tracking", Some(d.id), store.today()).await);
        }
        let every_debtor = store.debtors(w.principal.id).await.unwrap();
        assert_eq!(store.permitted_debtors(w.provider.id, w.principal.id, "tracking").await.unwrap(), every_debtor, "every debtor, in number order");
        // Revocation takes effect at once.
        store.transition_right(r.id, r.version, Transition::Revoke, Party::Principal, &w.by_admin()).await.unwrap();
        assert!(!checked_may_act(&store, w.provider.id, w.principal.id, "tracking", Some(w.d1.id), store.today()).await);
        assert_eq!(store.permitted_debtors(w.provider.id, w.principal.id, "tracking").await.unwrap(), vec![], "no debtor once revoked");
    }

    // ------------------------------------------------------------------ grants

    pub async fn replacing_grants_with_a_debtor_of_another_company_fails_and_keeps_the_previous_grants(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        let before = store.replace_service_grants(r.id, &[all_debtors(&w.orders), some_debtors(&w.invoices, &[&w.d1])], &w.by_admin()).await.unwrap();
        assert_eq!(before.len(), 2);
        assert_eq!(store.granted_service_codes(r.id).await.unwrap(), ["invoices", "orders"], "the menu's codes, as the grants name them");
        let err = store
            .replace_service_grants(r.id, &[all_debtors(&w.tracking), some_debtors(&w.invoices, &[&w.d2, &w.foreign_debtor])], &w.by_admin())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "grant.debtor_of_another_company");
        assert_eq!(store.service_grants(r.id).await.unwrap(), before);
        let err = store.replace_service_grants(r.id, &[some_debtors(&w.invoices, &[])], &w.by_admin()).await.unwrap_err();
        assert_eq!(err.code(), "grant.no_debtors");
        let err = store.replace_service_grants(r.id, &[all_debtors(&w.orders), all_debtors(&w.orders)], &w.by_admin()).await.unwrap_err();
        assert_eq!(err.code(), "grant.duplicate_service");
        assert_eq!(store.service_grants(r.id).await.unwrap(), before);
    }

    pub async fn replacing_grants_with_an_unsubscribed_service_fails(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        let extra = store.ensure_service("returns", "Retours").await.unwrap();
        let err = store.replace_service_grants(r.id, &[all_debtors(&extra)], &w.by_admin()).await.unwrap_err();
        assert_eq!(err.code(), "grant.service_not_subscribed");
        assert!(store.service_grants(r.id).await.unwrap().is_empty());
    }

    pub async fn replacing_grants_with_the_same_set_twice_changes_nothing(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        let specs = [some_debtors(&w.invoices, &[&w.d2, &w.d1, &w.d2]), all_debtors(&w.orders)];
        let first = store.replace_service_grants(r.id, &specs, &w.by_admin()).await.unwrap();
        assert_eq!(first.iter().map(|g| g.service_code.as_str()).collect::<Vec<_>>(), ["invoices", "orders"]);
        assert_eq!(first[0].debtor_ids, {
            let mut v = vec![w.d1.id, w.d2.id];
            v.sort();
            v
        });
        let audit_before = store.audit_for_company(w.principal.id, 100, 0).await.unwrap().total;
        let second = store.replace_service_grants(r.id, &specs, &w.by_admin()).await.unwrap();
        assert_eq!(second, first);
        assert_eq!(store.audit_for_company(w.principal.id, 100, 0).await.unwrap().total, audit_before);
        // Clearing removes everything.
        assert!(store.replace_service_grants(r.id, &[], &w.by_admin()).await.unwrap().is_empty());
        assert!(store.service_grants(r.id).await.unwrap().is_empty());
    }

    // ------------------------------------------------------------------ messages

    pub async fn a_message_keeps_its_first_read_date(store: Store) {
        let w = world(&store).await;
        let m = store
            .create_message(&NewMessage {
                recipient_user_id: w.provider.id,
                company_id: Some(w.principal.id),
                kind: MessageKind::ProviderInvitation,
                params: json!({"admin": "Anna Muster", "company": "Musterhans SA"}),
            })
            .await
            .unwrap();
        assert_eq!((m.read_at, m.company_name.as_deref()), (None, Some("Musterhans SA")));
        assert_eq!(m.params["admin"], "Anna Muster");
        assert_eq!(store.unread_count(w.provider.id).await.unwrap(), 1);
        let first = real_time();
        let read = store.mark_message_read(w.provider.id, m.id, first).await.unwrap();
        assert_eq!(read.read_at, Some(first));
        let again = store.mark_message_read(w.provider.id, m.id, first + Duration::hours(2)).await.unwrap();
        assert_eq!(again.read_at, Some(first));
        assert_eq!(store.unread_count(w.provider.id).await.unwrap(), 0);
    }

    pub async fn a_message_is_visible_only_to_its_recipient(store: Store) {
        let w = world(&store).await;
        let m = store
            .create_message(&NewMessage { recipient_user_id: w.provider.id, company_id: None, kind: MessageKind::ProviderInvitation, params: json!({}) })
            .await
            .unwrap();
        assert!(matches!(store.message(w.admin.id, m.id).await, Err(StoreError::NotFound)));
        assert!(matches!(store.mark_message_read(w.admin.id, m.id, real_time()).await, Err(StoreError::NotFound)));
        assert!(store.messages_for(w.admin.id).await.unwrap().is_empty());
        assert_eq!(store.messages_for(w.provider.id).await.unwrap().len(), 1);
        assert_eq!(store.message(w.provider.id, m.id).await.unwrap().read_at, None);
    }

    // ------------------------------------------------------------------ rights list

    pub async fn the_rights_list_searches_sorts_and_pages_with_a_total(store: Store) {
        let w = world(&store).await;
        for (i, (first, last)) in [("Zoé", "Bernasconi"), ("marc", "dubois"), ("Elise", "Chappuis"), ("Luca", "Rossi"), ("Anna", "Zürcher")].iter().enumerate()
        {
            let u = user(&store, &format!("u{i}@musterhans.example"), first, last, Some(&w.principal)).await;
            store.create_right(&new_right(&w.principal, &u, RightType::Employee, RightOrigin::Direct), &w.by_admin()).await.unwrap();
        }
        store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let q = |f: &dyn Fn(&mut RightQuery)| {
            let mut q = RightQuery::default();
            f(&mut q);
            q
        };
        let all = store.list_company_rights(w.principal.id, &RightQuery::default()).await.unwrap();
        assert_eq!(all.total, 7);
        let names: Vec<&str> = all.items.iter().map(|i| i.last_name.as_str()).collect();
        assert_eq!(names, ["Bernasconi", "Chappuis", "dubois", "Muster", "Prestataire", "Rossi", "Zürcher"]);

        let page = store
            .list_company_rights(
                w.principal.id,
                &q(&|q| {
                    q.limit = 2;
                    q.offset = 2;
                    q.descending = true
                }),
            )
            .await
            .unwrap();
        assert_eq!(page.total, 7);
        assert_eq!(page.items.iter().map(|i| i.last_name.as_str()).collect::<Vec<_>>(), ["Prestataire", "Muster"]);

        let found = store.list_company_rights(w.principal.id, &q(&|q| q.search = Some("DUBO".into()))).await.unwrap();
        assert_eq!((found.total, found.items[0].first_name.as_str()), (1, "marc"));
        let by_company = store.list_company_rights(w.principal.id, &q(&|q| q.search = Some("fiduciaire".into()))).await.unwrap();
        assert_eq!(by_company.total, 1, "search covers the e-mail and home company");
        let none = store.list_company_rights(w.principal.id, &q(&|q| q.search = Some("%".into()))).await.unwrap();
        assert_eq!(none.total, 0, "LIKE wildcards in the search are literal");

        let providers = store.list_company_rights(w.principal.id, &q(&|q| q.right_type = Some(RightType::Provider))).await.unwrap();
        assert_eq!((providers.total, providers.items[0].email.as_str()), (1, "paul@fiduciaire.example"));
        let pending = store.list_company_rights(w.principal.id, &q(&|q| q.status = Some(RightStatus::Pending))).await.unwrap();
        assert_eq!(pending.total, 1);

        let by_email = store.list_company_rights(w.principal.id, &q(&|q| q.sort = RightSort::Email)).await.unwrap();
        assert_eq!(by_email.items[0].email, "admin@musterhans.example");
        let by_first = store
            .list_company_rights(
                w.principal.id,
                &q(&|q| {
                    q.sort = RightSort::FirstName;
                    q.descending = true
                }),
            )
            .await
            .unwrap();
        assert_eq!(by_first.items[0].first_name, "Zoé");
        assert!(store.list_company_rights(w.other.id, &RightQuery::default()).await.unwrap().items.is_empty(), "a company sees only its own rights");
    }

    /// Runs one statement as any other program on the database would, outside the store.
    async fn run_sql(store: &Store, sql: &str, a: i64, b: Option<&str>) {
        match store.backend() {
            Backend::Sqlite(p) => sqlx::query(sql).bind(a).bind(b).execute(p).await.map(|_| ()),
            Backend::Postgres(p) => sqlx::query(sql).bind(a).bind(b).execute(p).await.map(|_| ()),
        }
        .unwrap();
    }

    async fn last_names(store: &Store, company: CompanyId, search: &str) -> Vec<String> {
        let q = RightQuery { search: (!search.is_empty()).then(|| search.to_string()), ..RightQuery::default() };
        store.list_company_rights(company, &q).await.unwrap().items.into_iter().map(|i| i.last_name).collect()
    }

    pub async fn the_rights_list_follows_a_changed_name_e_mail_or_home_company_whichever_statement_changes_it(store: Store) {
        let w = world(&store).await;
        let provider_co = w.provider.home_company_id.unwrap();
        active_provider_right(&store, &w).await;
        assert_eq!(last_names(&store, w.principal.id, "").await, ["Muster", "Prestataire"]);

        run_sql(&store, "UPDATE users SET last_name = $2 WHERE id = $1", w.provider.id, Some("Aebi")).await;
        assert_eq!(last_names(&store, w.principal.id, "").await, ["Aebi", "Muster"], "sorted by the new last name");
        assert_eq!(last_names(&store, w.principal.id, "aebi").await, ["Aebi"]);
        assert!(last_names(&store, w.principal.id, "prestataire").await.is_empty(), "the old name is no longer found");

        run_sql(&store, "UPDATE users SET email = $2 WHERE id = $1", w.provider.id, Some("paul.aebi@bureau.example")).await;
        assert_eq!(last_names(&store, w.principal.id, "paul.aebi@").await, ["Aebi"]);

        run_sql(&store, "UPDATE companies SET name = $2 WHERE id = $1", provider_co, Some("Treuhand Muster AG")).await;
        assert_eq!(last_names(&store, w.principal.id, "treuhand muster").await, ["Aebi"], "the home company's new name is searched");
        assert!(last_names(&store, w.principal.id, "fiduciaire exemple").await.is_empty());
        let by_company = RightQuery { sort: RightSort::Company, descending: true, ..RightQuery::default() };
        let rows = store.list_company_rights(w.principal.id, &by_company).await.unwrap().items;
        assert_eq!(rows.iter().map(|i| i.last_name.as_str()).collect::<Vec<_>>(), ["Aebi", "Muster"], "Treuhand… after Musterhans…");

        let offboardable = store.provider_companies_of(w.principal.id).await.unwrap();
        assert_eq!(offboardable.iter().map(|c| (c.company_id, c.name.as_str(), c.rights)).collect::<Vec<_>>(), [(provider_co, "Treuhand Muster AG", 1)]);

        run_sql(&store, "UPDATE users SET home_company_id = NULL WHERE id = $1 AND $2 IS NULL", w.provider.id, None).await;
        assert!(last_names(&store, w.principal.id, "treuhand").await.is_empty(), "a login without a home company has none to find");
        assert!(store.provider_companies_of(w.principal.id).await.unwrap().is_empty(), "nor a provider company to offboard");
    }

    pub async fn a_large_company_s_rights_list_and_audit_log_count_a_thousand_past_the_page_then_say_more(store: Store) {
        let w = world(&store).await;
        portal_core::generate::employees(&store, w.principal.id, 2500).await.unwrap();
        let list = |search: &str, offset: i64| RightQuery { search: (!search.is_empty()).then(|| search.to_string()), offset, ..RightQuery::default() };

        let first = store.list_company_rights(w.principal.id, &list("", 0)).await.unwrap();
        assert_eq!((first.items.len(), first.total, first.more), (50, 1000, true), "a thousand counted, and more");
        let further = store.list_company_rights(w.principal.id, &list("", 1000)).await.unwrap();
        assert_eq!((further.total, further.more), (2000, true), "counted a thousand past the page's start");
        let last = store.list_company_rights(w.principal.id, &list("", 2450)).await.unwrap();
        assert_eq!((last.items.len(), last.total, last.more), (50, 2501, false), "the last page knows the whole count");

        // A rare word (one right in 2,501) and a common one (every right) give the same
        // answers whichever way the database finds them.
        let rare = store.list_company_rights(w.principal.id, &list("NOM0042", 0)).await.unwrap();
        assert_eq!((rare.items.iter().map(|i| i.last_name.as_str()).collect::<Vec<_>>(), rare.total, rare.more), (vec!["Nom0042"], 1, false));
        let common = store.list_company_rights(w.principal.id, &list("nom", 0)).await.unwrap();
        assert_eq!((common.items[0].last_name.as_str(), common.total, common.more), ("Nom0000", 1000, true));
        let quoted = store.list_company_rights(w.principal.id, &list("nom\"0042", 0)).await.unwrap();
        assert_eq!((quoted.total, quoted.more), (0, false), "a quote in the search is a character like any other");
        assert_eq!(last_names(&store, w.principal.id, &format!("n0042@company{}", w.principal.id)).await, ["Nom0042"], "the e-mail is searched");

        // The audit log counts the same way: one entry per right added.
        let log = store.audit_for_company(w.principal.id, 50, 0).await.unwrap();
        assert_eq!((log.items.len(), log.total, log.more), (50, 1000, true));
        assert!(log.items.windows(2).all(|pair| pair[0].id > pair[1].id), "newest first");
        let tail = store.audit_for_company(w.principal.id, 50, 2480).await.unwrap();
        assert!(
            !tail.more && !tail.items.is_empty() && tail.total == 2480 + tail.items.len() as i64,
            "the end of the log knows its count: {:?}",
            (tail.total, tail.items.len())
        );
    }

    pub async fn the_rights_list_stars_users_with_rights_elsewhere(store: Store) {
        let w = world(&store).await;
        active_provider_right(&store, &w).await;
        let mut own = new_right(&w.other, &w.provider, RightType::Employee, RightOrigin::Direct);
        own.is_admin = true;
        store.create_right(&own, &Actor::system()).await.unwrap();
        let list = store.list_company_rights(w.other.id, &RightQuery::default()).await.unwrap();
        assert!(list.items[0].has_rights_elsewhere, "Paul is an active provider of Musterhans");
        let list = store.list_company_rights(w.principal.id, &RightQuery::default()).await.unwrap();
        let paul = list.items.iter().find(|i| i.right.user_id == w.provider.id).unwrap();
        assert!(paul.has_rights_elsewhere, "Paul is an administrator of another company");
        let anna = list.items.iter().find(|i| i.right.user_id == w.admin.id).unwrap();
        assert!(!anna.has_rights_elsewhere);
        for item in &list.items {
            assert_eq!(store.has_rights_elsewhere(item.right.id).await.unwrap(), item.has_rights_elsewhere, "one star for list and page");
        }
    }

    /// The star of each login's right on the principal, as the list and the right's page
    /// show it, checked against the pure rule [`UserRight::stars_elsewhere_on`] over the
    /// login's rights on other companies: the two must agree in every case.
    async fn checked_stars(store: &Store, w: &World) -> Vec<(String, bool)> {
        let today = store.today();
        let list = store.list_company_rights(w.principal.id, &RightQuery { limit: 100, ..RightQuery::default() }).await.unwrap();
        let mut stars = Vec::new();
        for item in list.items.iter().filter(|i| i.email.starts_with("case.")) {
            let rule = store
                .rights_of_user(item.right.user_id)
                .await
                .unwrap()
                .iter()
                .filter(|r| r.right.company_id != w.principal.id)
                .any(|r| r.right.stars_elsewhere_on(today));
            assert_eq!(item.has_rights_elsewhere, rule, "the list's SQL and the rule disagree on {}", item.email);
            assert_eq!(store.has_rights_elsewhere(item.right.id).await.unwrap(), rule, "the page's SQL and the rule disagree on {}", item.email);
            stars.push((item.email.clone(), rule));
        }
        stars.sort();
        stars
    }

    pub async fn the_star_counts_provider_and_administrator_rights_elsewhere_that_grant_access_today(store: Store) {
        let w = world(&store).await;
        let tomorrow = store.today() + Duration::days(1);
        let principal_side = Actor::user(w.admin.id, w.other.id);
        // (case, its right on the other company: type, administrator, end date, suspended, accepted)
        let cases = [
            ("admin", RightType::Employee, true, None, false, true),
            ("admin-ending", RightType::Employee, true, Some(tomorrow), false, true),
            ("admin-suspended", RightType::Employee, true, None, true, true),
            ("employee", RightType::Employee, false, None, false, true),
            ("provider", RightType::Provider, false, None, false, true),
            ("provider-ending", RightType::Provider, false, Some(tomorrow), false, true),
            ("provider-pending", RightType::Provider, false, None, false, false),
            ("provider-suspended", RightType::Provider, false, None, true, true),
        ];
        for (case, right_type, is_admin, end_date, suspended, accepted) in cases {
            let login = user(&store, &format!("case.{case}@agence.example"), "Cas", case, None).await;
            store.create_right(&new_right(&w.principal, &login, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
            let origin = if right_type == RightType::Provider { RightOrigin::Invitation } else { RightOrigin::Direct };
            let mut elsewhere = new_right(&w.other, &login, right_type, origin);
            (elsewhere.is_admin, elsewhere.end_date) = (is_admin, end_date);
            let mut r = store.create_right(&elsewhere, &principal_side).await.unwrap();
            if right_type == RightType::Provider && accepted {
                r = store.transition_right(r.id, r.version, Transition::Accept, Party::Provider, &Actor::user(login.id, w.other.id)).await.unwrap();
            }
            if suspended {
                store.transition_right(r.id, r.version, Transition::Suspend, Party::Principal, &principal_side).await.unwrap();
            }
        }
        let starred = |stars: Vec<(String, bool)>| stars.into_iter().filter(|(_, s)| *s).map(|(e, _)| e).collect::<Vec<_>>();
        let today = checked_stars(&store, &w).await;
        assert_eq!(today.len(), 8, "every case is listed: {today:?}");
        assert_eq!(
            starred(today),
            ["case.admin-ending@agence.example", "case.admin@agence.example", "case.provider-ending@agence.example", "case.provider@agence.example"]
        );
        // Two days on, the rights that ended yesterday star nobody, expired by the housekeeping or not.
        store.advance_clock_for_tests(Duration::days(2));
        assert_eq!(starred(checked_stars(&store, &w).await), ["case.admin@agence.example", "case.provider@agence.example"]);
    }

    // ------------------------------------------------------------------ audit

    pub async fn every_change_of_rights_is_written_to_the_audit_log(store: Store) {
        let w = world(&store).await;
        let before = store.audit_for_company(w.principal.id, 100, 0).await.unwrap().total;
        let r = store.create_right(&new_right(&w.principal, &w.provider, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let r = store.transition_right(r.id, r.version, Transition::Accept, Party::Provider, &Actor::user(w.provider.id, w.principal.id)).await.unwrap();
        store.replace_service_grants(r.id, &[all_debtors(&w.orders)], &w.by_admin()).await.unwrap();
        let r = store
            .update_right(r.id, r.version, &RightChanges { is_admin: false, remark: Remark::parse("TVA").unwrap(), end_date: None }, &w.by_admin())
            .await
            .unwrap();
        store.transition_right(r.id, r.version, Transition::Revoke, Party::Principal, &w.by_admin()).await.unwrap();
        let log = store.audit_for_company(w.principal.id, 100, 0).await.unwrap();
        assert_eq!(log.total, before + 5);
        let actions: Vec<&str> = log.items.iter().take(5).map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["right.revoke", "right.update", "right.grants", "right.accept", "right.create"]);
        let accept = &log.items[3];
        assert_eq!(accept.actor_user_id, Some(w.provider.id));
        assert_eq!(accept.actor_email.as_deref(), Some("paul@fiduciaire.example"));
        assert_eq!(accept.target, format!("right:{}", r.id));
        assert_eq!(accept.before.as_ref().unwrap()["status"], "pending");
        assert_eq!(accept.after.as_ref().unwrap()["status"], "active");
        // A failed change writes nothing.
        let _ = store.transition_right(r.id, 1, Transition::Revoke, Party::Principal, &w.by_admin()).await.unwrap_err();
        assert_eq!(store.audit_for_company(w.principal.id, 100, 0).await.unwrap().total, before + 5);
        // Paging.
        let page = store.audit_for_company(w.principal.id, 2, 1).await.unwrap();
        assert_eq!((page.items.len(), page.items[0].action.as_str()), (2, "right.update"));
    }

    pub async fn the_audit_log_cannot_be_changed(store: Store) {
        let w = world(&store).await;
        store.append_audit(&AuditEntry::new(&w.by_admin(), Some(w.principal.id), AuditAction::Login, format!("user:{}", w.admin.id))).await.unwrap();
        let update = "UPDATE audit_log SET action = 'tampered'";
        let delete = "DELETE FROM audit_log";
        for sql in [update, delete] {
            let r = match store.backend() {
                Backend::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
                Backend::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            };
            assert!(r.is_err(), "{sql} must fail");
        }
        let log = store.audit_for_company(w.principal.id, 10, 0).await.unwrap();
        assert_eq!(log.items[0].action, AuditAction::Login);
    }

    // ------------------------------------------------------------------ demo

    pub async fn seeding_the_demo_twice_changes_nothing(store: Store) {
        let first = demo::seed_demo(&store).await.unwrap();
        let counts = store.table_counts().await.unwrap();
        let second = demo::seed_demo(&store).await.unwrap();
        assert_eq!(store.table_counts().await.unwrap(), counts);
        assert_eq!(first.logins, second.logins);
        assert_eq!(first.admin, second.admin);
        assert_eq!(first.principal.customer_number, "10000001");
        assert_eq!(first.principal.name, "Musterhans SA");
        assert_eq!(first.provider.email, "paul@fiduciaire.example");
        assert_eq!(first.debtors.len(), 4);
        assert_eq!(first.products.len(), 5);
        assert_eq!(first.employees.len(), 2);
        assert_eq!(store.company_services(first.principal.id).await.unwrap().len(), 3);
        assert!(store.is_admin(first.admin.id, first.principal.id).await.unwrap());
        assert!(store.is_admin(first.provider.id, first.provider_company.id).await.unwrap());
        assert!(
            store.right_for(first.principal.id, first.provider.id).await.unwrap().is_none(),
            "the Musterhans SA provider right is left for the demo flow to create"
        );
        let offered = |company: &Company| {
            let store = store.clone();
            let id = company.id;
            async move { store.provider_companies_of(id).await.unwrap().into_iter().map(|c| (c.name, c.rights)).collect::<Vec<_>>() }
        };
        assert_eq!(offered(&first.principal).await, [("Logistique Alpine SA".to_string(), 3)], "three logistics logins to offboard");
        assert_eq!(offered(&first.third_company).await, [("Fiduciaire Exemple Sàrl".to_string(), 1), ("Logistique Alpine SA".to_string(), 3)]);
        assert!(store.may_act(first.provider.id, first.third_company.id, "orders", None).await.unwrap(), "the provider already works for the third company");
        assert!(!store.may_act(first.provider.id, first.third_company.id, "invoices", None).await.unwrap());
        let (_, creds) = store.user_with_credentials(&EmailAddress::parse("admin@musterhans.example").unwrap()).await.unwrap().unwrap();
        assert!(verify_password(demo::DEMO_PASSWORD, creds.password_hash.as_ref().unwrap()));
        assert!(store.may_act(first.admin.id, first.principal.id, "invoices", Some(first.debtors[3].id)).await.unwrap());
        assert!(!store.invoices_for_company(first.principal.id, None).await.unwrap().is_empty());
    }

    // ------------------------------------------------------------------ orders & invoices

    pub async fn an_order_is_stored_with_its_lines_prices_and_who_placed_it(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        let a = store.create_product(w.principal.id, "BOX-S", "Carton S", 2_450).await.unwrap();
        let b = store.create_product(w.principal.id, "ENV-C4", "Enveloppes C4", 6_900).await.unwrap();
        let order = store
            .create_order(
                &NewOrder {
                    company_id: w.principal.id,
                    debtor_id: w.d2.id,
                    placed_by_user_id: w.provider.id,
                    right_id: Some(r.id),
                    reference: Some(" PO-17 ".into()),
                    lines: vec![NewOrderLine { product_id: a.id, quantity: 3 }, NewOrderLine { product_id: b.id, quantity: 1 }],
                },
                &Actor::user(w.provider.id, w.principal.id),
            )
            .await
            .unwrap();
        assert_eq!(order.total_cents, 3 * 2_450 + 6_900);
        assert_eq!(order.lines.len(), 2);
        assert_eq!(order.lines[0].product_code, "BOX-S");
        assert_eq!(order.reference.as_deref(), Some("PO-17"));
        assert_eq!(order.debtor_number, "100002");
        assert_eq!(order.placed_by_name, "Paul Prestataire");
        assert_eq!(order.placed_by_company_name.as_deref(), Some("Fiduciaire Exemple Sàrl"), "placed on behalf of the company");
        let listed = store.orders_for_company(w.principal.id).await.unwrap();
        assert_eq!(listed, vec![order.clone()]);
        assert_eq!(store.order(order.id).await.unwrap(), order);
        assert!(store.orders_for_company(w.other.id).await.unwrap().is_empty());
        let log = store.audit_for_company(w.principal.id, 1, 0).await.unwrap();
        assert_eq!((log.items[0].action.as_str(), log.items[0].acting_company_id), ("order.create", Some(w.principal.id)));
        // Later price changes do not alter placed orders: prices were copied.
        assert_eq!(store.products(w.principal.id, true).await.unwrap().len(), 2);
    }

    pub async fn the_orders_page_shows_the_debtors_in_scope_newest_first_and_goes_on_from_the_last_order_shown(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        store.replace_service_grants(r.id, &[some_debtors(&w.orders, &[&w.d1])], &w.by_admin()).await.unwrap();
        let box_s = store.create_product(w.principal.id, "BOX-S", "Carton S", 2_450).await.unwrap();
        let mut mine = Vec::new();
        for n in 0..7 {
            // Orders for the other debtor in between: the provider never sees them.
            let debtor = if n % 2 == 0 { w.d1.id } else { w.d2.id };
            let new = NewOrder {
                company_id: w.principal.id,
                debtor_id: debtor,
                placed_by_user_id: w.admin.id,
                right_id: None,
                reference: Some(format!("PO-{n}")),
                lines: vec![NewOrderLine { product_id: box_s.id, quantity: n + 1 }],
            };
            let order = store.create_order(&new, &Actor::user(w.admin.id, w.principal.id)).await.unwrap();
            if debtor == w.d1.id {
                mine.push(order);
            }
        }
        mine.reverse();
        let (s, provider, principal) = (&store, w.provider.id, w.principal.id);
        let page = |before| async move { s.orders_page(provider, principal, "orders", before, 3).await.unwrap() };
        let first = page(None).await;
        assert_eq!(first.items, mine[..3], "the newest three of debtor 100001, with their lines");
        assert_eq!(first.older, Some(mine[2].id), "older orders follow");
        let second = page(first.older).await;
        assert_eq!(second.items, mine[3..], "the last one");
        assert_eq!(second.older, None, "nothing older");

        let everything = store.orders_page(w.admin.id, w.principal.id, "orders", None, 25).await.unwrap();
        assert_eq!(everything.items.len(), 0, "Anna holds no grant of the service in this world");
        store.replace_service_grants(r.id, &[], &w.by_admin()).await.unwrap();
        assert_eq!(page(None).await, NewestFirst { items: vec![], older: None }, "without the service, no order");
    }

    pub async fn an_order_with_a_foreign_debtor_or_unknown_product_is_refused_entirely(store: Store) {
        let w = world(&store).await;
        let a = store.create_product(w.principal.id, "BOX-S", "Carton S", 2_450).await.unwrap();
        let foreign = store.create_product(w.other.id, "X", "Autre", 100).await.unwrap();
        let inactive = store.create_product(w.principal.id, "OLD", "Ancien", 100).await.unwrap();
        store.set_product_active(inactive.id, false).await.unwrap();
        let order = |debtor: &Debtor, products: Vec<i64>, qty: i64| NewOrder {
            company_id: w.principal.id,
            debtor_id: debtor.id,
            placed_by_user_id: w.admin.id,
            right_id: None,
            reference: None,
            lines: products.into_iter().map(|product_id| NewOrderLine { product_id, quantity: qty }).collect(),
        };
        let cases = [
            (order(&w.foreign_debtor, vec![a.id], 1), "order.debtor_of_another_company"),
            (order(&w.d1, vec![a.id, foreign.id], 1), "order.unknown_product"),
            (order(&w.d1, vec![inactive.id], 1), "order.unknown_product"),
            (order(&w.d1, vec![a.id], 0), "order.bad_quantity"),
            (order(&w.d1, vec![], 1), "order.no_lines"),
        ];
        for (o, code) in cases {
            assert_eq!(store.create_order(&o, &w.by_admin()).await.unwrap_err().code(), code);
        }
        let counts = store.table_counts().await.unwrap();
        assert!(counts.iter().any(|(t, n)| *t == "orders" && *n == 0));
        assert!(counts.iter().any(|(t, n)| *t == "order_lines" && *n == 0));
    }

    pub async fn invoices_are_listed_per_company_and_debtors(store: Store) {
        let w = world(&store).await;
        let at = real_time();
        for (n, d) in [("F-1", &w.d1), ("F-2", &w.d2), ("F-3", &w.d2)] {
            store
                .create_invoice(&NewInvoice {
                    company_id: w.principal.id,
                    debtor_id: d.id,
                    number: n.into(),
                    amount_cents: 1000,
                    issued_at: at,
                    due_at: at + Duration::days(30),
                    status: InvoiceStatus::Open,
                })
                .await
                .unwrap();
        }
        assert_eq!(store.invoices_for_company(w.principal.id, None).await.unwrap().len(), 3);
        let only_d2 = store.invoices_for_company(w.principal.id, Some(&[w.d2.id])).await.unwrap();
        assert_eq!(only_d2.iter().map(|i| i.number.as_str()).collect::<Vec<_>>(), ["F-3", "F-2"]);
        assert!(store.invoices_for_company(w.other.id, None).await.unwrap().is_empty());
    }

    // ------------------------------------------------------------------ rights of a user, offboarding, expiry
    pub async fn rights_of_a_user_name_their_companies(store: Store) {
        let w = world(&store).await;
        let home = store.company(w.provider.home_company_id.unwrap()).await.unwrap();
        store.create_right(&new_right(&home, &w.provider, RightType::Employee, RightOrigin::Direct), &Actor::system()).await.unwrap();
        active_provider_right(&store, &w).await;
        store.create_right(&new_right(&w.other, &w.provider, RightType::Provider, RightOrigin::Invitation), &Actor::system()).await.unwrap();
        let rights = store.rights_of_user(w.provider.id).await.unwrap();
        let names: Vec<(&str, bool, RightStatus)> = rights.iter().map(|r| (r.company_name.as_str(), r.is_home_company, r.right.status)).collect();
        assert_eq!(
            names,
            [
                ("Fiduciaire Exemple Sàrl", true, RightStatus::Active),
                ("Musterhans SA", false, RightStatus::Active),
                ("Transports Rapides SA", false, RightStatus::Pending)
            ]
        );
        assert_eq!(rights[1].customer_number, "10000001");
    }

    pub async fn offboarding_ends_every_right_of_a_provider_company(store: Store) {
        let w = world(&store).await;
        let provider_co = w.provider.home_company_id.unwrap();
        let colleague = user(&store, "lea@fiduciaire.example", "Léa", "Collègue", store.company(provider_co).await.ok().as_ref()).await;
        let active = active_provider_right(&store, &w).await;
        let pending = store.create_right(&new_right(&w.principal, &colleague, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let offered = store.provider_companies_of(w.principal.id).await.unwrap();
        assert_eq!(offered, [ProviderCompanyRights { company_id: provider_co, name: "Fiduciaire Exemple Sàrl".into(), rights: 2 }]);
        let previewed: Vec<(RightId, i64)> =
            store.provider_company_rights(w.principal.id, provider_co).await.unwrap().iter().map(|i| (i.right.id, i.right.version)).collect();
        assert_eq!(previewed, [(pending.id, pending.version), (active.id, active.version)], "by last name: Collègue, then Prestataire");
        let told = NewMessage {
            recipient_user_id: colleague.id,
            company_id: Some(w.principal.id),
            kind: MessageKind::ProviderInvitationCancelled,
            params: serde_json::json!({}),
        };

        let changed = store.offboard_provider_company(w.principal.id, provider_co, &previewed, std::slice::from_ref(&told), &w.by_admin()).await.unwrap();
        assert_eq!(changed.len(), 2);
        assert_eq!(store.right(active.id).await.unwrap().status, RightStatus::Revoked);
        assert_eq!(store.right(pending.id).await.unwrap().status, RightStatus::Revoked);
        assert!(store.is_admin(w.admin.id, w.principal.id).await.unwrap(), "the principal's own rights are untouched");
        assert_eq!(store.messages_for(colleague.id).await.unwrap().iter().filter(|m| m.kind == MessageKind::ProviderInvitationCancelled).count(), 1);
        let log = store.audit_for_company(w.principal.id, 3, 0).await.unwrap();
        let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["company.offboard_provider", "right.cancel", "right.revoke"],
            "one entry per right (in the order of the rights, the newest first) and one for the operation"
        );
        assert_eq!(log.items[0].target, format!("company:{provider_co}"));
        assert!(store.provider_companies_of(w.principal.id).await.unwrap().is_empty());
        assert!(matches!(store.offboard_provider_company(w.principal.id, provider_co, &previewed, &[], &w.by_admin()).await, Err(StoreError::NotFound)));
    }

    pub async fn offboarding_ends_nothing_when_the_rights_changed_since_the_preview(store: Store) {
        let w = world(&store).await;
        let provider_co = w.provider.home_company_id.unwrap();
        let active = active_provider_right(&store, &w).await;
        let stale = [(active.id, active.version - 1)];
        assert!(matches!(store.offboard_provider_company(w.principal.id, provider_co, &stale, &[], &w.by_admin()).await, Err(StoreError::Conflict)));
        let colleague = user(&store, "lea@fiduciaire.example", "Léa", "Collègue", store.company(provider_co).await.ok().as_ref()).await;
        store.create_right(&new_right(&w.principal, &colleague, RightType::Provider, RightOrigin::Invitation), &w.by_admin()).await.unwrap();
        let without_the_newcomer = [(active.id, active.version)];
        assert!(matches!(
            store.offboard_provider_company(w.principal.id, provider_co, &without_the_newcomer, &[], &w.by_admin()).await,
            Err(StoreError::Conflict)
        ));
        assert_eq!(store.right(active.id).await.unwrap().status, RightStatus::Active, "nothing ended");
        assert_eq!(store.audit_for_company(w.principal.id, 1, 0).await.unwrap().items[0].action.as_str(), "right.create");
    }

    pub async fn rights_past_their_end_date_expire_by_the_system_job(store: Store) {
        let w = world(&store).await;
        let r = active_provider_right(&store, &w).await;
        let end = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        store.update_right(r.id, r.version, &RightChanges { is_admin: false, remark: Remark::default(), end_date: Some(end) }, &w.by_admin()).await.unwrap();
        assert!(store.expire_rights(end).await.unwrap().is_empty());
        let expired = store.expire_rights(end + Duration::days(1)).await.unwrap();
        assert_eq!(expired.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(), [(r.id, RightStatus::Expired)]);
        let log = store.audit_for_company(w.principal.id, 1, 0).await.unwrap();
        assert_eq!((log.items[0].action.as_str(), log.items[0].actor_user_id), ("right.expire", None));
    }

    // ------------------------------------------------------------------ sessions, outbox, throttling

    pub async fn sessions_load_until_they_expire_and_are_created_once(store: Store) {
        let t = real_time();
        let none = Duration::zero();
        let s = &store;
        let data = |id: &'static str, at| async move { s.load_session(id, at).await.unwrap().map(|(data, _)| data) };
        assert!(store.create_session("s1", r#"{"user":1}"#, t + Duration::minutes(30), None).await.unwrap());
        assert!(!store.create_session("s1", r#"{"user":9}"#, t + Duration::minutes(30), None).await.unwrap(), "an id in use is never overwritten");
        assert!(store.create_session("s2", "{}", t - Duration::minutes(1), None).await.unwrap());
        assert_eq!(data("s1", t).await.as_deref(), Some(r#"{"user":1}"#));
        assert_eq!(data("s2", t).await, None);
        store.update_session("s1", r#"{"user":2}"#, t + Duration::minutes(30), Some(2), none).await.unwrap();
        assert_eq!(data("s1", t).await.as_deref(), Some(r#"{"user":2}"#));
        store.update_session("gone", "{}", t + Duration::minutes(30), None, none).await.unwrap();
        assert_eq!(data("gone", t).await, None, "an update brings no deleted session back");
        assert_eq!(data("s1", t + Duration::minutes(31)).await, None);
        assert_eq!(store.delete_expired_sessions(t).await.unwrap(), 1);
        store.delete_session("s1").await.unwrap();
        assert_eq!(data("s1", t).await, None);
    }

    pub async fn an_unchanged_session_is_written_again_only_when_its_expiry_moves_past_the_slack(store: Store) {
        let t = real_time().trunc_subsecs(6);
        let slack = Duration::minutes(1);
        let s = &store;
        let stored = |at| async move { s.load_session("s", at).await.unwrap().unwrap() };
        assert!(store.create_session("s", r#"{"user":1}"#, t + Duration::minutes(30), Some(1)).await.unwrap());

        store.update_session("s", r#"{"user":1}"#, t + Duration::minutes(30) + Duration::seconds(40), Some(1), slack).await.unwrap();
        assert_eq!(stored(t).await.1, t + Duration::minutes(30), "40 s later, the same data: nothing is written");

        store.update_session("s", r#"{"user":1}"#, t + Duration::minutes(31) + Duration::seconds(1), Some(1), slack).await.unwrap();
        assert_eq!(stored(t).await.1, t + Duration::minutes(31) + Duration::seconds(1), "past the slack, the expiry moves");

        store.update_session("s", r#"{"user":1,"acting":7}"#, t + Duration::minutes(31) + Duration::seconds(2), Some(1), slack).await.unwrap();
        assert_eq!(
            stored(t).await,
            (r#"{"user":1,"acting":7}"#.to_string(), t + Duration::minutes(31) + Duration::seconds(2)),
            "changed data is always written"
        );
    }

    pub async fn the_outbox_lists_unsent_emails_until_marked_sent(store: Store) {
        let a = store.enqueue_email("paul@fiduciaire.example", "Autorisation en tant que prestataire", "Bonjour").await.unwrap();
        let b = store.enqueue_email("admin@musterhans.example", "Demande d'accès", "Bonjour").await.unwrap();
        assert_eq!(store.outbox(true).await.unwrap().iter().map(|e| e.id).collect::<Vec<_>>(), [a, b]);
        store.mark_email_sent(a, real_time()).await.unwrap();
        assert_eq!(store.outbox(true).await.unwrap().iter().map(|e| e.id).collect::<Vec<_>>(), [b]);
        assert_eq!(store.outbox(false).await.unwrap().len(), 2);
        assert!(matches!(store.mark_email_sent(a, real_time()).await, Err(StoreError::NotFound)));
    }

    pub async fn failed_logins_are_counted_within_a_window(store: Store) {
        let t = real_time();
        let w = Duration::minutes(15);
        assert_eq!(store.count_attempt("email:x@y.ch", t, w).await.unwrap(), 1);
        assert_eq!(store.count_attempt("email:x@y.ch", t + Duration::minutes(1), w).await.unwrap(), 2);
        assert_eq!(store.attempt_count("email:x@y.ch", t + Duration::minutes(2), w).await.unwrap(), 2);
        assert_eq!(store.attempt_count("email:x@y.ch", t + Duration::minutes(16), w).await.unwrap(), 0);
        assert_eq!(store.count_attempt("email:x@y.ch", t + Duration::minutes(16), w).await.unwrap(), 1);
        store.clear_attempts("email:x@y.ch").await.unwrap();
        assert_eq!(store.attempt_count("email:x@y.ch", t, w).await.unwrap(), 0);
    }

    pub async fn two_step_secrets_are_stored_sealed_and_resealed_with_a_new_key(store: Store) {
        use portal_core::store::{Backend, Secret, SecretsKey};
        let demo = portal_core::store::demo::seed_demo(&store).await.unwrap();
        let (anna, paul) = (demo.admin.id, demo.provider.id);
        let with_keys =
            |current: &SecretsKey, previous: &[SecretsKey]| Store::from_backend(store.backend().clone()).with_secrets_keys(current.clone(), previous.to_vec());
        let stored = |id: i64| {
            let store = store.clone();
            async move {
                let sql = "SELECT totp_secret FROM users WHERE id = $1";
                let value: Option<String> = match store.backend() {
                    Backend::Sqlite(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap(),
                    Backend::Postgres(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap(),
                };
                value.unwrap()
            }
        };
        let old_key = SecretsKey::generate();
        let old = with_keys(&old_key, &[]);
        let anna_user = old.user(anna).await.unwrap();
        old.turn_two_step_on(&anna_user, &Secret::new("JBSWY3DPEHPK3PXP"), 0, &[]).await.unwrap();
        assert!(!stored(anna).await.contains("JBSWY3DPEHPK3PXP"), "the database holds no secret in clear");
        assert_eq!(old.credentials(anna).await.unwrap().totp_secret.unwrap().expose(), "JBSWY3DPEHPK3PXP");
        // A secret written in clear before sealing existed.
        let sql = "UPDATE users SET totp_secret = 'GEZDGNBVGY3TQOJQ', totp_enabled = TRUE WHERE id = $1";
        match store.backend() {
            Backend::Sqlite(p) => sqlx::query(sql).bind(paul).execute(p).await.map(|_| ()).unwrap(),
            Backend::Postgres(p) => sqlx::query(sql).bind(paul).execute(p).await.map(|_| ()).unwrap(),
        }

        let new_key = SecretsKey::generate();
        assert!(with_keys(&new_key, &[]).credentials(anna).await.is_err(), "an unknown key opens nothing");
        // The rotation: start once with the new key and the old one as previous.
        let rotating = with_keys(&new_key, &[old_key]);
        assert_eq!(rotating.reseal_secrets().await.unwrap(), 2, "the old key's secret and the clear one");
        assert_eq!(rotating.reseal_secrets().await.unwrap(), 0, "nothing left to do");
        assert!(!stored(paul).await.contains("GEZDGNBVGY3TQOJQ"));
        let only_new = with_keys(&new_key, &[]);
        assert_eq!(only_new.credentials(anna).await.unwrap().totp_secret.unwrap().expose(), "JBSWY3DPEHPK3PXP");
        assert_eq!(only_new.credentials(paul).await.unwrap().totp_secret.unwrap().expose(), "GEZDGNBVGY3TQOJQ");
    }

    pub async fn concurrent_attempts_each_get_their_own_count(store: Store) {
        let t = real_time();
        let w = Duration::minutes(15);
        let attempts = (0..20).map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.count_attempt("ip:10.0.0.1", t, w).await.unwrap() })
        });
        let mut counts = Vec::new();
        for attempt in attempts.collect::<Vec<_>>() {
            counts.push(attempt.await.unwrap());
        }
        counts.sort_unstable();
        assert_eq!(counts, (1..=20).collect::<Vec<i64>>(), "no two concurrent attempts share a count");
        store.uncount_attempt("ip:10.0.0.1").await.unwrap();
        assert_eq!(store.attempt_count("ip:10.0.0.1", t, w).await.unwrap(), 19, "a legitimate attempt is taken back");
    }
}

mod connecting {
    use portal_core::store::Store;

    #[tokio::test]
    async fn an_unreachable_postgres_is_reported_in_one_clear_line() {
        let err = Store::connect("postgres://127.0.0.1:5999/portal").await.unwrap_err().to_string();
        assert_eq!(err, "cannot connect to Postgres at 127.0.0.1:5999: connection refused");
    }

    #[tokio::test]
    async fn an_unopenable_sqlite_file_is_reported_in_one_clear_line() {
        let err = Store::connect("sqlite:///nonexistent-dir/x/portal.db").await.unwrap_err().to_string();
        assert_eq!(err, "cannot open SQLite database at /nonexistent-dir/x/portal.db: unable to open database file");
    }

    #[tokio::test]
    async fn an_unknown_url_scheme_is_refused() {
        let err = Store::connect("mysql://localhost/x").await.unwrap_err().to_string();
        assert!(err.starts_with("unsupported database URL"), "{err}");
    }
}
