//! What the tests of the workspace share (feature `test-support`, never in the product): a
//! database made for one test, on the Postgres server that `TEST_POSTGRES_URL` names.

use sqlx::{Connection, PgConnection};
use std::sync::atomic::{AtomicU32, Ordering};

/// The Postgres server of this machine kind and of CI (trust authentication).
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The server the tests create their databases on.
pub fn postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into())
}

/// `url` with its database replaced by `database` (its query string kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres URL");
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, format!("?{q}")),
        None => (rest, String::new()),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{database}{query}")
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

/// A Postgres database created for one test; [`FreshPostgres::drop_database`] removes it.
pub struct FreshPostgres {
    admin: PgConnection,
    name: String,
    /// Where the test connects.
    pub url: String,
}

impl FreshPostgres {
    /// A new, empty database named after the test. `None` when no server answers, unless
    /// `REQUIRE_POSTGRES=1` (CI), where that fails the test.
    pub async fn create(prefix: &str, test: &str) -> Option<FreshPostgres> {
        let base = postgres_url();
        let mut admin = match PgConnection::connect(&base).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("REQUIRE_POSTGRES=1 but Postgres is unreachable at {base}: {e}");
                }
                eprintln!("skipped: no Postgres ({e})");
                return None;
            }
        };
        // Postgres keeps 63 bytes of a name: the test's name is cut, the process and a counter
        // keep it unique across parallel tests and runs.
        let short: String = test.chars().take(30).collect();
        let name = format!("{prefix}_{short}_{}_{}", std::process::id(), DATABASES.fetch_add(1, Ordering::Relaxed));
        sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await.expect("the test database is created");
        let url = with_database(&base, &name);
        Some(FreshPostgres { admin, name, url })
    }

    /// Drops the database, closing what is still connected to it.
    pub async fn drop_database(mut self) -> Result<(), sqlx::Error> {
        let dropped = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)).execute(&mut self.admin).await;
        let _ = self.admin.close().await;
        dropped.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_keeps_its_server_and_options_and_names_the_test_s_database() {
        assert_eq!(with_database("postgres://postgres@127.0.0.1:5432/postgres", "pc_x_1_0"), "postgres://postgres@127.0.0.1:5432/pc_x_1_0");
        assert_eq!(with_database("postgres://u@db:5433/main?sslmode=disable", "t"), "postgres://u@db:5433/t?sslmode=disable");
        assert_eq!(with_database("postgres://127.0.0.1", "t"), "postgres://127.0.0.1/t");
    }
}
