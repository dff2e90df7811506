//! One persistence contract over SQLite and Postgres.
//!
//! Every query is written once, with `$1, $2…` placeholders and portable SQL, and run
//! through [`with_pool!`] / [`with_tx!`], which expand the same expression for both
//! backends. Timestamps come from Rust (never `now()` in SQL). Every multi-statement write
//! runs in one transaction; every change of rights appends to the audit log in the same
//! transaction.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Connection, PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

use crate::domain::DomainError;

/// Runs `$body` with `$p` bound to the pool of whichever backend the store uses.
macro_rules! with_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($p) => $body,
            $crate::store::Backend::Postgres($p) => $body,
        }
    };
}

/// The column type of a value stored as a `$base` (text, a number): whatever either
/// database accepts for `$base`. Its `Decode` says how the value is read from it.
macro_rules! stored_as {
    ($t:ty, $base:ty) => {
        impl<DB: sqlx::Database> sqlx::Type<DB> for $t
        where
            $base: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <$base as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <$base as sqlx::Type<DB>>::compatible(ty)
            }
        }
    };
}

/// Runs `$body` with `$c` bound to the connection of an open [`Tx`].
macro_rules! with_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::store::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

mod admin;
mod audit;
mod clock;
mod columns;
mod commerce;
pub mod demo;
mod directory;
mod grants;
mod json_text;
mod messages;
mod model;
mod password;
mod reminders;
mod requests;
mod rights;
mod sealing;
mod system;
mod templates;
mod tokens;
mod two_step;
pub use system::{session_key, TABLES};
pub use tokens::{hash_email_token, ClearToken, EmailToken, Onboarded, TokenPurpose};
pub use two_step::{hash_recovery_code, normalize_recovery_code};

pub use crate::domain::{DueReminder, GrantSpec, ServiceGrant, UserRight};
pub use admin::*;
pub use clock::{calendar_date, days_later, real_time, Clock, TIME_ZONE};
pub use model::*;
pub use password::{hash_password, hex_sha256, random_token, same_secret, verify_password, PasswordHash};
pub use sealing::{Sealing, SecretsKey};

/// The database behind a [`Store`].
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The portal's persistence: cheap to clone (pools are shared).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    /// Seals the two-step secrets (no key: none can be stored).
    pub(crate) sealing: Sealing,
    /// The time pending rights lapse by (see [`Clock`]).
    pub(crate) clock: Clock,
}

/// An open transaction on either backend.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Everything that can go wrong in the store. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Optimistic concurrency lost: somebody changed the row since it was read.
    #[error("the data was changed meanwhile; reload and try again")]
    Conflict,
    #[error("{what} already exists")]
    Duplicate { what: &'static str },
    #[error("invalid: {0}")]
    Invalid(#[from] DomainError),
    /// Opening the database failed; one line, printed by the server before it exits.
    #[error("{0}")]
    Connect(String),
    #[error("database migration failed: {0}")]
    Migrate(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A two-step secret cannot be sealed or opened (no key, an unknown key, altered data).
    #[error("two-step secret: {0}")]
    Secrets(&'static str),
}

impl StoreError {
    /// A stable code for the UI, like the domain errors' codes.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound => "store.not_found",
            StoreError::Conflict => "store.conflict",
            StoreError::Duplicate { what } => match *what {
                "user.email" => "duplicate.user_email",
                "company.customer_number" => "duplicate.customer_number",
                "right" => "duplicate.right",
                "debtor" => "duplicate.debtor",
                "product" => "duplicate.product",
                "invoice" => "duplicate.invoice",
                "template.name" => "duplicate.template_name",
                _ => "duplicate",
            },
            StoreError::Invalid(e) => e.code(),
            StoreError::Connect(_) | StoreError::Migrate(_) | StoreError::Database(_) | StoreError::Secrets(_) => "store.unavailable",
        }
    }

    pub(crate) fn invalid(e: impl Into<DomainError>) -> Self {
        StoreError::Invalid(e.into())
    }
}

/// Maps a unique violation to `Duplicate { what }`, anything else to `Database`.
pub(crate) fn dup(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { what },
        _ => StoreError::Database(e),
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl Store {
    /// Opens `sqlite:…` (file created if missing, WAL, foreign keys, busy timeout 5 s, 8
    /// connections) or `postgres://…` (16 connections, connect timeout 5 s). Errors are one
    /// clear line, e.g. "cannot connect to Postgres at 127.0.0.1:5999: connection refused".
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await
        } else {
            Err(StoreError::Connect(format!(
                "unsupported database URL (expected sqlite:… or postgres://…): {}",
                url.split(['@', '?']).next().unwrap_or("").split("://").next().unwrap_or("")
            )))
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Store> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Connect(format!("invalid SQLite URL {url}: {}", one_line(&e))))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let path = opts.get_filename().display().to_string();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(if in_memory { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Connect(format!("cannot open SQLite database at {path}: {}", one_line(&e))))?;
        Ok(Store { backend: Backend::Sqlite(pool), sealing: Sealing::default(), clock: Clock::default() })
    }

    async fn connect_postgres(url: &str) -> Result<Store> {
        let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::Connect(format!("invalid Postgres URL: {}", one_line(&e))))?;
        let at = format!("{}:{}", opts.get_host(), opts.get_port());
        let fail = |e: String| StoreError::Connect(format!("cannot connect to Postgres at {at}: {e}"));
        // One direct attempt first: the pool would retry a refused connection until its
        // timeout and then only say "timed out".
        match tokio::time::timeout(Duration::from_secs(5), sqlx::PgConnection::connect_with(&opts)).await {
            Err(_) => return Err(fail("timed out after 5 s".into())),
            Ok(Err(e)) => return Err(fail(one_line(&e))),
            Ok(Ok(c)) => {
                let _ = c.close().await;
            }
        }
        let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(5)).connect_with(opts).await.map_err(|e| fail(one_line(&e)))?;
        Ok(Store { backend: Backend::Postgres(pool), sealing: Sealing::default(), clock: Clock::default() })
    }

    /// Wraps an existing pool.
    pub fn from_backend(backend: Backend) -> Store {
        Store { backend, sealing: Sealing::default(), clock: Clock::default() }
    }

    /// The store's time: see [`Clock`].
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The store's date on the portal's calendar: see [`Clock::today`].
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Moves this store's clock ahead (never back), for tests only: the test suites, and a
    /// server started with `--test-clock` for its end-to-end tests.
    pub fn advance_clock_for_tests(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// "sqlite" or "postgres".
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Brings the schema up to date (embedded migrations of the backend).
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(p) => migrate_sqlite(p).await,
            Backend::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await.map_err(|e| StoreError::Migrate(one_line(&e))),
        }
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<()> {
        let _: i64 = with_pool!(self, |p| sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(p).await)?;
        Ok(())
    }

    /// Closes all connections (waits for them to be returned).
    pub async fn close(&self) {
        with_pool!(self, |p| p.close().await)
    }

    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match &self.backend {
            // IMMEDIATE takes the write lock up front: no deadlock when a reader upgrades.
            Backend::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

/// A one-line, secret-free rendering of an error.
fn one_line(e: &dyn std::fmt::Display) -> String {
    let s = e.to_string();
    let s = s.strip_prefix("error returned from database: ").unwrap_or(&s).to_string();
    // sqlite: "(code: 14) unable to open database file"
    let s = match s.strip_prefix("(code: ") {
        Some(rest) => rest.split_once(") ").map(|(_, m)| m.to_string()).unwrap_or(s.clone()),
        None => s,
    };
    let s = s.replace(" (os error 111)", "").replace("Connection refused", "connection refused");
    let s = s.strip_prefix("error communicating with database: ").unwrap_or(&s).to_string();
    s.lines().next().unwrap_or("").to_string()
}

/// SQLite changes a table's constraints only by building the table anew and dropping the old
/// one, which with foreign keys on deletes the rows that reference it (ON DELETE CASCADE).
/// sqlx runs each migration in a transaction, where that pragma cannot change: the migrations
/// therefore run on one connection whose foreign keys are off, and that connection goes back
/// to the pool with them on. After a migration, SQLite's foreign-key check must then find no
/// row that breaks one. The check is owed from before the first migration is applied until it
/// passes (the database's `user_version` says so, [`FOREIGN_KEY_CHECK_OWED`]): a start after a
/// failed check fails again instead of serving the broken rows, and a start with nothing to
/// apply and nothing owed skips it, since it reads every row of every table that references
/// another.
async fn migrate_sqlite(pool: &SqlitePool) -> Result<()> {
    let migrator = sqlx::migrate!("./migrations/sqlite");
    let mut conn = pool.acquire().await?;
    if applied_migrations(&mut conn).await? < migrator.iter().count() as i64 {
        sqlx::query(&format!("PRAGMA user_version = {FOREIGN_KEY_CHECK_OWED}")).execute(&mut *conn).await?;
    }
    let owed = sqlx::query_scalar::<_, i64>("PRAGMA user_version").fetch_one(&mut *conn).await? == FOREIGN_KEY_CHECK_OWED;
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
    let migrated = migrator.run_direct(&mut *conn).await;
    let broken = match owed {
        false => 0,
        true => sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *conn).await?.len(),
    };
    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
    migrated.map_err(|e| StoreError::Migrate(one_line(&e)))?;
    if broken > 0 {
        return Err(StoreError::Migrate(format!("{broken} rows break a foreign key after the migrations")));
    }
    if owed {
        sqlx::query("PRAGMA user_version = 0").execute(&mut *conn).await?;
    }
    Ok(())
}

/// The SQLite database's `user_version` while the foreign-key check after a migration has not
/// passed yet (0 otherwise; sqlx keeps its own record of the migrations in a table).
const FOREIGN_KEY_CHECK_OWED: i64 = 1;

/// How many migrations the SQLite database has applied (none before sqlx's table exists).
async fn applied_migrations(conn: &mut sqlx::SqliteConnection) -> Result<i64> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')").fetch_one(&mut *conn).await?;
    if !exists {
        return Ok(0);
    }
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut *conn).await?)
}
