//! The append-only audit log.

use super::*;
use crate::domain::*;

const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor_user_id, acting_company_id, company_id, action, target, before, after) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

fn json(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(|v| v.to_string())
}

/// Appends `entry` inside an open transaction (used by every change of rights).
pub(crate) async fn audit_in(tx: &mut Tx, entry: &AuditEntry) -> Result<()> {
    with_tx!(tx, |c| sqlx::query(INSERT_AUDIT)
        .bind(real_time())
        .bind(entry.actor_user_id)
        .bind(entry.acting_company_id)
        .bind(entry.company_id)
        .bind(entry.action.as_str())
        .bind(&entry.target)
        .bind(json(&entry.before))
        .bind(json(&entry.after))
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

impl Store {
    /// Appends an entry (logins, actions on behalf of a company…).
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        audit_in(&mut tx, entry).await?;
        tx.commit().await
    }

    /// The entries a company's administrators may read: about the company, or done while
    /// acting for it. Newest first; counted up to a thousand past the page's start, as the
    /// rights list is ([`Page::more`]).
    pub async fn audit_for_company(&self, company_id: CompanyId, limit: i64, offset: i64) -> Result<Page<AuditRecord>> {
        // The newest `$2` of each column's index: their union holds the newest `$2` of the
        // company's entries, and all of them when it holds fewer.
        const NEWEST: &str = "SELECT id FROM (SELECT id FROM audit_log WHERE company_id = $1 ORDER BY id DESC LIMIT $2) about \
             UNION SELECT id FROM (SELECT id FROM audit_log WHERE acting_company_id = $1 ORDER BY id DESC LIMIT $2) acting";
        let offset = offset.max(0);
        let counted: i64 = with_pool!(self, |p| sqlx::query_scalar(&format!("SELECT COUNT(*) FROM ({NEWEST}) newest"))
            .bind(company_id)
            .bind(Page::<()>::count_limit(offset))
            .fetch_one(p)
            .await)?;
        let items: Vec<AuditRecord> = with_pool!(self, |p| sqlx::query_as(&format!(
            "SELECT a.id, a.at, a.actor_user_id, u.email AS actor_email, a.acting_company_id, a.company_id, \
             a.action, a.target, a.before, a.after \
             FROM ({NEWEST}) newest JOIN audit_log a ON a.id = newest.id LEFT JOIN users u ON u.id = a.actor_user_id \
             ORDER BY a.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(company_id)
        .bind(offset + limit)
        .bind(limit)
        .bind(offset)
        .fetch_all(p)
        .await)?;
        Ok(Page::counted(items, counted, offset))
    }

    /// Entries done by a user (their own activity). Newest first.
    #[cfg(any(test, feature = "test-support"))]
    pub async fn audit_by_actor(&self, user_id: UserId, limit: i64) -> Result<Vec<AuditRecord>> {
        Ok(with_pool!(self, |p| sqlx::query_as(
            "SELECT a.id, a.at, a.actor_user_id, u.email AS actor_email, a.acting_company_id, a.company_id, \
             a.action, a.target, a.before, a.after \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
             WHERE a.actor_user_id = $1 ORDER BY a.id DESC LIMIT $2"
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(p)
        .await)?)
    }
}
