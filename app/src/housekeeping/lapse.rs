//! The housekeeping's part of a pending right's life: an invitation or a request that was not
//! answered within its lifetime expires (status "expirée", audited once) and the party that
//! was waiting is told — the company's administrators of the day for an invitation, the
//! provider who asked for a request — by a message and, if they want e-mails, an e-mail. A
//! request for a number no company has lapses the same way, with the same message.

use portal_core::domain::{Awaiting, MessageKind, Party, Transition};
use portal_core::store::{Actor, NewMessage, Store, StoreError, UnmatchedRequest, UserRight};

use crate::messages::mail::Notice;
use crate::messages::pages::MessageValues;
use crate::shared::mail::Mailer;
use crate::shared::refusal::internal;
use crate::shared::refusal::PortalError;

/// Expires every pending right and every request for a number no company has whose
/// answer-by time has come by the store's clock; answers the ids of what it expired. Several
/// instances may run it at once: each changes at one version only, so it expires, and its
/// message and e-mail go out, exactly once. E-mails start with `base`, the portal's public
/// address.
pub async fn expire_unanswered(store: &Store, mailer: &Mailer, base: &str) -> Result<Vec<i64>, PortalError> {
    let mut expired = Vec::new();
    for right in store.lapsed_rights(store.now()).await.map_err(internal)? {
        let notice = notice_of_lapse(store, &right).await?;
        match store.transition_right_notifying(right.id, right.version, Transition::Expire, Party::System, &Actor::system(), &notice.messages()).await {
            Ok(after) => {
                notice.mail(mailer, base).await;
                expired.push(after.id);
            }
            // Answered, renewed or expired by another instance meanwhile.
            Err(StoreError::Conflict) | Err(StoreError::Invalid(_)) => {}
            Err(error) => return Err(internal(error)),
        }
    }
    let told = |request: &UnmatchedRequest| NewMessage {
        recipient_user_id: request.user_id,
        company_id: None,
        kind: MessageKind::ProviderRequestExpired,
        params: request_lapse_params(&request.customer_number, request.id),
    };
    for request in store.expire_unmatched_requests(store.now(), told).await.map_err(internal)? {
        let requester = store.user(request.user_id).await.map_err(internal)?;
        let notice = request_lapse_notice(requester, &request.customer_number, request.id);
        notice.mail(mailer, base).await;
        expired.push(request.id);
    }
    Ok(expired)
}

/// What the party that waited for the answer is told.
async fn notice_of_lapse(store: &Store, right: &UserRight) -> Result<Notice, PortalError> {
    let company = store.company(right.company_id).await.map_err(internal)?;
    if right.awaiting == Some(Awaiting::Principal) {
        let requester = store.user(right.user_id).await.map_err(internal)?;
        return Ok(request_lapse_notice(requester, &company.customer_number, right.id));
    }
    let provider = crate::provider::service::provider_label(store, right.user_id).await?;
    let kind = if right.joins_by_consent() { MessageKind::EmployeeInvitationExpired } else { MessageKind::ProviderInvitationExpired };
    Notice::to_admins(store, &company, right.id, kind, provider, serde_json::json!({ "right_id": right.id })).await.map_err(internal)
}

/// A request lapsed unanswered tells its requester the number it typed, filed under no
/// company, whether a company has that number or not.
fn request_lapse_notice(requester: portal_core::store::User, customer_number: &str, request_id: i64) -> Notice {
    Notice {
        company_id: None,
        right_id: request_id,
        told: vec![(requester, MessageKind::ProviderRequestExpired)],
        params: request_lapse_params(customer_number, request_id),
        values: MessageValues { company: customer_number.to_string(), ..Default::default() },
    }
}

fn request_lapse_params(customer_number: &str, request_id: i64) -> serde_json::Value {
    serde_json::json!({ "company": customer_number, "right_id": request_id })
}
