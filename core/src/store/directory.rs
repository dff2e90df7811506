//! Companies, users (logins), services and subscriptions, debtors, API keys.

use chrono::{DateTime, Utc};

use super::audit::audit_in;
use super::*;
use crate::domain::*;

macro_rules! company_cols {
    () => {
        "id, customer_number, name, language, invitation_days, created_at"
    };
}
macro_rules! user_cols {
    () => {
        "u.id, u.email, u.first_name, u.last_name, u.language, u.home_company_id, u.last_login_at, \
         u.totp_enabled, u.email_verified_at, u.email_notifications, \
         (u.password_hash IS NOT NULL) AS has_password, u.created_at"
    };
}

impl Store {
    // ------------------------------------------------------------ companies

    pub async fn create_company(&self, new: &NewCompany) -> Result<Company> {
        let company: Company = with_pool!(self, |p| sqlx::query_as(concat!(
            "INSERT INTO companies (customer_number, name, language, created_at) VALUES ($1, $2, $3, $4) RETURNING ",
            company_cols!()
        ))
        .bind(new.customer_number.as_str())
        .bind(new.name.trim())
        .bind(new.language.code())
        .bind(real_time())
        .fetch_one(p)
        .await)
        .map_err(dup("company.customer_number"))?;
        Ok(company)
    }

    pub async fn company(&self, id: CompanyId) -> Result<Company> {
        let company: Option<Company> =
            with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", company_cols!(), " FROM companies WHERE id = $1")).bind(id).fetch_optional(p).await)?;
        company.ok_or(StoreError::NotFound)
    }

    pub async fn company_by_customer_number(&self, number: &CustomerNumber) -> Result<Option<Company>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", company_cols!(), " FROM companies WHERE customer_number = $1"))
            .bind(number.as_str())
            .fetch_optional(p)
            .await)?)
    }

    /// Sets how long the company's invitations and the requests made to it wait for an
    /// answer, with its audit entry ("company.invitation_lifetime"), in one transaction. Rights
    /// already pending keep the time they are due by: it was told to the provider.
    pub async fn set_invitation_lifetime(&self, company_id: CompanyId, lifetime: InvitationLifetime, actor: &Actor) -> Result<Company> {
        let mut tx = self.begin().await?;
        let before: Option<i32> =
            with_tx!(&mut tx, |c| sqlx::query_scalar("SELECT invitation_days FROM companies WHERE id = $1").bind(company_id).fetch_optional(c).await)?;
        let before = before.ok_or(StoreError::NotFound)?;
        let company: Company =
            with_tx!(&mut tx, |c| sqlx::query_as(concat!("UPDATE companies SET invitation_days = $2 WHERE id = $1 RETURNING ", company_cols!()))
                .bind(company_id)
                .bind(lifetime.days() as i32)
                .fetch_one(c)
                .await)?;
        let entry = AuditEntry::new(actor, Some(company_id), AuditAction::CompanyInvitationLifetime, format!("company:{company_id}"))
            .before(serde_json::json!({ "invitation_days": before }))
            .after(serde_json::json!({ "invitation_days": lifetime.days() }));
        audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(company)
    }

    pub async fn companies(&self) -> Result<Vec<Company>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", company_cols!(), " FROM companies ORDER BY name, id")).fetch_all(p).await)?)
    }

    // ------------------------------------------------------------ users

    /// Creates a login; the e-mail is unique case-insensitively (`Duplicate { what: "user.email" }`).
    /// Logins created this way (demo data, administrators, tests) count as confirmed; a
    /// self-registered login is created unconfirmed by [`Store::register_user`].
    pub async fn create_user(&self, new: &NewUser) -> Result<User> {
        let at = real_time();
        let user: User = with_pool!(self, |p| sqlx::query_as(
            concat!(
                "INSERT INTO users (email, first_name, last_name, password_hash, language, home_company_id, created_at, \
             email_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ",
                user_cols!()
            )
            .replace("u.", "")
            .as_str()
        )
        .bind(new.email.as_str())
        .bind(new.first_name.as_str())
        .bind(new.last_name.as_str())
        .bind(new.password_hash.as_ref().map(|h| h.as_str().to_owned()))
        .bind(new.language.code())
        .bind(new.home_company_id)
        .bind(at)
        .fetch_one(p)
        .await)
        .map_err(dup("user.email"))?;
        Ok(user)
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let user: Option<User> =
            with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", user_cols!(), " FROM users u WHERE u.id = $1")).bind(id).fetch_optional(p).await)?;
        user.ok_or(StoreError::NotFound)
    }

    /// Finds a login by e-mail, whatever its case.
    pub async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<User>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", user_cols!(), " FROM users u WHERE u.email = lower($1)"))
            .bind(email.as_str())
            .fetch_optional(p)
            .await)?)
    }

    /// The login's secrets, for sign-in and two-step login.
    pub async fn credentials(&self, user_id: UserId) -> Result<Credentials> {
        let credentials: Option<Credentials> =
            with_pool!(self, |p| sqlx::query_as("SELECT id, password_hash, totp_secret, totp_enabled FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(p)
                .await)?;
        let mut credentials = credentials.ok_or(StoreError::NotFound)?;
        credentials.totp_secret = match credentials.totp_secret {
            Some(stored) => Some(Secret::new(self.sealing.open(stored.expose())?)),
            None => None,
        };
        Ok(credentials)
    }

    /// The login and its secrets by e-mail (sign-in).
    pub async fn user_with_credentials(&self, email: &EmailAddress) -> Result<Option<(User, Credentials)>> {
        match self.user_by_email(email).await? {
            Some(u) => {
                let c = self.credentials(u.id).await?;
                Ok(Some((u, c)))
            }
            None => Ok(None),
        }
    }

    #[cfg(any(test, feature = "test-support"))]
    pub async fn set_last_login(&self, user_id: UserId, at: DateTime<Utc>) -> Result<()> {
        self.update_user_field(user_id, "UPDATE users SET last_login_at = $2 WHERE id = $1", Some(at), None).await
    }

    #[cfg(any(test, feature = "test-support"))]
    pub async fn set_password_hash(&self, user_id: UserId, hash: &PasswordHash) -> Result<()> {
        self.update_user_field(user_id, "UPDATE users SET password_hash = $2 WHERE id = $1", Some(hash.as_str().to_owned()), None).await
    }

    /// Records that `user_id` used the TOTP code of time step `step`, in one statement; false
    /// when a code of this step or a later one was used already. A code stays valid for three
    /// steps (clock skew), so this is what makes each code work once, also between two
    /// server instances racing on the same code.
    pub async fn claim_totp_step(&self, user_id: UserId, step: i64) -> Result<bool> {
        let n = with_pool!(self, |p| sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)")
            .bind(user_id)
            .bind(step)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A sign-in of `user`: its last login and the audit entry `login`, in one transaction.
    pub async fn record_sign_in(&self, user: &User, at: DateTime<Utc>) -> Result<()> {
        let actor = Actor::login(user.id);
        let entry = AuditEntry::new(&actor, user.home_company_id, AuditAction::Login, format!("user:{}", user.id));
        self.update_user_field(user.id, "UPDATE users SET last_login_at = $2 WHERE id = $1", at, Some(&entry)).await
    }

    /// The language `user` is remembered in (its e-mails, its next sign-in), changed by
    /// itself, with the audit entry `user.language`, in one transaction.
    pub async fn change_user_language(&self, user: &User, language: Language) -> Result<()> {
        let actor = Actor::login(user.id);
        let entry = AuditEntry::new(&actor, user.home_company_id, AuditAction::UserLanguage, format!("user:{}", user.id))
            .before(std::collections::BTreeMap::from([("language", user.language.code())]))
            .after(std::collections::BTreeMap::from([("language", language.code())]));
        let sql = "UPDATE users SET language = $2 WHERE id = $1";
        self.update_user_field(user.id, sql, language.code().to_owned(), Some(&entry)).await
    }

    /// Sets one column of a user's row (`sql`: `$1` the id, `$2` the value) and, when given,
    /// writes its audit entry in the same transaction: no entry without its change.
    async fn update_user_field<T>(&self, user_id: UserId, sql: &'static str, value: T, entry: Option<&AuditEntry>) -> Result<()>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + for<'q> sqlx::Encode<'q, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + Send
            + Clone
            + 'static,
    {
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, |c| sqlx::query(sql).bind(user_id).bind(value.clone()).execute(c).await.map(|r| r.rows_affected()))?;
        found(n)?;
        if let Some(entry) = entry {
            audit_in(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Logins whose home company is `company_id`.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn users_of_company(&self, company_id: CompanyId) -> Result<Vec<User>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users u WHERE u.home_company_id = $1 ORDER BY lower(u.last_name), lower(u.first_name), u.id"
        ))
        .bind(company_id)
        .fetch_all(p)
        .await)?)
    }

    /// Users holding an active administrator right on the company (not past its end date).
    pub async fn admins_of_company(&self, company_id: CompanyId) -> Result<Vec<User>> {
        let today = self.today();
        Ok(with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users u JOIN user_rights r ON r.user_id = u.id WHERE r.company_id = $1 AND ",
            administers!("r", "$2", "$3"),
            " ORDER BY lower(u.last_name), lower(u.first_name), u.id"
        ))
        .bind(company_id)
        .bind(true)
        .bind(today)
        .fetch_all(p)
        .await)?)
    }

    /// True when the user administers the company today ([`UserRight::administers_on`]).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn is_admin(&self, user_id: UserId, company_id: CompanyId) -> Result<bool> {
        let n: i64 = with_pool!(self, |p| sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM user_rights r WHERE r.user_id = $1 AND r.company_id = $2 AND ",
            administers!("r", "$3", "$4")
        ))
        .bind(user_id)
        .bind(company_id)
        .bind(true)
        .bind(self.today())
        .fetch_one(p)
        .await)?;
        Ok(n > 0)
    }

    // ------------------------------------------------------------ services

    /// Creates the service or renames it (by code). Idempotent.
    pub async fn ensure_service(&self, code: &str, name: &str) -> Result<Service> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "INSERT INTO services (code, name) VALUES ($1, $2) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id, code, name"
        )
        .bind(code)
        .bind(name)
        .fetch_one(p)
        .await)?)
    }

    pub async fn services(&self) -> Result<Vec<Service>> {
        Ok(with_pool!(self, |p| sqlx::query_as("SELECT id, code, name FROM services ORDER BY code").fetch_all(p).await)?)
    }

    pub async fn service_by_code(&self, code: &str) -> Result<Option<Service>> {
        Ok(with_pool!(self, |p| sqlx::query_as("SELECT id, code, name FROM services WHERE code = $1").bind(code).fetch_optional(p).await)?)
    }

    /// Subscribes the company to the service. Idempotent.
    pub async fn subscribe_service(&self, company_id: CompanyId, service_id: ServiceId) -> Result<()> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO company_services (company_id, service_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (company_id, service_id) DO NOTHING"
        )
        .bind(company_id)
        .bind(service_id)
        .bind(real_time())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The services the company subscribes to.
    pub async fn company_services(&self, company_id: CompanyId) -> Result<Vec<Service>> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "SELECT s.id, s.code, s.name FROM services s JOIN company_services cs ON cs.service_id = s.id \
             WHERE cs.company_id = $1 ORDER BY s.code"
        )
        .bind(company_id)
        .fetch_all(p)
        .await)?)
    }

    // ------------------------------------------------------------ debtors

    pub async fn create_debtor(&self, company_id: CompanyId, number: &DebtorNumber, name: &str) -> Result<Debtor> {
        with_pool!(self, |p| sqlx::query_as(
            "INSERT INTO debtors (company_id, debtor_number, name) VALUES ($1, $2, $3) \
             RETURNING id, company_id, debtor_number, name"
        )
        .bind(company_id)
        .bind(number.as_str())
        .bind(name.trim())
        .fetch_one(p)
        .await)
        .map_err(dup("debtor"))
    }

    pub async fn debtors(&self, company_id: CompanyId) -> Result<Vec<Debtor>> {
        Ok(with_pool!(self, |p| sqlx::query_as("SELECT id, company_id, debtor_number, name FROM debtors WHERE company_id = $1 ORDER BY debtor_number")
            .bind(company_id)
            .fetch_all(p)
            .await)?)
    }

    pub async fn debtor(&self, id: DebtorId) -> Result<Debtor> {
        let d: Option<Debtor> =
            with_pool!(self, |p| sqlx::query_as("SELECT id, company_id, debtor_number, name FROM debtors WHERE id = $1").bind(id).fetch_optional(p).await)?;
        d.ok_or(StoreError::NotFound)
    }

    // ------------------------------------------------------------ API keys (technical users)

    /// The unrevoked key with this prefix.
    pub async fn api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "SELECT id, right_id, key_hash, prefix, label, created_at, revoked_at FROM api_keys \
             WHERE prefix = $1 AND revoked_at IS NULL"
        )
        .bind(prefix)
        .fetch_optional(p)
        .await)?)
    }

    /// The technical right that presents `key` (`cck_<prefix>_<secret>`), when the key is
    /// known, not revoked, and its right is an active technical right not past its end date;
    /// `None` for anything else, without saying which.
    pub async fn technical_right_by_api_key(&self, key: &str) -> Result<Option<UserRight>> {
        let Some(prefix) = super::api_key_prefix(key) else { return Ok(None) };
        let Some(stored) = self.api_key_by_prefix(prefix).await? else { return Ok(None) };
        if !super::same_secret(stored.key_hash.expose().as_bytes(), super::hash_api_key(key).as_bytes()) {
            return Ok(None);
        }
        let right = self.right(stored.right_id).await?;
        let usable = right.right_type == RightType::Technical && right.grants_access_on(self.today());
        Ok(usable.then_some(right))
    }

    /// The debtor of `company_id` with this number.
    pub async fn debtor_by_number(&self, company_id: CompanyId, number: &DebtorNumber) -> Result<Option<Debtor>> {
        Ok(with_pool!(self, |p| sqlx::query_as("SELECT id, company_id, debtor_number, name FROM debtors WHERE company_id = $1 AND debtor_number = $2")
            .bind(company_id)
            .bind(number.as_str())
            .fetch_optional(p)
            .await)?)
    }

    #[cfg(any(test, feature = "test-support"))]
    pub async fn api_keys_of_right(&self, right_id: RightId) -> Result<Vec<ApiKey>> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "SELECT id, right_id, key_hash, prefix, label, created_at, revoked_at FROM api_keys \
             WHERE right_id = $1 ORDER BY id"
        )
        .bind(right_id)
        .fetch_all(p)
        .await)?)
    }
}

pub(crate) fn found(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
