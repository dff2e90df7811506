//! The provider's answers to its own rights on other companies, under "Gérer le compte
//! utilisateur" and on an invitation's own page: accept ("Valider") or refuse a pending
//! invitation, give back an active right.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use portal_core::domain::{Awaiting, Party, RightStatus};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::shared::deps::Deps;

pub mod access_page;
pub mod invitation_page;

/// One provider right of this login on another company, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAccessRow {
    pub right_id: i64,
    pub version: i64,
    /// While pending: the provider (an invitation this login answers) or the principal (its
    /// own request, which the company decides).
    pub awaiting: Option<Awaiting>,
    /// `dd.mm.yyyy`, Swiss time.
    pub date: String,
    pub company_name: String,
    pub customer_number: String,
    pub status: RightStatus,
    /// While pending: until when it can be answered, `dd.mm.yyyy HH:MM` Swiss time.
    pub answer_by: Option<String>,
}

/// An invitation as its own page shows it to the invited login: who invites, for which
/// company, what is granted and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub right_id: i64,
    pub version: i64,
    pub status: RightStatus,
    /// While pending: the provider (this login answers) or the principal (the company decides).
    pub awaiting: Option<Awaiting>,
    pub company_id: i64,
    pub company_name: String,
    pub customer_number: String,
    /// The administrator who entered the invitation, when it was not the login's own request.
    pub inviter: Option<String>,
    pub services: Vec<InvitedService>,
    /// `dd.mm.yyyy`; `None` when the right has no end date.
    pub end_date: Option<String>,
    /// While pending: until when it can be answered, `dd.mm.yyyy HH:MM` Swiss time.
    pub answer_by: Option<String>,
    /// Once it ended: when and by whom. An ended right no longer shows what it granted
    /// (`services` is empty, `end_date` none): the company's debtors are its own business.
    pub ended: Option<RightEnded>,
    /// An invitation to join the company as an employee (and its administrator, when
    /// `as_administrator`), not to work for it as a provider.
    pub joins: bool,
    pub as_administrator: bool,
}

/// When and by whom a right ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightEnded {
    /// `dd.mm.yyyy`, Swiss time.
    pub on: String,
    pub by: Party,
}

/// One online service of an invitation and its debtors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedService {
    pub code: String,
    pub name: String,
    /// `None`: every debtor of the company; else "number – name" of each granted one.
    pub debtors: Option<Vec<String>>,
}

/// Requests of one login that may wait for an answer at the same time.
pub const MAX_OPEN_REQUESTS: i64 = 5;

/// "Demander un accès prestataire": asks the company with this customer number for
/// provider access; its administrators are told and decide.
#[server(prefix = "/api", endpoint = "request_access")]
pub async fn request_access(customer_number: String, message: String) -> Result<String, PortalError> {
    let login = crate::access::require_login().await?;
    let number = service::request(&Deps::of_request()?, login.user_id, &customer_number, &message).await?;
    crate::shared::context::say_after_a_plain_post(|locale| crate::i18n::td_string!(locale, account.request_sent_status).to_string()).await?;
    Ok(number)
}

/// One provider right of the signed-in login, for its own page (`/invitations/{id}`).
#[server(prefix = "/api", endpoint = "load_invitation")]
pub async fn load_invitation(right_id: i64) -> Result<InvitationView, PortalError> {
    let login = crate::access::require_login().await?;
    service::invitation(&crate::shared::context::store()?, &login, right_id).await
}

/// `answer`: `accept`, `refuse` or `resign`, or `withdraw` for the login's own request. Only the invited login answers its own right;
/// the company's administrators are told.
#[server(prefix = "/api", endpoint = "answer_right")]
pub async fn answer_right(right_id: i64, version: i64, answer: String) -> Result<(), PortalError> {
    let login = crate::access::require_login().await?;
    service::answer(&Deps::of_request()?, &login, right_id, version, &answer).await?;
    crate::shared::context::say_after_a_plain_post(|locale| crate::i18n::td_string!(locale, account.answer_saved).to_string()).await
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::access::SignedIn;
    use crate::messages::mail::Notice;
    use crate::shared::refusal::{internal, invalid, refused, Refusal};
    use portal_core::domain::{DomainError, MessageKind, Party, RightType, Transition};
    use portal_core::store::{Actor, Store, StoreError};

    /// The transition a provider's answer stands for, and the kind of message the company's
    /// administrators then receive.
    pub fn transition_of(answer: &str) -> Option<(Transition, MessageKind)> {
        match answer {
            "accept" => Some((Transition::Accept, MessageKind::ProviderAccepted)),
            "refuse" => Some((Transition::Refuse, MessageKind::ProviderRefused)),
            "resign" => Some((Transition::Resign, MessageKind::ProviderResigned)),
            "withdraw" => Some((Transition::Cancel, MessageKind::ProviderRequestWithdrawn)),
            _ => None,
        }
    }

    /// The same answer to an invitation to join as an employee: joining, refusing to, leaving.
    pub fn join_transition_of(answer: &str) -> Option<(Transition, MessageKind)> {
        match answer {
            "accept" => Some((Transition::Accept, MessageKind::EmployeeJoined)),
            "refuse" => Some((Transition::Refuse, MessageKind::EmployeeRefused)),
            "resign" => Some((Transition::Resign, MessageKind::EmployeeLeft)),
            _ => None,
        }
    }

    /// "Paul Prestataire (Fiduciaire Exemple Sàrl)": who the provider is, for the principal.
    pub async fn provider_label(store: &portal_core::store::Store, user_id: i64) -> Result<String, PortalError> {
        let provider = store.user(user_id).await.map_err(internal)?;
        let home = match provider.home_company_id {
            Some(id) => store.company(id).await.map_err(internal)?.name,
            None => provider.email.clone(),
        };
        Ok(format!("{} ({home})", provider.full_name()))
    }

    /// The login `user_id` asks the company with `customer_number` for provider access; the
    /// number it typed, as the company is not named before it answers.
    pub async fn request(deps: &Deps, user_id: i64, customer_number: &str, message: &str) -> Result<String, PortalError> {
        use portal_core::domain::{CustomerNumber, Remark, RightOrigin};
        use portal_core::store::NewRight;
        let number = CustomerNumber::parse(customer_number).map_err(invalid)?;
        let remark = Remark::parse(message).map_err(invalid)?;
        let store = &deps.store;
        // Counted before the number is looked up: customer numbers cannot be tried in bulk,
        // nor a company's administrators flooded with requests.
        let limit = deps.settings.max_requests_per_address;
        let key = format!("request_access:user:{user_id}");
        crate::shared::password::within_limit(store, &deps.settings, &key, limit, Refusal::RequestsThrottled).await?;
        let Some(company) = store.company_by_customer_number(&number).await.map_err(internal)? else {
            return request_unmatched(store, user_id, &number, &remark).await;
        };
        let user = store.user(user_id).await.map_err(internal)?;
        if user.home_company_id == Some(company.id) {
            return Err(refused(Refusal::OwnCompany));
        }
        if let Some(r) = store.right_for(company.id, user_id).await.map_err(internal)? {
            return Err(refused(Refusal::RightExists(r.status)));
        }
        let provider = provider_label(store, user_id).await?;
        let params = serde_json::json!({ "message": remark.as_str() });
        // The right's id, known once it is stored, serves only the e-mails' link.
        let mut notice = Notice::to_admins(store, &company, 0, MessageKind::ProviderRequest, provider, params).await.map_err(internal)?;
        let new = NewRight {
            company_id: company.id,
            user_id,
            right_type: RightType::Provider,
            is_admin: false,
            origin: RightOrigin::Request,
            remark,
            end_date: None,
            created_by_user_id: Some(user_id),
        };
        match store.request_provider_access(&new, &notice.messages(), MAX_OPEN_REQUESTS).await {
            Ok(right) => {
                tracing::info!(right_id = right.id, company_id = company.id, "provider access requested");
                notice.right_id = right.id;
                // A withheld or undelivered e-mail leaves its message in the portal.
                notice.mail(&deps.mailer, &deps.base).await;
                // The requester typed the number; the company's name is told once it answers.
                Ok(number.as_str().to_string())
            }
            Err(e) => Err(refused_request(e)),
        }
    }

    /// A request for a number no company has gets the answer a company's would: it is kept,
    /// listed, withdrawn and lapsed like a request the company has not answered yet, so that
    /// asking never tells whether a number is a customer's.
    async fn request_unmatched(
        store: &portal_core::store::Store,
        user_id: i64,
        number: &portal_core::domain::CustomerNumber,
        remark: &portal_core::domain::Remark,
    ) -> Result<String, PortalError> {
        if let Some(r) = store.unmatched_request_for(user_id, number).await.map_err(internal)? {
            return Err(refused(Refusal::RightExists(r.status)));
        }
        match store.request_unmatched(user_id, number, remark, MAX_OPEN_REQUESTS).await {
            Ok(request) => {
                tracing::info!(request_id = request.id, "provider access requested for a number no company has");
                Ok(number.as_str().to_string())
            }
            Err(e) => Err(refused_request(e)),
        }
    }

    /// Why a request was not stored, the same for a number a company has or not.
    fn refused_request(error: StoreError) -> PortalError {
        match error {
            StoreError::Duplicate { .. } => refused(Refusal::RightExists(RightStatus::Pending)),
            e @ StoreError::Invalid(_) => e.into(),
            e => internal(e),
        }
    }

    pub async fn invitation(store: &Store, login: &SignedIn, right_id: i64) -> Result<InvitationView, PortalError> {
        let user_id = login.user_id;
        let Some(right) = login.own_right(store, right_id).await? else {
            return match store.unmatched_request(user_id, right_id).await {
                Ok(request) => Ok(unmatched_view(request)),
                Err(StoreError::NotFound) => Err(refused(Refusal::NotYourInvitation)),
                Err(e) => Err(internal(e)),
            };
        };
        let company = store.company(right.company_id).await.map_err(internal)?;
        let ended = right.ended_by().map(|by| RightEnded { on: crate::shared::format::swiss_date(right.updated_at), by });
        if right.unanswered_request() {
            return Ok(unanswered_view(right.id, right.version, right.status, company.customer_number, right.answer_due(), ended));
        }
        let inviter = match right.created_by_user_id {
            Some(admin) if admin != user_id => Some(store.user(admin).await.map_err(internal)?.full_name()),
            _ => None,
        };
        let granted = if ended.is_some() { Vec::new() } else { store.service_grants(right.id).await.map_err(internal)? };
        let debtors = if granted.iter().all(|g| g.all_debtors) { Vec::new() } else { store.debtors(right.company_id).await.map_err(internal)? };
        let services = granted
            .into_iter()
            .map(|grant| InvitedService {
                debtors: (!grant.all_debtors)
                    .then(|| debtors.iter().filter(|d| grant.debtor_ids.contains(&d.id)).map(|d| format!("{} – {}", d.debtor_number, d.name)).collect()),
                code: grant.service_code,
                name: grant.service_name,
            })
            .collect();
        Ok(InvitationView {
            right_id: right.id,
            version: right.version,
            status: right.status,
            awaiting: right.awaiting,
            company_id: company.id,
            company_name: company.name,
            customer_number: company.customer_number,
            inviter,
            services,
            end_date: right.end_date.filter(|_| ended.is_none()).map(|d| d.format("%d.%m.%Y").to_string()),
            answer_by: right.answer_due().map(crate::shared::format::short_date_time),
            ended,
            joins: right.joins_by_consent(),
            as_administrator: right.is_admin,
        })
    }

    fn unmatched_view(request: portal_core::store::UnmatchedRequest) -> InvitationView {
        let ended = request.ended_by().map(|by| RightEnded { on: crate::shared::format::swiss_date(request.updated_at), by });
        let answer_due = request.answer_due();
        unanswered_view(request.id, request.version, request.status, request.customer_number, answer_due, ended)
    }

    /// A request the company has not answered, or one for a number no company has: only the
    /// number typed, its status and until when it waits — the same page for both.
    fn unanswered_view(
        right_id: i64,
        version: i64,
        status: RightStatus,
        customer_number: String,
        answer_due: Option<chrono::DateTime<chrono::Utc>>,
        ended: Option<RightEnded>,
    ) -> InvitationView {
        InvitationView {
            right_id,
            version,
            status,
            awaiting: (status == RightStatus::Pending).then_some(Awaiting::Principal),
            company_id: 0,
            company_name: String::new(),
            customer_number,
            inviter: None,
            services: Vec::new(),
            end_date: None,
            answer_by: answer_due.map(crate::shared::format::short_date_time),
            ended,
            joins: false,
            as_administrator: false,
        }
    }

    /// The login `user_id` answers its right `right_id` at `version` (`answer`: `accept`,
    /// `refuse`, `resign` or `withdraw`); the company's administrators are told.
    pub async fn answer(deps: &Deps, login: &SignedIn, right_id: i64, version: i64, answer: &str) -> Result<(), PortalError> {
        // An answer no right knows is refused before anything is read.
        transition_of(answer).ok_or_else(|| refused(Refusal::BadAnswer))?;
        let (store, user_id) = (&deps.store, login.user_id);
        let Some(right) = login.own_right(store, right_id).await? else {
            return answer_unmatched(store, user_id, right_id, version, answer).await;
        };
        let (transition, kind) =
            if right.joins_by_consent() { join_transition_of(answer) } else { transition_of(answer) }.ok_or_else(|| refused(Refusal::BadAnswer))?;
        let company = store.company(right.company_id).await.map_err(internal)?;
        let provider = provider_label(store, user_id).await?;
        let notice = Notice::to_admins(store, &company, right.id, kind, provider, serde_json::json!({})).await.map_err(internal)?;
        let actor = Actor::user(user_id, right.company_id);
        match store.transition_right_notifying(right.id, version, transition, Party::Provider, &actor, &notice.messages()).await {
            Ok(after) => {
                tracing::info!(right_id, answer, status = after.status.as_str(), "provider answered its right");
                // A withheld or undelivered e-mail leaves its message in the portal, which the
                // provider's answer does not wait for.
                notice.mail(&deps.mailer, &deps.base).await;
                Ok(())
            }
            Err(StoreError::Conflict) => Err(refused(lost_race(store, right.id).await?)),
            Err(e @ StoreError::Invalid(DomainError::Lifecycle(_) | DomainError::Rule(_))) => Err(e.into()),
            Err(e) => Err(internal(e)),
        }
    }

    /// An answer to a request for a number no company has: withdrawing it goes through, any
    /// other answer is refused as it is for a request to a company. Nobody else is told.
    async fn answer_unmatched(store: &portal_core::store::Store, user_id: i64, id: i64, version: i64, answer: &str) -> Result<(), PortalError> {
        let (transition, _) = transition_of(answer).ok_or_else(|| refused(Refusal::BadAnswer))?;
        match store.answer_unmatched_request(user_id, id, version, transition).await {
            Ok(after) => {
                tracing::info!(request_id = id, answer, status = after.status.as_str(), "provider answered its request");
                Ok(())
            }
            Err(StoreError::NotFound) => Err(refused(Refusal::ProviderRightNotFound)),
            Err(e @ (StoreError::Conflict | StoreError::Invalid(DomainError::Lifecycle(_) | DomainError::Rule(_)))) => Err(e.into()),
            Err(e) => Err(internal(e)),
        }
    }

    /// Why an answer lost its race: the invitation still waits for this login, so the company
    /// changed what it offers, or the right was answered or ended meanwhile.
    async fn lost_race(store: &portal_core::store::Store, right_id: i64) -> Result<Refusal, PortalError> {
        let now = store.right(right_id).await.map_err(internal)?;
        Ok(if now.status == RightStatus::Pending && now.awaiting == Some(Awaiting::Provider) { Refusal::InvitationChanged } else { Refusal::Conflict })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn each_answer_is_one_transition_told_to_the_administrators() {
            assert_eq!(transition_of("accept"), Some((Transition::Accept, MessageKind::ProviderAccepted)));
            assert_eq!(transition_of("refuse"), Some((Transition::Refuse, MessageKind::ProviderRefused)));
            assert_eq!(transition_of("resign"), Some((Transition::Resign, MessageKind::ProviderResigned)));
            assert_eq!(transition_of("withdraw"), Some((Transition::Cancel, MessageKind::ProviderRequestWithdrawn)));
            assert_eq!(transition_of("revoke"), None, "a provider never revokes");
            assert_eq!(join_transition_of("accept"), Some((Transition::Accept, MessageKind::EmployeeJoined)));
            assert_eq!(join_transition_of("resign"), Some((Transition::Resign, MessageKind::EmployeeLeft)));
            assert_eq!(join_transition_of("withdraw"), None, "an invitation to join is never the login's own request");
        }
    }
}
