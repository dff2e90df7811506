//! The housekeeping's part of a pending right's life: an invitation or a request that was not
//! answered within the company's invitation lifetime expires (status "expirée", audited once)
//! and the party that was waiting is told — the company's administrators of the day for an
//! invitation, the provider who asked for a request — by a message and, if they want e-mails, an e-mail.

use portal_core::domain::{Awaiting, MessageKind, Party, Transition};
use portal_core::store::{Actor, Store, StoreError, UserRight};

use crate::messages::mail::Notice;
use crate::messages::pages::MessageValues;
use crate::shared::context::internal;
use crate::shared::errors::PortalError;
use crate::shared::mail::Mailer;

/// Expires every pending right whose answer-by time has come by the store's clock; answers
/// the rights it expired. Several instances may run it at once: each right changes at one
/// version only, so it expires, and its message and e-mail go out, exactly once. E-mails
/// start with `base`, the portal's public address.
pub async fn expire_unanswered(store: &Store, mailer: &Mailer, base: &str) -> Result<Vec<UserRight>, PortalError> {
    let mut expired = Vec::new();
    for right in store.lapsed_rights(store.now()).await.map_err(internal)? {
        let notice = notice_of_lapse(store, &right).await?;
        match store.transition_right_notifying(right.id, right.version, Transition::Expire, Party::System, &Actor::system(), &notice.messages()).await {
            Ok(after) => {
                notice.mail(mailer, base).await;
                expired.push(after);
            }
            // Answered, renewed or expired by another instance meanwhile.
            Err(StoreError::Conflict) | Err(StoreError::Invalid(_)) => {}
            Err(error) => return Err(internal(error)),
        }
    }
    Ok(expired)
}

/// What the party that waited for the answer is told.
async fn notice_of_lapse(store: &Store, right: &UserRight) -> Result<Notice, PortalError> {
    let company = store.company(right.company_id).await.map_err(internal)?.name;
    let provider = crate::provider::service::provider_label(store, right.user_id).await?;
    let params = serde_json::json!({ "provider": provider, "company": company, "right_id": right.id });
    // An invitation tells the company's administrators of the day, not whoever sent it: that
    // login may no longer administer the company (or belong to it).
    let told = match right.awaiting {
        Some(Awaiting::Provider) | None => store
            .admins_of_company(right.company_id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|admin| (admin, if right.joins_by_consent() { MessageKind::EmployeeInvitationExpired } else { MessageKind::ProviderInvitationExpired }))
            .collect(),
        Some(Awaiting::Principal) => vec![(store.user(right.user_id).await.map_err(internal)?, MessageKind::ProviderRequestExpired)],
    };
    let values = MessageValues { provider, company, ..Default::default() };
    Ok(Notice { company_id: right.company_id, right_id: right.id, told, params, values })
}
