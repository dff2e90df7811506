//! The store's records. Each reads its own columns (`sqlx::FromRow`, through the decoders of
//! `columns`); a `*Row` type remains only where a query's shape differs from the record's
//! (an order's lines, a right's grants).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::*;
use crate::store::json_text::{JsonText, MaybeJsonText};
use crate::store::PasswordHash;

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

// ------------------------------------------------------------------ companies

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Company {
    pub id: CompanyId,
    pub customer_number: String,
    pub name: String,
    pub language: Language,
    /// How long its invitations and the requests made to it wait for an answer.
    #[sqlx(rename = "invitation_days")]
    pub invitation_lifetime: InvitationLifetime,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewCompany {
    pub customer_number: CustomerNumber,
    pub name: String,
    pub language: Language,
}

// ------------------------------------------------------------------ users

/// A login. Secrets (password hash, TOTP secret) are in [`Credentials`], not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
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
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    #[sqlx(rename = "id")]
    pub user_id: UserId,
    pub password_hash: Option<PasswordHash>,
    pub totp_secret: Option<Secret>,
    pub totp_enabled: bool,
}

// ------------------------------------------------------------------ rights

/// A login's request for provider access to a customer number that no company has. Its
/// requester sees it, withdraws it and sees it lapse exactly like a request a company has not
/// answered yet ([`UserRight::unanswered_request`]): asking never tells whether a number
/// belongs to a company. Its id comes from the rights' own sequence, so that one id names one
/// request whichever table holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RightListItem {
    #[sqlx(flatten)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RightWithCompany {
    #[sqlx(flatten)]
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

/// A page of a list read newest first from the last item shown (keyset paging: the orders,
/// the messages), so that any page costs what the first does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewestFirst<T> {
    pub items: Vec<T>,
    /// When older items follow: the id of the last item shown, from which the next page
    /// goes on.
    pub older: Option<i64>,
}

impl<T> NewestFirst<T> {
    /// `rows` as read with `LIMIT limit + 1`: the first `limit`, and whether one more followed.
    pub(crate) fn cut(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Self {
        let limit = limit.max(0) as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let older = rows.last().filter(|_| more).map(id);
        NewestFirst { items: rows, older }
    }
}

/// One page of results and the number of matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Every match, or (when `more`) the matches counted before counting stopped.
    pub total: i64,
    /// There are more matches than `total`.
    pub more: bool,
}

/// How many matches past the start of its page a long list (the rights, the audit log)
/// counts, so that a count costs what the page's own offset does; beyond, it says "more".
pub const COUNTED_PAST_THE_PAGE: i64 = 1000;

impl<T> Page<T> {
    /// The `LIMIT` of the count of a page that starts at `offset`: one match past what it
    /// shows, which tells that there are more.
    pub(crate) fn count_limit(offset: i64) -> i64 {
        offset + COUNTED_PAST_THE_PAGE + 1
    }

    /// A page starting at `offset` whose matches were counted up to [`Page::count_limit`].
    pub(crate) fn counted(items: Vec<T>, counted: i64, offset: i64) -> Self {
        let reach = offset + COUNTED_PAST_THE_PAGE;
        Page { items, total: counted.min(reach), more: counted > reach }
    }
}

// ------------------------------------------------------------------ api keys

/// A technical user's API key (only its hash is stored).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKey {
    pub id: i64,
    pub right_id: RightId,
    pub key_hash: Secret,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub recipient_user_id: UserId,
    pub company_id: Option<CompanyId>,
    pub company_name: Option<String>,
    pub kind: MessageKind,
    #[sqlx(try_from = "JsonText")]
    pub params: serde_json::Value,
    pub received_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub acting_company_id: Option<CompanyId>,
    pub company_id: Option<CompanyId>,
    pub action: AuditAction,
    pub target: String,
    #[sqlx(try_from = "MaybeJsonText")]
    pub before: Option<serde_json::Value>,
    #[sqlx(try_from = "MaybeJsonText")]
    pub after: Option<serde_json::Value>,
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

    #[test]
    fn a_provider_right_is_held_as_a_provider_only_on_another_company_than_the_login_s_own() {
        let on = |right_type, is_home_company| RightWithCompany {
            right: UserRight::example(right_type, false, RightStatus::Active),
            company_name: "Logistique Alpine SA".into(),
            customer_number: "100300".into(),
            is_home_company,
        };
        assert!(on(RightType::Provider, false).held_as_provider());
        assert!(!on(RightType::Provider, true).held_as_provider(), "on its own company");
        assert!(!on(RightType::Employee, false).held_as_provider(), "an employee right");
        assert!(!on(RightType::Employee, true).held_as_provider());
    }
}
