//! Two-step login: single-use recovery codes.
//!
//! Codes are high-entropy random values (64 bits), so they are stored as SHA-256 hashes
//! of "user id:normalized code" rather than with Argon2: a deterministic hash lets one
//! `UPDATE … WHERE code_hash = $2 AND used_at IS NULL` find and consume a code atomically.

use super::audit::audit_in;
use super::directory::found;
use super::*;
use crate::domain::{AuditAction, UserId};

/// Normalizes a recovery code as typed (case, spaces, dashes are ignored).
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// The stored hash of a recovery code of `user_id` (hex SHA-256).
pub fn hash_recovery_code(user_id: UserId, code: &str) -> String {
    hex_sha256(&format!("{user_id}:{}", normalize_recovery_code(code)))
}

impl Store {
    /// Turns two-step login on for `user`, in one transaction: its secret, the time step of
    /// the code that confirmed it (used: that code does not sign in afterwards), its recovery
    /// codes (hashes) and the audit entry `two_step.enable`.
    pub async fn turn_two_step_on(&self, user: &User, secret: &Secret, confirmed_step: i64, recovery_hashes: &[String]) -> Result<()> {
        let sealed = self.sealing.seal(secret.expose())?;
        self.set_two_step(user, Some(sealed), Some(confirmed_step), recovery_hashes, AuditAction::TwoStepEnable).await
    }

    /// Turns two-step login off for `user`, in one transaction: no secret, no recovery code,
    /// and the audit entry `two_step.disable`.
    pub async fn turn_two_step_off(&self, user: &User) -> Result<()> {
        self.set_two_step(user, None, None, &[], AuditAction::TwoStepDisable).await
    }

    async fn set_two_step(&self, user: &User, sealed: Option<String>, step: Option<i64>, hashes: &[String], action: AuditAction) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, |c| sqlx::query("UPDATE users SET totp_secret = $2, totp_enabled = $3, totp_last_step = $4 WHERE id = $1")
            .bind(user.id)
            .bind(sealed.clone())
            .bind(sealed.is_some())
            .bind(step)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        found(n)?;
        replace_recovery_codes_in(&mut tx, user.id, hashes).await?;
        let actor = Actor::login(user.id);
        audit_in(&mut tx, &AuditEntry::new(&actor, user.home_company_id, action, format!("user:{}", user.id))).await?;
        tx.commit().await
    }

    /// Marks one unused recovery code of `user_id` matching `candidate` (as typed) used, in
    /// one statement; true when one was found (each code works once).
    pub async fn use_recovery_code(&self, user_id: UserId, candidate: &str) -> Result<bool> {
        if normalize_recovery_code(candidate).is_empty() {
            return Ok(false);
        }
        let hash = hash_recovery_code(user_id, candidate);
        let n = with_pool!(self, |p| sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 WHERE used_at IS NULL AND id = \
             (SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL LIMIT 1)"
        )
        .bind(user_id)
        .bind(&hash)
        .bind(real_time())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// How many unused recovery codes `user_id` has left.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn unused_recovery_codes(&self, user_id: UserId) -> Result<i64> {
        Ok(with_pool!(self, |p| sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(p)
            .await)?)
    }
}

async fn replace_recovery_codes_in(tx: &mut Tx, user_id: UserId, hashes: &[String]) -> Result<()> {
    let now = real_time();
    with_tx!(&mut *tx, |c| sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(c).await.map(|_| ()))?;
    for h in hashes {
        with_tx!(&mut *tx, |c| sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, used_at, created_at) VALUES ($1, $2, NULL, $3)")
            .bind(user_id)
            .bind(h)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_code_hashes_ignore_formatting_and_depend_on_the_user() {
        assert_eq!(hash_recovery_code(1, "ABCD-ef01 2345-6789"), hash_recovery_code(1, "abcdef0123456789"));
        assert_ne!(hash_recovery_code(1, "abcdef0123456789"), hash_recovery_code(2, "abcdef0123456789"));
        assert_eq!(hash_recovery_code(1, "x").len(), 64);
    }
}
