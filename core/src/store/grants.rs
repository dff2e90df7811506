//! Service authorizations of a right, and the access decision `may_act`.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeSet;

use super::audit::audit_in;
use super::rights::right_in;
use super::*;
use crate::domain::*;

const GRANTS_SQL: &str = "SELECT g.id, g.right_id, g.service_id, s.code AS service_code, s.name AS service_name, g.all_debtors \
     FROM service_grants g JOIN services s ON s.id = g.service_id WHERE g.right_id = $1 ORDER BY s.code";
const GRANT_DEBTORS_SQL: &str = "SELECT gd.grant_id, gd.debtor_id FROM service_grant_debtors gd \
     JOIN service_grants g ON g.id = gd.grant_id WHERE g.right_id = $1 ORDER BY gd.grant_id, gd.debtor_id";

fn assemble(rows: Vec<GrantRow>, debtors: Vec<(i64, i64)>) -> Vec<ServiceGrant> {
    rows.into_iter()
        .map(|g| ServiceGrant {
            debtor_ids: debtors.iter().filter(|(gid, _)| *gid == g.id).map(|(_, d)| *d).collect(),
            id: g.id,
            right_id: g.right_id,
            service_id: g.service_id,
            service_code: g.service_code,
            service_name: g.service_name,
            all_debtors: g.all_debtors,
        })
        .collect()
}

async fn grants_in(tx: &mut Tx, right_id: RightId) -> Result<Vec<ServiceGrant>> {
    let rows: Vec<GrantRow> = with_tx!(tx, |c| sqlx::query_as(GRANTS_SQL).bind(right_id).fetch_all(c).await)?;
    let debtors: Vec<(i64, i64)> = with_tx!(tx, |c| sqlx::query_as(GRANT_DEBTORS_SQL).bind(right_id).fetch_all(c).await)?;
    Ok(assemble(rows, debtors))
}

/// Sorted by service, debtors sorted and deduplicated, debtors empty for all-debtor grants.
pub(crate) fn normalize(specs: &[GrantSpec]) -> Result<Vec<GrantSpec>> {
    let mut out: Vec<GrantSpec> = Vec::with_capacity(specs.len());
    let mut seen = BTreeSet::new();
    for s in specs {
        if !seen.insert(s.service_id) {
            return Err(StoreError::invalid(GrantError::DuplicateService));
        }
        let debtor_ids: Vec<DebtorId> = if s.all_debtors { Vec::new() } else { s.debtor_ids.iter().copied().collect::<BTreeSet<_>>().into_iter().collect() };
        if !s.all_debtors && debtor_ids.is_empty() {
            return Err(StoreError::invalid(GrantError::NoDebtors));
        }
        out.push(GrantSpec { service_id: s.service_id, all_debtors: s.all_debtors, debtor_ids });
    }
    out.sort_by_key(|s| s.service_id);
    Ok(out)
}

/// Takes the right's row lock. A pending right also gets a new version: what an invitation
/// or a request grants is part of what its answer agrees to, so an answer given to the view
/// before the change is a conflict (the change rolls back, version included, when the
/// grants turn out to be the same).
async fn lock_right_in(tx: &mut Tx, right_id: RightId, at: DateTime<Utc>) -> Result<()> {
    with_tx!(tx, |c| sqlx::query("UPDATE user_rights SET updated_at = $2, version = version + CASE WHEN status = 'pending' THEN 1 ELSE 0 END WHERE id = $1")
        .bind(right_id)
        .bind(at)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Each service of `wanted` is subscribed by `company_id` and each debtor is one of its own;
/// else `Invalid(Grant(..))`.
pub(crate) async fn check_grants_in(tx: &mut Tx, company_id: CompanyId, wanted: &[GrantSpec]) -> Result<()> {
    for spec in wanted {
        let subscribed: i64 = with_tx!(&mut *tx, |c| sqlx::query_scalar("SELECT COUNT(*) FROM company_services WHERE company_id = $1 AND service_id = $2")
            .bind(company_id)
            .bind(spec.service_id)
            .fetch_one(c)
            .await)?;
        if subscribed == 0 {
            return Err(StoreError::invalid(GrantError::ServiceNotSubscribed));
        }
        for &debtor_id in &spec.debtor_ids {
            let company: Option<i64> =
                with_tx!(&mut *tx, |c| sqlx::query_scalar("SELECT company_id FROM debtors WHERE id = $1").bind(debtor_id).fetch_optional(c).await)?;
            if company != Some(company_id) {
                return Err(StoreError::invalid(GrantError::DebtorOfAnotherCompany));
            }
        }
    }
    Ok(())
}

/// Checks `wanted` (normalized) against the right's company and replaces the stored grants.
async fn write_grants_in(tx: &mut Tx, right: &UserRight, wanted: &[GrantSpec]) -> Result<()> {
    let right_id = right.id;
    check_grants_in(tx, right.company_id, wanted).await?;
    with_tx!(&mut *tx, |c| sqlx::query("DELETE FROM service_grant_debtors WHERE grant_id IN (SELECT id FROM service_grants WHERE right_id = $1)")
        .bind(right_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    with_tx!(&mut *tx, |c| sqlx::query("DELETE FROM service_grants WHERE right_id = $1").bind(right_id).execute(c).await.map(|_| ()))?;
    for spec in wanted {
        let grant_id: i64 =
            with_tx!(&mut *tx, |c| sqlx::query_scalar("INSERT INTO service_grants (right_id, service_id, all_debtors) VALUES ($1, $2, $3) RETURNING id")
                .bind(right_id)
                .bind(spec.service_id)
                .bind(spec.all_debtors)
                .fetch_one(c)
                .await)?;
        for &debtor_id in &spec.debtor_ids {
            with_tx!(&mut *tx, |c| sqlx::query("INSERT INTO service_grant_debtors (grant_id, debtor_id) VALUES ($1, $2)")
                .bind(grant_id)
                .bind(debtor_id)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    Ok(())
}

/// Copies the service authorizations of `from` onto `to` (same company), audited as "right.grants".
pub(crate) async fn copy_grants_in(tx: &mut Tx, from: RightId, to: &UserRight, actor: &Actor) -> Result<()> {
    let source = right_in(tx, from).await?;
    if source.company_id != to.company_id {
        return Err(StoreError::invalid(RightRuleError::CopySourceOfAnotherCompany));
    }
    let wanted: Vec<GrantSpec> = grants_in(tx, from).await?.iter().map(ServiceGrant::spec).collect();
    set_first_grants_in(tx, to, &wanted, actor).await
}

/// The grants of a right just entered, from another right or a template: written, audited as
/// "right.grants" (nothing when there are none).
pub(crate) async fn set_first_grants_in(tx: &mut Tx, to: &UserRight, wanted: &[GrantSpec], actor: &Actor) -> Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    write_grants_in(tx, to, wanted).await?;
    let after = grants_in(tx, to.id).await?;
    audit_in(tx, &AuditEntry::new(actor, Some(to.company_id), AuditAction::RightGrants, format!("right:{}", to.id)).after(&after)).await
}

/// The twin of [`UserRight::may_act_through`], as the `FROM … WHERE` of a query: the rights
/// of login `$1` on company `$2` through which it may use the service coded `$3` on `$today`
/// for `$debtor` (the join on `company_services` is "subscribed", the one on the right's own
/// grants "through one of its grants").
macro_rules! through_a_grant {
    ($today:literal, $true:literal, $debtor:literal) => {
        concat!(
            "FROM user_rights r \
             JOIN service_grants g ON g.right_id = r.id \
             JOIN services s ON s.id = g.service_id \
             JOIN company_services cs ON cs.company_id = r.company_id AND cs.service_id = s.id \
             WHERE r.user_id = $1 AND r.company_id = $2 AND s.code = $3 AND ",
            grants_access!("r", $today),
            " AND ",
            covers_debtor!("g", $true, $debtor)
        )
    };
}

/// The ids of the debtors of company `$2` that login `$1` may act for on service `$3` on day
/// `$4` (`$5` is `true`): [`Store::may_act`]'s conditions, asked of each debtor at once.
pub(super) const PERMITTED_DEBTOR_IDS: &str =
    concat!("SELECT d.id FROM debtors d WHERE d.company_id = $2 AND EXISTS (SELECT 1 ", through_a_grant!("$4", "$5", "d.id"), ")");

impl Store {
    /// The right's service authorizations, by service code.
    pub async fn service_grants(&self, right_id: RightId) -> Result<Vec<ServiceGrant>> {
        let rows: Vec<GrantRow> = with_pool!(self, |p| sqlx::query_as(GRANTS_SQL).bind(right_id).fetch_all(p).await)?;
        let debtors: Vec<(i64, i64)> = with_pool!(self, |p| sqlx::query_as(GRANT_DEBTORS_SQL).bind(right_id).fetch_all(p).await)?;
        Ok(assemble(rows, debtors))
    }

    /// The codes of the services the right is authorized for, in code order: what
    /// [`Store::service_grants`] names, in one query, for a page's menu.
    pub async fn granted_service_codes(&self, right_id: RightId) -> Result<Vec<String>> {
        Ok(with_pool!(self, |p| sqlx::query_scalar(
            "SELECT s.code FROM service_grants g JOIN services s ON s.id = g.service_id WHERE g.right_id = $1 ORDER BY s.code"
        )
        .bind(right_id)
        .fetch_all(p)
        .await)?)
    }

    /// The rights of a company that hold at least one service authorization.
    pub async fn rights_with_grants(&self, company_id: CompanyId) -> Result<BTreeSet<RightId>> {
        let ids: Vec<i64> = with_pool!(self, |p| sqlx::query_scalar(
            "SELECT DISTINCT g.right_id FROM service_grants g JOIN user_rights r ON r.id = g.right_id WHERE r.company_id = $1"
        )
        .bind(company_id)
        .fetch_all(p)
        .await)?;
        Ok(ids.into_iter().collect())
    }

    /// Replaces all service authorizations of a right, atomically. Each service must be
    /// subscribed by the right's company and each debtor must belong to it; otherwise
    /// nothing changes (`Invalid(Grant(..))`). Replacing with the same set changes nothing
    /// (no write, no audit entry). Audited as "right.grants". A pending right's version
    /// changes with its grants.
    pub async fn replace_service_grants(&self, right_id: RightId, specs: &[GrantSpec], actor: &Actor) -> Result<Vec<ServiceGrant>> {
        self.replace_service_grants_notifying(right_id, specs, actor, &[]).await.map(|(grants, _)| grants)
    }

    /// [`Store::replace_service_grants`] with the messages that tell of the change, written
    /// in its transaction only when the grants changed; answers the grants and whether they
    /// changed.
    pub async fn replace_service_grants_notifying(
        &self,
        right_id: RightId,
        specs: &[GrantSpec],
        actor: &Actor,
        notify: &[NewMessage],
    ) -> Result<(Vec<ServiceGrant>, bool)> {
        let wanted = normalize(specs)?;
        let mut tx = self.begin().await?;
        // Takes the right's row lock first: two administrators saving at once are
        // serialized instead of interleaving their deletes and inserts (Postgres).
        lock_right_in(&mut tx, right_id, self.now()).await?;
        let right = right_in(&mut tx, right_id).await?;
        let before = grants_in(&mut tx, right_id).await?;
        let mut current: Vec<GrantSpec> = before.iter().map(ServiceGrant::spec).collect();
        current.sort_by_key(|s| s.service_id);
        if current == wanted {
            return Ok((before, false));
        }
        write_grants_in(&mut tx, &right, &wanted).await?;
        let after = grants_in(&mut tx, right_id).await?;
        audit_in(&mut tx, &AuditEntry::new(actor, Some(right.company_id), AuditAction::RightGrants, format!("right:{right_id}")).before(&before).after(&after))
            .await?;
        for message in notify {
            super::messages::create_message_in(&mut tx, message).await?;
        }
        tx.commit().await?;
        Ok((after, true))
    }

    /// May `user_id` act for `company_id` on service `service_code` (for `debtor_id`, or for
    /// at least one debtor when `None`) today? True only with an active right not past its
    /// end date, on a subscribed service, granted for all debtors or for that debtor.
    pub async fn may_act(&self, user_id: UserId, company_id: CompanyId, service_code: &str, debtor_id: Option<DebtorId>) -> Result<bool> {
        self.may_act_on(user_id, company_id, service_code, debtor_id, self.today()).await
    }

    /// [`Store::may_act`] on a given day.
    pub async fn may_act_on(&self, user_id: UserId, company_id: CompanyId, service_code: &str, debtor_id: Option<DebtorId>, today: NaiveDate) -> Result<bool> {
        let n: i64 = with_pool!(self, |p| sqlx::query_scalar(concat!("SELECT COUNT(*) ", through_a_grant!("$5", "$6", "$4")))
            .bind(user_id)
            .bind(company_id)
            .bind(service_code)
            .bind(debtor_id)
            .bind(today)
            .bind(true)
            .fetch_one(p)
            .await)?;
        Ok(n > 0)
    }

    /// The debtors of `company_id` the user may act for on the service today (all of the
    /// company's debtors for an all-debtors grant; none without an active right).
    /// One query, whatever the number of debtors: [`Store::may_act`]'s conditions, asked of
    /// each debtor of the company at once.
    pub async fn permitted_debtors(&self, user_id: UserId, company_id: CompanyId, service_code: &str) -> Result<Vec<Debtor>> {
        let sql = format!("SELECT d.id, d.company_id, d.debtor_number, d.name FROM debtors d WHERE d.id IN ({PERMITTED_DEBTOR_IDS}) ORDER BY d.debtor_number");
        Ok(with_pool!(self, |p| sqlx::query_as(&sql).bind(user_id).bind(company_id).bind(service_code).bind(self.today()).bind(true).fetch_all(p).await)?)
    }
}
