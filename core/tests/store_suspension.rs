//! Suspending and resuming a right in the store, on both backends, and the SQLite migration
//! that made 'suspended' a status without losing what references the rights.

#[macro_use]
mod harness;

contract!(a_suspended_right_grants_nothing_keeps_its_grants_and_acts_again_once_resumed, a_suspended_right_still_ends_as_an_active_one_does,);

mod cases {
    use portal_core::store::*;
    use portal_core::*;

    /// Paul's accepted right on Transports Rapides SA (orders, all debtors), and Tina, who
    /// administers that company.
    async fn pauls_right(store: &Store) -> (demo::DemoData, UserRight, Actor) {
        let demo = demo::seed_demo(store).await.unwrap();
        let right = store.right_for(demo.third_company.id, demo.provider.id).await.unwrap().unwrap();
        assert_eq!(right.status, RightStatus::Active);
        let tina = Actor::user(demo.third_admin.id, demo.third_company.id);
        (demo, right, tina)
    }

    pub async fn a_suspended_right_grants_nothing_keeps_its_grants_and_acts_again_once_resumed(store: Store) {
        let (demo, right, tina) = pauls_right(&store).await;
        let (paul, third) = (demo.provider.id, demo.third_company.id);
        let grants = store.service_grants(right.id).await.unwrap();
        assert!(store.may_act(paul, third, "orders", None).await.unwrap());

        let suspended = store.transition_right(right.id, right.version, Transition::Suspend, Party::Principal, &tina).await.unwrap();
        assert_eq!(suspended.status, RightStatus::Suspended);
        assert!(!store.may_act(paul, third, "orders", None).await.unwrap(), "a suspended right grants nothing");
        assert_eq!(store.service_grants(right.id).await.unwrap(), grants, "its services and debtors are kept");

        let resumed = store.transition_right(right.id, suspended.version, Transition::Resume, Party::Principal, &tina).await.unwrap();
        assert_eq!(resumed.status, RightStatus::Active);
        assert_eq!(resumed.decided_at, right.decided_at, "accepted when it was, not when resumed");
        assert!(store.may_act(paul, third, "orders", None).await.unwrap());
    }

    pub async fn a_suspended_right_still_ends_as_an_active_one_does(store: Store) {
        let (demo, right, tina) = pauls_right(&store).await;
        let today = store.today();
        let changes = RightChanges { is_admin: false, remark: Remark::parse("").unwrap(), end_date: Some(today) };
        let dated = store.update_right(right.id, right.version, &changes, &tina).await.unwrap();
        let suspended = store.transition_right(right.id, dated.version, Transition::Suspend, Party::Principal, &tina).await.unwrap();

        // Resuming it twice, or suspending it again, is refused and changes nothing.
        let again = store.transition_right(right.id, suspended.version, Transition::Suspend, Party::Principal, &tina).await;
        assert!(matches!(again, Err(StoreError::Invalid(DomainError::Lifecycle(LifecycleError::NotActive)))), "{again:?}");
        assert_eq!(store.right(right.id).await.unwrap(), suspended);

        // Past its end date the housekeeping expires it, as it would an active right.
        let expired = store.expire_rights(today + chrono::Duration::days(1)).await.unwrap();
        assert_eq!(expired.iter().map(|r| r.id).collect::<Vec<_>>(), vec![right.id]);
        assert_eq!(store.right(right.id).await.unwrap().status, RightStatus::Expired);

        // A suspended provider right of the demo's Logistique Alpine SA is offboarded with the rest.
        let musterhans = demo.principal.id;
        let anna = Actor::user(demo.admin.id, musterhans);
        let alpine = store.provider_companies_of(musterhans).await.unwrap().into_iter().find(|p| p.name == "Logistique Alpine SA").unwrap();
        let rights = store.provider_company_rights(musterhans, alpine.company_id).await.unwrap();
        let first = &rights[0].right;
        let held = store.transition_right(first.id, first.version, Transition::Suspend, Party::Principal, &anna).await.unwrap();
        let rights = store.provider_company_rights(musterhans, alpine.company_id).await.unwrap();
        assert!(rights.iter().any(|r| r.right.id == held.id && r.right.status == RightStatus::Suspended), "still offboarded");
        assert_eq!(held.offboarding_transition(), Transition::Revoke);
    }
}

/// A SQLite database (in its temporary folder) migrated up to the one before 0010, which made
/// 'suspended' a status.
async fn sqlite_before_suspension() -> (tempfile::TempDir, portal_core::store::Store, sqlx::SqlitePool) {
    use portal_core::store::{Backend, Store};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("portal.db").display())).await.unwrap();
    let Backend::Sqlite(pool) = store.backend().clone() else { unreachable!() };
    let mut before_suspension = sqlx::migrate!("./migrations/sqlite");
    before_suspension.migrations = before_suspension.migrations.iter().filter(|m| m.version < 10).cloned().collect::<Vec<_>>().into();
    before_suspension.run(&pool).await.unwrap();
    (dir, store, pool)
}

/// SQLite changes a CHECK only by building the table anew: the rights table is rebuilt with
/// rows in every table that references it, and each of them is still there afterwards.
#[tokio::test]
async fn making_suspended_a_status_keeps_every_row_that_references_a_right_on_sqlite() {
    use portal_core::store::demo::seed_demo;
    let (_dir, store, pool) = sqlite_before_suspension().await;
    seed_demo(&store).await.unwrap();
    const REFERENCING: [&str; 5] = ["user_rights", "service_grants", "service_grant_debtors", "orders", "right_reminders"];
    async fn counts(pool: &sqlx::SqlitePool) -> Vec<i64> {
        let mut out = Vec::new();
        for table in REFERENCING {
            out.push(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await.unwrap());
        }
        out
    }
    let before = counts(&pool).await;
    assert!(before[..3].iter().all(|n| *n > 0), "the demo has rights, grants and chosen debtors: {before:?}");

    store.migrate().await.unwrap();

    assert_eq!(counts(&pool).await, before);
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&pool).await.unwrap();
    assert_eq!(foreign_keys, 1, "the pool's connections check foreign keys again");
    let written = sqlx::query("UPDATE user_rights SET status = 'suspended' WHERE status = 'active' AND right_type = 'provider'").execute(&pool).await;
    assert!(written.unwrap().rows_affected() > 0, "the new status is accepted");
    let bad = sqlx::query("UPDATE user_rights SET status = 'paused'").execute(&pool).await;
    assert!(bad.is_err(), "and an unknown one still refused");
    store.close().await;
}

/// A foreign-key check that failed after a migration is owed at every start until it passes:
/// the next start does not serve the broken rows because it had nothing left to migrate.
#[tokio::test]
async fn a_failed_foreign_key_check_fails_every_start_until_the_rows_are_repaired_on_sqlite() {
    let (_dir, store, pool) = sqlite_before_suspension().await;
    // A grant of a right that does not exist, written with the check off.
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await.unwrap();
    sqlx::query("INSERT INTO service_grants (right_id, service_id, all_debtors) VALUES (999999, 999999, 1)").execute(&mut *conn).await.unwrap();
    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await.unwrap();
    drop(conn);

    for start in ["the start that migrates", "the next start, with nothing left to migrate"] {
        let refused = store.migrate().await.expect_err(start);
        assert!(refused.to_string().contains("break a foreign key"), "{start}: {refused}");
    }
    sqlx::query("DELETE FROM service_grants WHERE right_id = 999999").execute(&pool).await.unwrap();
    store.migrate().await.expect("the check passes once the rows are repaired");
    let owed: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&pool).await.unwrap();
    assert_eq!(owed, 0, "and is no longer owed");
    store.close().await;
}
