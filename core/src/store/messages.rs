//! In-app messages.

use chrono::{DateTime, Utc};

use super::*;
use crate::domain::*;

const MESSAGE_SELECT: &str = "SELECT m.id, m.recipient_user_id, m.company_id, c.name AS company_name, m.kind, m.params, \
     m.received_at, m.read_at FROM messages m LEFT JOIN companies c ON c.id = m.company_id";

pub(crate) async fn create_message_in(tx: &mut Tx, new: &NewMessage) -> Result<i64> {
    Ok(with_tx!(tx, |c| sqlx::query_scalar(
        "INSERT INTO messages (recipient_user_id, company_id, kind, params, received_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(new.recipient_user_id)
    .bind(new.company_id)
    .bind(new.kind.as_str())
    .bind(new.params.to_string())
    .bind(real_time())
    .fetch_one(c)
    .await)?)
}

impl Store {
    #[cfg(any(test, feature = "test-support"))]
    pub async fn create_message(&self, new: &NewMessage) -> Result<Message> {
        let mut tx = self.begin().await?;
        let id = create_message_in(&mut tx, new).await?;
        tx.commit().await?;
        self.message(new.recipient_user_id, id).await
    }

    /// One message, only if addressed to `recipient_user_id` (else `NotFound`).
    pub async fn message(&self, recipient_user_id: UserId, id: i64) -> Result<Message> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1 AND m.recipient_user_id = $2");
        let message: Option<Message> = with_pool!(self, |p| sqlx::query_as(&sql).bind(id).bind(recipient_user_id).fetch_optional(p).await)?;
        message.ok_or(StoreError::NotFound)
    }

    /// Every message addressed to a user, newest first (tests).
    #[cfg(any(test, feature = "test-support"))]
    pub async fn messages_for(&self, recipient_user_id: UserId) -> Result<Vec<Message>> {
        Ok(self.messages_page(recipient_user_id, None, i64::MAX - 1).await?.items)
    }

    /// A page of the messages addressed to a user, newest first: `limit` messages received
    /// before message `before` (from the newest without it), along the index
    /// `(recipient_user_id, id)`.
    pub async fn messages_page(&self, recipient_user_id: UserId, before: Option<i64>, limit: i64) -> Result<NewestFirst<Message>> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.recipient_user_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3");
        let rows: Vec<Message> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(recipient_user_id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit.saturating_add(1))
            .fetch_all(p)
            .await)?;
        Ok(NewestFirst::cut(rows, limit, |m| m.id))
    }

    /// Marks a message read; the read date is set the first time only.
    pub async fn mark_message_read(&self, recipient_user_id: UserId, id: i64, at: DateTime<Utc>) -> Result<Message> {
        with_pool!(self, |p| sqlx::query("UPDATE messages SET read_at = $3 WHERE id = $1 AND recipient_user_id = $2 AND read_at IS NULL")
            .bind(id)
            .bind(recipient_user_id)
            .bind(at)
            .execute(p)
            .await
            .map(|_| ()))?;
        self.message(recipient_user_id, id).await
    }

    pub async fn unread_count(&self, recipient_user_id: UserId) -> Result<i64> {
        Ok(with_pool!(self, |p| sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE recipient_user_id = $1 AND read_at IS NULL")
            .bind(recipient_user_id)
            .fetch_one(p)
            .await)?)
    }
}
