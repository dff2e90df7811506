//! The reminders the housekeeping sends about provider rights, each exactly once, however
//! many instances run it.

use super::*;
use crate::domain::*;

impl Store {
    /// Records `due` as sent about `right` and writes its messages, in one transaction, if
    /// it was not sent before — by this instance or another — and the right is still at the
    /// version it was read at. True when this call sent it: the caller then sends its
    /// e-mails. Two instances at once: the second insert of the reminder's row waits for the
    /// first transaction and then inserts nothing.
    pub async fn record_reminder(&self, right: &UserRight, due: &DueReminder, notify: &[NewMessage]) -> Result<bool> {
        let mut tx = self.begin().await?;
        let version: Option<i64> =
            with_tx!(&mut tx, |c| sqlx::query_scalar("SELECT version FROM user_rights WHERE id = $1").bind(right.id).fetch_optional(c).await)?;
        if version != Some(right.version) {
            return Ok(false);
        }
        let inserted = with_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO right_reminders (right_id, reminder, about, sent_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (right_id, reminder, about) DO NOTHING"
        )
        .bind(right.id)
        .bind(due.reminder.as_str())
        .bind(&due.about)
        .bind(real_time())
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
        if inserted == 0 {
            return Ok(false);
        }
        for message in notify {
            super::messages::create_message_in(&mut tx, message).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The reminders sent about a right, oldest first: which one, and the date it was about.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn reminders_sent(&self, right_id: RightId) -> Result<Vec<(Reminder, String)>> {
        let rows: Vec<(String, String)> =
            with_pool!(self, |p| sqlx::query_as("SELECT reminder, about FROM right_reminders WHERE right_id = $1 ORDER BY sent_at, reminder")
                .bind(right_id)
                .fetch_all(p)
                .await)?;
        rows.into_iter().map(|(reminder, about)| Ok((Reminder::parse(&reminder).map_err(StoreError::invalid)?, about))).collect()
    }
}
