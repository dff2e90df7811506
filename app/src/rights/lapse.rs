//! The housekeeping's part of a pending right's life: an invitation or a request that was not
//! answered within the company's invitation lifetime expires (status "expirée", audited once)
//! and the party that was waiting is told — the administrator who invited, or the provider
//! who asked.

use portal_core::domain::{Awaiting, MessageKind, Party, Transition};
use portal_core::store::{Actor, NewMessage, Store, StoreError, UserRight};

use crate::shared::context::internal;
use crate::shared::errors::PortalError;

/// Expires every pending right whose answer-by time has come by the store's clock; answers
/// the rights it expired. Several instances may run it at once: each right changes at one
/// version only, so it expires, and its message is written, exactly once.
pub async fn expire_unanswered(store: &Store) -> Result<Vec<UserRight>, PortalError> {
    let mut expired = Vec::new();
    for right in store.lapsed_rights(store.now()).await.map_err(internal)? {
        let notify = tell_of_lapse(store, &right).await?;
        match store.transition_right_notifying(right.id, right.version, Transition::Expire, Party::System, &Actor::system(), &notify).await {
            Ok(after) => expired.push(after),
            // Answered, renewed or expired by another instance meanwhile.
            Err(StoreError::Conflict) | Err(StoreError::Invalid(_)) => {}
            Err(error) => return Err(internal(error)),
        }
    }
    Ok(expired)
}

/// The message to the party that waited for the answer.
async fn tell_of_lapse(store: &Store, right: &UserRight) -> Result<Vec<NewMessage>, PortalError> {
    let company = store.company(right.company_id).await.map_err(internal)?;
    let provider = crate::provider::service::provider_label(store, right.user_id).await?;
    let params = serde_json::json!({ "provider": provider, "company": company.name, "right_id": right.id });
    let (recipient, kind) = match right.awaiting {
        Some(Awaiting::Provider) => (right.created_by_user_id, MessageKind::ProviderInvitationExpired),
        Some(Awaiting::Principal) => (Some(right.user_id), MessageKind::ProviderRequestExpired),
        None => (None, MessageKind::ProviderInvitationExpired),
    };
    Ok(recipient
        .map(|recipient_user_id| NewMessage { recipient_user_id, company_id: Some(right.company_id), kind, params })
        .into_iter()
        .collect())
}
