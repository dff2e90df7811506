//! Sessions, the e-mail outbox, login throttling and table statistics.

use chrono::{DateTime, Duration, Utc};

use super::*;

/// Every table of the schema (for statistics and tests).
pub const TABLES: &[&str] = &[
    "companies",
    "users",
    "user_rights",
    "api_keys",
    "services",
    "company_services",
    "debtors",
    "service_grants",
    "service_grant_debtors",
    "messages",
    "contract_products",
    "orders",
    "order_lines",
    "invoices",
    "audit_log",
    "sessions",
    "outbox_emails",
    "login_throttle",
    "recovery_codes",
    "email_tokens",
    "right_reminders",
    "grant_templates",
    "grant_template_services",
    "grant_template_debtors",
    "unmatched_requests",
];

/// What the `sessions` table holds in place of a session's id: its SHA-256, in hex. The id
/// is the secret of the session cookie; whoever reads the table (a backup, a leaked dump)
/// must not be able to sign in with what is there. Every session method below takes the id
/// as the cookie carries it and keys the table with this.
pub fn session_key(id: &str) -> String {
    hex_sha256(id)
}

impl Store {
    // ------------------------------------------------------------ sessions

    /// Inserts a new session of `user_id` (signed in, or owing its two-step code; `None`
    /// before sign-in); never overwrites one: false when the id is taken.
    pub async fn create_session(&self, id: &str, data: &str, expires_at: DateTime<Utc>, user_id: Option<crate::domain::UserId>) -> Result<bool> {
        let id = session_key(id);
        let inserted =
            with_pool!(self, |p| sqlx::query("INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
                .bind(&id)
                .bind(data)
                .bind(expires_at)
                .bind(user_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
        Ok(inserted == 1)
    }

    /// Updates an existing session only: a session deleted meanwhile (sign-out, time-out on
    /// another instance) is not brought back by a request that was still under way.
    ///
    /// A request that changed nothing in the session only moves its expiry: that write is
    /// skipped while the stored expiry is within `slack` of the new one. Otherwise every page
    /// view would be a durable commit (on SQLite, behind the one writer), for an idle time-out
    /// that then ends at most `slack` early. The comparison happens in the statement, so a
    /// skipped write costs no commit on either database.
    pub async fn update_session(&self, id: &str, data: &str, expires_at: DateTime<Utc>, user_id: Option<crate::domain::UserId>, slack: Duration) -> Result<()> {
        let id = session_key(id);
        with_pool!(self, |p| sqlx::query("UPDATE sessions SET data = $2, expires_at = $3, user_id = $4 WHERE id = $1 AND (data <> $2 OR expires_at < $5)")
            .bind(&id)
            .bind(data)
            .bind(expires_at)
            .bind(user_id)
            .bind(expires_at - slack)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The session's data and expiry if it exists and has not expired at `now`.
    pub async fn load_session(&self, id: &str, now: DateTime<Utc>) -> Result<Option<(String, DateTime<Utc>)>> {
        let id = session_key(id);
        Ok(with_pool!(self, |p| sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(&id)
            .bind(now)
            .fetch_optional(p)
            .await)?)
    }

    pub async fn delete_session(&self, id: &str) -> Result<()> {
        let id = session_key(id);
        with_pool!(self, |p| sqlx::query("DELETE FROM sessions WHERE id = $1").bind(&id).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, |p| sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(p).await.map(|r| r.rows_affected()))?)
    }

    // ------------------------------------------------------------ outbox

    pub async fn enqueue_email(&self, to: &str, subject: &str, body: &str) -> Result<i64> {
        Ok(with_pool!(self, |p| sqlx::query_scalar("INSERT INTO outbox_emails (to_address, subject, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(to)
            .bind(subject)
            .bind(body)
            .bind(real_time())
            .fetch_one(p)
            .await)?)
    }

    /// Outbox e-mails, oldest first (unsent ones only if `unsent_only`).
    pub async fn outbox(&self, unsent_only: bool) -> Result<Vec<OutboxEmail>> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "SELECT id, to_address, subject, body, created_at, sent_at FROM outbox_emails \
             WHERE sent_at IS NULL OR $1 = $2 ORDER BY id"
        )
        .bind(unsent_only)
        .bind(false)
        .fetch_all(p)
        .await)?)
    }

    pub async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        let n = with_pool!(self, |p| sqlx::query("UPDATE outbox_emails SET sent_at = $2 WHERE id = $1 AND sent_at IS NULL")
            .bind(id)
            .bind(at)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        super::directory::found(n)
    }

    // ------------------------------------------------------------ login throttling

    /// Counts one attempt for `key` (e.g. "email:x@y", "ip:1.2.3.4", "password:7") within a
    /// window starting at the first attempt; answers the count in the current window. One
    /// statement: of concurrent attempts each gets its own count, so that counting *before*
    /// checking a password keeps any number of parallel guesses within the limit.
    pub async fn count_attempt(&self, key: &str, now: DateTime<Utc>, window: Duration) -> Result<i64> {
        let open_since = now - window;
        let n: i64 = with_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO login_throttle (key, count, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               count = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.count + 1 ELSE 1 END, \
               window_start = CASE WHEN login_throttle.window_start > $3 THEN login_throttle.window_start ELSE $2 END \
             RETURNING count"
        )
        .bind(key)
        .bind(now)
        .bind(open_since)
        .fetch_one(p)
        .await)?;
        Ok(n)
    }

    /// Attempts for `key` in the window that is still open at `now`.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn attempt_count(&self, key: &str, now: DateTime<Utc>, window: Duration) -> Result<i64> {
        let row: Option<(i64, DateTime<Utc>)> =
            with_pool!(self, |p| sqlx::query_as("SELECT count, window_start FROM login_throttle WHERE key = $1").bind(key).fetch_optional(p).await)?;
        Ok(match row {
            Some((n, start)) if start + window > now => n,
            _ => 0,
        })
    }

    /// Takes back one attempt for `key` that turned out legitimate (a right password from a
    /// shared client address), so that an office's sign-ins do not add up to a block.
    pub async fn uncount_attempt(&self, key: &str) -> Result<()> {
        with_pool!(self, |p| sqlx::query("UPDATE login_throttle SET count = count - 1 WHERE key = $1 AND count > 0").bind(key).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Forgets the attempts for `key` (after a successful sign-in).
    pub async fn clear_attempts(&self, key: &str) -> Result<()> {
        with_pool!(self, |p| sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    // ------------------------------------------------------------ statistics

    /// Row count of every table, in [`TABLES`] order.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn table_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = Vec::with_capacity(TABLES.len());
        for &t in TABLES {
            // Table names come from the constant list above, never from input.
            let sql = format!("SELECT COUNT(*) FROM {t}");
            let n: i64 = with_pool!(self, |p| sqlx::query_scalar(&sql).fetch_one(p).await)?;
            out.push((t, n));
        }
        Ok(out)
    }
}
