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
use sqlx::Connection;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

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

fn base_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The URL with its database path replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("postgres URL");
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, format!("?{q}")),
        None => (rest, String::new()),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{db}{query}")
}

/// Runs `case` on a migrated, freshly created Postgres database, then drops it.
pub async fn on_postgres<F, Fut>(name: &str, case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let base = base_url();
    let mut admin = match sqlx::PgConnection::connect(&base).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("REQUIRE_POSTGRES=1 but Postgres is unreachable at {base}: {e}");
            }
            eprintln!("skipped: no Postgres ({e})");
            return;
        }
    };
    let short: String = name.chars().take(32).collect();
    let db = format!("pc_{short}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    sqlx::query(&format!("CREATE DATABASE \"{db}\"")).execute(&mut admin).await.expect("create test database");
    let drop_db = |mut admin: sqlx::PgConnection| {
        let db = db.clone();
        async move {
            let r = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)")).execute(&mut admin).await;
            let _ = admin.close().await;
            r.map(|_| ())
        }
    };
    let store = match Store::connect(&with_database(&base, &db)).await {
        Ok(s) => s.with_secrets_keys(portal_core::store::SecretsKey::generate(), vec![]),
        Err(e) => {
            let _ = drop_db(admin).await;
            panic!("connect test database: {e}");
        }
    };
    if let Err(e) = store.migrate().await {
        store.close().await;
        let _ = drop_db(admin).await;
        panic!("migrate postgres: {e}");
    }
    let result = tokio::spawn(case(store.clone())).await;
    store.close().await;
    let dropped = drop_db(admin).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
    dropped.expect("drop test database");
}
