//! One-time links sent by e-mail: confirming a self-registered login, resetting a forgotten
//! password, confirming a new login e-mail, setting the first password of a login created
//! by the operator.
//!
//! A token is 256 random bits, sent once in a link; only its SHA-256 hash is stored (a
//! deterministic hash lets one `UPDATE … WHERE token_hash = $1 AND used_at IS NULL AND
//! expires_at > now RETURNING …` find and consume it atomically: of two concurrent uses,
//! exactly one succeeds). A new token of a purpose supersedes the user's unused ones of the
//! same purpose. Every use that changes a login runs in one transaction with its audit entry.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use super::audit::audit_in;
use super::rights::insert_right_in;
use super::*;
use crate::domain::*;

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Confirms the address of a self-registered login (24 h).
    ConfirmRegistration,
    /// Sets a new password after "Mot de passe oublié ?" (1 h).
    ResetPassword,
    /// Confirms a new login e-mail, sent to the new address (24 h).
    ChangeEmail,
    /// Sets the first password of a login created by the operator (72 h).
    SetPassword,
}

impl TokenPurpose {
    pub const ALL: [TokenPurpose; 4] = [TokenPurpose::ConfirmRegistration, TokenPurpose::ResetPassword, TokenPurpose::ChangeEmail, TokenPurpose::SetPassword];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmRegistration => "confirm_registration",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::ChangeEmail => "change_email",
            TokenPurpose::SetPassword => "set_password",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// How long a link of this purpose stays valid.
    pub fn validity(self) -> Duration {
        match self {
            TokenPurpose::ConfirmRegistration | TokenPurpose::ChangeEmail => Duration::hours(24),
            TokenPurpose::ResetPassword => Duration::hours(1),
            TokenPurpose::SetPassword => Duration::hours(72),
        }
    }
}

/// A token in clear, as it goes into the link — once. Not serializable, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClearToken(String);

impl ClearToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClearToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClearToken(<redacted>)")
    }
}

/// The stored hash of a token (hex SHA-256 of the token as sent, surrounding spaces ignored).
pub fn hash_email_token(token: &str) -> String {
    hex_sha256(token.trim())
}

/// A stored token's facts (never the token nor its hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EmailToken {
    pub id: i64,
    pub purpose: TokenPurpose,
    pub user_id: UserId,
    /// The address to confirm (purpose `change_email` only).
    pub new_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

const TOKEN_COLS: &str = "id, purpose, user_id, new_email, created_at, expires_at, used_at";

/// A new company, its first administrator's login, and the administrator right.
#[derive(Debug, Clone)]
pub struct Onboarded {
    pub company: Company,
    pub admin: User,
    pub right: UserRight,
    /// False when an existing login without a home company was used.
    pub new_login: bool,
}

/// Consumes one valid token of one of `purposes` inside `tx`: unused, unexpired at `at`.
async fn consume_in(tx: &mut Tx, purposes: &[TokenPurpose], token: &str, at: DateTime<Utc>) -> Result<Option<EmailToken>> {
    let (first, second) = match purposes {
        [one] => (*one, *one),
        [one, two] => (*one, *two),
        _ => return Err(StoreError::Database(sqlx::Error::Protocol("one or two token purposes expected".into()))),
    };
    let sql = format!(
        "UPDATE email_tokens SET used_at = $4 WHERE token_hash = $1 AND (purpose = $2 OR purpose = $3) \
         AND used_at IS NULL AND expires_at > $4 RETURNING {TOKEN_COLS}"
    );
    Ok(with_tx!(tx, |c| sqlx::query_as(&sql).bind(hash_email_token(token)).bind(first.as_str()).bind(second.as_str()).bind(at).fetch_optional(c).await)?)
}

async fn user_email_in(tx: &mut Tx, user_id: UserId) -> Result<(String, Option<CompanyId>)> {
    let row: Option<(String, Option<i64>)> =
        with_tx!(tx, |c| sqlx::query_as("SELECT email, home_company_id FROM users WHERE id = $1").bind(user_id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)
}

impl Store {
    /// Creates a token of `purpose` for `user_id`, valid for `valid_for`, and answers it in
    /// clear — the only time it exists outside the link. Earlier unused tokens of the same
    /// user and purpose stop working. `new_email` is required for `change_email` only.
    pub async fn create_email_token(
        &self,
        purpose: TokenPurpose,
        user_id: UserId,
        new_email: Option<&EmailAddress>,
        valid_for: Duration,
    ) -> Result<ClearToken> {
        let token = ClearToken(random_token(32));
        let at = real_time();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, |c| sqlx::query("UPDATE email_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
            .bind(user_id)
            .bind(purpose.as_str())
            .bind(at)
            .execute(c)
            .await
            .map(|_| ()))?;
        with_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO email_tokens (purpose, user_id, new_email, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(purpose.as_str())
        .bind(user_id)
        .bind(new_email.map(|e| e.as_str().to_lowercase()))
        .bind(hash_email_token(token.expose()))
        .bind(at)
        .bind(at + valid_for)
        .execute(c)
        .await
        .map(|_| ()))?;
        tx.commit().await?;
        Ok(token)
    }

    /// The token if it is valid now for `purpose` (unused, unexpired), without using it.
    pub async fn valid_email_token(&self, purposes: &[TokenPurpose], token: &str) -> Result<Option<EmailToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM email_tokens WHERE token_hash = $1 AND (purpose = $2 OR purpose = $3) \
             AND used_at IS NULL AND expires_at > $4"
        );
        let (first, second) = match purposes {
            [one] => (*one, *one),
            [one, two, ..] => (*one, *two),
            [] => return Ok(None),
        };
        Ok(with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(hash_email_token(token))
            .bind(first.as_str())
            .bind(second.as_str())
            .bind(real_time())
            .fetch_optional(p)
            .await)?)
    }

    /// Uses a token of `purpose`: answers it and marks it used when it was valid (unused,
    /// unexpired), in one statement; `None` for an unknown, used, expired token or one of
    /// another purpose. Two concurrent uses never both succeed.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn consume_email_token(&self, purpose: TokenPurpose, token: &str) -> Result<Option<EmailToken>> {
        let mut tx = self.begin().await?;
        let found = consume_in(&mut tx, &[purpose], token, real_time()).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Moves a token's expiry (operators' corrections and tests of expired links).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn set_email_token_expiry(&self, token: &str, expires_at: DateTime<Utc>) -> Result<()> {
        let n = with_pool!(self, |p| sqlx::query("UPDATE email_tokens SET expires_at = $2 WHERE token_hash = $1")
            .bind(hash_email_token(token))
            .bind(expires_at)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        super::directory::found(n)
    }

    /// The tokens of a user, newest first (facts only).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn email_tokens_of(&self, user_id: UserId) -> Result<Vec<EmailToken>> {
        let sql = format!("SELECT {TOKEN_COLS} FROM email_tokens WHERE user_id = $1 ORDER BY id DESC");
        Ok(with_pool!(self, |p| sqlx::query_as(&sql).bind(user_id).fetch_all(p).await)?)
    }

    /// Creates a self-registered login: no home company, address not yet confirmed (it
    /// cannot sign in until [`Store::confirm_registration`]). Audited as "user.register".
    pub async fn register_user(&self, new: &NewUser) -> Result<User> {
        let mut tx = self.begin().await?;
        let id: i64 = with_tx!(&mut tx, |c| sqlx::query_scalar(
            "INSERT INTO users (email, first_name, last_name, password_hash, language, home_company_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6) RETURNING id"
        )
        .bind(new.email.as_str())
        .bind(new.first_name.as_str())
        .bind(new.last_name.as_str())
        .bind(new.password_hash.as_ref().map(|h| h.as_str().to_owned()))
        .bind(new.language.code())
        .bind(real_time())
        .fetch_one(c)
        .await)
        .map_err(dup("user.email"))?;
        audit_in(&mut tx, &AuditEntry::new(&Actor::login(id), None, AuditAction::UserRegister, format!("user:{id}"))).await?;
        tx.commit().await?;
        self.user(id).await
    }

    /// A new registration of an address whose login was never confirmed replaces the pending
    /// one: names, language and password are the new ones, and the earlier confirmation links
    /// die (only the newest confirms). Audited as "user.register". `NotFound` when the login
    /// has been confirmed meanwhile.
    pub async fn replace_pending_registration(
        &self,
        user_id: UserId,
        first_name: &PersonName,
        last_name: &PersonName,
        language: Language,
        hash: &PasswordHash,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, |c| sqlx::query(
            "UPDATE users SET first_name = $2, last_name = $3, language = $4, password_hash = $5 \
             WHERE id = $1 AND email_verified_at IS NULL"
        )
        .bind(user_id)
        .bind(first_name.as_str())
        .bind(last_name.as_str())
        .bind(language.code())
        .bind(hash.as_str())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        with_tx!(&mut tx, |c| sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND used_at IS NULL AND purpose = 'confirm_registration'")
            .bind(user_id)
            .execute(c)
            .await
            .map(|_| ()))?;
        audit_in(&mut tx, &AuditEntry::new(&Actor::login(user_id), None, AuditAction::UserRegister, format!("user:{user_id}"))).await?;
        tx.commit().await?;
        self.user(user_id).await
    }

    /// Confirms a self-registered login's address with its link; `None` when the link is
    /// not valid. Audited as "user.email_confirm".
    pub async fn confirm_registration(&self, token: &str) -> Result<Option<User>> {
        let at = real_time();
        let mut tx = self.begin().await?;
        let Some(t) = consume_in(&mut tx, &[TokenPurpose::ConfirmRegistration], token, at).await? else {
            return Ok(None);
        };
        with_tx!(&mut tx, |c| sqlx::query("UPDATE users SET email_verified_at = $2 WHERE id = $1 AND email_verified_at IS NULL")
            .bind(t.user_id)
            .bind(at)
            .execute(c)
            .await
            .map(|_| ()))?;
        let (_, home) = user_email_in(&mut tx, t.user_id).await?;
        audit_in(&mut tx, &AuditEntry::new(&Actor::login(t.user_id), home, AuditAction::UserEmailConfirm, format!("user:{}", t.user_id))).await?;
        tx.commit().await?;
        Ok(Some(self.user(t.user_id).await?))
    }

    /// Sets a new password with a `reset_password` or `set_password` link; `None` when the
    /// link is not valid. Opening the link proves the mailbox, so the address counts as
    /// confirmed; failed sign-ins of the account are forgotten and every session of the
    /// login ends. Audited as "password.reset" or "password.set".
    pub async fn reset_password_with_token(&self, token: &str, hash: &PasswordHash) -> Result<Option<User>> {
        let at = real_time();
        let mut tx = self.begin().await?;
        let purposes = [TokenPurpose::ResetPassword, TokenPurpose::SetPassword];
        let Some(t) = consume_in(&mut tx, &purposes, token, at).await? else {
            return Ok(None);
        };
        with_tx!(&mut tx, |c| sqlx::query("UPDATE users SET password_hash = $2, email_verified_at = COALESCE(email_verified_at, $3) WHERE id = $1")
            .bind(t.user_id)
            .bind(hash.as_str())
            .bind(at)
            .execute(c)
            .await
            .map(|_| ()))?;
        let (email, home) = user_email_in(&mut tx, t.user_id).await?;
        with_tx!(&mut tx, |c| sqlx::query("DELETE FROM login_throttle WHERE key = $1 OR key = $2")
            .bind(format!("email:{email}"))
            .bind(format!("2fa:{}", t.user_id))
            .execute(c)
            .await
            .map(|_| ()))?;
        with_tx!(&mut tx, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(t.user_id).execute(c).await.map(|_| ()))?;
        forget_credential_links_in(&mut tx, t.user_id).await?;
        let action = if t.purpose == TokenPurpose::SetPassword { AuditAction::PasswordSet } else { AuditAction::PasswordReset };
        audit_in(&mut tx, &AuditEntry::new(&Actor::login(t.user_id), home, action, format!("user:{}", t.user_id))).await?;
        tx.commit().await?;
        Ok(Some(self.user(t.user_id).await?))
    }

    /// Changes a login's e-mail to the address its `change_email` link was sent to; answers
    /// the previous address and the login, or `None` when the link is not valid. An address
    /// taken meanwhile is `Duplicate { what: "user.email" }` and leaves the link unused.
    /// Audited as "user.email_change" with both addresses. The login's sessions end but `keep`
    /// (the session the link was opened in): whoever signed in with the old address is out.
    pub async fn change_email_with_token(&self, token: &str, keep: Option<&str>) -> Result<Option<(String, User)>> {
        let at = real_time();
        let keep = keep.map(super::system::session_key).unwrap_or_default();
        let mut tx = self.begin().await?;
        let Some(t) = consume_in(&mut tx, &[TokenPurpose::ChangeEmail], token, at).await? else {
            return Ok(None);
        };
        let new_email = t.new_email.clone().ok_or(StoreError::NotFound)?;
        let (old_email, home) = user_email_in(&mut tx, t.user_id).await?;
        with_tx!(&mut tx, |c| sqlx::query("UPDATE users SET email = $2, email_verified_at = $3 WHERE id = $1")
            .bind(t.user_id)
            .bind(&new_email)
            .bind(at)
            .execute(c)
            .await
            .map(|_| ()))
        .map_err(dup("user.email"))?;
        with_tx!(&mut tx, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2").bind(t.user_id).bind(&keep).execute(c).await.map(|_| ()))?;
        // A reset link sent to the old address would hand the login back to that mailbox.
        forget_credential_links_in(&mut tx, t.user_id).await?;
        audit_in(
            &mut tx,
            &AuditEntry::new(&Actor::login(t.user_id), home, AuditAction::UserEmailChange, format!("user:{}", t.user_id))
                .before(serde_json::json!({ "email": old_email }))
                .after(serde_json::json!({ "email": new_email })),
        )
        .await?;
        tx.commit().await?;
        Ok(Some((old_email, self.user(t.user_id).await?)))
    }

    /// A signed-in login's new password, in one transaction: its other sessions end (`keep` is
    /// the current one), its unused reset, set-password and e-mail change links die (one sent
    /// before would otherwise undo the change, or move the login to an address asked for by
    /// whoever knew the old password), its failed attempts are forgotten; audited as
    /// "password.change". Answers how many sessions ended.
    pub async fn change_password(&self, user_id: UserId, hash: &PasswordHash, keep: Option<&str>) -> Result<u64> {
        let keep = keep.map(super::system::session_key).unwrap_or_default();
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, |c| sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1").bind(user_id).bind(hash.as_str()).execute(c).await.map(|_| ()))?;
        let ended = with_tx!(&mut tx, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(&keep)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        forget_credential_links_in(&mut tx, user_id).await?;
        let (_, home) = user_email_in(&mut tx, user_id).await?;
        audit_in(&mut tx, &AuditEntry::new(&Actor::login(user_id), home, AuditAction::PasswordChange, format!("user:{user_id}"))).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// The operator's onboarding after a contract, in one transaction: the company, its first
    /// administrator's login (new, without password, or an existing login without a home
    /// company, which gets this one), and an active employee right with the administrator
    /// flag. `Duplicate { what: "company.customer_number" }` for a number in use,
    /// `Duplicate { what: "user.home_company" }` for a login that already belongs to a company.
    pub async fn onboard_company(&self, company: &NewCompany, admin: &NewUser) -> Result<Onboarded> {
        let at = real_time();
        let system = Actor::system();
        let mut tx = self.begin().await?;
        let company_id: i64 = with_tx!(&mut tx, |c| sqlx::query_scalar(
            "INSERT INTO companies (customer_number, name, language, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(company.customer_number.as_str())
        .bind(company.name.trim())
        .bind(company.language.code())
        .bind(at)
        .fetch_one(c)
        .await)
        .map_err(dup("company.customer_number"))?;
        audit_in(
            &mut tx,
            &AuditEntry::new(&system, Some(company_id), AuditAction::CompanyCreate, format!("company:{company_id}"))
                .after(serde_json::json!({ "customer_number": company.customer_number.as_str(), "name": company.name.trim() })),
        )
        .await?;

        let existing: Option<(i64, Option<i64>)> = with_tx!(&mut tx, |c| sqlx::query_as("SELECT id, home_company_id FROM users WHERE email = lower($1)")
            .bind(admin.email.as_str())
            .fetch_optional(c)
            .await)?;
        let (user_id, new_login) = match existing {
            Some((_, Some(_))) => return Err(StoreError::Duplicate { what: "user.home_company" }),
            Some((id, None)) => {
                with_tx!(&mut tx, |c| sqlx::query("UPDATE users SET home_company_id = $2 WHERE id = $1")
                    .bind(id)
                    .bind(company_id)
                    .execute(c)
                    .await
                    .map(|_| ()))?;
                audit_in(
                    &mut tx,
                    &AuditEntry::new(&system, Some(company_id), AuditAction::UserHomeCompany, format!("user:{id}"))
                        .after(serde_json::json!({ "home_company_id": company_id })),
                )
                .await?;
                (id, false)
            }
            None => {
                // Created by the operator for a known person: the set-password link confirms
                // the mailbox when it is opened.
                let id: i64 = with_tx!(&mut tx, |c| sqlx::query_scalar(
                    "INSERT INTO users (email, first_name, last_name, password_hash, language, home_company_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                )
                .bind(admin.email.as_str())
                .bind(admin.first_name.as_str())
                .bind(admin.last_name.as_str())
                .bind(admin.password_hash.as_ref().map(|h| h.as_str().to_owned()))
                .bind(admin.language.code())
                .bind(company_id)
                .bind(at)
                .fetch_one(c)
                .await)
                .map_err(dup("user.email"))?;
                audit_in(&mut tx, &AuditEntry::new(&system, Some(company_id), AuditAction::UserCreate, format!("user:{id}"))).await?;
                (id, true)
            }
        };
        let new_right = NewRight::employee(company_id, user_id, true);
        let state = RightState::initial(new_right.right_type, new_right.origin).map_err(StoreError::invalid)?;
        let right = insert_right_in(&mut tx, &new_right, state, &system, self.now()).await?;
        tx.commit().await?;
        Ok(Onboarded { company: self.company(company_id).await?, admin: self.user(user_id).await?, right, new_login })
    }
}

/// The unused reset, set-password and e-mail change links of `user_id` die: a password or
/// the address was just set, and a link sent before would undo it.
async fn forget_credential_links_in(tx: &mut Tx, user_id: UserId) -> Result<()> {
    with_tx!(tx, |c| sqlx::query(
        "DELETE FROM email_tokens WHERE user_id = $1 AND used_at IS NULL \
         AND purpose IN ('reset_password', 'set_password', 'change_email')"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_and_have_their_validity() {
        for p in TokenPurpose::ALL {
            assert_eq!(TokenPurpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(TokenPurpose::ResetPassword.validity(), Duration::hours(1));
        assert_eq!(TokenPurpose::ConfirmRegistration.validity(), Duration::hours(24));
        assert_eq!(TokenPurpose::SetPassword.validity(), Duration::hours(72));
        assert_eq!(TokenPurpose::parse("other"), None);
    }

    #[test]
    fn a_token_hash_is_hex_sha256_and_a_clear_token_is_redacted() {
        assert_eq!(hash_email_token("abc").len(), 64);
        assert_eq!(hash_email_token(" abc "), hash_email_token("abc"));
        assert_ne!(hash_email_token("abc"), hash_email_token("abd"));
        let t = ClearToken("secret-value".into());
        assert!(!format!("{t:?}").contains("secret"));
    }
}
