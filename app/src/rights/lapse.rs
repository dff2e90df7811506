//! The housekeeping's part of a pending right's life: an invitation or a request that was not
//! answered within the company's invitation lifetime expires (status "expirée", audited once)
//! and the party that was waiting is told — the administrator who invited, or the provider
//! who asked — by a message and, if they want e-mails, an e-mail.

use portal_core::domain::{Awaiting, MessageKind, Party, Transition};
use portal_core::store::{Actor, NewMessage, Store, StoreError, User, UserRight};

use crate::messages::mail::mail_message;
use crate::messages::pages::{MessageLink, MessageValues};
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
        let lapse = Lapse::of(store, &right).await?;
        let notify: Vec<NewMessage> = lapse
            .told
            .iter()
            .map(|user| NewMessage { recipient_user_id: user.id, company_id: Some(right.company_id), kind: lapse.kind, params: lapse.params.clone() })
            .collect();
        match store.transition_right_notifying(right.id, right.version, Transition::Expire, Party::System, &Actor::system(), &notify).await {
            Ok(after) => {
                let link = MessageLink::of(lapse.kind, Some(right.id));
                if let Some(user) = &lapse.told {
                    mail_message(mailer, base, user, lapse.kind, &lapse.values, link).await;
                }
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
struct Lapse {
    told: Option<User>,
    kind: MessageKind,
    params: serde_json::Value,
    values: MessageValues,
}

impl Lapse {
    async fn of(store: &Store, right: &UserRight) -> Result<Lapse, PortalError> {
        let company = store.company(right.company_id).await.map_err(internal)?.name;
        let provider = crate::provider::service::provider_label(store, right.user_id).await?;
        let params = serde_json::json!({ "provider": provider, "company": company, "right_id": right.id });
        let (recipient, kind) = match right.awaiting {
            Some(Awaiting::Provider) => (right.created_by_user_id, MessageKind::ProviderInvitationExpired),
            Some(Awaiting::Principal) => (Some(right.user_id), MessageKind::ProviderRequestExpired),
            None => (None, MessageKind::ProviderInvitationExpired),
        };
        let told = match recipient {
            Some(id) => Some(store.user(id).await.map_err(internal)?),
            None => None,
        };
        Ok(Lapse { told, kind, params, values: MessageValues { provider, company, ..Default::default() } })
    }
}
