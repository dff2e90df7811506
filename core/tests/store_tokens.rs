//! The store contract of one-time e-mail links (tokens), self-registration and the
//! operator's onboarding: every case runs against SQLite and Postgres (see `store_contract.rs`).

#[macro_use]
mod harness;

contract!(
    a_token_is_stored_only_as_a_hash_and_works_once,
    an_expired_token_is_refused,
    a_token_of_another_purpose_is_refused,
    a_new_token_supersedes_the_unused_ones_of_the_same_purpose,
    of_two_concurrent_uses_of_a_token_exactly_one_succeeds,
    a_registered_login_is_unconfirmed_until_its_link_is_used,
    logins_created_by_the_operator_or_the_demo_are_confirmed,
    a_reset_link_sets_the_password_ends_the_sessions_and_forgets_failures,
    an_email_change_link_changes_the_address_and_an_address_taken_meanwhile_is_refused,
    onboarding_creates_company_login_and_admin_right_in_one_go,
    onboarding_refuses_a_used_customer_number_or_a_login_of_another_company_and_changes_nothing,
    a_two_step_code_step_is_claimed_once_and_only_forward,
    two_step_turns_on_and_off_with_its_recovery_codes_and_its_audit_entry,
);

mod cases {
    use chrono::Duration;
    use portal_core::store::*;
    use portal_core::*;

    fn new_user(email: &str) -> NewUser {
        NewUser {
            email: EmailAddress::parse(email).unwrap(),
            first_name: PersonName::parse("Anna").unwrap(),
            last_name: PersonName::parse("Muster").unwrap(),
            password_hash: Some(PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$old$old")),
            language: Language::De,
            home_company_id: None,
        }
    }

    fn new_company(number: &str) -> NewCompany {
        NewCompany { customer_number: CustomerNumber::parse(number).unwrap(), name: "Neue Firma AG".into(), language: Language::De }
    }

    async fn token_hashes(store: &Store) -> Vec<String> {
        match store.backend() {
            Backend::Sqlite(p) => sqlx::query_scalar("SELECT token_hash FROM email_tokens").fetch_all(p).await.unwrap(),
            Backend::Postgres(p) => sqlx::query_scalar("SELECT token_hash FROM email_tokens").fetch_all(p).await.unwrap(),
        }
    }

    pub async fn a_token_is_stored_only_as_a_hash_and_works_once(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let token = store.create_email_token(TokenPurpose::ResetPassword, user.id, None, Duration::hours(1)).await.unwrap();
        assert_eq!(token.expose().len(), 64, "256 random bits, hex");
        assert!(!format!("{token:?}").contains(token.expose()), "Debug is redacted");
        let stored = token_hashes(&store).await;
        assert_eq!(stored, vec![hash_email_token(token.expose())]);
        assert!(!stored.contains(&token.expose().to_string()), "the clear token is never stored");

        let used = store.consume_email_token(TokenPurpose::ResetPassword, token.expose()).await.unwrap().expect("valid once");
        assert_eq!((used.user_id, used.purpose), (user.id, TokenPurpose::ResetPassword));
        assert!(used.used_at.is_some());
        assert_eq!(store.consume_email_token(TokenPurpose::ResetPassword, token.expose()).await.unwrap(), None, "second use");
        assert_eq!(store.valid_email_token(&[TokenPurpose::ResetPassword], token.expose()).await.unwrap(), None);
        assert_eq!(store.consume_email_token(TokenPurpose::ResetPassword, "not-a-token").await.unwrap(), None);
    }

    pub async fn an_expired_token_is_refused(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let token = store.create_email_token(TokenPurpose::ConfirmRegistration, user.id, None, Duration::hours(24)).await.unwrap();
        store.set_email_token_expiry(token.expose(), real_time() - Duration::seconds(1)).await.unwrap();
        assert_eq!(store.valid_email_token(&[TokenPurpose::ConfirmRegistration], token.expose()).await.unwrap(), None);
        assert_eq!(store.consume_email_token(TokenPurpose::ConfirmRegistration, token.expose()).await.unwrap(), None);
        assert_eq!(store.confirm_registration(token.expose()).await.unwrap(), None);
        let tokens = store.email_tokens_of(user.id).await.unwrap();
        assert_eq!(tokens[0].used_at, None, "an expired token is refused, not used");
    }

    pub async fn a_token_of_another_purpose_is_refused(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let token = store.create_email_token(TokenPurpose::ConfirmRegistration, user.id, None, Duration::hours(24)).await.unwrap();
        assert_eq!(store.consume_email_token(TokenPurpose::ResetPassword, token.expose()).await.unwrap(), None);
        let hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$new$new");
        assert_eq!(store.reset_password_with_token(token.expose(), &hash).await.unwrap().map(|u| u.id), None);
        assert_eq!(store.change_email_with_token(token.expose(), None).await.unwrap(), None);
        // Still good for its own purpose.
        assert!(store.consume_email_token(TokenPurpose::ConfirmRegistration, token.expose()).await.unwrap().is_some());
    }

    pub async fn a_new_token_supersedes_the_unused_ones_of_the_same_purpose(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let first = store.create_email_token(TokenPurpose::ResetPassword, user.id, None, Duration::hours(1)).await.unwrap();
        let other_purpose = store.create_email_token(TokenPurpose::ConfirmRegistration, user.id, None, Duration::hours(1)).await.unwrap();
        let second = store.create_email_token(TokenPurpose::ResetPassword, user.id, None, Duration::hours(1)).await.unwrap();
        assert_eq!(store.consume_email_token(TokenPurpose::ResetPassword, first.expose()).await.unwrap(), None);
        assert!(store.consume_email_token(TokenPurpose::ResetPassword, second.expose()).await.unwrap().is_some());
        assert!(store.consume_email_token(TokenPurpose::ConfirmRegistration, other_purpose.expose()).await.unwrap().is_some());
    }

    pub async fn of_two_concurrent_uses_of_a_token_exactly_one_succeeds(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        for _ in 0..5 {
            let token = store.create_email_token(TokenPurpose::ResetPassword, user.id, None, Duration::hours(1)).await.unwrap();
            let (a, b) = (store.clone(), store.clone());
            let (ta, tb) = (token.clone(), token.clone());
            let (ra, rb) = tokio::join!(
                tokio::spawn(async move { a.consume_email_token(TokenPurpose::ResetPassword, ta.expose()).await.unwrap() }),
                tokio::spawn(async move { b.consume_email_token(TokenPurpose::ResetPassword, tb.expose()).await.unwrap() }),
            );
            let successes = [ra.unwrap(), rb.unwrap()].iter().filter(|r| r.is_some()).count();
            assert_eq!(successes, 1);
        }
    }

    pub async fn a_registered_login_is_unconfirmed_until_its_link_is_used(store: Store) {
        let user = store.register_user(&new_user("Neu@Example.CH")).await.unwrap();
        assert_eq!((user.email.as_str(), user.home_company_id, user.email_verified_at), ("neu@example.ch", None, None));
        let err = store.register_user(&new_user("neu@example.ch")).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "user.email" }), "{err:?}");
        let token = store.create_email_token(TokenPurpose::ConfirmRegistration, user.id, None, Duration::hours(24)).await.unwrap();
        let confirmed = store.confirm_registration(token.expose()).await.unwrap().expect("a valid link");
        assert!(confirmed.email_verified_at.is_some());
        assert_eq!(store.confirm_registration(token.expose()).await.unwrap(), None, "a link works once");
        let actions: Vec<String> = store.audit_by_actor(user.id, 10).await.unwrap().into_iter().map(|a| a.action.to_string()).collect();
        assert_eq!(actions, ["user.email_confirm", "user.register"]);
    }

    pub async fn logins_created_by_the_operator_or_the_demo_are_confirmed(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        assert!(user.email_verified_at.is_some());
        let demo = demo::seed_demo(&store).await.unwrap();
        assert!(demo.admin.email_verified_at.is_some());
        assert!(demo.provider.email_verified_at.is_some());
    }

    pub async fn a_reset_link_sets_the_password_ends_the_sessions_and_forgets_failures(store: Store) {
        let user = store.register_user(&new_user("anna@example.ch")).await.unwrap();
        let t = real_time();
        let window = Duration::minutes(15);
        store.count_attempt("email:anna@example.ch", t, window).await.unwrap();
        store.create_session("s-of-anna", "{}", t + Duration::minutes(30), Some(user.id)).await.unwrap();
        store.create_session("s-of-someone-else", "{}", t + Duration::minutes(30), None).await.unwrap();

        let token = store.create_email_token(TokenPurpose::ResetPassword, user.id, None, Duration::hours(1)).await.unwrap();
        let hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$new$new");
        let after = store.reset_password_with_token(token.expose(), &hash).await.unwrap().expect("a valid link");
        assert!(after.email_verified_at.is_some(), "the mailbox is proven by the link");
        assert_eq!(store.credentials(user.id).await.unwrap().password_hash, Some(hash.clone()));
        assert_eq!(store.attempt_count("email:anna@example.ch", t, window).await.unwrap(), 0);
        assert_eq!(store.load_session("s-of-anna", t).await.unwrap(), None, "the login's sessions end");
        assert!(store.load_session("s-of-someone-else", t).await.unwrap().is_some());
        assert_eq!(store.reset_password_with_token(token.expose(), &hash).await.unwrap().map(|u| u.id), None, "once");
        let actions: Vec<String> = store.audit_by_actor(user.id, 10).await.unwrap().into_iter().map(|a| a.action.to_string()).collect();
        assert_eq!(actions[0], "password.reset");
    }

    pub async fn an_email_change_link_changes_the_address_and_an_address_taken_meanwhile_is_refused(store: Store) {
        let anna = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let new = EmailAddress::parse("Anna.Neu@Example.ch").unwrap();
        let token = store.create_email_token(TokenPurpose::ChangeEmail, anna.id, Some(&new), Duration::hours(24)).await.unwrap();
        let (old, changed) = store.change_email_with_token(token.expose(), None).await.unwrap().expect("a valid link");
        assert_eq!((old.as_str(), changed.email.as_str()), ("anna@example.ch", "anna.neu@example.ch"));
        assert_eq!(store.change_email_with_token(token.expose(), None).await.unwrap(), None, "once");

        let taken = EmailAddress::parse("bruno@example.ch").unwrap();
        let token = store.create_email_token(TokenPurpose::ChangeEmail, anna.id, Some(&taken), Duration::hours(24)).await.unwrap();
        store.create_user(&new_user("bruno@example.ch")).await.unwrap();
        let err = store.change_email_with_token(token.expose(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "user.email" }), "{err:?}");
        assert_eq!(store.user(anna.id).await.unwrap().email, "anna.neu@example.ch", "nothing changed");
        assert!(store.valid_email_token(&[TokenPurpose::ChangeEmail], token.expose()).await.unwrap().is_some(), "the link stays unused");
    }

    pub async fn onboarding_creates_company_login_and_admin_right_in_one_go(store: Store) {
        let mut admin = new_user("chef@neue-firma.example");
        admin.password_hash = None;
        let done = store.onboard_company(&new_company("40000004"), &admin).await.unwrap();
        assert!(done.new_login);
        assert_eq!(done.admin.home_company_id, Some(done.company.id));
        assert!(!done.admin.has_password);
        assert!(done.right.is_admin && done.right.status == RightStatus::Active && done.right.right_type == RightType::Employee);
        assert!(store.is_admin(done.admin.id, done.company.id).await.unwrap());
        let actions: Vec<String> = store.audit_for_company(done.company.id, 10, 0).await.unwrap().items.into_iter().map(|a| a.action.to_string()).collect();
        assert_eq!(actions, ["right.create", "user.create", "company.create"]);

        // An existing login without a home company becomes the administrator of the next one.
        let free = store.register_user(&new_user("frei@example.ch")).await.unwrap();
        let done = store.onboard_company(&new_company("50000005"), &new_user("FREI@example.ch")).await.unwrap();
        assert!(!done.new_login);
        assert_eq!((done.admin.id, done.admin.home_company_id), (free.id, Some(done.company.id)));
    }

    pub async fn onboarding_refuses_a_used_customer_number_or_a_login_of_another_company_and_changes_nothing(store: Store) {
        let first = store.onboard_company(&new_company("40000004"), &new_user("chef@neue-firma.example")).await.unwrap();
        let before = store.table_counts().await.unwrap();
        let err = store.onboard_company(&new_company("40000004"), &new_user("other@example.ch")).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "company.customer_number" }), "{err:?}");
        let err = store.onboard_company(&new_company("60000006"), &new_user("chef@neue-firma.example")).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate { what: "user.home_company" }), "{err:?}");
        assert_eq!(store.table_counts().await.unwrap(), before, "nothing changed");
        assert_eq!(store.user(first.admin.id).await.unwrap().home_company_id, Some(first.company.id));
    }

    pub async fn a_two_step_code_step_is_claimed_once_and_only_forward(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let other = store.create_user(&new_user("otto@example.ch")).await.unwrap();
        assert!(store.claim_totp_step(user.id, 100).await.unwrap(), "the first code of a login");
        assert!(!store.claim_totp_step(user.id, 100).await.unwrap(), "the same code again");
        assert!(!store.claim_totp_step(user.id, 99).await.unwrap(), "an older code, still within the skew");
        assert!(store.claim_totp_step(other.id, 100).await.unwrap(), "another login's codes are its own");
        assert!(store.claim_totp_step(user.id, 101).await.unwrap(), "the next code");

        // A new secret starts afresh from the step of the code that confirmed it: its codes
        // have nothing to do with the old one's.
        store.turn_two_step_on(&user, &Secret::new("JBSWY3DPEHPK3PXP"), 49, &[]).await.unwrap();
        assert!(!store.claim_totp_step(user.id, 49).await.unwrap(), "the confirming code does not sign in");
        assert!(store.claim_totp_step(user.id, 50).await.unwrap());

        let racing: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.claim_totp_step(other.id, 200).await.unwrap() })
            })
            .collect();
        let mut successes = 0;
        for claim in racing {
            successes += usize::from(claim.await.unwrap());
        }
        assert_eq!(successes, 1, "of eight concurrent uses of one code exactly one succeeds");
    }

    pub async fn two_step_turns_on_and_off_with_its_recovery_codes_and_its_audit_entry(store: Store) {
        let user = store.create_user(&new_user("anna@example.ch")).await.unwrap();
        let hashes = vec![hash_recovery_code(user.id, "aaaa-bbbb"), hash_recovery_code(user.id, "cccc-dddd")];
        store.turn_two_step_on(&user, &Secret::new("JBSWY3DPEHPK3PXP"), 77, &hashes).await.unwrap();
        let on = store.credentials(user.id).await.unwrap();
        assert!(on.totp_enabled, "on");
        assert_eq!(on.totp_secret.map(|s| s.expose().to_string()).as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert!(!store.claim_totp_step(user.id, 77).await.unwrap(), "the code that confirmed it is used");
        assert!(store.use_recovery_code(user.id, "AAAA BBBB").await.unwrap(), "its recovery codes work");

        store.turn_two_step_off(&user).await.unwrap();
        let off = store.credentials(user.id).await.unwrap();
        assert!(!off.totp_enabled && off.totp_secret.is_none(), "off, and the secret is gone");
        assert!(!store.use_recovery_code(user.id, "cccc-dddd").await.unwrap(), "no recovery code is left");
        let actions: Vec<String> = store.audit_by_actor(user.id, 10).await.unwrap().into_iter().map(|r| r.action.to_string()).collect();
        assert_eq!(actions, ["two_step.disable", "two_step.enable"], "each change with its one audit entry");
    }
}
