//! Provider access requests: a provider asks a company for access; its admins decide.

use super::audit::audit_in;
use super::rights::{insert_right_in, right_for_in, write_state_in};
use super::*;
use crate::domain::*;

const REQUEST_SELECT: &str = "SELECT q.id, q.requester_user_id, u.email AS requester_email, u.first_name AS requester_first_name, \
     u.last_name AS requester_last_name, hc.name AS requester_company_name, q.company_id, c.name AS company_name, \
     c.customer_number, q.message, q.status, q.created_at, q.decided_at, q.decided_by \
     FROM provider_access_requests q JOIN users u ON u.id = q.requester_user_id \
     JOIN companies c ON c.id = q.company_id LEFT JOIN companies hc ON hc.id = u.home_company_id";

async fn request_in(tx: &mut Tx, id: i64) -> Result<AccessRequest> {
    let sql = format!("{REQUEST_SELECT} WHERE q.id = $1");
    let row: Option<AccessRequestRow> = with_tx!(tx, |c| sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

async fn set_request_status_in(tx: &mut Tx, id: i64, status: AccessRequestStatus, decided_by: Option<UserId>) -> Result<()> {
    let n = with_tx!(tx, |c| sqlx::query(
        "UPDATE provider_access_requests SET status = $2, decided_at = $3, decided_by = $4 WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(status.as_str())
    .bind(now())
    .bind(decided_by)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

impl Store {
    /// A provider asks `company_id` for access. At most one open request per requester and
    /// company (`Duplicate { what: "access_request" }`); refused with `Duplicate { what:
    /// "right" }` when the requester already holds a pending or active right there.
    pub async fn create_access_request(&self, requester_user_id: UserId, company_id: CompanyId, message: &Remark, actor: &Actor) -> Result<AccessRequest> {
        let mut tx = self.begin().await?;
        if let Some(r) = right_for_in(&mut tx, company_id, requester_user_id).await? {
            if matches!(r.status, RightStatus::Pending | RightStatus::Active) {
                return Err(StoreError::Duplicate { what: "right" });
            }
        }
        let id: i64 = with_tx!(&mut tx, |c| sqlx::query_scalar(
            "INSERT INTO provider_access_requests (requester_user_id, company_id, message, status, created_at) \
             VALUES ($1, $2, $3, 'open', $4) RETURNING id"
        )
        .bind(requester_user_id)
        .bind(company_id)
        .bind(message.clone().into_option())
        .bind(now())
        .fetch_one(c)
        .await)
        .map_err(dup("access_request"))?;
        let req = request_in(&mut tx, id).await?;
        audit_in(&mut tx, &AuditEntry::new(actor, Some(company_id), "access_request.create", format!("access_request:{id}")).after(&req))
            .await?;
        tx.commit().await?;
        Ok(req)
    }

    pub async fn access_request(&self, id: i64) -> Result<AccessRequest> {
        let sql = format!("{REQUEST_SELECT} WHERE q.id = $1");
        let row: Option<AccessRequestRow> = with_pool!(self, |p| sqlx::query_as(&sql).bind(id).fetch_optional(p).await)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Requests addressed to a company (only open ones if `open_only`), newest first.
    pub async fn access_requests_for_company(&self, company_id: CompanyId, open_only: bool) -> Result<Vec<AccessRequest>> {
        let sql = format!("{REQUEST_SELECT} WHERE q.company_id = $1 AND ($2 = $3 OR q.status = 'open') ORDER BY q.created_at DESC, q.id DESC");
        let rows: Vec<AccessRequestRow> =
            with_pool!(self, |p| sqlx::query_as(&sql).bind(company_id).bind(open_only).bind(false).fetch_all(p).await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Requests made by a user, newest first.
    pub async fn access_requests_of_user(&self, user_id: UserId) -> Result<Vec<AccessRequest>> {
        let sql = format!("{REQUEST_SELECT} WHERE q.requester_user_id = $1 ORDER BY q.created_at DESC, q.id DESC");
        let rows: Vec<AccessRequestRow> = with_pool!(self, |p| sqlx::query_as(&sql).bind(user_id).fetch_all(p).await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// An admin of the company approves or declines an open request (`Conflict` if it is no
    /// longer open). Approval makes the requester's provider right active (creating it, or
    /// re-activating an ended or pending one: both parties consented). Audited.
    pub async fn decide_access_request(&self, id: i64, approve: bool, decided_by: UserId, actor: &Actor) -> Result<(AccessRequest, Option<UserRight>)> {
        let mut tx = self.begin().await?;
        let req = request_in(&mut tx, id).await?;
        if req.status != AccessRequestStatus::Open {
            return Err(StoreError::Conflict);
        }
        let status = if approve { AccessRequestStatus::Approved } else { AccessRequestStatus::Declined };
        set_request_status_in(&mut tx, id, status, Some(decided_by)).await?;
        let right = if approve {
            Some(match right_for_in(&mut tx, req.company_id, req.requester_user_id).await? {
                None => {
                    let new = NewRight {
                        company_id: req.company_id,
                        user_id: req.requester_user_id,
                        right_type: RightType::Provider,
                        is_admin: false,
                        origin: RightOrigin::Request,
                        remark: Remark::parse(req.message.as_deref().unwrap_or("")).unwrap_or_default(),
                        end_date: None,
                        created_by_user_id: Some(decided_by),
                    };
                    // Requested by the provider, accepted by the principal.
                    let state = RightState::initial(RightType::Provider, RightOrigin::Request)
                        .and_then(|s| s.apply(Transition::Accept, Party::Principal))
                        .map_err(StoreError::invalid)?;
                    insert_right_in(&mut tx, &new, state, actor).await?
                }
                Some(r) if r.status == RightStatus::Active => r,
                Some(r) => write_state_in(&mut tx, &r, RightState::ACTIVE, true, "right.accept", actor).await?,
            })
        } else {
            None
        };
        let after = request_in(&mut tx, id).await?;
        let action = if approve { "access_request.approve" } else { "access_request.decline" };
        audit_in(&mut tx, &AuditEntry::new(actor, Some(req.company_id), action, format!("access_request:{id}")).before(&req).after(&after))
            .await?;
        tx.commit().await?;
        Ok((after, right))
    }

    /// The requester withdraws an open request (`NotFound` if it is not theirs, `Conflict`
    /// if no longer open).
    pub async fn withdraw_access_request(&self, id: i64, requester_user_id: UserId, actor: &Actor) -> Result<AccessRequest> {
        let mut tx = self.begin().await?;
        let req = request_in(&mut tx, id).await?;
        if req.requester_user_id != requester_user_id {
            return Err(StoreError::NotFound);
        }
        set_request_status_in(&mut tx, id, AccessRequestStatus::Withdrawn, None).await?;
        let after = request_in(&mut tx, id).await?;
        audit_in(&mut tx, &AuditEntry::new(actor, Some(req.company_id), "access_request.withdraw", format!("access_request:{id}")).before(&req).after(&after))
            .await?;
        tx.commit().await?;
        Ok(after)
    }
}
