//! The server side of the administrator's pages: authorization first, then the store.

use chrono::{NaiveDate, Utc};
use http::StatusCode;
use leptos::prelude::*;
use portal_core::domain::*;
use portal_core::store::{
    self, Actor, EmployeeEntry, EntryCommon, GrantSpec, NewMessage, ProviderEntry, RightChanges, RightListItem, RightQuery,
    RightSort, Store, StoreError, TechnicalEntry, User, UserRight,
};

use super::*;
use crate::auth::server::{internal, require_login, store};
use crate::company::CompanyChoice;
use crate::refusal::refused;

/// Not an active administrator of the acting company.
pub const NOT_ADMIN: &str = "admin.not_admin";
pub const RIGHT_NOT_FOUND: &str = "admin.right_not_found";
pub const UNKNOWN_LOGIN: &str = "admin.unknown_login";
pub const OWN_LOGIN: &str = "admin.own_login";
pub const OWN_RIGHT: &str = "admin.own_right";
pub const PROVIDER_IS_EMPLOYEE: &str = "admin.provider_is_employee";
/// Followed by `.` and the existing right's status, e.g. `admin.right_exists.revoked`.
pub const RIGHT_EXISTS: &str = "admin.right_exists";
pub const BAD_RIGHT_TYPE: &str = "admin.bad_right_type";
pub const COPY_SOURCE_REQUIRED: &str = "admin.copy_source_required";
pub const BAD_END_DATE: &str = "admin.bad_end_date";
pub const END_DATE_PAST: &str = "admin.end_date_past";
pub const RIGHT_ENDED: &str = "admin.right_ended";
pub const SEARCH_TOO_LONG: &str = "admin.search_too_long";

/// Who acts, for which company: the result of [`require_admin`].
#[derive(Debug, Clone)]
pub struct AdminScope {
    pub admin: User,
    pub company: CompanyChoice,
    pub actor: Actor,
}

/// A signed-in login acting for a company on which it holds an active administrator right
/// as an employee (a provider never administers the principal's rights). Checked on every call.
pub async fn require_admin() -> Result<AdminScope, ServerFnError> {
    let login = require_login().await?;
    let company = crate::company::ssr::require_acting(login.user_id).await?;
    let store = store()?;
    let right = store.right_for(company.company_id, login.user_id).await.map_err(internal)?;
    let today = Utc::now().date_naive();
    match right {
        Some(r) if r.right_type == RightType::Employee && r.is_admin && r.grants_access_on(today) => {
            let admin = store.user(login.user_id).await.map_err(internal)?;
            let actor = Actor::user(login.user_id, company.company_id);
            Ok(AdminScope { admin, company, actor })
        }
        _ => Err(refused(StatusCode::FORBIDDEN, NOT_ADMIN)),
    }
}

/// Maps a store error to the answer: input and rule errors are 400, lost races 409.
fn store_refusal(error: StoreError) -> ServerFnError {
    match &error {
        StoreError::Invalid(DomainError::Lifecycle(_)) | StoreError::Conflict => refused(StatusCode::CONFLICT, error.code()),
        StoreError::Invalid(_) => refused(StatusCode::BAD_REQUEST, error.code()),
        StoreError::NotFound => refused(StatusCode::NOT_FOUND, RIGHT_NOT_FOUND),
        _ => internal(error),
    }
}

fn bad_input(code: &str) -> ServerFnError {
    refused(StatusCode::BAD_REQUEST, code)
}

/// Role and status words in the four languages, so that the search box also filters the
/// "Rôle" and status columns ("prestataire", "Dienstleister", "en suspens"…).
const TYPE_WORDS: &[(&str, RightType)] = &[
    ("collaborateur", RightType::Employee),
    ("mitarbeiter", RightType::Employee),
    ("collaboratore", RightType::Employee),
    ("employee", RightType::Employee),
    ("utilisateur technique", RightType::Technical),
    ("technischer benutzer", RightType::Technical),
    ("utente tecnico", RightType::Technical),
    ("technical user", RightType::Technical),
    ("prestataire", RightType::Provider),
    ("dienstleister", RightType::Provider),
    ("fornitore", RightType::Provider),
    ("provider", RightType::Provider),
];
const STATUS_WORDS: &[(&str, RightStatus)] = &[
    ("en suspens", RightStatus::Pending),
    ("ausstehend", RightStatus::Pending),
    ("in sospeso", RightStatus::Pending),
    ("pending", RightStatus::Pending),
    ("active", RightStatus::Active),
    ("aktiv", RightStatus::Active),
    ("attiva", RightStatus::Active),
    ("refusée", RightStatus::Refused),
    ("abgelehnt", RightStatus::Refused),
    ("rifiutata", RightStatus::Refused),
    ("refused", RightStatus::Refused),
    ("révoquée", RightStatus::Revoked),
    ("widerrufen", RightStatus::Revoked),
    ("revocata", RightStatus::Revoked),
    ("revoked", RightStatus::Revoked),
    ("expirée", RightStatus::Expired),
    ("abgelaufen", RightStatus::Expired),
    ("scaduta", RightStatus::Expired),
    ("expired", RightStatus::Expired),
    ("résiliée", RightStatus::Resigned),
    ("gekündigt", RightStatus::Resigned),
    ("rinunciata", RightStatus::Resigned),
    ("resigned", RightStatus::Resigned),
];

/// Turns the search box into a query: a role or status word becomes a filter on that
/// column, anything else searches company, names and e-mail.
pub fn rights_query(search: &str, sort: &str, descending: bool, page: i64) -> Result<RightQuery, &'static str> {
    let search = search.trim();
    if search.chars().count() > 100 {
        return Err(SEARCH_TOO_LONG);
    }
    let lower = search.to_lowercase();
    let mut query = RightQuery {
        sort: match sort {
            "company" => RightSort::Company,
            "first_name" => RightSort::FirstName,
            "email" => RightSort::Email,
            "role" => RightSort::Role,
            "status" => RightSort::Status,
            _ => RightSort::LastName,
        },
        descending,
        limit: PAGE_SIZE,
        offset: (page.max(1) - 1).saturating_mul(PAGE_SIZE),
        ..RightQuery::default()
    };
    if lower.len() >= 3 {
        if let Some((_, t)) = TYPE_WORDS.iter().find(|(w, _)| w.starts_with(&lower)) {
            query.right_type = Some(*t);
            return Ok(query);
        }
        if let Some((_, s)) = STATUS_WORDS.iter().find(|(w, _)| w.starts_with(&lower)) {
            query.status = Some(*s);
            return Ok(query);
        }
    }
    query.search = (!search.is_empty()).then(|| search.to_string());
    Ok(query)
}

/// How many pages `total` lines fill, at least one (an empty list is one empty page).
fn page_count(total: i64, size: i64) -> i64 {
    ((total + size - 1) / size).max(1)
}

fn row_of(item: RightListItem, own_user_id: UserId) -> RightRow {
    let r = item.right;
    RightRow {
        right_id: r.id,
        version: r.version,
        company: item.home_company_name.unwrap_or_default(),
        last_name: item.last_name,
        first_name: item.first_name,
        email: item.email,
        right_type: r.right_type.as_str().to_string(),
        is_admin: r.is_admin,
        status: r.status.as_str().to_string(),
        awaiting: r.awaiting.map(|a| a.as_str().to_string()),
        star: item.has_rights_elsewhere,
        remark: r.remark.unwrap_or_default(),
        end_date: r.end_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        own: r.user_id == own_user_id,
    }
}

pub async fn list_rights(scope: &AdminScope, search: &str, sort: &str, descending: bool, page: i64) -> Result<RightsPage, ServerFnError> {
    let query = rights_query(search, sort, descending, page).map_err(bad_input)?;
    let found = store()?.list_company_rights(scope.company.company_id, &query).await.map_err(internal)?;
    let pages = page_count(found.total, PAGE_SIZE);
    Ok(RightsPage {
        rows: found.items.into_iter().map(|i| row_of(i, scope.admin.id)).collect(),
        total: found.total,
        page: page.clamp(1, pages),
        pages,
    })
}

/// The company's rights that hold at least one authorization (up to 500, by name).
pub async fn copy_sources(scope: &AdminScope) -> Result<Vec<CopySource>, ServerFnError> {
    let store = store()?;
    let query = RightQuery { limit: 500, ..RightQuery::default() };
    let page = store.list_company_rights(scope.company.company_id, &query).await.map_err(internal)?;
    let with_grants = store.rights_with_grants(scope.company.company_id).await.map_err(internal)?;
    let mut out = Vec::new();
    for item in page.items {
        if item.right.status.is_ended() || !with_grants.contains(&item.right.id) {
            continue;
        }
        let name = format!("{} {}", item.first_name, item.last_name).trim().to_string();
        out.push(CopySource { right_id: item.right.id, label: format!("{name} ({})", item.email) });
    }
    Ok(out)
}

/// The fields of "Saisir un utilisateur", as typed.
#[derive(Debug, Clone)]
pub struct EntryForm {
    pub right_type: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub name: String,
    pub remark: String,
    pub administrator: bool,
    pub assignment: String,
    pub copy_from: String,
}

fn parse_or_400<T, E: Into<DomainError>>(r: Result<T, E>) -> Result<T, ServerFnError> {
    r.map_err(|e| bad_input(e.into().code()))
}

/// The refusal for a right that exists already, naming its status.
async fn right_exists(store: &Store, company_id: CompanyId, user_id: UserId) -> ServerFnError {
    match store.right_for(company_id, user_id).await {
        Ok(Some(r)) => refused(StatusCode::CONFLICT, &format!("{RIGHT_EXISTS}.{}", r.status.as_str())),
        Ok(None) => refused(StatusCode::CONFLICT, "store.conflict"),
        Err(e) => internal(e),
    }
}

pub async fn enter_user(scope: &AdminScope, form: EntryForm) -> Result<EntryConfirmation, ServerFnError> {
    let store = store()?;
    let right_type = RightType::parse(form.right_type.trim()).map_err(|_| bad_input(BAD_RIGHT_TYPE))?;
    let remark = parse_or_400(Remark::parse(&form.remark))?;
    let copy_grants_from = match form.assignment.as_str() {
        "copy" => Some(form.copy_from.trim().parse::<i64>().map_err(|_| bad_input(COPY_SOURCE_REQUIRED))?),
        _ => None,
    };
    let company_id = scope.company.company_id;
    let common = EntryCommon { company_id, remark, end_date: None, copy_grants_from, entered_by: scope.admin.id };
    match right_type {
        RightType::Provider => {
            let email = parse_or_400(EmailAddress::parse(&form.email))?;
            let provider = match store.user_by_email(&email).await.map_err(internal)? {
                // Technical users' identifiers live under `.invalid`: they are no logins.
                Some(user) if !user.email.ends_with(".invalid") => user,
                _ => return Err(bad_input(UNKNOWN_LOGIN)),
            };
            if provider.id == scope.admin.id {
                return Err(bad_input(OWN_LOGIN));
            }
            if provider.home_company_id == Some(company_id) {
                return Err(bad_input(PROVIDER_IS_EMPLOYEE));
            }
            if store.right_for(company_id, provider.id).await.map_err(internal)?.is_some() {
                return Err(right_exists(&store, company_id, provider.id).await);
            }
            let entry = ProviderEntry { common, provider_user_id: provider.id, message: invitation_message(scope, provider.id) };
            let right = match store.enter_provider(&entry).await {
                Ok(right) => right,
                Err(StoreError::Duplicate { .. }) => return Err(right_exists(&store, company_id, provider.id).await),
                Err(e) => return Err(store_refusal(e)),
            };
            notify_invitation(scope, &provider, right.id).await;
            tracing::info!(right_id = right.id, company_id, "provider invited");
            Ok(EntryConfirmation { right_id: right.id, right_type: form.right_type, who: provider.email, api_key: None, login_created: false })
        }
        RightType::Employee => {
            let entry = EmployeeEntry {
                common,
                email: parse_or_400(EmailAddress::parse(&form.email))?,
                first_name: parse_or_400(PersonName::parse(&form.first_name))?,
                last_name: parse_or_400(PersonName::parse(&form.last_name))?,
                language: scope.admin.language,
                is_admin: form.administrator,
            };
            let entered = match store.enter_employee(&entry).await {
                Ok(entered) => entered,
                Err(StoreError::Duplicate { what: "right" }) => {
                    let user = store.user_by_email(&entry.email).await.map_err(internal)?.ok_or_else(|| internal("user vanished"))?;
                    return Err(right_exists(&store, company_id, user.id).await);
                }
                Err(e) => return Err(store_refusal(e)),
            };
            if entered.login_created {
                send_set_password_mail(&store, &entered.user, &scope.company.name).await?;
            }
            Ok(EntryConfirmation {
                right_id: entered.right.id,
                right_type: form.right_type,
                who: entered.user.email,
                api_key: None,
                login_created: entered.login_created,
            })
        }
        RightType::Technical => {
            let name = parse_or_400(PersonName::parse(&form.name))?;
            let key = store::NewApiKey::generate();
            let identifier = EmailAddress::parse(&format!("technique.{}@{}.invalid", key.prefix, scope.company.customer_number))
                .map_err(internal)?;
            let entry = TechnicalEntry { common, name: name.clone(), identifier, key_prefix: key.prefix.clone(), key_hash: key.hash() };
            let right = store.enter_technical(&entry).await.map_err(store_refusal)?;
            Ok(EntryConfirmation {
                right_id: right.id,
                right_type: form.right_type,
                who: name.as_str().to_string(),
                api_key: Some(key.clear),
                login_created: false,
            })
        }
    }
}

/// A new employee's login has no password: the e-mail's link (72 h, once) sets it.
async fn send_set_password_mail(store: &Store, user: &User, company_name: &str) -> Result<(), ServerFnError> {
    let token = store
        .create_email_token(store::TokenPurpose::SetPassword, user.id, None, store::TokenPurpose::SetPassword.validity())
        .await
        .map_err(internal)?;
    let link = format!("{}{}?token={}", crate::auth::mail::public_base()?, crate::self_service::PATH_RESET, token.expose());
    let (subject, body) = crate::self_service::ssr::set_password_mail(user, company_name, &link);
    let mailer = use_context::<crate::auth::mail::Mailer>().ok_or_else(|| internal("no Mailer in the context"))?;
    if let Err(error) = mailer.send(&user.email, &subject, &body).await {
        tracing::warn!(%error, user_id = user.id, "set-password e-mail not delivered; it stays in the outbox");
    }
    Ok(())
}

/// "Autorisation en tant que prestataire": the seed's message, translated when read.
fn invitation_message(scope: &AdminScope, provider_id: UserId) -> NewMessage {
    NewMessage {
        recipient_user_id: provider_id,
        company_id: Some(scope.company.company_id),
        kind: "provider_invitation".into(),
        params: serde_json::json!({
            "admin": scope.admin.full_name(),
            "company": scope.company.name,
        }),
    }
}

/// The e-mail beside the in-app message, in the provider's language, with a link to the
/// invitation's own page. A delivery failure is logged; the invitation stands (the message
/// is there).
async fn notify_invitation(scope: &AdminScope, provider: &User, right_id: RightId) {
    if !provider.email_notifications {
        return;
    }
    let Some(mailer) = use_context::<crate::auth::mail::Mailer>() else {
        tracing::error!("no Mailer in the context: invitation e-mail not sent");
        return;
    };
    let locale = crate::self_service::ssr::locale_of(provider.language);
    let Ok(base) = crate::auth::mail::public_base() else {
        return;
    };
    let link = format!("{base}/invitations/{right_id}");
    let admin = scope.admin.full_name();
    let company = scope.company.name.clone();
    use crate::i18n::td_string;
    let subject = td_string!(locale, admin.mail_invitation_subject).to_string();
    let body = format!(
        "{}\n\n{}\n\n{link}\n",
        td_string!(locale, admin.mail_invitation_body, admin = admin.clone(), company = company.clone()),
        td_string!(locale, admin.mail_invitation_action),
    );
    if let Err(error) = mailer.send(&provider.email, &subject, &body).await {
        tracing::warn!(%error, user_id = provider.id, "invitation e-mail not delivered");
    }
}

/// A right of the acting company, or 404 (also for other companies' rights: no hint).
async fn company_right(store: &Store, scope: &AdminScope, right_id: RightId) -> Result<UserRight, ServerFnError> {
    match store.right(right_id).await {
        Ok(r) if r.company_id == scope.company.company_id => Ok(r),
        Ok(_) | Err(StoreError::NotFound) => Err(refused(StatusCode::NOT_FOUND, RIGHT_NOT_FOUND)),
        Err(e) => Err(internal(e)),
    }
}

pub async fn load_right(scope: &AdminScope, right_id: RightId) -> Result<RightDetail, ServerFnError> {
    let store = store()?;
    let right = company_right(&store, scope, right_id).await?;
    let user = store.user(right.user_id).await.map_err(internal)?;
    let home_company_name = match user.home_company_id {
        Some(id) => Some(store.company(id).await.map_err(internal)?.name),
        None => None,
    };
    let star = store
        .rights_of_user(user.id)
        .await
        .map_err(internal)?
        .iter()
        .any(|o| o.right.company_id != right.company_id && o.right.status == RightStatus::Active && (o.right.right_type == RightType::Provider || o.right.is_admin));
    let grants = store.service_grants(right.id).await.map_err(internal)?;
    let services = store
        .company_services(scope.company.company_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|s| {
            let grant = grants.iter().find(|g| g.service_id == s.id);
            ServiceChoice {
                service_id: s.id,
                code: s.code,
                name: s.name,
                granted: grant.is_some(),
                all_debtors: grant.is_none_or(|g| g.all_debtors),
                debtor_ids: grant.map(|g| g.debtor_ids.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let debtors = store
        .debtors(scope.company.company_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|d| DebtorChoice { debtor_id: d.id, number: d.debtor_number, name: d.name })
        .collect();
    let item = RightListItem {
        right,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        home_company_id: user.home_company_id,
        home_company_name,
        has_rights_elsewhere: star,
    };
    Ok(RightDetail { row: row_of(item, scope.admin.id), services, debtors })
}

pub async fn save_grants(scope: &AdminScope, right_id: RightId, grants: Vec<GrantInput>) -> Result<(), ServerFnError> {
    let store = store()?;
    let right = company_right(&store, scope, right_id).await?;
    if right.status.is_ended() {
        return Err(refused(StatusCode::CONFLICT, RIGHT_ENDED));
    }
    let specs: Vec<GrantSpec> = grants
        .into_iter()
        .map(|g| GrantSpec { service_id: g.service_id, all_debtors: g.all_debtors, debtor_ids: g.debtor_ids })
        .collect();
    store.replace_service_grants(right.id, &specs, &scope.actor).await.map_err(store_refusal)?;
    Ok(())
}

/// `yyyy-mm-dd` or empty; never before today.
pub fn parse_end_date(input: &str, today: NaiveDate) -> Result<Option<NaiveDate>, &'static str> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(input, "%Y-%m-%d").map_err(|_| BAD_END_DATE)?;
    if date < today {
        return Err(END_DATE_PAST);
    }
    Ok(Some(date))
}

pub async fn update_right(
    scope: &AdminScope,
    right_id: RightId,
    version: i64,
    remark: String,
    end_date: String,
    administrator: bool,
) -> Result<(), ServerFnError> {
    let store = store()?;
    let right = company_right(&store, scope, right_id).await?;
    if right.status.is_ended() {
        return Err(refused(StatusCode::CONFLICT, RIGHT_ENDED));
    }
    let remark = parse_or_400(Remark::parse(&remark))?;
    let end_date = parse_end_date(&end_date, Utc::now().date_naive()).map_err(bad_input)?;
    // Only employees administer; other types keep the flag off whatever was posted.
    let is_admin = administrator && right.right_type == RightType::Employee;
    let changes = RightChanges { is_admin, remark, end_date };
    store.update_right(right.id, version, &changes, &scope.actor).await.map_err(store_refusal)?;
    Ok(())
}

pub async fn end_right(scope: &AdminScope, right_id: RightId, version: i64, how: &str) -> Result<(), ServerFnError> {
    let store = store()?;
    let right = company_right(&store, scope, right_id).await?;
    if right.user_id == scope.admin.id {
        return Err(bad_input(OWN_RIGHT));
    }
    let transition = match how {
        "revoke" => Transition::Revoke,
        "cancel" => Transition::Cancel,
        _ => return Err(bad_input(BAD_RIGHT_TYPE)),
    };
    // The provider is told in the same transaction: exactly one message per transition.
    let notify: Vec<NewMessage> = (right.right_type == RightType::Provider)
        .then(|| NewMessage {
            recipient_user_id: right.user_id,
            company_id: Some(right.company_id),
            kind: if transition == Transition::Revoke { "provider_right_revoked" } else { "provider_invitation_cancelled" }.into(),
            params: serde_json::json!({ "admin": scope.admin.full_name(), "company": scope.company.name }),
        })
        .into_iter()
        .collect();
    store
        .transition_right_notifying(right.id, version, transition, Party::Principal, &scope.actor, &notify)
        .await
        .map_err(store_refusal)?;
    tracing::info!(right_id, how, "right ended by an administrator");
    Ok(())
}

pub async fn decide_request(scope: &AdminScope, right_id: RightId, version: i64, approve: bool) -> Result<(), ServerFnError> {
    let store = store()?;
    let right = company_right(&store, scope, right_id).await?;
    let (transition, kind) = if approve {
        (Transition::Accept, "provider_request_approved")
    } else {
        (Transition::Refuse, "provider_request_declined")
    };
    let notify = [NewMessage {
        recipient_user_id: right.user_id,
        company_id: Some(right.company_id),
        kind: kind.into(),
        params: serde_json::json!({ "admin": scope.admin.full_name(), "company": scope.company.name }),
    }];
    store
        .transition_right_notifying(right.id, version, transition, Party::Principal, &scope.actor, &notify)
        .await
        .map_err(store_refusal)?;
    tracing::info!(right_id, approve, "provider request decided");
    Ok(())
}

pub async fn resend_invitation(scope: &AdminScope, right_id: RightId) -> Result<(), ServerFnError> {
    let store = store()?;
    let right = company_right(&store, scope, right_id).await?;
    store.resend_invitation(right.id, &invitation_message(scope, right.user_id), &scope.actor).await.map_err(store_refusal)?;
    let provider = store.user(right.user_id).await.map_err(internal)?;
    notify_invitation(scope, &provider, right.id).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_word_in_any_language_filters_the_role_column() {
        for word in ["Prestataire", "dienstl", "fornitore", "PROVIDER"] {
            let q = rights_query(word, "", false, 1).unwrap();
            assert_eq!((q.right_type, q.search.as_deref()), (Some(RightType::Provider), None), "{word}");
        }
        assert_eq!(rights_query("collab", "", false, 1).unwrap().right_type, Some(RightType::Employee));
    }

    #[test]
    fn a_status_word_filters_the_status_column() {
        assert_eq!(rights_query("en suspens", "", false, 1).unwrap().status, Some(RightStatus::Pending));
        assert_eq!(rights_query("révoq", "", false, 1).unwrap().status, Some(RightStatus::Revoked));
    }

    #[test]
    fn other_words_search_names_company_and_email() {
        let q = rights_query("  Muster ", "email", true, 3).unwrap();
        assert_eq!(q.search.as_deref(), Some("Muster"));
        assert_eq!((q.sort, q.descending, q.offset, q.limit), (RightSort::Email, true, 2 * PAGE_SIZE, PAGE_SIZE));
        assert_eq!(rights_query("", "nonsense", false, 0).unwrap().sort, RightSort::LastName);
        assert_eq!(rights_query("", "", false, -5).unwrap().offset, 0);
    }

    #[test]
    fn a_search_longer_than_100_characters_is_refused() {
        assert_eq!(rights_query(&"x".repeat(101), "", false, 1).unwrap_err(), SEARCH_TOO_LONG);
    }

    #[test]
    fn an_end_date_is_empty_or_a_date_from_today_on() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_end_date(" ", today), Ok(None));
        assert_eq!(parse_end_date("2026-11-23", today), Ok(Some(today)));
        assert_eq!(parse_end_date("2026-11-22", today), Err(END_DATE_PAST));
        assert_eq!(parse_end_date("23.11.2026", today), Err(BAD_END_DATE));
    }

    #[test]
    fn the_audit_log_shows_what_changed_without_versions_and_timestamps() {
        let before = serde_json::json!({ "status": "active", "is_admin": true, "remark": null, "version": 3, "updated_at": "x" });
        let after = serde_json::json!({ "status": "revoked", "is_admin": true, "remark": "fin du mandat", "version": 4, "updated_at": "y" });
        assert_eq!(
            audit_changes(Some(&before), Some(&after)),
            vec![
                AuditChange::Changed { field: "remark".into(), before: None, after: Some("fin du mandat".into()) },
                AuditChange::Changed { field: "status".into(), before: Some("active".into()), after: Some("revoked".into()) },
            ]
        );
        let created = serde_json::json!({ "right_type": "provider", "is_admin": false, "remark": null, "end_date": "2027-03-31", "id": 4 });
        assert_eq!(
            audit_changes(None, Some(&created)),
            vec![
                AuditChange::Set { field: "end_date".into(), value: Some("2027-03-31".into()) },
                AuditChange::Set { field: "is_admin".into(), value: Some("false".into()) },
                AuditChange::Set { field: "right_type".into(), value: Some("provider".into()) },
            ]
        );
    }

    #[test]
    fn the_audit_log_summarizes_service_authorizations() {
        let after = serde_json::json!([
            { "service_code": "invoices", "service_name": "Factures", "all_debtors": true, "debtor_ids": [] },
            { "service_code": "orders", "service_name": "Commandes", "all_debtors": false, "debtor_ids": [4, 7] },
        ]);
        assert_eq!(
            audit_changes(None, Some(&after)),
            vec![
                AuditChange::Grant { service_code: "invoices".into(), service_name: "Factures".into(), debtors: None },
                AuditChange::Grant { service_code: "orders".into(), service_name: "Commandes".into(), debtors: Some(2) },
            ]
        );
        assert_eq!(audit_changes(Some(&after), Some(&serde_json::json!([]))), vec![AuditChange::NoGrants]);
    }

    #[test]
    fn an_api_key_is_stored_as_its_sha256_only() {
        let key = store::NewApiKey::generate();
        assert!(key.clear.starts_with(&format!("cck_{}_", key.prefix)));
        assert_eq!(key.hash().expose().len(), 64);
        assert!(!key.hash().expose().contains(&key.clear));
        assert_eq!(store::api_key_prefix(&key.clear), Some(key.prefix.as_str()), "the prefix finds the key again");
        assert_eq!(store::api_key_prefix("cck_../_x"), None);
        assert_eq!(store::hash_api_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

/// Rows per page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 50;

pub async fn list_audit(scope: &AdminScope, page: i64) -> Result<AuditPage, ServerFnError> {
    let store = store()?;
    let page = page.max(1);
    let found = store
        .audit_for_company(scope.company.company_id, AUDIT_PAGE_SIZE, (page - 1).saturating_mul(AUDIT_PAGE_SIZE))
        .await
        .map_err(internal)?;
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut lines = Vec::with_capacity(found.items.len());
    for record in found.items {
        let subject = match names.get(&record.target) {
            Some(name) => name.clone(),
            None => {
                let name = subject_name(&store, &record.target).await;
                names.insert(record.target.clone(), name.clone());
                name
            }
        };
        lines.push(AuditLine {
            at: crate::account::ssr::swiss_date_time(record.at),
            actor: record.actor_email.clone(),
            changes: audit_changes(record.before.as_ref(), record.after.as_ref()),
            action: record.action,
            subject,
        });
    }
    let pages = page_count(found.total, AUDIT_PAGE_SIZE);
    Ok(AuditPage { lines, total: found.total, page: page.min(pages), pages })
}

/// "right:42" → the e-mail of the right's login; "user:7" → the login's e-mail;
/// "access_request:3" → the requester's e-mail; "company:1" → its name; "order:9" → "#9".
async fn subject_name(store: &Store, target: &str) -> String {
    let Some((kind, id)) = target.split_once(':') else { return target.to_string() };
    let Ok(id) = id.parse::<i64>() else { return target.to_string() };
    let user_id = match kind {
        "right" => store.right(id).await.ok().map(|r| r.user_id),
        "user" => Some(id),
        "access_request" => return store.access_request(id).await.map(|r| r.requester_email).unwrap_or_else(|_| target.to_string()),
        "company" => return store.company(id).await.map(|c| c.name).unwrap_or_else(|_| target.to_string()),
        "order" => return format!("#{id}"),
        _ => None,
    };
    match user_id {
        Some(id) => store.user(id).await.map(|u| u.email).unwrap_or_else(|_| target.to_string()),
        None => target.to_string(),
    }
}

/// The fields that changed between `before` and `after` (a creation: the fields set), and
/// service authorizations as they are after the change. Fields that change with every write
/// (version, timestamps) or only repeat the entry's actor, company or subject are left out.
pub fn audit_changes(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> Vec<AuditChange> {
    use serde_json::Value;
    const NOISE: &[&str] = &[
        "version",
        "updated_at",
        "created_at",
        "decided_at",
        "decided_by",
        "id",
        "company_id",
        "user_id",
        "created_by_user_id",
        "right_id",
        "debtor_id",
        "home_company_id",
        "lines",
        "placed_by_user_id",
        "placed_by_name",
        "placed_by_email",
        "requester_user_id",
        "requester_first_name",
        "requester_last_name",
    ];
    let value = |v: Option<&Value>| match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let fields = |o: &serde_json::Map<String, Value>| -> Vec<String> {
        o.keys().filter(|k| !NOISE.contains(&k.as_str())).cloned().collect()
    };
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<String> = fields(b).into_iter().chain(fields(a)).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(k) != a.get(k))
                .map(|k| AuditChange::Changed { before: value(b.get(&k)), after: value(a.get(&k)), field: k })
                .collect()
        }
        (None, Some(Value::Object(a))) => {
            let mut keys = fields(a);
            keys.sort();
            keys.into_iter()
                .filter_map(|k| value(a.get(&k)).map(|v| AuditChange::Set { field: k, value: Some(v) }))
                .collect()
        }
        (_, Some(Value::Array(grants))) if grants.is_empty() => vec![AuditChange::NoGrants],
        (_, Some(Value::Array(grants))) => grants
            .iter()
            .map(|g| {
                let text = |key: &str| g.get(key).and_then(Value::as_str).unwrap_or("?").to_string();
                let debtors = match (g.get("all_debtors"), g.get("debtor_ids").and_then(Value::as_array)) {
                    (Some(Value::Bool(true)), _) => None,
                    (_, ids) => Some(ids.map_or(0, Vec::len)),
                };
                AuditChange::Grant { service_code: text("service_code"), service_name: text("service_name"), debtors }
            })
            .collect(),
        _ => Vec::new(),
    }
}
