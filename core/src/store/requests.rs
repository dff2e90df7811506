//! Provider requests for a customer number that no company has ([`UnmatchedRequest`]), kept
//! and lapsed like the requests a company has not answered yet.

use chrono::{DateTime, Utc};

use super::audit::audit_in;
use super::messages::create_message_in;
use super::*;
use crate::domain::*;

const COLUMNS: &str = "id, user_id, customer_number, status, version, created_at, updated_at, answer_by";

/// The requests of `user_id` that wait for an answer, to a company or to a number no company
/// has: both count against one limit.
pub(crate) async fn open_requests_in(tx: &mut Tx, user_id: UserId) -> Result<i64> {
    Ok(with_tx!(tx, |c| sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM user_rights WHERE user_id = $1 AND status = 'pending' AND awaiting = 'principal') \
              + (SELECT COUNT(*) FROM unmatched_requests WHERE user_id = $1 AND status = 'pending')"
    )
    .bind(user_id)
    .fetch_one(c)
    .await)?)
}

/// Takes the next id of `user_rights`' own sequence, which no right will then take.
async fn reserve_right_id_in(tx: &mut Tx) -> Result<RightId> {
    Ok(match tx {
        Tx::Sqlite(t) => {
            // AUTOINCREMENT gives a new right max(seq, largest id) + 1; sqlite_sequence is
            // an ordinary table meant to be written.
            sqlx::query(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'user_rights', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'user_rights')",
            )
            .execute(&mut **t)
            .await?;
            sqlx::query_scalar(
                "UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(id), 0) FROM user_rights)) + 1 WHERE name = 'user_rights' RETURNING seq",
            )
            .fetch_one(&mut **t)
            .await?
        }
        Tx::Postgres(t) => sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('user_rights', 'id'))").fetch_one(&mut **t).await?,
    })
}

async fn unmatched_request_in(tx: &mut Tx, id: RightId) -> Result<UnmatchedRequest> {
    let sql = format!("SELECT {COLUMNS} FROM unmatched_requests WHERE id = $1");
    let request: Option<UnmatchedRequest> = with_tx!(tx, |c| sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    request.ok_or(StoreError::NotFound)
}

/// Moves a pending request to `status` at `version`, audited; `Conflict` when it moved meanwhile.
async fn end_in(
    tx: &mut Tx,
    before: &UnmatchedRequest,
    status: RightStatus,
    action: AuditAction,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<UnmatchedRequest> {
    let sql = format!(
        "UPDATE unmatched_requests SET status = $3, version = version + 1, updated_at = $4 \
         WHERE id = $1 AND version = $2 AND status = 'pending' RETURNING {COLUMNS}"
    );
    let after: Option<UnmatchedRequest> =
        with_tx!(tx, |c| sqlx::query_as(&sql).bind(before.id).bind(before.version).bind(status.as_str()).bind(at).fetch_optional(c).await)?;
    let after = after.ok_or(StoreError::Conflict)?;
    let entry = AuditEntry::new(actor, None, action, format!("request:{}", after.id))
        .before(serde_json::json!({ "status": before.status.as_str() }))
        .after(serde_json::json!({ "status": after.status.as_str() }));
    audit_in(tx, &entry).await?;
    Ok(after)
}

impl Store {
    /// The login's request for `number`, whatever its status: one per number, as a login has
    /// one right per company.
    pub async fn unmatched_request_for(&self, user_id: UserId, number: &CustomerNumber) -> Result<Option<UnmatchedRequest>> {
        let sql = format!("SELECT {COLUMNS} FROM unmatched_requests WHERE user_id = $1 AND customer_number = $2");
        Ok(with_pool!(self, |p| sqlx::query_as(&sql).bind(user_id).bind(number.as_str()).fetch_optional(p).await)?)
    }

    /// Keeps a request for a number no company has, within the login's `max_open` requests
    /// waiting at once (`rights.too_many_requests`), due within the default invitation
    /// lifetime; audited as the login's own event ("right.create" on `request:{id}`).
    pub async fn request_unmatched(&self, user_id: UserId, number: &CustomerNumber, remark: &Remark, max_open: i64) -> Result<UnmatchedRequest> {
        let mut tx = self.begin().await?;
        if open_requests_in(&mut tx, user_id).await? >= max_open {
            return Err(StoreError::invalid(RightRuleError::TooManyRequests));
        }
        let id = reserve_right_id_in(&mut tx).await?;
        let at = self.now();
        let sql = format!(
            "INSERT INTO unmatched_requests (id, user_id, customer_number, remark, status, created_at, updated_at, answer_by, version) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $5, $6, 1) RETURNING {COLUMNS}"
        );
        let request: UnmatchedRequest = with_tx!(&mut tx, |c| sqlx::query_as(&sql)
            .bind(id)
            .bind(user_id)
            .bind(number.as_str())
            .bind(remark.clone().into_option())
            .bind(at)
            .bind(days_later(at, InvitationLifetime::DEFAULT.days()))
            .fetch_one(c)
            .await)
        .map_err(dup("right"))?;
        let entry = AuditEntry::new(&Actor::login(user_id), None, AuditAction::RightCreate, format!("request:{id}"))
            .after(serde_json::json!({ "customer_number": number.as_str(), "status": "pending" }));
        audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(request)
    }

    /// The login's requests for numbers no company has, oldest first.
    pub async fn unmatched_requests_of(&self, user_id: UserId) -> Result<Vec<UnmatchedRequest>> {
        let sql = format!("SELECT {COLUMNS} FROM unmatched_requests WHERE user_id = $1 ORDER BY created_at, id");
        Ok(with_pool!(self, |p| sqlx::query_as(&sql).bind(user_id).fetch_all(p).await)?)
    }

    /// One of the login's requests for a number no company has; `NotFound` unless it is this
    /// login's.
    pub async fn unmatched_request(&self, user_id: UserId, id: RightId) -> Result<UnmatchedRequest> {
        let sql = format!("SELECT {COLUMNS} FROM unmatched_requests WHERE id = $1 AND user_id = $2");
        let request: Option<UnmatchedRequest> = with_pool!(self, |p| sqlx::query_as(&sql).bind(id).bind(user_id).fetch_optional(p).await)?;
        request.ok_or(StoreError::NotFound)
    }

    /// The requester's answer to its own request, through the rights' lifecycle as for a
    /// request to a company: withdrawing ([`Transition::Cancel`]) is the one that goes
    /// through. `NotFound` unless it is this login's, `Conflict` at another version.
    pub async fn answer_unmatched_request(&self, user_id: UserId, id: RightId, version: i64, transition: Transition) -> Result<UnmatchedRequest> {
        let mut tx = self.begin().await?;
        let before = unmatched_request_in(&mut tx, id).await?;
        if before.user_id != user_id {
            return Err(StoreError::NotFound);
        }
        if before.version != version {
            return Err(StoreError::Conflict);
        }
        let state = before.state().apply(transition, Party::Provider).map_err(StoreError::invalid)?;
        let after = end_in(&mut tx, &before, state.status, transition.audit_action(), &Actor::login(user_id), self.now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Expires every pending request whose answer-by time has come at `now`, each with the
    /// message `told` makes for its requester, in one transaction per request. Several
    /// instances may run it at once: a request expires, and is told, once.
    pub async fn expire_unmatched_requests(&self, now: DateTime<Utc>, told: impl Fn(&UnmatchedRequest) -> NewMessage) -> Result<Vec<UnmatchedRequest>> {
        let sql = format!("SELECT {COLUMNS} FROM unmatched_requests WHERE status = 'pending' AND answer_by <= $1 ORDER BY answer_by, id");
        let due: Vec<UnmatchedRequest> = with_pool!(self, |p| sqlx::query_as(&sql).bind(now).fetch_all(p).await)?;
        let mut expired = Vec::with_capacity(due.len());
        for before in due {
            let mut tx = self.begin().await?;
            match end_in(&mut tx, &before, RightStatus::Expired, AuditAction::RightExpire, &Actor::system(), now).await {
                Ok(after) => {
                    create_message_in(&mut tx, &told(&after)).await?;
                    tx.commit().await?;
                    expired.push(after);
                }
                Err(StoreError::Conflict) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(expired)
    }
}
