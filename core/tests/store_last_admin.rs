//! The last-administrator rule as a property, on both backends: whatever sequence of end
//! dates, administrator flags, suspensions, resumptions, revocations and days passing (with
//! the housekeeping's expiry) the company's administrators go through, the company keeps an
//! administrator today, tomorrow and a year from now.

#[macro_use]
mod harness;

contract!(
    no_sequence_of_changes_leaves_a_company_without_an_administrator_tomorrow,
    the_last_administrator_without_an_end_date_cannot_be_given_one_not_even_today,
);

mod cases {
    use chrono::{Duration, NaiveDate};
    use portal_core::store::*;
    use portal_core::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    /// One thing an administrator (or time) does to one of the company's three employee rights.
    #[derive(Debug, Clone)]
    enum Step {
        /// An end date `Some(days from today)` or none.
        EndDate(usize, Option<i64>),
        AdminFlag(usize, bool),
        Suspend(usize),
        Resume(usize),
        Revoke(usize),
        /// Days pass, then the housekeeping expires what ended.
        DaysPass(i64),
    }

    fn step() -> impl Strategy<Value = Step> {
        let who = 0..3usize;
        prop_oneof![
            (who.clone(), prop::option::of(0..3i64)).prop_map(|(i, d)| Step::EndDate(i, d)),
            (who.clone(), any::<bool>()).prop_map(|(i, a)| Step::AdminFlag(i, a)),
            who.clone().prop_map(Step::Suspend),
            who.clone().prop_map(Step::Resume),
            who.prop_map(Step::Revoke),
            (1..3i64).prop_map(Step::DaysPass),
        ]
    }

    /// 40 sequences of up to 14 steps, the same at every run (a fixed seed).
    fn sequences() -> Vec<Vec<Step>> {
        let seed = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(Config::default(), seed);
        let strategy = prop::collection::vec(step(), 1..15);
        (0..40).map(|_| strategy.new_tree(&mut runner).expect("a sequence").current()).collect()
    }

    async fn company(store: &Store, number: &str) -> Company {
        let new = NewCompany { customer_number: CustomerNumber::parse(number).unwrap(), name: format!("Société {number}"), language: Language::Fr };
        store.create_company(&new).await.unwrap()
    }

    /// Three employees of a new company, the first two administrators.
    async fn three_employees(store: &Store, number: &str) -> (Company, Vec<RightId>) {
        let company = company(store, number).await;
        let mut rights = Vec::new();
        for (i, admin) in [true, true, false].into_iter().enumerate() {
            let new = NewUser {
                email: EmailAddress::parse(&format!("e{i}@{number}.example")).unwrap(),
                first_name: PersonName::parse("Prénom").unwrap(),
                last_name: PersonName::parse("Nom").unwrap(),
                password_hash: None,
                language: Language::Fr,
                home_company_id: Some(company.id),
            };
            let user = store.create_user(&new).await.unwrap();
            rights.push(store.create_right(&NewRight::employee(company.id, user.id, admin), &Actor::system()).await.unwrap().id);
        }
        (company, rights)
    }

    fn today(store: &Store) -> NaiveDate {
        store.today()
    }

    /// Does `step`; a refusal (the rule at work, or a step that does not apply) changes nothing.
    async fn apply(store: &Store, actor: &Actor, rights: &[RightId], step: &Step) {
        let right = |i: usize| rights[i];
        let outcome = match *step {
            Step::EndDate(i, days) => {
                let r = store.right(right(i)).await.unwrap();
                let changes = RightChanges { is_admin: r.is_admin, remark: Remark::default(), end_date: days.map(|d| today(store) + Duration::days(d)) };
                store.update_right(r.id, r.version, &changes, actor).await.map(|_| ())
            }
            Step::AdminFlag(i, is_admin) => {
                let r = store.right(right(i)).await.unwrap();
                let changes = RightChanges { is_admin, remark: Remark::default(), end_date: r.end_date };
                store.update_right(r.id, r.version, &changes, actor).await.map(|_| ())
            }
            Step::Suspend(i) | Step::Resume(i) | Step::Revoke(i) => {
                let transition = match step {
                    Step::Suspend(_) => Transition::Suspend,
                    Step::Resume(_) => Transition::Resume,
                    _ => Transition::Revoke,
                };
                let r = store.right(right(i)).await.unwrap();
                store.transition_right(r.id, r.version, transition, Party::Principal, actor).await.map(|_| ())
            }
            Step::DaysPass(days) => {
                store.advance_clock_for_tests(Duration::days(days));
                store.expire_rights(today(store)).await.map(|_| ())
            }
        };
        match outcome {
            Ok(()) | Err(StoreError::Invalid(_)) | Err(StoreError::Conflict) => {}
            Err(e) => panic!("{step:?}: {e}"),
        }
    }

    async fn administered_on(store: &Store, rights: &[RightId], day: NaiveDate) -> bool {
        for &id in rights {
            if store.right(id).await.unwrap().administers_on(day) {
                return true;
            }
        }
        false
    }

    pub async fn no_sequence_of_changes_leaves_a_company_without_an_administrator_tomorrow(store: Store) {
        for (n, sequence) in sequences().iter().enumerate() {
            let (company, rights) = three_employees(&store, &format!("{:08}", 10_000_000 + n)).await;
            let actor = Actor::user(store.right(rights[0]).await.unwrap().user_id, company.id);
            for (k, step) in sequence.iter().enumerate() {
                apply(&store, &actor, &rights, step).await;
                let today = today(&store);
                for day in [today, today + Duration::days(1), today + Duration::days(365)] {
                    assert!(
                        administered_on(&store, &rights, day).await,
                        "sequence {n}, after step {k} ({step:?}) of {sequence:?}: nobody administers on {day}"
                    );
                }
            }
        }
    }

    pub async fn the_last_administrator_without_an_end_date_cannot_be_given_one_not_even_today(store: Store) {
        let (company, rights) = three_employees(&store, "30000003").await;
        let actor = Actor::user(store.right(rights[0]).await.unwrap().user_id, company.id);
        let second = store.right(rights[1]).await.unwrap();
        let ends_tomorrow = RightChanges { is_admin: true, remark: Remark::default(), end_date: Some(today(&store) + Duration::days(1)) };
        store.update_right(second.id, second.version, &ends_tomorrow, &actor).await.expect("another administrator has no end date");
        let first = store.right(rights[0]).await.unwrap();
        let ends_today = RightChanges { is_admin: true, remark: Remark::default(), end_date: Some(today(&store)) };
        let refused = store.update_right(first.id, first.version, &ends_today, &actor).await.unwrap_err();
        assert_eq!(refused.code(), "rights.last_administrator");
        assert_eq!(store.right(first.id).await.unwrap().end_date, None, "nothing changed");
        // Two days later the second has expired and the first still administers.
        store.advance_clock_for_tests(Duration::days(2));
        store.expire_rights(today(&store)).await.unwrap();
        assert_eq!(store.right(second.id).await.unwrap().status, RightStatus::Expired);
        assert!(store.right(first.id).await.unwrap().administers_on(today(&store)));
    }
}
