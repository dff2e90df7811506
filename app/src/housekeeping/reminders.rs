//! The housekeeping's reminders about providers' rights: 3 days before an invitation lapses
//! unanswered, the provider; 30, 7 and 1 days before an active right's end date, the provider
//! and the company's administrators, who can extend it from the message. Each reminder goes
//! out once — message and e-mail — however many instances run the housekeeping.

use portal_core::domain::{MessageKind, Reminder, RightId};
use portal_core::store::{Store, User, UserRight};

use crate::messages::mail::Notice;
use crate::messages::pages::MessageValues;
use crate::shared::format::moment_or_day_of;
use crate::shared::mail::Mailer;
use crate::shared::refusal::internal;
use crate::shared::refusal::PortalError;

/// Sends every reminder due by the store's clock that no instance sent yet; answers the ones
/// this call sent. E-mails start with `base`, the portal's public address.
pub async fn send_due_reminders(store: &Store, mailer: &Mailer, base: &str) -> Result<Vec<(RightId, Reminder)>, PortalError> {
    let now = store.now();
    let mut sent = Vec::new();
    for right in store.rights_to_remind(now).await.map_err(internal)? {
        let Some(due) = right.reminder_due(now) else { continue };
        let company = store.company(right.company_id).await.map_err(internal)?.name;
        let provider = crate::provider::service::provider_label(store, right.user_id).await?;
        let notice = Notice {
            company_id: Some(right.company_id),
            right_id: right.id,
            told: who_is_told(store, &right, due.reminder).await?,
            params: serde_json::json!({ "company": company, "provider": provider, "right_id": right.id, "until": due.about }),
            values: MessageValues { provider, company, until: moment_or_day_of(&due.about).unwrap_or_default(), ..Default::default() },
        };
        if !store.record_reminder(&right, &due, &notice.messages()).await.map_err(internal)? {
            continue; // sent before, by this instance or another, or the right changed meanwhile
        }
        notice.mail(mailer, base).await;
        sent.push((right.id, due.reminder));
    }
    Ok(sent)
}

/// The provider, and before an end date also the company's administrators, each with the
/// kind of message they get.
async fn who_is_told(store: &Store, right: &UserRight, reminder: Reminder) -> Result<Vec<(User, MessageKind)>, PortalError> {
    let provider = store.user(right.user_id).await.map_err(internal)?;
    if reminder == Reminder::AnswerSoon {
        return Ok(vec![(provider, MessageKind::ProviderInvitationReminder)]);
    }
    let mut told = vec![(provider, MessageKind::ProviderAccessEnding)];
    for admin in store.admins_of_company(right.company_id).await.map_err(internal)? {
        told.push((admin, MessageKind::ProviderRightEnding));
    }
    Ok(told)
}
