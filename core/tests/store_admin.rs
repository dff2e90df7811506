//! The administrator's side of the store contract: entering users, copying
//! authorizations, the provider's message and the last administrator — on both backends.

#[macro_use]
mod harness;

contract!(
    a_provider_invitation_is_stored_pending_with_its_message_in_one_step,
    entering_an_existing_right_again_changes_nothing_and_sends_no_second_message,
    the_authorizations_of_another_right_can_be_copied_on_entry,
    authorizations_are_never_copied_from_another_company,
    a_template_is_applied_on_entry_and_its_later_change_leaves_the_right_as_it_was,
    a_template_holds_only_the_company_s_services_and_debtors_under_a_name_of_its_own,
    another_company_s_template_is_neither_applied_nor_changed_nor_deleted,
    a_new_employee_gets_a_login_of_the_company_without_a_password,
    a_confirmed_login_of_no_company_is_invited_to_join_not_annexed,
    a_login_joins_by_accepting_and_leaves_when_it_gives_the_right_back,
    a_login_that_joined_is_free_again_when_the_company_ends_its_right,
    a_login_that_joined_another_company_meanwhile_cannot_accept,
    a_login_of_another_company_cannot_be_entered_as_employee,
    a_technical_user_is_stored_with_the_hash_of_its_key_only,
    the_last_active_administrator_cannot_lose_the_flag,
    the_last_active_administrator_cannot_be_revoked,
    an_administrator_can_be_removed_while_another_remains,
    resending_an_invitation_adds_a_message_only_while_pending,
    an_invitation_is_due_within_the_lifetime_its_company_set,
    an_invitation_past_its_answer_by_time_cannot_be_accepted_and_is_listed_as_lapsed,
    resending_renews_a_pending_invitation_and_sends_a_lapsed_one_again,
    the_invitation_lifetime_is_changed_with_its_audit_entry_and_refused_out_of_range,
    a_request_for_access_waits_for_the_principal_and_tells_its_administrators,
    a_login_has_a_limited_number_of_open_requests,
    a_request_to_a_number_no_company_has_waits_and_lapses_like_one_to_a_company,
    a_request_to_a_number_no_company_has_is_withdrawn_only_by_its_requester_at_its_version,
    requests_to_numbers_no_company_has_count_against_the_same_limit,
    an_answer_to_an_invitation_whose_grants_changed_since_it_was_shown_is_a_conflict,
    an_access_until_new_year_s_eve_ends_at_midnight_in_zurich_not_at_midnight_utc,
);

mod cases {
    use portal_core::store::*;
    use portal_core::*;
    use serde_json::json;

    struct Fixture {
        principal: Company,
        admin: User,
        admin_right: UserRight,
        provider: User,
        orders: Service,
        debtor: Debtor,
    }

    async fn company(store: &Store, number: &str, name: &str) -> Company {
        let new = NewCompany { customer_number: CustomerNumber::parse(number).unwrap(), name: name.into(), language: Language::Fr };
        store.create_company(&new).await.unwrap()
    }

    async fn login(store: &Store, email: &str, home: Option<&Company>) -> User {
        let new = NewUser {
            email: EmailAddress::parse(email).unwrap(),
            first_name: PersonName::parse("Prénom").unwrap(),
            last_name: PersonName::parse("Nom").unwrap(),
            password_hash: Some(PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$fake$fake")),
            language: Language::Fr,
            home_company_id: home.map(|c| c.id),
        };
        store.create_user(&new).await.unwrap()
    }

    async fn fixture(store: &Store) -> Fixture {
        let principal = company(store, "10000001", "Musterhans SA").await;
        let provider_co = company(store, "20000002", "Fiduciaire Exemple Sàrl").await;
        let orders = store.ensure_service("orders", "Commandes").await.unwrap();
        store.subscribe_service(principal.id, orders.id).await.unwrap();
        let debtor = store.create_debtor(principal.id, &DebtorNumber::parse("100001").unwrap(), "Siège").await.unwrap();
        let admin = login(store, "admin@musterhans.example", Some(&principal)).await;
        let new = NewRight::employee(principal.id, admin.id, true);
        let admin_right = store.create_right(&new, &Actor::system()).await.unwrap();
        let provider = login(store, "paul@fiduciaire.example", Some(&provider_co)).await;
        Fixture { principal, admin, admin_right, provider, orders, debtor }
    }

    fn common(f: &Fixture) -> EntryCommon {
        EntryCommon {
            company_id: f.principal.id,
            remark: Remark::parse("Mandat comptable").unwrap(),
            end_date: None,
            grants_from: None,
            entered_by: f.admin.id,
        }
    }

    fn invitation_message(f: &Fixture) -> NewMessage {
        NewMessage {
            recipient_user_id: f.provider.id,
            company_id: Some(f.principal.id),
            kind: MessageKind::ProviderInvitation,
            params: json!({ "admin": "Prénom Nom" }),
        }
    }

    fn invitation(f: &Fixture) -> ProviderEntry {
        ProviderEntry { common: common(f), provider_user_id: f.provider.id, message: invitation_message(f) }
    }

    fn employee(f: &Fixture, email: &str) -> EmployeeEntry {
        EmployeeEntry {
            common: common(f),
            email: EmailAddress::parse(email).unwrap(),
            first_name: PersonName::parse("Marc").unwrap(),
            last_name: PersonName::parse("Dubois").unwrap(),
            language: Language::De,
            is_admin: false,
            invitation_params: json!({ "admin": "Prénom Nom", "company": "Musterhans SA" }),
        }
    }

    fn no_changes(right: &UserRight, is_admin: bool) -> RightChanges {
        RightChanges { is_admin, remark: Remark::default(), end_date: right.end_date }
    }

    pub async fn a_provider_invitation_is_stored_pending_with_its_message_in_one_step(store: Store) {
        let f = fixture(&store).await;
        let right = store.enter_provider(&invitation(&f)).await.unwrap();
        assert_eq!((right.status, right.awaiting, right.right_type), (RightStatus::Pending, Some(Awaiting::Provider), RightType::Provider));
        assert_eq!(right.remark.as_deref(), Some("Mandat comptable"));
        assert_eq!(right.created_by_user_id, Some(f.admin.id));
        let messages = store.messages_for(f.provider.id).await.unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!((messages[0].kind.as_str(), messages[0].company_id), ("provider_invitation", Some(f.principal.id)));
        assert!(messages[0].read_at.is_none());
        assert_eq!(messages[0].params["right_id"], json!(right.id), "the message's link opens this invitation");
        assert_eq!(messages[0].params["admin"], json!("Prénom Nom"));
    }

    pub async fn entering_an_existing_right_again_changes_nothing_and_sends_no_second_message(store: Store) {
        let f = fixture(&store).await;
        store.enter_provider(&invitation(&f)).await.unwrap();
        let err = store.enter_provider(&invitation(&f)).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "right" }), "{err:?}");
        assert_eq!(store.messages_for(f.provider.id).await.unwrap().len(), 1);
    }

    pub async fn the_authorizations_of_another_right_can_be_copied_on_entry(store: Store) {
        let f = fixture(&store).await;
        let source = store.enter_employee(&employee(&f, "marc@musterhans.example")).await.unwrap().right;
        let spec = GrantSpec { service_id: f.orders.id, all_debtors: false, debtor_ids: vec![f.debtor.id] };
        store.replace_service_grants(source.id, &[spec.clone()], &Actor::user(f.admin.id, f.principal.id)).await.unwrap();
        let with_grants = store.rights_with_grants(f.principal.id).await.unwrap();
        assert!(with_grants.contains(&source.id) && !with_grants.contains(&f.admin_right.id), "{with_grants:?}");
        let mut entry = invitation(&f);
        entry.common.grants_from = Some(GrantSource::Right(source.id));
        let right = store.enter_provider(&entry).await.unwrap();
        let copied: Vec<GrantSpec> = store.service_grants(right.id).await.unwrap().iter().map(ServiceGrant::spec).collect();
        assert_eq!(copied, vec![spec]);
        // Prepared, not effective: the invitation is still pending.
        assert!(!store.may_act(f.provider.id, f.principal.id, "orders", Some(f.debtor.id)).await.unwrap());
    }

    pub async fn authorizations_are_never_copied_from_another_company(store: Store) {
        let f = fixture(&store).await;
        let elsewhere = company(&store, "30000003", "Transports Rapides SA").await;
        let tina = login(&store, "tina@transports.example", Some(&elsewhere)).await;
        let new = NewRight::employee(elsewhere.id, tina.id, true);
        let foreign = store.create_right(&new, &Actor::system()).await.unwrap();
        let mut entry = invitation(&f);
        entry.common.grants_from = Some(GrantSource::Right(foreign.id));
        let err = store.enter_provider(&entry).await.unwrap_err();
        assert_eq!(err.code(), "rights.copy_source_invalid");
        assert!(store.right_for(f.principal.id, f.provider.id).await.unwrap().is_none(), "nothing was stored");
        assert!(store.messages_for(f.provider.id).await.unwrap().is_empty(), "no message was sent");
    }

    fn admin_of(f: &Fixture) -> Actor {
        Actor::user(f.admin.id, f.principal.id)
    }

    pub async fn a_template_is_applied_on_entry_and_its_later_change_leaves_the_right_as_it_was(store: Store) {
        let f = fixture(&store).await;
        let name = TemplateName::parse("Comptabilité — débiteurs Suisse romande").unwrap();
        let chosen = GrantSpec { service_id: f.orders.id, all_debtors: false, debtor_ids: vec![f.debtor.id, f.debtor.id] };
        let template = store.save_grant_template(f.principal.id, None, &name, &[chosen], &admin_of(&f)).await.unwrap();
        let once = GrantSpec { service_id: f.orders.id, all_debtors: false, debtor_ids: vec![f.debtor.id] };
        assert_eq!((template.name.as_str(), template.grants.clone()), (name.as_str(), vec![once.clone()]));
        assert_eq!(store.grant_templates(f.principal.id).await.unwrap(), vec![template.clone()]);

        let mut entry = invitation(&f);
        entry.common.grants_from = Some(GrantSource::Template(template.id));
        let right = store.enter_provider(&entry).await.unwrap();
        let given = || async { store.service_grants(right.id).await.unwrap().iter().map(ServiceGrant::spec).collect::<Vec<_>>() };
        assert_eq!(given().await, vec![once.clone()]);

        let all = GrantSpec { service_id: f.orders.id, all_debtors: true, debtor_ids: vec![] };
        let renamed = TemplateName::parse("Comptabilité — tous les débiteurs").unwrap();
        let changed = store.save_grant_template(f.principal.id, Some(template.id), &renamed, &[all.clone()], &admin_of(&f)).await.unwrap();
        assert_eq!((changed.id, changed.name.as_str(), changed.grants), (template.id, renamed.as_str(), vec![all]));
        assert_eq!(given().await, vec![once.clone()], "the right keeps what it was given");
        store.delete_grant_template(f.principal.id, template.id, &admin_of(&f)).await.unwrap();
        assert!(store.grant_templates(f.principal.id).await.unwrap().is_empty());
        assert_eq!(given().await, vec![once], "deleting the template changes no right");

        let log = store.audit_for_company(f.principal.id, 50, 0).await.unwrap().items;
        let actions: Vec<AuditAction> = log.iter().map(|e| e.action).filter(|a| a.as_str().starts_with("template.")).collect();
        assert_eq!(actions, vec![AuditAction::TemplateDelete, AuditAction::TemplateSave, AuditAction::TemplateSave]);
    }

    pub async fn a_template_holds_only_the_company_s_services_and_debtors_under_a_name_of_its_own(store: Store) {
        let f = fixture(&store).await;
        let elsewhere = company(&store, "30000003", "Transports Rapides SA").await;
        let foreign_debtor = store.create_debtor(elsewhere.id, &DebtorNumber::parse("300001").unwrap(), "Dépôt").await.unwrap();
        let invoices = store.ensure_service("invoices", "Factures").await.unwrap();
        let name = TemplateName::parse("Commandes").unwrap();
        let save = |specs: Vec<GrantSpec>| {
            let (store, name, actor, company) = (store.clone(), name.clone(), admin_of(&f), f.principal.id);
            async move { store.save_grant_template(company, None, &name, &specs, &actor).await.map(|_| ()).map_err(|e| e.code()) }
        };
        let foreign = GrantSpec { service_id: f.orders.id, all_debtors: false, debtor_ids: vec![foreign_debtor.id] };
        assert_eq!(save(vec![foreign]).await, Err("grant.debtor_of_another_company"));
        assert_eq!(save(vec![GrantSpec { service_id: invoices.id, all_debtors: true, debtor_ids: vec![] }]).await, Err("grant.service_not_subscribed"));
        assert_eq!(save(vec![]).await, Err("grant.empty_template"));
        assert_eq!(save(vec![GrantSpec { service_id: f.orders.id, all_debtors: false, debtor_ids: vec![] }]).await, Err("grant.no_debtors"));
        assert!(store.grant_templates(f.principal.id).await.unwrap().is_empty(), "nothing was stored");

        let all = GrantSpec { service_id: f.orders.id, all_debtors: true, debtor_ids: vec![] };
        assert_eq!(save(vec![all.clone()]).await, Ok(()));
        assert_eq!(save(vec![all.clone()]).await, Err("duplicate.template_name"));
        // The same name in another company is that company's own.
        store.subscribe_service(elsewhere.id, f.orders.id).await.unwrap();
        store.save_grant_template(elsewhere.id, None, &name, &[all], &Actor::system()).await.unwrap();
        assert_eq!(store.grant_templates(f.principal.id).await.unwrap().len(), 1);
    }

    pub async fn another_company_s_template_is_neither_applied_nor_changed_nor_deleted(store: Store) {
        let f = fixture(&store).await;
        let elsewhere = company(&store, "30000003", "Transports Rapides SA").await;
        store.subscribe_service(elsewhere.id, f.orders.id).await.unwrap();
        let all = GrantSpec { service_id: f.orders.id, all_debtors: true, debtor_ids: vec![] };
        let theirs =
            store.save_grant_template(elsewhere.id, None, &TemplateName::parse("Transports").unwrap(), &[all.clone()], &Actor::system()).await.unwrap();

        let mut entry = invitation(&f);
        entry.common.grants_from = Some(GrantSource::Template(theirs.id));
        assert_eq!(store.enter_provider(&entry).await.unwrap_err().code(), "rights.template_invalid");
        assert!(store.right_for(f.principal.id, f.provider.id).await.unwrap().is_none(), "nothing was stored");
        let renamed = TemplateName::parse("Pris").unwrap();
        let err = store.save_grant_template(f.principal.id, Some(theirs.id), &renamed, &[all], &admin_of(&f)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store.delete_grant_template(f.principal.id, theirs.id, &admin_of(&f)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(store.grant_templates(elsewhere.id).await.unwrap(), vec![theirs]);
    }

    pub async fn a_new_employee_gets_a_login_of_the_company_without_a_password(store: Store) {
        let f = fixture(&store).await;
        let entered = store.enter_employee(&employee(&f, "Marc.Dubois@Musterhans.example")).await.unwrap();
        assert!(entered.login_created);
        assert_eq!(entered.user.email, "marc.dubois@musterhans.example");
        assert_eq!(entered.user.home_company_id, Some(f.principal.id));
        assert!(!entered.user.has_password);
        assert_eq!((entered.right.status, entered.right.right_type), (RightStatus::Active, RightType::Employee));
    }

    pub async fn a_confirmed_login_of_no_company_is_invited_to_join_not_annexed(store: Store) {
        let f = fixture(&store).await;
        let free = login(&store, "libre@example.ch", None).await;
        let entered = store.enter_employee(&employee(&f, "libre@example.ch")).await.unwrap();
        assert!(!entered.login_created);
        assert_eq!(entered.user.id, free.id);
        assert_eq!(entered.user.home_company_id, None, "the login is its owner's until it accepts");
        assert!(entered.user.has_password, "the login keeps its password");
        assert_eq!((entered.right.status, entered.right.awaiting), (RightStatus::Pending, Some(Awaiting::Provider)));
        assert!(entered.right.joins_by_consent() && entered.right.answer_due().is_some());
        let messages = store.messages_for(free.id).await.unwrap();
        assert_eq!(messages.len(), 1, "the login is told");
        assert_eq!((messages[0].kind, messages[0].company_id), (MessageKind::EmployeeInvitation, Some(f.principal.id)));
        assert_eq!(messages[0].params["right_id"], json!(entered.right.id), "the message's link opens the invitation");
    }

    async fn invited_free_login(store: &Store, f: &Fixture) -> (User, UserRight) {
        let free = login(store, "libre@example.ch", None).await;
        let right = store.enter_employee(&employee(f, "libre@example.ch")).await.unwrap().right;
        (free, right)
    }

    fn actions(log: &[AuditRecord]) -> Vec<&str> {
        log.iter().map(|r| r.action.as_str()).collect()
    }

    pub async fn a_login_joins_by_accepting_and_leaves_when_it_gives_the_right_back(store: Store) {
        let f = fixture(&store).await;
        let (free, right) = invited_free_login(&store, &f).await;
        let by_itself = Actor::user(free.id, f.principal.id);
        let joined = store.transition_right(right.id, right.version, Transition::Accept, Party::Provider, &by_itself).await.unwrap();
        assert_eq!(joined.status, RightStatus::Active);
        assert_eq!(store.user(free.id).await.unwrap().home_company_id, Some(f.principal.id), "accepting is joining");
        let left = store.transition_right(joined.id, joined.version, Transition::Resign, Party::Provider, &by_itself).await.unwrap();
        assert_eq!(left.status, RightStatus::Resigned);
        assert_eq!(store.user(free.id).await.unwrap().home_company_id, None, "giving the right back is leaving");
        let log = store.audit_for_company(f.principal.id, 10, 0).await.unwrap().items;
        let log = actions(&log);
        assert!(log.contains(&"user.join") && log.contains(&"user.leave"), "{log:?}");
    }

    pub async fn a_login_that_joined_is_free_again_when_the_company_ends_its_right(store: Store) {
        let f = fixture(&store).await;
        let (free, right) = invited_free_login(&store, &f).await;
        let joined = store.transition_right(right.id, right.version, Transition::Accept, Party::Provider, &Actor::user(free.id, f.principal.id)).await.unwrap();
        let admin = Actor::user(f.admin.id, f.principal.id);
        store.transition_right(joined.id, joined.version, Transition::Revoke, Party::Principal, &admin).await.unwrap();
        assert_eq!(store.user(free.id).await.unwrap().home_company_id, None, "the consent was to this right only");
        let entered = store.enter_employee(&employee(&f, "libre@example.ch")).await;
        assert_eq!(entered.unwrap_err().code(), "duplicate.right", "one right per company and login: the ended one stays on record");
    }

    pub async fn a_login_that_joined_another_company_meanwhile_cannot_accept(store: Store) {
        let f = fixture(&store).await;
        let (free, first) = invited_free_login(&store, &f).await;
        let other = company(&store, "30000003", "Autre SA").await;
        let other_admin = login(&store, "admin@autre.example", Some(&other)).await;
        store.create_right(&NewRight::employee(other.id, other_admin.id, true), &Actor::system()).await.unwrap();
        let mut entry = employee(&f, "libre@example.ch");
        entry.common.company_id = other.id;
        entry.common.entered_by = other_admin.id;
        let second = store.enter_employee(&entry).await.unwrap().right;
        assert_eq!(second.status, RightStatus::Pending, "both companies may invite");
        store.transition_right(second.id, second.version, Transition::Accept, Party::Provider, &Actor::user(free.id, other.id)).await.unwrap();
        let err =
            store.transition_right(first.id, first.version, Transition::Accept, Party::Provider, &Actor::user(free.id, f.principal.id)).await.unwrap_err();
        assert_eq!(err.code(), "rights.already_in_a_company");
        assert_eq!(store.right(first.id).await.unwrap().status, RightStatus::Pending, "nothing changed");
        assert_eq!(store.user(free.id).await.unwrap().home_company_id, Some(other.id));
    }

    pub async fn a_login_of_another_company_cannot_be_entered_as_employee(store: Store) {
        let f = fixture(&store).await;
        let err = store.enter_employee(&employee(&f, "paul@fiduciaire.example")).await.unwrap_err();
        assert_eq!(err.code(), "rights.login_of_another_company");
        assert!(store.right_for(f.principal.id, f.provider.id).await.unwrap().is_none());
    }

    pub async fn a_technical_user_is_stored_with_the_hash_of_its_key_only(store: Store) {
        let f = fixture(&store).await;
        let entry = TechnicalEntry {
            common: common(&f),
            name: PersonName::parse("Interface ERP").unwrap(),
            identifier: EmailAddress::parse("technique.ab12cd34@10000001.invalid").unwrap(),
            key_prefix: "ab12cd34".into(),
            key_hash: Secret::new("hash-of-the-key"),
        };
        let right = store.enter_technical(&entry).await.unwrap();
        assert_eq!((right.right_type, right.status), (RightType::Technical, RightStatus::Active));
        let keys = store.api_keys_of_right(right.id).await.unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].key_hash.expose(), "hash-of-the-key");
        let user = store.user(right.user_id).await.unwrap();
        assert!(!user.has_password, "a technical user cannot sign in");
        assert_eq!(user.last_name, "Interface ERP");
    }

    pub async fn the_last_active_administrator_cannot_lose_the_flag(store: Store) {
        let f = fixture(&store).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let err = store.update_right(f.admin_right.id, f.admin_right.version, &no_changes(&f.admin_right, false), &actor).await.unwrap_err();
        assert_eq!(err.code(), "rights.last_administrator");
        assert!(store.right(f.admin_right.id).await.unwrap().is_admin);
    }

    pub async fn the_last_active_administrator_cannot_be_revoked(store: Store) {
        let f = fixture(&store).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let err = store.transition_right(f.admin_right.id, f.admin_right.version, Transition::Revoke, Party::Principal, &actor).await.unwrap_err();
        assert_eq!(err.code(), "rights.last_administrator");
        assert_eq!(store.right(f.admin_right.id).await.unwrap().status, RightStatus::Active);
    }

    pub async fn an_administrator_can_be_removed_while_another_remains(store: Store) {
        let f = fixture(&store).await;
        let mut second = employee(&f, "sophie@musterhans.example");
        second.is_admin = true;
        let second = store.enter_employee(&second).await.unwrap().right;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let after = store.update_right(second.id, second.version, &no_changes(&second, false), &actor).await.unwrap();
        assert!(!after.is_admin);
        // Now Anna is the last one again.
        let err = store.transition_right(f.admin_right.id, f.admin_right.version, Transition::Revoke, Party::Principal, &actor).await.unwrap_err();
        assert_eq!(err.code(), "rights.last_administrator");
    }

    pub async fn resending_an_invitation_adds_a_message_only_while_pending(store: Store) {
        let f = fixture(&store).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let right = store.enter_provider(&invitation(&f)).await.unwrap();
        let right = store.resend_invitation(right.id, &invitation_message(&f), &actor).await.unwrap();
        let messages = store.messages_for(f.provider.id).await.unwrap();
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|m| m.params["right_id"] == json!(right.id)), "both messages open this invitation");
        let accepted =
            store.transition_right(right.id, right.version, Transition::Accept, Party::Provider, &Actor::user(f.provider.id, f.principal.id)).await.unwrap();
        assert_eq!(accepted.status, RightStatus::Active);
        let err = store.resend_invitation(right.id, &invitation_message(&f), &actor).await.unwrap_err();
        assert_eq!(err.code(), "lifecycle.not_pending");
        assert_eq!(store.messages_for(f.provider.id).await.unwrap().len(), 2);
    }

    pub async fn an_invitation_is_due_within_the_lifetime_its_company_set(store: Store) {
        let f = fixture(&store).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        assert_eq!(f.principal.invitation_lifetime.days(), 14, "the default");
        store.set_invitation_lifetime(f.principal.id, InvitationLifetime::from_days(30).unwrap(), &actor).await.unwrap();
        let right = store.enter_provider(&invitation(&f)).await.unwrap();
        let due = right.answer_by.expect("a pending invitation is due by a time");
        assert_eq!(due, days_later(right.created_at, 30), "30 days on the Swiss calendar after it was sent");
        let message = &store.messages_for(f.provider.id).await.unwrap()[0];
        assert_eq!(message.params["answer_by"], json!(due.to_rfc3339()), "the message tells the provider until when");
    }

    pub async fn an_invitation_past_its_answer_by_time_cannot_be_accepted_and_is_listed_as_lapsed(store: Store) {
        let f = fixture(&store).await;
        let right = store.enter_provider(&invitation(&f)).await.unwrap();
        let due = right.answer_by.unwrap();
        assert!(store.lapsed_rights(due - chrono::Duration::seconds(1)).await.unwrap().is_empty());
        let lapsed = store.lapsed_rights(due).await.unwrap();
        assert_eq!(lapsed.iter().map(|r| r.id).collect::<Vec<_>>(), [right.id]);
        store.advance_clock_for_tests(chrono::Duration::days(14));
        let provider = Actor::user(f.provider.id, f.principal.id);
        let err = store.transition_right(right.id, right.version, Transition::Accept, Party::Provider, &provider).await.unwrap_err();
        assert_eq!(err.code(), "lifecycle.lapsed");
        assert_eq!(store.right(right.id).await.unwrap().status, RightStatus::Pending, "nothing changed");
        let expired = store.transition_right(right.id, right.version, Transition::Expire, Party::System, &Actor::system()).await.unwrap();
        assert_eq!(expired.status, RightStatus::Expired);
        assert!(store.lapsed_rights(store.now()).await.unwrap().is_empty(), "expired once");
    }

    pub async fn resending_renews_a_pending_invitation_and_sends_a_lapsed_one_again(store: Store) {
        let f = fixture(&store).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let right = store.enter_provider(&invitation(&f)).await.unwrap();
        store.advance_clock_for_tests(chrono::Duration::days(13));
        let renewed = store.resend_invitation(right.id, &invitation_message(&f), &actor).await.unwrap();
        assert!(renewed.answer_by.unwrap() >= store.now() + chrono::Duration::days(13), "renewed for the company's lifetime from now");
        assert_eq!(renewed.status, RightStatus::Pending);
        // Left unanswered, it lapses; "Renvoyer" makes it pending again, due anew.
        store.advance_clock_for_tests(chrono::Duration::days(15));
        let lapsed = store.lapsed_rights(store.now()).await.unwrap();
        assert_eq!(lapsed.iter().map(|r| r.id).collect::<Vec<_>>(), [right.id]);
        let lapsed = store.transition_right(right.id, lapsed[0].version, Transition::Expire, Party::System, &Actor::system()).await.unwrap();
        assert!(lapsed.is_lapsed_invitation());
        let again = store.resend_invitation(right.id, &invitation_message(&f), &actor).await.unwrap();
        assert_eq!((again.status, again.awaiting), (RightStatus::Pending, Some(Awaiting::Provider)));
        assert!(again.answer_by.unwrap() >= store.now() + chrono::Duration::days(13));
        let messages = store.messages_for(f.provider.id).await.unwrap();
        assert_eq!(messages.len(), 3, "the invitation, its renewal and its new sending");
        assert_eq!(messages[0].params["answer_by"], json!(again.answer_by.unwrap().to_rfc3339()));
        let log = store.audit_for_company(f.principal.id, 3, 0).await.unwrap();
        let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["right.reinvite", "right.expire", "right.resend"]);
        let accepted =
            store.transition_right(right.id, again.version, Transition::Accept, Party::Provider, &Actor::user(f.provider.id, f.principal.id)).await.unwrap();
        assert_eq!(accepted.status, RightStatus::Active);
    }

    pub async fn the_invitation_lifetime_is_changed_with_its_audit_entry_and_refused_out_of_range(store: Store) {
        let f = fixture(&store).await;
        let actor = Actor::user(f.admin.id, f.principal.id);
        let company = store.set_invitation_lifetime(f.principal.id, InvitationLifetime::parse("7").unwrap(), &actor).await.unwrap();
        assert_eq!(company.invitation_lifetime.days(), 7);
        assert_eq!(store.company(f.principal.id).await.unwrap().invitation_lifetime.days(), 7);
        let entry = &store.audit_for_company(f.principal.id, 1, 0).await.unwrap().items[0];
        assert_eq!(entry.action.as_str(), "company.invitation_lifetime");
        assert_eq!((entry.before.clone(), entry.after.clone()), (Some(json!({ "invitation_days": 14 })), Some(json!({ "invitation_days": 7 }))));
        assert_eq!(InvitationLifetime::parse("91").unwrap_err().code(), "invitation_lifetime.out_of_range");
    }

    fn request(company: &Company, user: &User) -> NewRight {
        NewRight {
            company_id: company.id,
            user_id: user.id,
            right_type: RightType::Provider,
            is_admin: false,
            origin: RightOrigin::Request,
            remark: Remark::parse("Mandat de comptabilité").unwrap(),
            end_date: None,
            created_by_user_id: Some(user.id),
        }
    }

    pub async fn a_request_for_access_waits_for_the_principal_and_tells_its_administrators(store: Store) {
        let f = fixture(&store).await;
        let notify = NewMessage { recipient_user_id: f.admin.id, company_id: Some(f.principal.id), kind: MessageKind::ProviderRequest, params: json!({}) };
        let right = store.request_provider_access(&request(&f.principal, &f.provider), &[notify.clone()], 5).await.unwrap();
        assert_eq!((right.status, right.awaiting), (RightStatus::Pending, Some(Awaiting::Principal)));
        assert_eq!(store.messages_for(f.admin.id).await.unwrap().len(), 1);
        assert!(!store.may_act(f.provider.id, f.principal.id, "orders", None).await.unwrap(), "a request grants nothing");

        let again = store.request_provider_access(&request(&f.principal, &f.provider), &[notify], 5).await.unwrap_err();
        assert!(matches!(again, StoreError::Duplicate { what: "right" }), "{again:?}");
        assert_eq!(store.messages_for(f.admin.id).await.unwrap().len(), 1, "a refused request tells nobody");

        // The provider asked: the principal's approval makes it active, no second acceptance.
        let approved =
            store.transition_right(right.id, right.version, Transition::Accept, Party::Principal, &Actor::user(f.admin.id, f.principal.id)).await.unwrap();
        assert_eq!(approved.status, RightStatus::Active);
    }

    pub async fn a_login_has_a_limited_number_of_open_requests(store: Store) {
        let f = fixture(&store).await;
        for i in 0..2 {
            let c = company(&store, &format!("4000000{i}"), &format!("Société {i}")).await;
            store.request_provider_access(&request(&c, &f.provider), &[], 2).await.unwrap();
        }
        let err = store.request_provider_access(&request(&f.principal, &f.provider), &[], 2).await.unwrap_err();
        assert_eq!(err.code(), "rights.too_many_requests");
        assert!(store.right_for(f.principal.id, f.provider.id).await.unwrap().is_none());
    }

    pub async fn a_request_to_a_number_no_company_has_waits_and_lapses_like_one_to_a_company(store: Store) {
        let f = fixture(&store).await;
        // The company set a short lifetime for its invitations: a request to it still waits
        // as long as one to a number no company has, so that its lapse tells nothing.
        store.set_invitation_lifetime(f.principal.id, InvitationLifetime::parse("3").unwrap(), &Actor::user(f.admin.id, f.principal.id)).await.unwrap();
        let known = store.request_provider_access(&request(&f.principal, &f.provider), &[], 5).await.unwrap();
        let number = CustomerNumber::parse("99999999").unwrap();
        let unknown = store.request_unmatched(f.provider.id, &number, &Remark::parse("Mandat").unwrap(), 5).await.unwrap();
        assert_ne!(unknown.id, known.id);
        assert!(store.right(unknown.id).await.is_err(), "its id is no right's");
        let later = store.request_provider_access(&request(&company(&store, "40000004", "Autre SA").await, &f.provider), &[], 5).await.unwrap();
        assert!(later.id > unknown.id, "a right entered after it takes the next id: {} then {}", unknown.id, later.id);
        let waits = |due: Option<chrono::DateTime<chrono::Utc>>, from| due.map(|due| due - from);
        assert_eq!((unknown.status, waits(unknown.answer_due(), unknown.created_at)), (RightStatus::Pending, waits(known.answer_due(), known.created_at)));
        assert_eq!(known.answer_due(), Some(days_later(known.created_at, 14)), "the default lifetime, not the company's 3 days");
        assert_eq!(store.unmatched_request_for(f.provider.id, &number).await.unwrap().map(|r| r.id), Some(unknown.id));
        let again = store.request_unmatched(f.provider.id, &number, &Remark::default(), 5).await.unwrap_err();
        assert!(matches!(again, StoreError::Duplicate { what: "right" }), "one request per number: {again:?}");

        let told = |r: &UnmatchedRequest| NewMessage {
            recipient_user_id: r.user_id,
            company_id: None,
            kind: MessageKind::ProviderRequestExpired,
            params: json!({ "company": r.customer_number, "right_id": r.id }),
        };
        assert!(store.expire_unmatched_requests(store.now(), told).await.unwrap().is_empty(), "not due yet");
        store.advance_clock_for_tests(chrono::Duration::days(15));
        let expired = store.expire_unmatched_requests(store.now(), told).await.unwrap();
        assert_eq!(expired.iter().map(|r| (r.id, r.status, r.ended_by())).collect::<Vec<_>>(), vec![(unknown.id, RightStatus::Expired, Some(Party::System))]);
        assert!(store.expire_unmatched_requests(store.now(), told).await.unwrap().is_empty(), "expired once");
        let messages = store.messages_for(f.provider.id).await.unwrap();
        assert_eq!(messages.iter().map(|m| (m.kind, m.company_id)).collect::<Vec<_>>(), vec![(MessageKind::ProviderRequestExpired, None)]);
        assert_eq!(store.unmatched_requests_of(f.provider.id).await.unwrap()[0].answer_due(), None);
    }

    pub async fn a_request_to_a_number_no_company_has_is_withdrawn_only_by_its_requester_at_its_version(store: Store) {
        let f = fixture(&store).await;
        let asked = store.request_unmatched(f.provider.id, &CustomerNumber::parse("99999999").unwrap(), &Remark::default(), 5).await.unwrap();
        let answer = |user: UserId, version: i64, transition: Transition| store.answer_unmatched_request(user, asked.id, version, transition);
        assert!(matches!(answer(f.admin.id, asked.version, Transition::Cancel).await, Err(StoreError::NotFound)), "another login's");
        assert!(matches!(store.unmatched_request(f.admin.id, asked.id).await, Err(StoreError::NotFound)), "another login's");
        assert!(matches!(answer(f.provider.id, asked.version + 1, Transition::Cancel).await, Err(StoreError::Conflict)));
        assert_eq!(
            answer(f.provider.id, asked.version, Transition::Accept).await.unwrap_err().code(),
            "lifecycle.not_awaiting_party",
            "as for a request to a company"
        );
        let withdrawn = answer(f.provider.id, asked.version, Transition::Cancel).await.unwrap();
        assert_eq!((withdrawn.status, withdrawn.version, withdrawn.ended_by()), (RightStatus::Revoked, asked.version + 1, Some(Party::Provider)));
        assert_eq!(store.unmatched_request(f.provider.id, asked.id).await.unwrap(), withdrawn);
        let again = answer(f.provider.id, withdrawn.version, Transition::Cancel).await.unwrap_err();
        assert_eq!(again.code(), "lifecycle.not_pending");
        let audit = store.audit_by_actor(f.provider.id, 10).await.unwrap();
        assert!(audit.iter().any(|e| e.target == format!("request:{}", asked.id) && e.action == AuditAction::RightCancel), "{audit:?}");
    }

    pub async fn requests_to_numbers_no_company_has_count_against_the_same_limit(store: Store) {
        let f = fixture(&store).await;
        store.request_unmatched(f.provider.id, &CustomerNumber::parse("99999998").unwrap(), &Remark::default(), 2).await.unwrap();
        store.request_provider_access(&request(&f.principal, &f.provider), &[], 2).await.unwrap();
        let err = store.request_unmatched(f.provider.id, &CustomerNumber::parse("99999999").unwrap(), &Remark::default(), 2).await.unwrap_err();
        assert_eq!(err.code(), "rights.too_many_requests");
        let other = company(&store, "40000004", "Autre SA").await;
        let err = store.request_provider_access(&request(&other, &f.provider), &[], 2).await.unwrap_err();
        assert_eq!(err.code(), "rights.too_many_requests");
    }

    pub async fn an_answer_to_an_invitation_whose_grants_changed_since_it_was_shown_is_a_conflict(store: Store) {
        let f = fixture(&store).await;
        let by_admin = Actor::user(f.admin.id, f.principal.id);
        let one_debtor = GrantSpec { service_id: f.orders.id, all_debtors: false, debtor_ids: vec![f.debtor.id] };
        let shown = store.enter_provider(&invitation(&f)).await.unwrap();
        store.replace_service_grants(shown.id, &[one_debtor.clone()], &by_admin).await.unwrap();
        let shown = store.right(shown.id).await.unwrap();
        // The same grants saved again change nothing, not even the version.
        store.replace_service_grants(shown.id, &[one_debtor], &by_admin).await.unwrap();
        assert_eq!(store.right(shown.id).await.unwrap().version, shown.version);

        // The administrator widens the grants to every debtor while the provider reads the invitation.
        let all = GrantSpec { service_id: f.orders.id, all_debtors: true, debtor_ids: vec![] };
        store.replace_service_grants(shown.id, &[all], &by_admin).await.unwrap();
        let by_provider = Actor::user(f.provider.id, f.principal.id);
        let err = store.transition_right(shown.id, shown.version, Transition::Accept, Party::Provider, &by_provider).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict), "{err:?}");
        assert_eq!(store.right(shown.id).await.unwrap().status, RightStatus::Pending, "nothing accepted");

        // Shown again, it is accepted as it now is.
        let again = store.right(shown.id).await.unwrap();
        let accepted = store.transition_right(again.id, again.version, Transition::Accept, Party::Provider, &by_provider).await.unwrap();
        assert_eq!(accepted.status, RightStatus::Active);
        assert!(store.service_grants(accepted.id).await.unwrap()[0].all_debtors);
    }

    pub async fn an_access_until_new_year_s_eve_ends_at_midnight_in_zurich_not_at_midnight_utc(store: Store) {
        use chrono::{Datelike, TimeZone, Utc};
        let f = fixture(&store).await;
        let new_year_s_eve = chrono::NaiveDate::from_ymd_opt(store.today().year() + 1, 12, 31).unwrap();
        let until = ProviderEntry { common: EntryCommon { end_date: Some(new_year_s_eve), ..common(&f) }, ..invitation(&f) };
        let invited = store.enter_provider(&until).await.unwrap();
        let all = GrantSpec { service_id: f.orders.id, all_debtors: true, debtor_ids: vec![] };
        store.replace_service_grants(invited.id, &[all], &Actor::user(f.admin.id, f.principal.id)).await.unwrap();
        let invited = store.right(invited.id).await.unwrap();
        let by_provider = Actor::user(f.provider.id, f.principal.id);
        store.transition_right(invited.id, invited.version, Transition::Accept, Party::Provider, &by_provider).await.unwrap();
        let may_order = || store.may_act(f.provider.id, f.principal.id, "orders", None);

        // 23:30 in Zurich (UTC+1 in winter) on the last day: still granted.
        let last_evening = Utc.with_ymd_and_hms(new_year_s_eve.year(), 12, 31, 22, 30, 0).unwrap();
        store.advance_clock_for_tests(last_evening - store.now());
        assert_eq!(store.today(), new_year_s_eve);
        assert!(may_order().await.unwrap(), "the end date is the last day of access");
        assert!(store.expire_rights(store.today()).await.unwrap().is_empty());

        // 00:30 in Zurich on 1 January, still 31 December in UTC: over.
        store.advance_clock_for_tests(chrono::Duration::hours(1));
        assert_eq!(calendar_date(store.now()), new_year_s_eve.succ_opt().unwrap());
        assert!(!may_order().await.unwrap(), "no access on 1 January in Zurich");
        let expired = store.expire_rights(store.today()).await.unwrap();
        assert_eq!(expired.iter().map(|r| r.id).collect::<Vec<_>>(), [invited.id]);
        assert_eq!(store.right(invited.id).await.unwrap().status, RightStatus::Expired);
    }
}
