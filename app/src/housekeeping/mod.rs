//! The portal's housekeeping: what happens to rights and sessions because time passes, with
//! nobody at the keyboard. Every instance runs it, at start-up and then at a fixed interval;
//! each step is idempotent, a right changed meanwhile by another instance is left to it, and
//! each message and e-mail goes out once.

pub mod lapse;
pub mod reminders;

use std::time::Duration;

use portal_core::store::Store;

use crate::shared::mail::Mailer;

/// What the housekeeping works with: the store (and its clock), and for the e-mails the
/// mailer and the portal's public address (links in e-mails never come from a request).
#[derive(Clone, Debug)]
pub struct Housekeeping {
    pub store: Store,
    pub mailer: Mailer,
    pub public_base: String,
}

impl Housekeeping {
    /// Runs [`Housekeeping::run_once`] now and then every `every`, until the process ends.
    pub fn spawn(self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            loop {
                ticker.tick().await;
                self.run_once().await;
            }
        })
    }

    /// One round: removes expired sessions; ends the rights whose end date has passed (status
    /// "expirée", audited), so that lists and the provider's accesses say what the access
    /// checks already apply; expires the invitations and requests left unanswered within
    /// their company's invitation lifetime, telling the party that waited ([`lapse`]); sends
    /// the reminders due before an invitation lapses or a provider's access ends
    /// ([`reminders`]). A step that fails is logged and the next one still runs.
    pub async fn run_once(&self) {
        let store = &self.store;
        match store.delete_expired_sessions(portal_core::store::real_time()).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(n, "expired sessions removed"),
            Err(error) => tracing::warn!(%error, "cannot remove expired sessions"),
        }
        match store.expire_rights(store.today()).await {
            Ok(ended) => {
                for right in &ended {
                    tracing::info!(right_id = right.id, company_id = right.company_id, user_id = right.user_id, "right expired: end date passed");
                }
            }
            Err(error) => tracing::warn!(%error, "cannot expire the rights past their end date"),
        }
        let base = self.public_base.trim_end_matches('/');
        match lapse::expire_unanswered(store, &self.mailer, base).await {
            Ok(lapsed) => {
                for right_id in &lapsed {
                    tracing::info!(right_id, "invitation or request expired: not answered in time");
                }
            }
            Err(error) => tracing::warn!(?error, "cannot expire the pending rights not answered in time"),
        }
        match reminders::send_due_reminders(store, &self.mailer, base).await {
            Ok(sent) => {
                for (right_id, reminder) in &sent {
                    tracing::info!(right_id, reminder = reminder.as_str(), "reminder sent");
                }
            }
            Err(error) => tracing::warn!(?error, "cannot send the reminders due"),
        }
    }
}
