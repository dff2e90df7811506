//! Races, run many times concurrently on both backends: every run must end in a valid
//! state, with exactly one message per transition that happened and no lost update.

#[macro_use]
mod harness;

contract!(
    accept_against_cancel_ends_in_exactly_one_of_them,
    accept_against_revoke_never_revokes_a_pending_right,
    two_administrators_saving_authorizations_leave_one_complete_set,
    a_double_submitted_entry_stores_one_right_and_one_message,
    two_providers_asking_the_same_company_at_once_both_wait,
);

mod cases {
    use portal_core::store::*;
    use portal_core::*;
    use serde_json::json;

    const RUNS: usize = 12;

    struct Fixture {
        principal: Company,
        admin: User,
        services: Vec<Service>,
        debtors: Vec<Debtor>,
    }

    async fn fixture(store: &Store) -> Fixture {
        let new = NewCompany { customer_number: CustomerNumber::parse("10000001").unwrap(), name: "Musterhans SA".into(), language: Language::Fr };
        let principal = store.create_company(&new).await.unwrap();
        let mut services = Vec::new();
        for code in ["orders", "invoices", "tracking"] {
            let s = store.ensure_service(code, code).await.unwrap();
            store.subscribe_service(principal.id, s.id).await.unwrap();
            services.push(s);
        }
        let mut debtors = Vec::new();
        for n in 1..=4 {
            debtors.push(store.create_debtor(principal.id, &DebtorNumber::parse(&format!("10000{n}")).unwrap(), "Débiteur").await.unwrap());
        }
        let admin = login(store, "admin@musterhans.example").await;
        let right = NewRight::employee(principal.id, admin.id, true);
        store.create_right(&right, &Actor::system()).await.unwrap();
        Fixture { principal, admin, services, debtors }
    }

    async fn login(store: &Store, email: &str) -> User {
        let new = NewUser {
            email: EmailAddress::parse(email).unwrap(),
            first_name: PersonName::parse("Prénom").unwrap(),
            last_name: PersonName::parse("Nom").unwrap(),
            password_hash: None,
            language: Language::Fr,
            home_company_id: None,
        };
        store.create_user(&new).await.unwrap()
    }

    fn message(to: &User, company: &Company, kind: MessageKind) -> NewMessage {
        NewMessage { recipient_user_id: to.id, company_id: Some(company.id), kind, params: json!({}) }
    }

    async fn invitation(store: &Store, f: &Fixture, n: usize) -> (User, UserRight) {
        let provider = login(store, &format!("prestataire{n}@fiduciaire.example")).await;
        let entry = ProviderEntry {
            common: EntryCommon { company_id: f.principal.id, remark: Remark::default(), end_date: None, grants_from: None, entered_by: f.admin.id },
            provider_user_id: provider.id,
            message: message(&provider, &f.principal, MessageKind::ProviderInvitation),
        };
        let right = store.enter_provider(&entry).await.unwrap();
        (provider, right)
    }

    fn succeeded<T>(r: &Result<T, StoreError>) -> bool {
        match r {
            Ok(_) => true,
            Err(StoreError::Conflict | StoreError::Invalid(_)) => false,
            Err(e) => panic!("a lost race must be a conflict or a refused transition, not {e:?}"),
        }
    }

    async fn count(store: &Store, user: &User, kind: MessageKind) -> usize {
        store.messages_for(user.id).await.unwrap().iter().filter(|m| m.kind == kind).count()
    }

    pub async fn accept_against_cancel_ends_in_exactly_one_of_them(store: Store) {
        let f = fixture(&store).await;
        for n in 0..RUNS {
            let (provider, right) = invitation(&store, &f, n).await;
            let (by_provider, by_admin) = (Actor::user(provider.id, f.principal.id), Actor::user(f.admin.id, f.principal.id));
            let (to_admin, to_provider) = (
                [message(&f.admin, &f.principal, MessageKind::ProviderAccepted)],
                [message(&provider, &f.principal, MessageKind::ProviderInvitationCancelled)],
            );
            let (accept, cancel) = tokio::join!(
                store.transition_right_notifying(right.id, right.version, Transition::Accept, Party::Provider, &by_provider, &to_admin),
                store.transition_right_notifying(right.id, right.version, Transition::Cancel, Party::Principal, &by_admin, &to_provider),
            );
            assert!(succeeded(&accept) ^ succeeded(&cancel), "run {n}: exactly one wins");
            let end = store.right(right.id).await.unwrap();
            let expected = if accept.is_ok() { RightStatus::Active } else { RightStatus::Revoked };
            assert_eq!(end.status, expected, "run {n}");
            assert_eq!(end.version, right.version + 1, "run {n}: one write");
            assert_eq!(count(&store, &provider, MessageKind::ProviderInvitationCancelled).await, usize::from(cancel.is_ok()), "run {n}");
        }
        let accepted = store.messages_for(f.admin.id).await.unwrap().len();
        assert_eq!(count(&store, &f.admin, MessageKind::ProviderAccepted).await, accepted, "only acceptances were told to the administrator");
    }

    pub async fn accept_against_revoke_never_revokes_a_pending_right(store: Store) {
        let f = fixture(&store).await;
        for n in 0..RUNS {
            let (provider, right) = invitation(&store, &f, n).await;
            let (by_provider, by_admin) = (Actor::user(provider.id, f.principal.id), Actor::user(f.admin.id, f.principal.id));
            let accept = store.transition_right(right.id, right.version, Transition::Accept, Party::Provider, &by_provider);
            // The administrator revokes what they saw: the version after acceptance, or the pending one.
            let revoke_stale = store.transition_right(right.id, right.version, Transition::Revoke, Party::Principal, &by_admin);
            let revoke_next = store.transition_right(right.id, right.version + 1, Transition::Revoke, Party::Principal, &by_admin);
            let (accept, stale, next) = tokio::join!(accept, revoke_stale, revoke_next);
            assert!(accept.is_ok(), "run {n}: nothing else may change a pending invitation first: {accept:?}");
            assert!(!succeeded(&stale), "run {n}: a pending right cannot be revoked");
            let end = store.right(right.id).await.unwrap();
            match next {
                Ok(_) => assert_eq!((end.status, end.version), (RightStatus::Revoked, right.version + 2), "run {n}"),
                Err(_) => assert_eq!((end.status, end.version), (RightStatus::Active, right.version + 1), "run {n}"),
            }
        }
    }

    pub async fn two_administrators_saving_authorizations_leave_one_complete_set(store: Store) {
        let f = fixture(&store).await;
        let (_, right) = invitation(&store, &f, 0).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let first = vec![
            GrantSpec { service_id: f.services[0].id, all_debtors: false, debtor_ids: vec![f.debtors[0].id, f.debtors[1].id] },
            GrantSpec { service_id: f.services[1].id, all_debtors: true, debtor_ids: vec![] },
        ];
        let second = vec![GrantSpec { service_id: f.services[2].id, all_debtors: false, debtor_ids: vec![f.debtors[2].id, f.debtors[3].id] }];
        for n in 0..RUNS {
            let (a, b) = tokio::join!(store.replace_service_grants(right.id, &first, &actor), store.replace_service_grants(right.id, &second, &actor));
            a.unwrap_or_else(|e| panic!("run {n}: {e:?}"));
            b.unwrap_or_else(|e| panic!("run {n}: {e:?}"));
            let mut stored: Vec<GrantSpec> = store.service_grants(right.id).await.unwrap().iter().map(ServiceGrant::spec).collect();
            stored.sort_by_key(|s| s.service_id);
            assert!(stored == first || stored == second, "run {n}: one whole set, never a mix: {stored:?}");
        }
    }

    pub async fn a_double_submitted_entry_stores_one_right_and_one_message(store: Store) {
        let f = fixture(&store).await;
        for n in 0..RUNS {
            let provider = login(&store, &format!("double{n}@fiduciaire.example")).await;
            let entry = ProviderEntry {
                common: EntryCommon { company_id: f.principal.id, remark: Remark::default(), end_date: None, grants_from: None, entered_by: f.admin.id },
                provider_user_id: provider.id,
                message: message(&provider, &f.principal, MessageKind::ProviderInvitation),
            };
            let (a, b) = tokio::join!(store.enter_provider(&entry), store.enter_provider(&entry));
            assert!(a.is_ok() ^ b.is_ok(), "run {n}: one entry is stored");
            for r in [&a, &b] {
                if let Err(e) = r {
                    assert!(matches!(e, StoreError::Duplicate { what: "right" }), "run {n}: {e:?}");
                }
            }
            assert_eq!(count(&store, &provider, MessageKind::ProviderInvitation).await, 1, "run {n}");
        }
    }

    pub async fn two_providers_asking_the_same_company_at_once_both_wait(store: Store) {
        let f = fixture(&store).await;
        for n in 0..RUNS {
            let (p1, p2) = (login(&store, &format!("a{n}@agence.example")).await, login(&store, &format!("b{n}@agence.example")).await);
            let ask = |p: &User| NewRight {
                company_id: f.principal.id,
                user_id: p.id,
                right_type: RightType::Provider,
                is_admin: false,
                origin: RightOrigin::Request,
                remark: Remark::default(),
                end_date: None,
                created_by_user_id: Some(p.id),
            };
            let (r1, r2) = (ask(&p1), ask(&p2));
            let notify = [message(&f.admin, &f.principal, MessageKind::ProviderRequest)];
            let twice = ask(&p1);
            let (a, b, again) = tokio::join!(
                store.request_provider_access(&r1, &notify, 5),
                store.request_provider_access(&r2, &notify, 5),
                store.request_provider_access(&twice, &notify, 5),
            );
            assert!(b.is_ok(), "run {n}: {b:?}");
            assert!(a.is_ok() ^ again.is_ok(), "run {n}: the same provider's second request is a duplicate");
            for p in [&p1, &p2] {
                let right = store.right_for(f.principal.id, p.id).await.unwrap().unwrap();
                assert_eq!((right.status, right.awaiting), (RightStatus::Pending, Some(Awaiting::Principal)), "run {n}");
            }
        }
        assert_eq!(count(&store, &f.admin, MessageKind::ProviderRequest).await, 2 * RUNS, "one message per stored request");
    }
}
