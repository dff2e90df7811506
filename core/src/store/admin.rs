//! "Saisir un utilisateur": a new right together with everything that must happen in the
//! same transaction — a login for a new employee, an API key for a technical user, the
//! authorizations copied from another right or a template, the provider's message — so that a failure or
//! a double submit leaves either all of it or nothing.

use super::audit::audit_in;
use super::grants::{copy_grants_in, set_first_grants_in};
use super::messages::create_message_in;
use super::rights::insert_right_in;
use super::templates::template_grants_in;
use super::*;
use crate::domain::*;

/// What every kind of entry has in common.
#[derive(Debug, Clone)]
pub struct EntryCommon {
    pub company_id: CompanyId,
    pub remark: Remark,
    pub end_date: Option<chrono::NaiveDate>,
    /// Where the new right's service authorizations come from, if anywhere.
    pub grants_from: Option<GrantSource>,
    pub entered_by: UserId,
}

/// The service authorizations a right is entered with: those of another right or of a
/// permission template, of the same company, copied in the entry's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantSource {
    Right(RightId),
    Template(TemplateId),
}

/// A provider invitation: the login exists already (the seed's rule).
#[derive(Debug, Clone)]
pub struct ProviderEntry {
    pub common: EntryCommon,
    pub provider_user_id: UserId,
    /// The "Autorisation en tant que prestataire" message for the provider.
    pub message: NewMessage,
}

/// An employee: a login is created, or a login of no company is invited to join.
#[derive(Debug, Clone)]
pub struct EmployeeEntry {
    pub common: EntryCommon,
    pub email: EmailAddress,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub language: Language,
    pub is_admin: bool,
    /// The values of the message a login of no company receives when it is invited to join
    /// (who invites, which company).
    pub invitation_params: serde_json::Value,
}

/// A technical user: a login that cannot sign in, identified by `identifier`, and its key.
#[derive(Debug, Clone)]
pub struct TechnicalEntry {
    pub common: EntryCommon,
    pub name: PersonName,
    /// A unique address-shaped identifier under the reserved `.invalid` domain: technical
    /// users receive no e-mail and cannot sign in.
    pub identifier: EmailAddress,
    pub key_prefix: String,
    pub key_hash: Secret,
}

/// The result of an employee entry.
#[derive(Debug, Clone)]
pub struct EnteredEmployee {
    pub right: UserRight,
    pub user: User,
    /// True when the login has no password yet: created now, or an unconfirmed registration
    /// of this address replaced; the employee sets one through an e-mailed link.
    pub login_created: bool,
}

async fn new_right_in(
    tx: &mut Tx,
    common: &EntryCommon,
    user_id: UserId,
    right_type: RightType,
    is_admin: bool,
    origin: RightOrigin,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<UserRight> {
    let new = NewRight {
        company_id: common.company_id,
        user_id,
        right_type,
        is_admin,
        origin,
        remark: common.remark.clone(),
        end_date: common.end_date,
        created_by_user_id: Some(common.entered_by),
    };
    let state = RightState::initial(right_type, origin).map_err(StoreError::invalid)?;
    let actor = Actor::user(common.entered_by, common.company_id);
    let right = insert_right_in(tx, &new, state, &actor, at).await?;
    match common.grants_from {
        Some(GrantSource::Right(source)) => copy_grants_in(tx, source, &right, &actor).await?,
        Some(GrantSource::Template(template)) => {
            let wanted = template_grants_in(tx, template, right.company_id).await?;
            set_first_grants_in(tx, &right, &wanted, &actor).await?
        }
        None => {}
    }
    Ok(right)
}

async fn insert_login_in(tx: &mut Tx, email: &EmailAddress, first: &str, last: &str, language: Language, company_id: CompanyId) -> Result<UserId> {
    with_tx!(tx, |c| sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, password_hash, language, home_company_id, created_at) \
         VALUES ($1, $2, $3, NULL, $4, $5, $6) RETURNING id"
    )
    .bind(email.as_str())
    .bind(first)
    .bind(last)
    .bind(language.code())
    .bind(company_id)
    .bind(real_time())
    .fetch_one(c)
    .await)
    .map_err(dup("user.email"))
}

/// The stored form of a technical user's API key: hex SHA-256. The key is 96 random bits
/// and more, so a fast hash suffices and lets the prefix lookup verify it in one step.
pub fn hash_api_key(key: &str) -> String {
    hex_sha256(key)
}

/// A technical user's new API key: `cck_<prefix>_<secret>`; the prefix finds the key, the
/// SHA-256 of the whole key (high entropy, so no slow hash is needed) verifies it.
pub struct NewApiKey {
    pub prefix: String,
    /// Shown once to the administrator, never stored.
    pub clear: String,
}

impl NewApiKey {
    pub fn generate() -> Self {
        let prefix = random_token(4);
        let clear = format!("cck_{prefix}_{}", random_token(24));
        NewApiKey { prefix, clear }
    }

    pub fn hash(&self) -> Secret {
        Secret::new(hash_api_key(&self.clear))
    }
}

impl std::fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKey").field("prefix", &self.prefix).field("clear", &"<redacted>").finish()
    }
}

/// The prefix of a presented key, when it has the shape of a generated one; only that ever
/// reaches the database (no NUL, no giant strings).
pub fn api_key_prefix(key: &str) -> Option<&str> {
    let (prefix, _) = key.strip_prefix("cck_")?.split_once('_')?;
    (!prefix.is_empty() && prefix.len() <= 32 && prefix.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(prefix)
}

/// `message` with the right it is about in its parameters.
fn about_right(message: &NewMessage, right: &UserRight) -> NewMessage {
    let mut message = message.clone();
    if let Some(params) = message.params.as_object_mut() {
        params.insert("right_id".into(), right.id.into());
        if let Some(answer_by) = right.answer_by {
            params.insert("answer_by".into(), answer_by.to_rfc3339().into());
        }
    }
    message
}

impl Store {
    /// Invites a provider: a pending right awaiting the provider, the copied authorizations
    /// if asked, and the provider's message naming the right (`right_id`, which its link
    /// opens) — one transaction.
    pub async fn enter_provider(&self, entry: &ProviderEntry) -> Result<UserRight> {
        let mut tx = self.begin().await?;
        let right = new_right_in(&mut tx, &entry.common, entry.provider_user_id, RightType::Provider, false, RightOrigin::Invitation, self.now()).await?;
        create_message_in(&mut tx, &about_right(&entry.message, &right)).await?;
        tx.commit().await?;
        Ok(right)
    }

    /// Enters an employee. A login with this e-mail that belongs to another company is
    /// refused (`rights.login_of_another_company`). A confirmed login of no company is its
    /// owner's: it is invited to join (a pending right awaiting its answer, and the message
    /// naming it) and joins only when it accepts. A registration of this address that was
    /// never confirmed may be anybody's: it is replaced by the administrator's entry (names,
    /// no password, its confirmation links dead), and the employee sets a password through
    /// the link sent to the address.
    pub async fn enter_employee(&self, entry: &EmployeeEntry) -> Result<EnteredEmployee> {
        let company_id = entry.common.company_id;
        let actor = Actor::user(entry.common.entered_by, company_id);
        let mut tx = self.begin().await?;
        let existing: Option<(i64, Option<i64>, Option<DateTime<Utc>>)> =
            with_tx!(&mut tx, |c| sqlx::query_as("SELECT id, home_company_id, email_verified_at FROM users WHERE email = $1")
                .bind(entry.email.as_str())
                .fetch_optional(c)
                .await)?;
        // The login, whether it was created now, and whether its right is an invitation to join.
        let (user_id, login_created, origin) = match existing {
            Some((_, Some(home), _)) if home != company_id => {
                return Err(StoreError::invalid(RightRuleError::LoginOfAnotherCompany));
            }
            Some((id, Some(_), _)) => (id, false, RightOrigin::Direct),
            Some((id, None, None)) => {
                with_tx!(&mut tx, |c| sqlx::query(
                    "UPDATE users SET home_company_id = $2, first_name = $3, last_name = $4, password_hash = NULL \
                     WHERE id = $1 AND home_company_id IS NULL"
                )
                .bind(id)
                .bind(company_id)
                .bind(entry.first_name.as_str())
                .bind(entry.last_name.as_str())
                .execute(c)
                .await
                .map(|_| ()))?;
                with_tx!(&mut tx, |c| sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND used_at IS NULL").bind(id).execute(c).await.map(|_| ()))?;
                with_tx!(&mut tx, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(c).await.map(|_| ()))?;
                audit_in(
                    &mut tx,
                    &AuditEntry::new(&actor, Some(company_id), AuditAction::UserJoin, format!("user:{id}"))
                        .after(serde_json::json!({ "unconfirmed_registration_replaced": true })),
                )
                .await?;
                (id, true, RightOrigin::Direct)
            }
            Some((id, None, Some(_))) => (id, false, RightOrigin::Invitation),
            None => {
                let id = insert_login_in(&mut tx, &entry.email, entry.first_name.as_str(), entry.last_name.as_str(), entry.language, company_id).await?;
                audit_in(&mut tx, &AuditEntry::new(&actor, Some(company_id), AuditAction::UserCreate, format!("user:{id}"))).await?;
                (id, true, RightOrigin::Direct)
            }
        };
        let right = new_right_in(&mut tx, &entry.common, user_id, RightType::Employee, entry.is_admin, origin, self.now()).await?;
        if origin == RightOrigin::Invitation {
            let message = NewMessage {
                recipient_user_id: user_id,
                company_id: Some(company_id),
                kind: MessageKind::EmployeeInvitation,
                params: entry.invitation_params.clone(),
            };
            create_message_in(&mut tx, &about_right(&message, &right)).await?;
        }
        tx.commit().await?;
        let user = self.user(user_id).await?;
        Ok(EnteredEmployee { right, user, login_created })
    }

    /// Enters a technical user with its API key (only the key's hash is stored).
    pub async fn enter_technical(&self, entry: &TechnicalEntry) -> Result<UserRight> {
        let company_id = entry.common.company_id;
        let mut tx = self.begin().await?;
        let user_id = insert_login_in(&mut tx, &entry.identifier, "", entry.name.as_str(), Language::Fr, company_id).await?;
        let right = new_right_in(&mut tx, &entry.common, user_id, RightType::Technical, false, RightOrigin::Direct, self.now()).await?;
        with_tx!(&mut tx, |c| sqlx::query("INSERT INTO api_keys (right_id, key_hash, prefix, label, created_at) VALUES ($1, $2, $3, NULL, $4)")
            .bind(right.id)
            .bind(entry.key_hash.expose())
            .bind(&entry.key_prefix)
            .bind(real_time())
            .execute(c)
            .await
            .map(|_| ()))
        .map_err(dup("api_key"))?;
        tx.commit().await?;
        Ok(right)
    }

    /// A provider asks a company for access: a right pending the principal's decision and
    /// the messages to the company's administrators, in one transaction. At most
    /// `max_open` requests of one login may wait at once (`rights.too_many_requests`).
    pub async fn request_provider_access(&self, new: &NewRight, notify: &[NewMessage], max_open: i64) -> Result<UserRight> {
        let mut tx = self.begin().await?;
        if super::requests::open_requests_in(&mut tx, new.user_id).await? >= max_open {
            return Err(StoreError::invalid(RightRuleError::TooManyRequests));
        }
        let state = RightState::initial(RightType::Provider, RightOrigin::Request).map_err(StoreError::invalid)?;
        let actor = Actor { user_id: Some(new.user_id), acting_company_id: None };
        let right = insert_right_in(&mut tx, new, state, &actor, self.now()).await?;
        for message in notify {
            create_message_in(&mut tx, message).await?;
        }
        tx.commit().await?;
        Ok(right)
    }

    /// "Renvoyer": a pending invitation is due again within the company's invitation lifetime
    /// from now ("right.resend"); one that lapsed unanswered is pending again, as new
    /// ("right.reinvite"). The provider gets the message again, naming the right and its new
    /// answer-by time; one transaction.
    pub async fn resend_invitation(&self, right_id: RightId, message: &NewMessage, actor: &Actor) -> Result<UserRight> {
        let mut tx = self.begin().await?;
        let before = super::rights::right_in(&mut tx, right_id).await?;
        let at = self.now();
        let after = if before.origin == RightOrigin::Invitation && before.awaiting == Some(Awaiting::Provider) {
            super::rights::renew_in(&mut tx, &before, AuditAction::RightResend, actor, at).await?
        } else if before.is_lapsed_invitation() {
            let state = before.next_state(Transition::Reinvite, Party::Principal, at).map_err(StoreError::invalid)?;
            super::rights::write_state_in(&mut tx, &before, state, false, AuditAction::RightReinvite, actor, at).await?
        } else {
            return Err(StoreError::invalid(LifecycleError::NotPending));
        };
        create_message_in(&mut tx, &about_right(message, &after)).await?;
        tx.commit().await?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_key_is_stored_as_its_sha256_only() {
        let key = NewApiKey::generate();
        assert!(key.clear.starts_with(&format!("cck_{}_", key.prefix)));
        assert_eq!(key.hash().expose().len(), 64);
        assert!(!key.hash().expose().contains(&key.clear));
        assert_eq!(api_key_prefix(&key.clear), Some(key.prefix.as_str()), "the prefix finds the key again");
        assert_eq!(api_key_prefix("cck_../_x"), None);
        assert_eq!(hash_api_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
