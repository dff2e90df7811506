//! Fresh databases per test: a temp-file SQLite, or a uniquely named Postgres database
//! that is dropped afterwards (also when the test fails).

use portal_core::store::Store;

/// Generates, for each case of `crate::cases`, one test on SQLite and one on Postgres.
macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $case() { crate::harness::on_sqlite(crate::cases::$case).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $case() { crate::harness::on_postgres(stringify!($case), crate::cases::$case).await } )*
        }
    };
}
use portal_core::test_support::FreshPostgres;
use std::future::Future;

/// Runs `case` on a migrated SQLite database in a fresh temp directory.
pub async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let store = Store::connect(&url).await.expect("open sqlite").with_secrets_keys(portal_core::store::SecretsKey::generate(), vec![]);
    store.migrate().await.expect("migrate sqlite");
    let result = tokio::spawn(case(store.clone())).await;
    store.close().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs `case` on a migrated, freshly created Postgres database, then drops it.
pub async fn on_postgres<F, Fut>(name: &str, case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(database) = FreshPostgres::create("pc", name).await else { return };
    let store = match Store::connect(&database.url).await {
        Ok(s) => s.with_secrets_keys(portal_core::store::SecretsKey::generate(), vec![]),
        Err(e) => {
            let _ = database.drop_database().await;
            panic!("connect test database: {e}");
        }
    };
    if let Err(e) = store.migrate().await {
        store.close().await;
        let _ = database.drop_database().await;
        panic!("migrate postgres: {e}");
    }
    let result = tokio::spawn(case(store.clone())).await;
    store.close().await;
    let dropped = database.drop_database().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
    dropped.expect("drop test database");
}
