//! The store's records. Public types carry domain types; `*Row` types are what SQL returns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::*;
use crate::store::{PasswordHash, StoreError};

/// A secret string (TOTP secret, API key hash): never serialized, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

fn corrupt(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(Box::new(e)))
}

// ------------------------------------------------------------------ companies

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: CompanyId,
    pub customer_number: String,
    pub name: String,
    pub language: Language,
    /// How long its invitations and the requests made to it wait for an answer.
    pub invitation_lifetime: InvitationLifetime,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CompanyRow {
    id: i64,
    customer_number: String,
    name: String,
    language: String,
    invitation_days: i32,
    created_at: DateTime<Utc>,
}

impl TryFrom<CompanyRow> for Company {
    type Error = StoreError;
    fn try_from(r: CompanyRow) -> Result<Self, StoreError> {
        Ok(Company {
            id: r.id,
            customer_number: r.customer_number,
            name: r.name,
            language: Language::parse(&r.language).map_err(corrupt)?,
            invitation_lifetime: InvitationLifetime::from_days(r.invitation_days.into()).map_err(corrupt)?,
            created_at: r.created_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewCompany {
    pub customer_number: CustomerNumber,
    pub name: String,
    pub language: Language,
}

// ------------------------------------------------------------------ users

/// A login. Secrets (password hash, TOTP secret) are in [`Credentials`], not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: Language,
    pub home_company_id: Option<CompanyId>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub totp_enabled: bool,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub email_notifications: bool,
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    home_company_id: Option<i64>,
    last_login_at: Option<DateTime<Utc>>,
    totp_enabled: bool,
    email_verified_at: Option<DateTime<Utc>>,
    email_notifications: bool,
    has_password: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            language: Language::parse(&r.language).map_err(corrupt)?,
            home_company_id: r.home_company_id,
            last_login_at: r.last_login_at,
            totp_enabled: r.totp_enabled,
            email_verified_at: r.email_verified_at,
            email_notifications: r.email_notifications,
            has_password: r.has_password,
            created_at: r.created_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: EmailAddress,
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// Already hashed (see [`crate::store::hash_password`]); `None` = cannot sign in with a password.
    pub password_hash: Option<PasswordHash>,
    pub language: Language,
    pub home_company_id: Option<CompanyId>,
}

/// A login's secrets: not serializable, redacted in `Debug`.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: UserId,
    pub password_hash: Option<PasswordHash>,
    pub totp_secret: Option<Secret>,
    pub totp_enabled: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CredentialsRow {
    pub id: i64,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
}

impl From<CredentialsRow> for Credentials {
    fn from(r: CredentialsRow) -> Self {
        Credentials {
            user_id: r.id,
            password_hash: r.password_hash.map(PasswordHash::from_phc),
            totp_secret: r.totp_secret.map(Secret),
            totp_enabled: r.totp_enabled,
        }
    }
}

// ------------------------------------------------------------------ rights

/// One login's right on one company.
/// A reminder due about a right, and the date it is about (the invitation's answer-by time in
/// RFC 3339, or the end date `yyyy-mm-dd`): once sent, it is not sent again about that date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub reminder: Reminder,
    pub about: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRight {
    pub id: RightId,
    pub company_id: CompanyId,
    pub user_id: UserId,
    pub right_type: RightType,
    pub is_admin: bool,
    pub status: RightStatus,
    pub awaiting: Option<Awaiting>,
    pub remark: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub origin: RightOrigin,
    pub created_by_user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// While pending: when it lapses unanswered (the company's invitation lifetime after it
    /// was sent, or last renewed). Kept afterwards as the date it was due.
    pub answer_by: Option<DateTime<Utc>>,
    /// Optimistic concurrency: pass it back to change the right.
    pub version: i64,
}

impl UserRight {
    pub fn state(&self) -> RightState {
        RightState::new(self.status, self.awaiting)
    }

    /// Until when a pending right can be answered; `None` once it is no longer pending (its
    /// `answer_by` then only records when it was due).
    pub fn answer_due(&self) -> Option<DateTime<Utc>> {
        self.answer_by.filter(|_| self.status == RightStatus::Pending)
    }

    /// Pending and past its answer-by time at `now`: it can no longer be accepted, and the
    /// housekeeping expires it.
    pub fn lapsed_at(&self, now: DateTime<Utc>) -> bool {
        self.answer_due().is_some_and(|t| t <= now)
    }

    /// The state `transition` done `by` a party leads to at `now`: the lifecycle's, except
    /// that a lapsed pending right can no longer be accepted (refusing or withdrawing it
    /// still ends it). Accepting an invitation the housekeeping already expired gets the same
    /// answer, so that a page left open says why, not only that it cannot.
    pub fn next_state(&self, transition: Transition, by: Party, now: DateTime<Utc>) -> Result<RightState, LifecycleError> {
        if transition == Transition::Accept && (self.lapsed_at(now) || self.is_lapsed_invitation()) {
            return Err(LifecycleError::Lapsed);
        }
        self.state().apply(transition, by)
    }

    /// A login of no company invited to join as an employee: it belongs to the company only
    /// while this right, which it accepted, is in force.
    pub fn joins_by_consent(&self) -> bool {
        self.right_type == RightType::Employee && self.origin == RightOrigin::Invitation
    }

    /// May login `user_id` answer this right (accept, refuse, resign, withdraw, see it as its
    /// invitation)? Its own provider right, or its own invitation to join as an employee; a
    /// right the company entered directly for its employee is the company's to change.
    pub fn answered_by(&self, user_id: UserId) -> bool {
        self.user_id == user_id && (self.right_type == RightType::Provider || self.joins_by_consent())
    }

    /// An invitation that lapsed unanswered (never accepted nor refused): "Renvoyer" sends it
    /// again.
    pub fn is_lapsed_invitation(&self) -> bool {
        self.origin == RightOrigin::Invitation && self.status == RightStatus::Expired && self.decided_at.is_none()
    }

    /// A provider's request its company has not answered: pending, withdrawn or lapsed, but
    /// never accepted nor refused. Its requester is shown the customer number it typed, never
    /// the company's name nor what it grants, as for a number no company has.
    pub fn unanswered_request(&self) -> bool {
        self.origin == RightOrigin::Request && self.decided_at.is_none()
    }

    /// Who ended this right, `None` while it has not ended: the principal revokes, cancels its
    /// invitation and refuses a request; the provider resigns, refuses an invitation and
    /// withdraws its request; the system expires. What the provider's page of an ended
    /// right says.
    pub fn ended_by(&self) -> Option<Party> {
        let asked = self.origin == RightOrigin::Request;
        match self.status {
            RightStatus::Resigned => Some(Party::Provider),
            RightStatus::Expired => Some(Party::System),
            RightStatus::Refused => Some(if asked { Party::Principal } else { Party::Provider }),
            RightStatus::Revoked => Some(if asked && self.decided_at.is_none() { Party::Provider } else { Party::Principal }),
            RightStatus::Pending | RightStatus::Active | RightStatus::Suspended => None,
        }
    }

    /// How offboarding its provider company ends this pending, active or suspended right: an
    /// active or suspended right is revoked, an invitation cancelled, and a request, which the
    /// principal cannot cancel, refused.
    pub fn offboarding_transition(&self) -> Transition {
        match (self.status, self.awaiting) {
            (RightStatus::Active | RightStatus::Suspended, _) => Transition::Revoke,
            (_, Some(Awaiting::Principal)) => Transition::Refuse,
            _ => Transition::Cancel,
        }
    }

    /// The reminder due about this right at `now`, if any: a provider's pending invitation
    /// within 3 days of lapsing; a provider's active right 30, 7 or 1 days (or fewer) before
    /// its end date, the nearest of them only (a right given with an end date 5 days away gets
    /// the 7-day reminder, not the 30-day one as well). Whether it was sent already is the
    /// store's to know ([`Store::record_reminder`](crate::store::Store::record_reminder)). A
    /// suspended right is not reminded: it gives no access to lose until it is resumed.
    pub fn reminder_due(&self, now: DateTime<Utc>) -> Option<DueReminder> {
        if self.right_type != RightType::Provider {
            return None;
        }
        match (self.status, self.awaiting) {
            (RightStatus::Pending, Some(Awaiting::Provider)) => {
                let due = self.answer_due()?;
                (now < due && due - now <= chrono::Duration::days(Reminder::ANSWER_DAYS_BEFORE))
                    .then(|| DueReminder { reminder: Reminder::AnswerSoon, about: due.to_rfc3339() })
            }
            (RightStatus::Active, _) => {
                let end = self.end_date?;
                let left = (end - super::calendar_date(now)).num_days();
                if left < 0 {
                    return None;
                }
                Reminder::BEFORE_END.iter().find(|(days, _)| left <= *days).map(|(_, reminder)| DueReminder { reminder: *reminder, about: end.to_string() })
            }
            _ => None,
        }
    }

    /// The end date `extension` gives this right on `today`: only a pending, active or
    /// suspended right with an end date is extended, and only to a later date.
    pub fn extended_end(&self, extension: Extension, today: NaiveDate) -> Result<NaiveDate, ExtensionError> {
        if self.status.is_ended() {
            return Err(ExtensionError::Ended);
        }
        extension.new_end(self.end_date.ok_or(ExtensionError::NoEndDate)?, today)
    }

    /// Active and not past its end date (inclusive) on `today`.
    pub fn grants_access_on(&self, today: NaiveDate) -> bool {
        self.status.grants_access() && self.end_date.is_none_or(|d| d >= today)
    }

    /// An administrator of its company on `today`: an employee's right (a provider never
    /// administers the principal's rights) with the administrator flag, granting access.
    pub fn administers_on(&self, today: NaiveDate) -> bool {
        self.right_type == RightType::Employee && self.is_admin && self.grants_access_on(today)
    }

    /// Counts for the seed's star on its login's rights at other companies (the rights list, a
    /// right's page): a provider right or an administrator's right, granting access on `today`.
    pub fn stars_elsewhere_on(&self, today: NaiveDate) -> bool {
        (self.right_type == RightType::Provider && self.grants_access_on(today)) || self.administers_on(today)
    }

    /// An administrator of its company today and on every day after (no end date): the
    /// last-administrator rule keeps one such right, so that no end date, suspension or end
    /// of a right leaves the company without an administrator tomorrow or any later day.
    pub fn administers_for_good(&self, today: NaiveDate) -> bool {
        self.administers_on(today) && self.end_date.is_none()
    }

    /// May this right's login act for its company on `today`, through `grant`, on the grant's
    /// online service: for `debtor`, or for the service as such when `None`? Only an active
    /// right within its end date, through one of its own grants, on a service the company
    /// still subscribes to (`subscribed`), for a debtor the grant names (or all of them). The
    /// rule the SQL of [`Store::may_act_on`](crate::store::Store::may_act_on) applies (the
    /// store's contract tests check that both agree).
    pub fn may_act_through(&self, grant: &ServiceGrant, subscribed: bool, debtor: Option<DebtorId>, today: NaiveDate) -> bool {
        let covers = |d: DebtorId| grant.all_debtors || grant.debtor_ids.contains(&d);
        grant.right_id == self.id && subscribed && self.grants_access_on(today) && debtor.is_none_or(covers)
    }
}

/// A login's request for provider access to a customer number that no company has. Its
/// requester sees it, withdraws it and sees it lapse exactly like a request a company has not
/// answered yet ([`UserRight::unanswered_request`]): asking never tells whether a number
/// belongs to a company. Its id comes from the rights' own sequence, so that one id names one
/// request whichever table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedRequest {
    pub id: RightId,
    pub user_id: UserId,
    pub customer_number: String,
    /// Pending, then revoked (withdrawn) or expired: nobody else ever answers it.
    pub status: RightStatus,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When it lapses, as a request to a company would: the product's default lifetime.
    pub answer_by: DateTime<Utc>,
}

impl UnmatchedRequest {
    /// Until when it waits, while pending.
    pub fn answer_due(&self) -> Option<DateTime<Utc>> {
        (self.status == RightStatus::Pending).then_some(self.answer_by)
    }

    /// Its place in the rights' lifecycle: while pending, it awaits the principal.
    pub fn state(&self) -> RightState {
        RightState::new(self.status, (self.status == RightStatus::Pending).then_some(Awaiting::Principal))
    }

    /// Who ended it, `None` while pending: its requester withdrew it, or the system let it
    /// lapse (as [`UserRight::ended_by`] says of a request no company answered).
    pub fn ended_by(&self) -> Option<Party> {
        match self.status {
            RightStatus::Pending => None,
            RightStatus::Expired => Some(Party::System),
            _ => Some(Party::Provider),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnmatchedRequestRow {
    id: i64,
    user_id: i64,
    customer_number: String,
    status: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    answer_by: DateTime<Utc>,
}

impl TryFrom<UnmatchedRequestRow> for UnmatchedRequest {
    type Error = StoreError;
    fn try_from(r: UnmatchedRequestRow) -> Result<Self, StoreError> {
        Ok(UnmatchedRequest {
            id: r.id,
            user_id: r.user_id,
            customer_number: r.customer_number,
            status: RightStatus::parse(&r.status).map_err(corrupt)?,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            answer_by: r.answer_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RightRow {
    id: i64,
    company_id: i64,
    user_id: i64,
    right_type: String,
    is_admin: bool,
    status: String,
    awaiting: Option<String>,
    remark: Option<String>,
    end_date: Option<NaiveDate>,
    origin: String,
    created_by_user_id: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    answer_by: Option<DateTime<Utc>>,
    version: i64,
}

impl TryFrom<RightRow> for UserRight {
    type Error = StoreError;
    fn try_from(r: RightRow) -> Result<Self, StoreError> {
        Ok(UserRight {
            id: r.id,
            company_id: r.company_id,
            user_id: r.user_id,
            right_type: RightType::parse(&r.right_type).map_err(corrupt)?,
            is_admin: r.is_admin,
            status: RightStatus::parse(&r.status).map_err(corrupt)?,
            awaiting: r.awaiting.as_deref().map(Awaiting::parse).transpose().map_err(corrupt)?,
            remark: r.remark,
            end_date: r.end_date,
            origin: RightOrigin::parse(&r.origin).map_err(corrupt)?,
            created_by_user_id: r.created_by_user_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            decided_at: r.decided_at,
            answer_by: r.answer_by,
            version: r.version,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewRight {
    pub company_id: CompanyId,
    pub user_id: UserId,
    pub right_type: RightType,
    pub is_admin: bool,
    /// Decides the initial state (see [`RightState::initial`]).
    pub origin: RightOrigin,
    pub remark: Remark,
    pub end_date: Option<NaiveDate>,
    pub created_by_user_id: Option<UserId>,
}

impl NewRight {
    /// A company's own staff member (employee or administrator), entered directly: active at
    /// once, no remark, no end date, entered by the system.
    pub fn employee(company_id: CompanyId, user_id: UserId, is_admin: bool) -> Self {
        NewRight {
            company_id,
            user_id,
            right_type: RightType::Employee,
            is_admin,
            origin: RightOrigin::Direct,
            remark: Remark::default(),
            end_date: None,
            created_by_user_id: None,
        }
    }
}

/// Changes an admin may make to a right besides its status.
#[derive(Debug, Clone)]
pub struct RightChanges {
    pub is_admin: bool,
    pub remark: Remark,
    pub end_date: Option<NaiveDate>,
}

/// A line of the rights list of a company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightListItem {
    pub right: UserRight,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub home_company_id: Option<CompanyId>,
    pub home_company_name: Option<String>,
    /// The star: the login also holds, on another company, a provider or administrator right
    /// granting access today ([`UserRight::stars_elsewhere_on`]).
    pub has_rights_elsewhere: bool,
}

impl RightListItem {
    /// "Léa Berger"; empty for a login without a name (a technical user has only a last name).
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_string()
    }
}

/// A provider company whose logins hold pending, active or suspended provider rights on a company, and
/// how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCompanyRights {
    pub company_id: CompanyId,
    pub name: String,
    pub rights: i64,
}

/// A right of a user, with the company it is on (for "My rights", the company selector…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightWithCompany {
    pub right: UserRight,
    pub company_name: String,
    pub customer_number: String,
    /// True when the company is the user's home company.
    pub is_home_company: bool,
}

impl RightWithCompany {
    /// Held by a provider: a provider right on a company other than the login's own, through
    /// which it acts for that company (the one reading of "acting as a provider").
    pub fn held_as_provider(&self) -> bool {
        self.right.right_type == RightType::Provider && !self.is_home_company
    }
}

/// Sort column of the rights list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RightSort {
    #[default]
    LastName,
    FirstName,
    Email,
    Company,
    Role,
    Status,
    CreatedAt,
}

/// Search, filter, sort and page the rights list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightQuery {
    /// Case-insensitive substring of e-mail, first name, last name or home company name.
    pub search: Option<String>,
    pub right_type: Option<RightType>,
    pub status: Option<RightStatus>,
    pub sort: RightSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Default for RightQuery {
    fn default() -> Self {
        RightQuery { search: None, right_type: None, status: None, sort: RightSort::LastName, descending: false, limit: 50, offset: 0 }
    }
}

/// One page of results and the total number of matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

// ------------------------------------------------------------------ api keys

/// A technical user's API key (only its hash is stored).
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: i64,
    pub right_id: RightId,
    pub key_hash: Secret,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    pub id: i64,
    pub right_id: i64,
    pub key_hash: String,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            id: r.id,
            right_id: r.right_id,
            key_hash: Secret(r.key_hash),
            prefix: r.prefix,
            label: r.label,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        }
    }
}

// ------------------------------------------------------------------ services, debtors, grants

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Service {
    pub id: ServiceId,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Debtor {
    pub id: DebtorId,
    pub company_id: CompanyId,
    pub debtor_number: String,
    pub name: String,
}

/// What to grant on one service: all debtors, or the listed ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantSpec {
    pub service_id: ServiceId,
    pub all_debtors: bool,
    pub debtor_ids: Vec<DebtorId>,
}

/// A permission template: a named set of service authorizations of one company ("Comptabilité
/// — débiteurs Suisse romande"), copied into a right when applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantTemplate {
    pub id: TemplateId,
    pub company_id: CompanyId,
    pub name: String,
    /// By service; debtors sorted, empty for all debtors.
    pub grants: Vec<GrantSpec>,
}

/// A right's access to one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceGrant {
    pub id: i64,
    pub right_id: RightId,
    pub service_id: ServiceId,
    pub service_code: String,
    pub service_name: String,
    pub all_debtors: bool,
    /// Sorted; empty when `all_debtors`.
    pub debtor_ids: Vec<DebtorId>,
}

impl ServiceGrant {
    pub fn spec(&self) -> GrantSpec {
        GrantSpec { service_id: self.service_id, all_debtors: self.all_debtors, debtor_ids: self.debtor_ids.clone() }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct GrantRow {
    pub id: i64,
    pub right_id: i64,
    pub service_id: i64,
    pub service_code: String,
    pub service_name: String,
    pub all_debtors: bool,
}

// ------------------------------------------------------------------ messages

/// An in-app message. Its `kind` and `params` are written in the reader's language by the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub recipient_user_id: UserId,
    pub company_id: Option<CompanyId>,
    pub company_name: Option<String>,
    pub kind: MessageKind,
    pub params: serde_json::Value,
    pub received_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub id: i64,
    pub recipient_user_id: i64,
    pub company_id: Option<i64>,
    pub company_name: Option<String>,
    pub kind: String,
    pub params: String,
    pub received_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;
    fn try_from(r: MessageRow) -> Result<Self, StoreError> {
        Ok(Message {
            id: r.id,
            recipient_user_id: r.recipient_user_id,
            company_id: r.company_id,
            company_name: r.company_name,
            kind: MessageKind::parse(&r.kind).map_err(corrupt)?,
            params: serde_json::from_str(&r.params).map_err(corrupt)?,
            received_at: r.received_at,
            read_at: r.read_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub recipient_user_id: UserId,
    pub company_id: Option<CompanyId>,
    pub kind: MessageKind,
    pub params: serde_json::Value,
}

// ------------------------------------------------------------------ products, orders, invoices

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ContractProduct {
    pub id: i64,
    pub company_id: CompanyId,
    pub code: String,
    pub name: String,
    pub unit_price_cents: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderLine {
    pub product_id: i64,
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder {
    pub company_id: CompanyId,
    pub debtor_id: DebtorId,
    pub placed_by_user_id: UserId,
    /// The right under which the order was placed (provider orders are "on behalf of").
    pub right_id: Option<RightId>,
    pub reference: Option<String>,
    pub lines: Vec<NewOrderLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct OrderLine {
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub product_code: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: i64,
    pub company_id: CompanyId,
    pub debtor_id: DebtorId,
    pub debtor_number: String,
    pub placed_by_user_id: UserId,
    pub placed_by_name: String,
    pub placed_by_email: String,
    /// The placer's home company, when it is not the ordering company (a provider).
    pub placed_by_company_name: Option<String>,
    pub right_id: Option<RightId>,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<OrderLine>,
    pub total_cents: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrderRow {
    pub id: i64,
    pub company_id: i64,
    pub debtor_id: i64,
    pub debtor_number: String,
    pub placed_by_user_id: i64,
    pub placed_by_first_name: String,
    pub placed_by_last_name: String,
    pub placed_by_email: String,
    pub placed_by_company_id: Option<i64>,
    pub placed_by_company_name: Option<String>,
    pub right_id: Option<i64>,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Invoice {
    pub id: i64,
    pub company_id: CompanyId,
    pub debtor_id: DebtorId,
    pub debtor_number: String,
    pub number: String,
    pub amount_cents: i64,
    pub issued_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub status: InvoiceStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvoice {
    pub company_id: CompanyId,
    pub debtor_id: DebtorId,
    pub number: String,
    pub amount_cents: i64,
    pub issued_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub status: InvoiceStatus,
}

// ------------------------------------------------------------------ audit

/// Who does something: the signed-in user and the company they act for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub acting_company_id: Option<CompanyId>,
}

impl Actor {
    pub fn user(user_id: UserId, acting_company_id: CompanyId) -> Self {
        Actor { user_id: Some(user_id), acting_company_id: Some(acting_company_id) }
    }
    /// A login acting on itself, for no company (its sign-in, password, e-mail, two-step).
    pub fn login(user_id: UserId) -> Self {
        Actor { user_id: Some(user_id), acting_company_id: None }
    }
    /// The system (expiry job, demo seed).
    pub fn system() -> Self {
        Actor::default()
    }
}

/// An entry to append to the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub actor_user_id: Option<UserId>,
    pub acting_company_id: Option<CompanyId>,
    /// The company concerned (whose admins can read the entry).
    pub company_id: Option<CompanyId>,
    pub action: AuditAction,
    /// E.g. "right:42", "user:7".
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEntry {
    pub fn new(actor: &Actor, company_id: Option<CompanyId>, action: AuditAction, target: impl Into<String>) -> Self {
        AuditEntry {
            actor_user_id: actor.user_id,
            acting_company_id: actor.acting_company_id,
            company_id,
            action,
            target: target.into(),
            before: None,
            after: None,
        }
    }
    pub fn before(mut self, v: impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }
    pub fn after(mut self, v: impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub acting_company_id: Option<CompanyId>,
    pub company_id: Option<CompanyId>,
    pub action: AuditAction,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<String>,
    pub acting_company_id: Option<i64>,
    pub company_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> Result<Self, StoreError> {
        let json = |s: Option<String>| s.map(|s| serde_json::from_str(&s)).transpose().map_err(corrupt);
        Ok(AuditRecord {
            id: r.id,
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor_email: r.actor_email,
            acting_company_id: r.acting_company_id,
            company_id: r.company_id,
            action: AuditAction::parse(&r.action).map_err(corrupt)?,
            target: r.target,
            before: json(r.before)?,
            after: json(r.after)?,
        })
    }
}

// ------------------------------------------------------------------ outbox

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn right(right_type: RightType, is_admin: bool, status: RightStatus) -> UserRight {
        UserRight {
            id: 1,
            company_id: 1,
            user_id: 7,
            right_type,
            is_admin,
            status,
            awaiting: None,
            remark: None,
            end_date: None,
            origin: RightOrigin::Direct,
            created_by_user_id: None,
            created_at: crate::store::real_time(),
            updated_at: crate::store::real_time(),
            decided_at: None,
            answer_by: None,
            version: 1,
        }
    }

    #[test]
    fn a_login_answers_its_own_provider_rights_and_invitations_to_join_but_not_what_its_company_entered() {
        let provider = right(RightType::Provider, false, RightStatus::Pending);
        assert!(provider.answered_by(7));
        assert!(!provider.answered_by(8), "another login's right");
        let entered = right(RightType::Employee, false, RightStatus::Active);
        assert!(!entered.answered_by(7), "an employee right the company entered");
        let invited_to_join = UserRight { origin: RightOrigin::Invitation, ..entered.clone() };
        assert!(invited_to_join.answered_by(7));
        assert!(!invited_to_join.answered_by(8));
    }

    #[test]
    fn a_provider_right_is_held_as_a_provider_only_on_another_company_than_the_login_s_own() {
        let on = |right_type, is_home_company| RightWithCompany {
            right: right(right_type, false, RightStatus::Active),
            company_name: "Logistique Alpine SA".into(),
            customer_number: "100300".into(),
            is_home_company,
        };
        assert!(on(RightType::Provider, false).held_as_provider());
        assert!(!on(RightType::Provider, true).held_as_provider(), "on its own company");
        assert!(!on(RightType::Employee, false).held_as_provider(), "an employee right");
        assert!(!on(RightType::Employee, true).held_as_provider());
    }

    #[test]
    fn an_ended_right_names_who_ended_it() {
        let ended = |status, origin, decided: bool| {
            let mut r = right(RightType::Provider, false, status);
            r.origin = origin;
            r.decided_at = decided.then(crate::store::real_time);
            r.ended_by()
        };
        use RightOrigin::{Invitation, Request};
        assert_eq!(ended(RightStatus::Revoked, Invitation, true), Some(Party::Principal), "revoked");
        assert_eq!(ended(RightStatus::Revoked, Invitation, false), Some(Party::Principal), "an invitation cancelled");
        assert_eq!(ended(RightStatus::Revoked, Request, false), Some(Party::Provider), "a request withdrawn");
        assert_eq!(ended(RightStatus::Revoked, Request, true), Some(Party::Principal), "a granted request revoked");
        assert_eq!(ended(RightStatus::Refused, Invitation, true), Some(Party::Provider), "an invitation refused");
        assert_eq!(ended(RightStatus::Refused, Request, true), Some(Party::Principal), "a request refused");
        assert_eq!(ended(RightStatus::Resigned, Invitation, true), Some(Party::Provider));
        assert_eq!(ended(RightStatus::Expired, Request, false), Some(Party::System));
        for open in [RightStatus::Pending, RightStatus::Active, RightStatus::Suspended] {
            assert_eq!(ended(open, Invitation, true), None, "{open:?} has not ended");
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn offboarding_revokes_an_access_cancels_an_invitation_and_refuses_a_request() {
        let active = right(RightType::Provider, false, RightStatus::Active);
        let invitation = UserRight { awaiting: Some(Awaiting::Provider), ..right(RightType::Provider, false, RightStatus::Pending) };
        let request = UserRight { awaiting: Some(Awaiting::Principal), ..invitation.clone() };
        assert_eq!(active.offboarding_transition(), Transition::Revoke);
        assert_eq!(invitation.offboarding_transition(), Transition::Cancel);
        assert_eq!(request.offboarding_transition(), Transition::Refuse);
        for r in [active, invitation, request] {
            assert!(r.state().apply(r.offboarding_transition(), Party::Principal).is_ok(), "the principal may end {r:?}");
        }
    }

    fn provider_ending(end: &str) -> UserRight {
        UserRight { end_date: Some(end.parse().unwrap()), ..right(RightType::Provider, false, RightStatus::Active) }
    }

    fn reminder(r: &UserRight, now: &str) -> Option<(Reminder, String)> {
        r.reminder_due(at(now)).map(|due| (due.reminder, due.about))
    }

    #[test]
    fn a_pending_invitation_is_reminded_in_its_last_three_days_only() {
        let invitation = invitation_due(at("2026-12-20T10:00:00+00:00"));
        assert_eq!(reminder(&invitation, "2026-12-17T09:59:00Z"), None);
        let due = Some((Reminder::AnswerSoon, "2026-12-20T10:00:00+00:00".to_string()));
        assert_eq!(reminder(&invitation, "2026-12-17T10:00:00Z"), due);
        assert_eq!(reminder(&invitation, "2026-12-20T09:59:00Z"), due);
        assert_eq!(reminder(&invitation, "2026-12-20T10:00:00Z"), None, "lapsed: the housekeeping expires it instead");
        let request = UserRight { awaiting: Some(Awaiting::Principal), origin: RightOrigin::Request, ..invitation };
        assert_eq!(reminder(&request, "2026-12-18T10:00:00Z"), None, "a request waits for the company, not the provider");
    }

    #[test]
    fn an_active_provider_right_is_reminded_thirty_seven_and_one_days_before_its_end_date() {
        let ending = provider_ending("2027-01-31");
        let about = "2027-01-31".to_string();
        assert_eq!(reminder(&ending, "2026-12-31T22:59:00Z"), None, "31 days before (23:59 in Zurich)");
        assert_eq!(reminder(&ending, "2026-12-31T23:00:00Z"), Some((Reminder::EndIn30Days, about.clone())), "midnight in Zurich");
        assert_eq!(reminder(&ending, "2027-01-23T08:00:00Z"), Some((Reminder::EndIn30Days, about.clone())), "8 days before");
        assert_eq!(reminder(&ending, "2027-01-24T08:00:00Z"), Some((Reminder::EndIn7Days, about.clone())));
        assert_eq!(reminder(&ending, "2027-01-30T08:00:00Z"), Some((Reminder::EndIn1Day, about.clone())));
        assert_eq!(reminder(&ending, "2027-01-31T08:00:00Z"), Some((Reminder::EndIn1Day, about.clone())), "its last day");
        assert_eq!(reminder(&ending, "2027-02-01T08:00:00Z"), None, "past: the housekeeping expires it");
    }

    #[test]
    fn only_active_provider_rights_with_an_end_date_are_reminded_of_it() {
        let now = "2027-01-25T08:00:00Z";
        assert_eq!(reminder(&right(RightType::Provider, false, RightStatus::Active), now), None, "no end date");
        let employee = UserRight { end_date: Some("2027-01-31".parse().unwrap()), ..right(RightType::Employee, true, RightStatus::Active) };
        assert_eq!(reminder(&employee, now), None);
        let revoked = UserRight { status: RightStatus::Revoked, ..provider_ending("2027-01-31") };
        assert_eq!(reminder(&revoked, now), None);
    }

    #[test]
    fn a_pending_or_active_right_with_an_end_date_is_extended_to_a_later_date() {
        let today = "2026-12-03".parse().unwrap();
        let ending = provider_ending("2027-01-31");
        assert_eq!(ending.extended_end(Extension::Months(3), today), Ok("2027-04-30".parse().unwrap()));
        let pending = UserRight { status: RightStatus::Pending, awaiting: Some(Awaiting::Provider), ..ending.clone() };
        assert_eq!(pending.extended_end(Extension::Months(6), today), Ok("2027-07-31".parse().unwrap()));
        let unlimited = right(RightType::Provider, false, RightStatus::Active);
        assert_eq!(unlimited.extended_end(Extension::Months(3), today), Err(ExtensionError::NoEndDate));
        let ended = UserRight { status: RightStatus::Expired, ..ending };
        assert_eq!(ended.extended_end(Extension::Months(3), today), Err(ExtensionError::Ended));
    }

    #[test]
    fn only_an_active_employee_right_with_the_flag_administers_its_company() {
        assert!(right(RightType::Employee, true, RightStatus::Active).administers_on(today()));
        assert!(!right(RightType::Employee, false, RightStatus::Active).administers_on(today()));
        for right_type in [RightType::Provider, RightType::Technical] {
            assert!(!right(right_type, true, RightStatus::Active).administers_on(today()), "{right_type:?} never administers");
        }
        for status in [RightStatus::Pending, RightStatus::Refused, RightStatus::Revoked, RightStatus::Expired, RightStatus::Resigned] {
            assert!(!right(RightType::Employee, true, status).administers_on(today()), "{status:?} grants nothing");
        }
    }

    fn grant(right_id: RightId, all_debtors: bool) -> ServiceGrant {
        let debtor_ids = if all_debtors { vec![] } else { vec![10, 11] };
        ServiceGrant { id: 5, right_id, service_id: 3, service_code: "orders".into(), service_name: "Commandes".into(), all_debtors, debtor_ids }
    }

    /// Every combination of status, end date, whose grant, subscription, debtor list and
    /// debtor asked for.
    #[test]
    fn a_login_acts_only_through_an_active_right_s_own_grant_on_a_subscribed_service_for_a_debtor_it_names() {
        let yesterday = today().pred_opt();
        for status in RightStatus::ALL.iter().copied() {
            for end_date in [None, Some(today()), yesterday] {
                for own_grant in [true, false] {
                    for subscribed in [true, false] {
                        for all_debtors in [true, false] {
                            for debtor in [None, Some(10), Some(99)] {
                                let mut r = right(RightType::Provider, false, status);
                                r.end_date = end_date;
                                let g = grant(if own_grant { r.id } else { r.id + 1 }, all_debtors);
                                let may = r.may_act_through(&g, subscribed, debtor, today());
                                let in_force = status == RightStatus::Active && end_date != yesterday;
                                let named = debtor.is_none() || all_debtors || debtor == Some(10);
                                assert_eq!(
                                    may,
                                    in_force && own_grant && subscribed && named,
                                    "{status:?} until {end_date:?}, own grant {own_grant}, subscribed {subscribed}, all debtors {all_debtors}, debtor {debtor:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_administrator_right_past_its_end_date_administers_nothing() {
        let mut ended = right(RightType::Employee, true, RightStatus::Active);
        ended.end_date = Some(today());
        assert!(ended.administers_on(today()), "the end date is the last day");
        ended.end_date = today().pred_opt();
        assert!(!ended.administers_on(today()));
    }

    fn invitation_due(answer_by: DateTime<Utc>) -> UserRight {
        let mut r = right(RightType::Provider, false, RightStatus::Pending);
        r.awaiting = Some(Awaiting::Provider);
        r.origin = RightOrigin::Invitation;
        r.answer_by = Some(answer_by);
        r
    }

    #[test]
    fn an_invitation_past_its_answer_by_time_can_be_refused_but_no_longer_accepted() {
        let due = crate::store::real_time();
        let r = invitation_due(due);
        let before = due - chrono::Duration::seconds(1);
        assert_eq!(r.answer_due(), Some(due));
        assert!(!r.lapsed_at(before));
        assert_eq!(r.next_state(Transition::Accept, Party::Provider, before).map(|s| s.status), Ok(RightStatus::Active));
        assert!(r.lapsed_at(due), "the answer-by time itself is too late");
        assert_eq!(r.next_state(Transition::Accept, Party::Provider, due), Err(LifecycleError::Lapsed));
        assert_eq!(r.next_state(Transition::Refuse, Party::Provider, due).map(|s| s.status), Ok(RightStatus::Refused));
        assert_eq!(r.next_state(Transition::Cancel, Party::Principal, due).map(|s| s.status), Ok(RightStatus::Revoked));
        assert_eq!(r.next_state(Transition::Expire, Party::System, due).map(|s| s.status), Ok(RightStatus::Expired));
    }

    #[test]
    fn only_a_pending_right_lapses() {
        let due = crate::store::real_time() - chrono::Duration::days(1);
        for status in [RightStatus::Active, RightStatus::Refused, RightStatus::Revoked, RightStatus::Expired, RightStatus::Resigned] {
            let mut r = invitation_due(due);
            r.status = status;
            r.awaiting = None;
            assert!(!r.lapsed_at(crate::store::real_time()), "{status:?} does not lapse");
            assert_eq!(r.answer_due(), None, "{status:?} is due by no time");
        }
    }

    #[test]
    fn only_an_invitation_that_expired_unanswered_is_a_lapsed_invitation() {
        let mut r = invitation_due(crate::store::real_time());
        assert!(!r.is_lapsed_invitation(), "still pending");
        r.status = RightStatus::Expired;
        r.awaiting = None;
        assert!(r.is_lapsed_invitation());
        assert_eq!(
            r.next_state(Transition::Accept, Party::Provider, crate::store::real_time()),
            Err(LifecycleError::Lapsed),
            "a page left open says why it can no longer be accepted"
        );
        r.decided_at = Some(crate::store::real_time());
        assert!(!r.is_lapsed_invitation(), "accepted once, then past its end date");
        r.decided_at = None;
        r.origin = RightOrigin::Request;
        assert!(!r.is_lapsed_invitation(), "the provider's own request");
    }
}
