//! The server side of managing one right: its page, its services and debtors, its changes
//! and its end. Authorization is the caller's [`AdminScope`], checked on every call.

use crate::shared::refusal::{invalid, PortalError};
use chrono::NaiveDate;
use portal_core::domain::*;
use portal_core::store::{GrantSpec, RightChanges, RightListItem, Store, UserRight};

use super::choices::{choices, company_templates, specs_of};
use super::entry::{invitation_kind, invitation_message, notify_invitation};
use super::listing::row_of;
use super::*;
use crate::access::AdminScope;
use crate::messages::mail::Notice;
use crate::messages::pages::MessageValues;
use crate::shared::deps::Deps;
use crate::shared::format::swiss_day;
use crate::shared::refusal::internal;
use crate::shared::refusal::{refused, Refusal};

pub async fn load_right(store: &Store, scope: &AdminScope, right_id: RightId) -> Result<RightDetail, PortalError> {
    let right = scope.right(store, right_id).await?;
    let user = store.user(right.user_id).await.map_err(internal)?;
    let home_company_name = match user.home_company_id {
        Some(id) => Some(store.company(id).await.map_err(internal)?.name),
        None => None,
    };
    let star = store.has_rights_elsewhere(right.id).await.map_err(internal)?;
    let grants = store.service_grants(right.id).await.map_err(internal)?;
    let granted: Vec<GrantSpec> = grants.iter().map(|g| g.spec()).collect();
    let (services, debtors) = choices(store, scope.company.company_id, &granted).await?;
    let templates = company_templates(store, scope.company.company_id).await?;
    let item = RightListItem {
        right,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        home_company_id: user.home_company_id,
        home_company_name,
        has_rights_elsewhere: star,
    };
    Ok(RightDetail { row: row_of(item, scope.admin.id), services, debtors, templates })
}

/// Replaces the right's authorizations; true when the provider's e-mail about it was withheld.
pub async fn save_grants(deps: &Deps, scope: &AdminScope, right_id: RightId, grants: Vec<GrantInput>) -> Result<bool, PortalError> {
    let store = &deps.store;
    let right = scope.right(store, right_id).await?;
    if right.status.is_ended() {
        return Err(refused(Refusal::RightEnded));
    }
    let specs = specs_of(grants);
    // A provider working for the company is told what it may now do; a pending invitation
    // is shown as it is when answered (its version changed with its grants).
    let told = (right.right_type == RightType::Provider && right.status == RightStatus::Active).then_some(MessageKind::ProviderGrantsChanged);
    let notice = provider_notice(store, scope, &right, told, None).await?;
    let (_, changed) = store.replace_service_grants_notifying(right.id, &specs, &scope.actor, &notice.messages()).await?;
    Ok(changed && tell(deps, &notice).await)
}

/// `yyyy-mm-dd` or empty; never before today.
pub fn parse_end_date(input: &str, today: NaiveDate) -> Result<Option<NaiveDate>, Refusal> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(input, "%Y-%m-%d").map_err(|_| Refusal::BadEndDate)?;
    if date < today {
        return Err(Refusal::EndDatePast);
    }
    Ok(Some(date))
}

pub async fn update_right(
    store: &Store,
    scope: &AdminScope,
    right_id: RightId,
    version: i64,
    remark: String,
    end_date: String,
    administrator: bool,
) -> Result<(), PortalError> {
    let right = scope.right(store, right_id).await?;
    if right.status.is_ended() {
        return Err(refused(Refusal::RightEnded));
    }
    let remark = Remark::parse(&remark).map_err(invalid)?;
    let end_date = parse_end_date(&end_date, store.today()).map_err(refused)?;
    // Only employees administer; other types keep the flag off whatever was posted.
    let is_admin = administrator && right.right_type == RightType::Employee;
    let changes = RightChanges { is_admin, remark, end_date };
    store.update_right(right.id, version, &changes, &scope.actor).await?;
    Ok(())
}

/// Moves the right's end date later; true when the provider's e-mail about it was withheld.
pub async fn extend_right(deps: &Deps, scope: &AdminScope, right_id: RightId, version: i64, months: &str, until: &str) -> Result<bool, PortalError> {
    let extension = Extension::parse(months, until).map_err(invalid)?;
    let store = &deps.store;
    let right = scope.right(store, right_id).await?;
    if right.status.is_ended() {
        return Err(refused(Refusal::RightEnded));
    }
    let today = store.today();
    // The store checks it again on the right at `version`; here it names the date in the message.
    let end = right.extended_end(extension, today).map_err(invalid)?;
    let told = (right.right_type == RightType::Provider && right.status == RightStatus::Active).then_some(MessageKind::ProviderRightExtended);
    let notice = provider_notice(store, scope, &right, told, Some(end)).await?;
    store.extend_right(right.id, version, extension, today, &notice.messages(), &scope.actor).await?;
    tracing::info!(right_id, %end, "right extended");
    Ok(tell(deps, &notice).await)
}

/// Revokes a right or cancels an invitation (`how`); true when the e-mail telling its holder
/// was withheld.
pub async fn end_right(deps: &Deps, scope: &AdminScope, right_id: RightId, version: i64, how: &str) -> Result<bool, PortalError> {
    let store = &deps.store;
    let right = scope.others_right(store, right_id).await?;
    let transition = match how {
        "revoke" => Transition::Revoke,
        "cancel" => Transition::Cancel,
        _ => return Err(refused(Refusal::BadEnding)),
    };
    // The provider is told in the same transaction (exactly one message per transition),
    // and by e-mail once it committed.
    let told =
        if right.joins_by_consent() { transition.told_to_joiner() } else { transition.told_to_provider().filter(|_| right.right_type == RightType::Provider) };
    let notice = provider_notice(store, scope, &right, told, None).await?;
    store.transition_right_notifying(right.id, version, transition, Party::Principal, &scope.actor, &notice.messages()).await?;
    tracing::info!(right_id, how, "right ended by an administrator");
    Ok(tell(deps, &notice).await)
}

/// Sends the e-mails of `notice`, whose change committed; true when one was withheld (the
/// right's page says so).
async fn tell(deps: &Deps, notice: &Notice) -> bool {
    notice.mail(&deps.mailer, &deps.base).await
}

/// The notice that tells the holder of `right` (a provider, or a login that joined by
/// invitation) what an administrator did to it (`told`: the kind of message, or `None` when
/// nobody is told), naming the date it is about (`until`).
async fn provider_notice(
    store: &Store,
    scope: &AdminScope,
    right: &UserRight,
    told: Option<MessageKind>,
    until: Option<NaiveDate>,
) -> Result<Notice, PortalError> {
    let told = match told {
        Some(kind) => vec![(store.user(right.user_id).await.map_err(internal)?, kind)],
        None => Vec::new(),
    };
    let (admin, company) = (scope.admin.full_name(), scope.company.name.clone());
    let mut params = serde_json::json!({ "admin": admin, "company": company, "right_id": right.id });
    let mut values = MessageValues { admin, company, ..Default::default() };
    if let Some(until) = until {
        params["until"] = until.to_string().into();
        values.until = swiss_day(&until.to_string());
    }
    Ok(Notice { company_id: Some(right.company_id), right_id: right.id, told, params, values })
}

/// Suspends an active right, or resumes a suspended one (`transition`): never the
/// administrator's own, nor the company's last administrator's. The provider is told in the
/// same transaction, and by e-mail once it committed.
pub async fn put_on_hold(deps: &Deps, scope: &AdminScope, right_id: RightId, version: i64, transition: Transition) -> Result<bool, PortalError> {
    let store = &deps.store;
    let right = scope.others_right(store, right_id).await?;
    let told = transition.told_to_provider().filter(|_| right.right_type == RightType::Provider);
    let notice = provider_notice(store, scope, &right, told, None).await?;
    store.transition_right_notifying(right.id, version, transition, Party::Principal, &scope.actor, &notice.messages()).await?;
    tracing::info!(right_id, %transition, "right put on hold or resumed by an administrator");
    Ok(tell(deps, &notice).await)
}

/// Grants or refuses a provider's request; true when the e-mail telling the provider was
/// withheld.
pub async fn decide_request(deps: &Deps, scope: &AdminScope, right_id: RightId, version: i64, approve: bool) -> Result<bool, PortalError> {
    let store = &deps.store;
    let right = scope.right(store, right_id).await?;
    let transition = if approve { Transition::Accept } else { Transition::Refuse };
    let notice = provider_notice(store, scope, &right, transition.told_to_provider(), None).await?;
    store.transition_right_notifying(right.id, version, transition, Party::Principal, &scope.actor, &notice.messages()).await?;
    tracing::info!(right_id, approve, "provider request decided");
    Ok(tell(deps, &notice).await)
}

/// Sends an invitation again; true when its e-mail was withheld.
pub async fn resend_invitation(deps: &Deps, scope: &AdminScope, right_id: RightId) -> Result<bool, PortalError> {
    let store = &deps.store;
    let right = scope.right(store, right_id).await?;
    // An invitation sent again after its end date would only expire again: the date first.
    if right.is_lapsed_invitation() && right.end_date.is_some_and(|end| end < store.today()) {
        return Err(refused(Refusal::ResendAfterEndDate));
    }
    // One "Renvoyer" per invitation and throttling window: each one sends the provider an
    // official e-mail, which no administrator may turn into a flood.
    let key = format!("resend:right:{}", right.id);
    crate::shared::password::within_limit(store, &deps.settings, &key, 1, Refusal::ResendTooSoon).await?;
    let sent = store.resend_invitation(right.id, &invitation_message(scope, right.user_id, invitation_kind(&right)), &scope.actor).await?;
    let provider = store.user(right.user_id).await.map_err(internal)?;
    Ok(notify_invitation(deps, scope, &provider, &sent).await)
}

pub async fn set_invitation_lifetime(store: &Store, scope: &AdminScope, days: &str) -> Result<i64, PortalError> {
    let lifetime = InvitationLifetime::parse(days).map_err(invalid)?;
    let company = store.set_invitation_lifetime(scope.company.company_id, lifetime, &scope.actor).await.map_err(internal)?;
    tracing::info!(company_id = company.id, days = lifetime.days(), "invitation lifetime set");
    Ok(company.invitation_lifetime.days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_date_is_empty_or_a_date_from_today_on() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_end_date(" ", today), Ok(None));
        assert_eq!(parse_end_date("2026-11-23", today), Ok(Some(today)));
        assert_eq!(parse_end_date("2026-11-22", today), Err(Refusal::EndDatePast));
        assert_eq!(parse_end_date("23.11.2026", today), Err(Refusal::BadEndDate));
    }
}
