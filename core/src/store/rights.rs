//! User rights: creation, lifecycle transitions (optimistic concurrency), lists.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::audit::audit_in;
use super::*;
use crate::domain::*;

macro_rules! right_cols {
    () => {
        "r.id, r.company_id, r.user_id, r.right_type, r.is_admin, r.status, r.awaiting, r.remark, r.end_date, \
         r.origin, r.created_by_user_id, r.created_at, r.updated_at, r.decided_at, r.answer_by, r.version"
    };
}
/// The same columns, unqualified, for RETURNING (SQLite allows no alias there).
macro_rules! right_cols_bare {
    () => {
        "id, company_id, user_id, right_type, is_admin, status, awaiting, remark, end_date, \
         origin, created_by_user_id, created_at, updated_at, decided_at, answer_by, version"
    };
}

pub(crate) async fn right_in(tx: &mut Tx, id: RightId) -> Result<UserRight> {
    let right: Option<UserRight> =
        with_tx!(tx, |c| sqlx::query_as(concat!("SELECT ", right_cols!(), " FROM user_rights r WHERE r.id = $1")).bind(id).fetch_optional(c).await)?;
    right.ok_or(StoreError::NotFound)
}

/// The seed's star of a right `r`: its login holds, on another company, a right that
/// [`UserRight::stars_elsewhere_on`] counts (its twin, checked against it by the store's
/// contract). `$true` and `$today` are the parameters bound to `true` and today's date. The
/// rights list and a right's page both use it.
macro_rules! star_of_r {
    ($true:literal, $today:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM user_rights o WHERE o.user_id = r.user_id AND o.company_id <> r.company_id AND ",
            stars_elsewhere!("o", $true, $today),
            ")"
        )
    };
}

/// Binds the parameters of a rights-list statement ([`RightsListSql`]): the count's company,
/// filters and how far it counts; the page's company, filters, limit, offset, and the star's
/// `true` and today.
macro_rules! bind_list {
    ($sql:expr, $query:expr, $company:expr) => {{
        let mut query = $query.bind($company);
        for value in &$sql.values {
            query = query.bind(value.as_str());
        }
        query
    }};
    (count: $sql:expr, $query:expr, $company:expr, $offset:expr) => {
        bind_list!($sql, $query, $company).bind(Page::<()>::count_limit($offset))
    };
    (page: $sql:expr, $query:expr, $company:expr, $q:expr, $today:expr) => {
        bind_list!($sql, $query, $company).bind($q.limit.clamp(1, 500)).bind($q.offset.max(0)).bind(true).bind($today)
    };
}

/// The rights offboarding a provider company ends: on `$1`, pending, active or suspended provider rights
/// of logins whose home company is `$2` (`r` the right, `u` its login).
macro_rules! OFFBOARDED {
    () => {
        concat!(OFFBOARDED_ANY!(), " AND u.home_company_id = $2")
    };
}
/// The same, of any provider company (`$1` only).
macro_rules! OFFBOARDED_ANY {
    () => {
        concat!("r.company_id = $1 AND r.right_type = 'provider' AND r.status IN ", NOT_ENDED!())
    };
}

/// The statuses of a right that has not ended (pending, active, suspended): the SQL twin of
/// `!RightStatus::is_ended`.
macro_rules! NOT_ENDED {
    () => {
        "('pending', 'active', 'suspended')"
    };
}

/// When a right of `company_id` that starts waiting for its answer at `from` lapses.
async fn answer_by_in(tx: &mut Tx, company_id: CompanyId, from: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let days: i32 = with_tx!(tx, |c| sqlx::query_scalar("SELECT invitation_days FROM companies WHERE id = $1").bind(company_id).fetch_one(c).await)?;
    let lifetime = InvitationLifetime::from_days(days.into()).map_err(StoreError::invalid)?;
    Ok(days_later(from, lifetime.days()))
}

/// Inserts a right in the given state and audits "right.create". A pending invitation is
/// due within the company's invitation lifetime; a request within the default one, as a
/// request to a number no company has: when it lapses must not tell its requester anything
/// about the company.
pub(crate) async fn insert_right_in(tx: &mut Tx, new: &NewRight, state: RightState, actor: &Actor, at: DateTime<Utc>) -> Result<UserRight> {
    let decided_at = (state.status == RightStatus::Active && new.right_type == RightType::Provider).then_some(at);
    let answer_by = match state.status {
        RightStatus::Pending if new.origin == RightOrigin::Request => Some(days_later(at, InvitationLifetime::DEFAULT.days())),
        RightStatus::Pending => Some(answer_by_in(tx, new.company_id, at).await?),
        _ => None,
    };
    let right: UserRight = with_tx!(tx, |c| sqlx::query_as(concat!(
        "INSERT INTO user_rights (company_id, user_id, right_type, is_admin, status, awaiting, remark, end_date, \
         origin, created_by_user_id, created_at, updated_at, decided_at, answer_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, 1) RETURNING ",
        right_cols_bare!()
    ))
    .bind(new.company_id)
    .bind(new.user_id)
    .bind(new.right_type.as_str())
    .bind(new.is_admin)
    .bind(state.status.as_str())
    .bind(state.awaiting.map(|a| a.as_str()))
    .bind(new.remark.clone().into_option())
    .bind(new.end_date)
    .bind(new.origin.as_str())
    .bind(new.created_by_user_id)
    .bind(at)
    .bind(decided_at)
    .bind(answer_by)
    .fetch_one(c)
    .await)
    .map_err(dup("right"))?;
    audit_in(tx, &AuditEntry::new(actor, Some(right.company_id), AuditAction::RightCreate, format!("right:{}", right.id)).after(&right)).await?;
    Ok(right)
}

/// Writes a new state if the version still matches; audits. A right that starts waiting
/// for an answer again (re-invited) is due within the company's invitation lifetime.
pub(crate) async fn write_state_in(
    tx: &mut Tx,
    before: &UserRight,
    state: RightState,
    decided: bool,
    action: AuditAction,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<UserRight> {
    let decided_at = if decided {
        Some(at)
    } else if state.status == RightStatus::Pending {
        None
    } else {
        before.decided_at
    };
    let answer_by = match state.status {
        RightStatus::Pending if before.status != RightStatus::Pending => Some(answer_by_in(tx, before.company_id, at).await?),
        _ => before.answer_by,
    };
    let after = update_in(tx, before, (state, decided_at, answer_by), action, actor, at).await?;
    join_or_leave_in(tx, before, &after, actor).await?;
    Ok(after)
}

/// A login invited to join as an employee gave its consent to that right only: it joins the
/// company when it accepts, and leaves it when the right ends, however it ends. Accepting
/// after joining another company meanwhile is refused (`rights.already_in_a_company`).
async fn join_or_leave_in(tx: &mut Tx, before: &UserRight, after: &UserRight, actor: &Actor) -> Result<()> {
    if !after.joins_by_consent() {
        return Ok(());
    }
    let (sql, action) = if before.status == RightStatus::Pending && after.status == RightStatus::Active {
        ("UPDATE users SET home_company_id = $2 WHERE id = $1 AND home_company_id IS NULL", AuditAction::UserJoin)
    } else if after.status.is_ended() && !before.status.is_ended() && before.status != RightStatus::Pending {
        ("UPDATE users SET home_company_id = NULL WHERE id = $1 AND home_company_id = $2", AuditAction::UserLeave)
    } else {
        return Ok(());
    };
    let changed = with_tx!(tx, |c| sqlx::query(sql).bind(after.user_id).bind(after.company_id).execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 && action == AuditAction::UserJoin {
        return Err(StoreError::invalid(RightRuleError::AlreadyInACompany));
    }
    audit_in(tx, &AuditEntry::new(actor, Some(after.company_id), action, format!("user:{}", after.user_id))).await
}

/// Gives a pending right a new answer-by time, the company's invitation lifetime from now,
/// if the version still matches; audits `action`.
pub(crate) async fn renew_in(tx: &mut Tx, before: &UserRight, action: AuditAction, actor: &Actor, at: DateTime<Utc>) -> Result<UserRight> {
    let answer_by = answer_by_in(tx, before.company_id, at).await?;
    update_in(tx, before, (before.state(), before.decided_at, Some(answer_by)), action, actor, at).await
}

/// The one write of a right's state, decision and answer-by time, if the version still
/// matches, with its audit entry.
async fn update_in(
    tx: &mut Tx,
    before: &UserRight,
    (state, decided_at, answer_by): (RightState, Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    action: AuditAction,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<UserRight> {
    let after: Option<UserRight> = with_tx!(tx, |c| sqlx::query_as(concat!(
        "UPDATE user_rights SET status = $3, awaiting = $4, updated_at = $5, decided_at = $6, answer_by = $7, \
         version = version + 1 WHERE id = $1 AND version = $2 RETURNING ",
        right_cols_bare!()
    ))
    .bind(before.id)
    .bind(before.version)
    .bind(state.status.as_str())
    .bind(state.awaiting.map(|a| a.as_str()))
    .bind(at)
    .bind(decided_at)
    .bind(answer_by)
    .fetch_optional(c)
    .await)?;
    let after = after.ok_or(StoreError::Conflict)?;
    audit_in(tx, &AuditEntry::new(actor, Some(after.company_id), action, format!("right:{}", after.id)).before(before).after(&after)).await?;
    Ok(after)
}

/// The one write of a right's administrator flag, remark and end date, if the right is still
/// at `expected_version`, with its audit entry; the company keeps an administrator.
async fn change_details_in(
    tx: &mut Tx,
    before: &UserRight,
    expected_version: i64,
    (is_admin, remark, end_date): (bool, Option<String>, Option<NaiveDate>),
    action: AuditAction,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<UserRight> {
    let after: Option<UserRight> = with_tx!(tx, |c| sqlx::query_as(concat!(
        "UPDATE user_rights SET is_admin = $3, remark = $4, end_date = $5, updated_at = $6, version = version + 1 \
         WHERE id = $1 AND version = $2 RETURNING ",
        right_cols_bare!()
    ))
    .bind(before.id)
    .bind(expected_version)
    .bind(is_admin)
    .bind(remark)
    .bind(end_date)
    .bind(at)
    .fetch_optional(c)
    .await)?;
    let after = after.ok_or(StoreError::Conflict)?;
    keep_an_admin_in(tx, before, &after, calendar_date(at)).await?;
    audit_in(tx, &AuditEntry::new(actor, Some(after.company_id), action, format!("right:{}", after.id)).before(before).after(&after)).await?;
    Ok(after)
}

/// Takes the lock of the company a right is on, first thing in a transaction, so that
/// changes that must see the company's rights as a whole (the last administrator) run one
/// after the other on Postgres; SQLite's IMMEDIATE transactions are serialized anyway.
async fn lock_company_of_right_in(tx: &mut Tx, right_id: RightId) -> Result<()> {
    with_tx!(tx, |c| sqlx::query("UPDATE companies SET id = id WHERE id = (SELECT company_id FROM user_rights WHERE id = $1)")
        .bind(right_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The right under its company's lock, if it is still at `expected_version` (else `Conflict`):
/// the first step of a change that must not apply to a right changed since it was shown.
async fn right_at_version_in(tx: &mut Tx, right_id: RightId, expected_version: i64) -> Result<UserRight> {
    lock_company_of_right_in(tx, right_id).await?;
    let right = right_in(tx, right_id).await?;
    if right.version != expected_version {
        return Err(StoreError::Conflict);
    }
    Ok(right)
}

/// Refuses a change that leaves the company without an administrator for good (an active
/// administrator right without an end date, [`UserRight::administers_for_good`]): a company
/// whose last such administrator could be given an end date of today would have nobody to
/// administer it once the housekeeping expired that right.
async fn keep_an_admin_in(tx: &mut Tx, before: &UserRight, after: &UserRight, today: NaiveDate) -> Result<()> {
    if !before.administers_for_good(today) || after.administers_for_good(today) {
        return Ok(());
    }
    let admins: i64 = with_tx!(tx, |c| sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM user_rights r WHERE r.company_id = $1 AND r.end_date IS NULL AND ",
        administers!("r", "$2", "$3")
    ))
    .bind(after.company_id)
    .bind(true)
    .bind(today)
    .fetch_one(c)
    .await)?;
    if admins == 0 {
        return Err(StoreError::invalid(RightRuleError::LastAdministrator));
    }
    Ok(())
}

impl Store {
    /// Creates a right in its initial state (employee/technical: active; provider
    /// invitation: pending awaiting the provider; provider request: pending awaiting the
    /// principal). One right per company and user: `Duplicate { what: "right" }`.
    pub async fn create_right(&self, new: &NewRight, actor: &Actor) -> Result<UserRight> {
        let state = RightState::initial(new.right_type, new.origin).map_err(StoreError::invalid)?;
        let mut tx = self.begin().await?;
        let right = insert_right_in(&mut tx, new, state, actor, self.now()).await?;
        tx.commit().await?;
        Ok(right)
    }

    pub async fn right(&self, id: RightId) -> Result<UserRight> {
        let right: Option<UserRight> =
            with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", right_cols!(), " FROM user_rights r WHERE r.id = $1")).bind(id).fetch_optional(p).await)?;
        right.ok_or(StoreError::NotFound)
    }

    /// The right of `user_id` on `company_id`, if any.
    pub async fn right_for(&self, company_id: CompanyId, user_id: UserId) -> Result<Option<UserRight>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!("SELECT ", right_cols!(), " FROM user_rights r WHERE r.company_id = $1 AND r.user_id = $2"))
            .bind(company_id)
            .bind(user_id)
            .fetch_optional(p)
            .await)?)
    }

    /// Applies a lifecycle transition done `by` a party, if the right is still at
    /// `expected_version` (else `Conflict`). Illegal transitions: `Invalid(Lifecycle(..))`.
    /// Audited in the same transaction ("right.accept", "right.revoke"…).
    pub async fn transition_right(&self, right_id: RightId, expected_version: i64, transition: Transition, by: Party, actor: &Actor) -> Result<UserRight> {
        self.transition_right_notifying(right_id, expected_version, transition, by, actor, &[]).await
    }

    /// [`Store::transition_right`] and the messages that tell the other party, in one
    /// transaction: a transition that happens is announced exactly once, one that loses a
    /// race is not announced at all.
    pub async fn transition_right_notifying(
        &self,
        right_id: RightId,
        expected_version: i64,
        transition: Transition,
        by: Party,
        actor: &Actor,
        notify: &[NewMessage],
    ) -> Result<UserRight> {
        let mut tx = self.begin().await?;
        let before = right_at_version_in(&mut tx, right_id, expected_version).await?;
        let at = self.now();
        let state = before.next_state(transition, by, at).map_err(StoreError::invalid)?;
        let decided = matches!(transition, Transition::Accept | Transition::Refuse);
        let after = write_state_in(&mut tx, &before, state, decided, transition.audit_action(), actor, at).await?;
        keep_an_admin_in(&mut tx, &before, &after, calendar_date(at)).await?;
        for message in notify {
            super::messages::create_message_in(&mut tx, message).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Changes admin flag, remark and end date, if the right is still at `expected_version`.
    pub async fn update_right(&self, right_id: RightId, expected_version: i64, changes: &RightChanges, actor: &Actor) -> Result<UserRight> {
        let mut tx = self.begin().await?;
        lock_company_of_right_in(&mut tx, right_id).await?;
        let before = right_in(&mut tx, right_id).await?;
        let details = (changes.is_admin, changes.remark.clone().into_option(), changes.end_date);
        let after = change_details_in(&mut tx, &before, expected_version, details, AuditAction::RightUpdate, actor, self.now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves the end date of a pending, active or suspended right later by `extension` (from its end
    /// date, on `today`), if the right is still at `expected_version`; audited as
    /// "right.extend", with the messages that tell of it, in one transaction.
    pub async fn extend_right(
        &self,
        right_id: RightId,
        expected_version: i64,
        extension: Extension,
        today: NaiveDate,
        notify: &[NewMessage],
        actor: &Actor,
    ) -> Result<UserRight> {
        let mut tx = self.begin().await?;
        let before = right_at_version_in(&mut tx, right_id, expected_version).await?;
        let end = before.extended_end(extension, today).map_err(StoreError::invalid)?;
        let details = (before.is_admin, before.remark.clone(), Some(end));
        let after = change_details_in(&mut tx, &before, expected_version, details, AuditAction::RightExtend, actor, self.now()).await?;
        for message in notify {
            super::messages::create_message_in(&mut tx, message).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// The star of right `right_id` (see the rights list's `has_rights_elsewhere`).
    pub async fn has_rights_elsewhere(&self, right_id: RightId) -> Result<bool> {
        let star: Option<bool> = with_pool!(self, |p| sqlx::query_scalar(concat!("SELECT ", star_of_r!("$2", "$3"), " FROM user_rights r WHERE r.id = $1"))
            .bind(right_id)
            .bind(true)
            .bind(self.today())
            .fetch_optional(p)
            .await)?;
        star.ok_or(StoreError::NotFound)
    }

    /// The rights list of a company: search, filter, sort, page, with the total count.
    ///
    /// Every sort order reads the right's own list columns (migration 0012) through an index
    /// that starts with the company, so a page walks that index instead of sorting the company's
    /// rights; the page's holders are joined for its rows only. The statement names only the
    /// filters given, so that Postgres plans each shape for what it is.
    pub async fn list_company_rights(&self, company_id: CompanyId, q: &RightQuery) -> Result<Page<RightListItem>> {
        let sql = self.rights_list_sql(company_id, q).await?;
        let offset = q.offset.max(0);
        let counted: i64 = with_pool!(self, |p| bind_list!(count: sql, sqlx::query_scalar(&sql.count), company_id, offset).fetch_one(p).await)?;
        let items: Vec<RightListItem> = with_pool!(self, |p| bind_list!(page: sql, sqlx::query_as(&sql.page), company_id, q, self.today()).fetch_all(p).await)?;
        Ok(Page::counted(items, counted, offset))
    }

    /// The plans of the rights list's two statements, the count then the page, as the database
    /// ran them (Postgres: `EXPLAIN (ANALYZE, BUFFERS)`; SQLite: `EXPLAIN QUERY PLAN`), one
    /// line per step.
    #[cfg(feature = "test-support")]
    pub async fn explain_company_rights(&self, company_id: CompanyId, q: &RightQuery) -> Result<String> {
        let sql = self.rights_list_sql(company_id, q).await?;
        let offset = q.offset.max(0);
        let (count, page): (Vec<String>, Vec<String>) = match &self.backend {
            Backend::Postgres(p) => {
                let (count, page) = (format!("EXPLAIN (ANALYZE, BUFFERS) {}", sql.count), format!("EXPLAIN (ANALYZE, BUFFERS) {}", sql.page));
                (
                    bind_list!(count: sql, sqlx::query_scalar(&count), company_id, offset).fetch_all(p).await?,
                    bind_list!(page: sql, sqlx::query_scalar(&page), company_id, q, self.today()).fetch_all(p).await?,
                )
            }
            Backend::Sqlite(p) => {
                let (count, page) = (format!("EXPLAIN QUERY PLAN {}", sql.count), format!("EXPLAIN QUERY PLAN {}", sql.page));
                let count: Vec<(i64, i64, i64, String)> = bind_list!(count: sql, sqlx::query_as(&count), company_id, offset).fetch_all(p).await?;
                let page: Vec<(i64, i64, i64, String)> = bind_list!(page: sql, sqlx::query_as(&page), company_id, q, self.today()).fetch_all(p).await?;
                (count.into_iter().map(|step| step.3).collect(), page.into_iter().map(|step| step.3).collect())
            }
        };
        Ok(format!("count:\n{}\n\npage:\n{}", count.join("\n"), page.join("\n")))
    }

    async fn rights_list_sql(&self, company_id: CompanyId, q: &RightQuery) -> Result<RightsListSql> {
        let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let fts = match (&self.backend, search) {
            (Backend::Sqlite(p), Some(search)) if search.chars().count() >= 3 => search_is_rare(p, company_id, search).await?,
            _ => false,
        };
        // $1 the company, then the filters given; the page adds limit, offset and the star's two.
        let mut filter = String::from(" FROM user_rights r WHERE r.company_id = $1");
        let mut values = Vec::new();
        if let Some(search) = search {
            let (clause, value) = search_clause(fts, search, 2 + values.len());
            filter.push_str(&clause);
            values.push(value);
        }
        for (value, column) in [(q.right_type.map(|t| t.as_str()), "r.right_type"), (q.status.map(|s| s.as_str()), "r.status")] {
            if let Some(value) = value {
                filter.push_str(&format!(" AND {column} = ${}", 2 + values.len()));
                values.push(value.to_string());
            }
        }
        let d = if q.descending { "DESC" } else { "ASC" };
        let keys: &[&str] = match q.sort {
            RightSort::LastName => &["r.list_last_name", "r.list_first_name"],
            RightSort::FirstName => &["r.list_first_name", "r.list_last_name"],
            RightSort::Email => &["r.list_email"],
            RightSort::Company => &["r.list_company", "r.list_last_name"],
            RightSort::Role => &["r.right_type", "r.is_admin", "r.list_last_name"],
            RightSort::Status => &["r.status", "r.list_last_name"],
            RightSort::CreatedAt => &["r.created_at"],
        };
        let order = keys.iter().chain(["r.id"].iter()).map(|k| format!("{k} {d}")).collect::<Vec<_>>().join(", ");
        let page = format!(
            concat!(
                "SELECT ",
                right_cols!(),
                ", u.email, u.first_name, u.last_name, u.home_company_id, hc.name AS home_company_name, ",
                star_of_r!("$T", "$D"),
                " AS has_rights_elsewhere FROM (SELECT r.id{filter} ORDER BY {order} LIMIT ${limit} OFFSET ${offset}) page \
                 JOIN user_rights r ON r.id = page.id JOIN users u ON u.id = r.user_id \
                 LEFT JOIN companies hc ON hc.id = u.home_company_id ORDER BY {order}"
            ),
            filter = filter,
            order = order,
            limit = 2 + values.len(),
            offset = 3 + values.len(),
        )
        .replace("$T", &format!("${}", 4 + values.len()))
        .replace("$D", &format!("${}", 5 + values.len()));
        let count = format!("SELECT COUNT(*) FROM (SELECT 1{filter} LIMIT ${}) counted", 2 + values.len());
        Ok(RightsListSql { count, page, values })
    }

    /// All rights of a user with the company names (home company first, then by name).
    pub async fn rights_of_user(&self, user_id: UserId) -> Result<Vec<RightWithCompany>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT ",
            right_cols!(),
            ", c.name AS company_name, c.customer_number, \
             (u.home_company_id IS NOT NULL AND u.home_company_id = r.company_id) AS is_home_company \
             FROM user_rights r JOIN companies c ON c.id = r.company_id JOIN users u ON u.id = r.user_id \
             WHERE r.user_id = $1 ORDER BY is_home_company DESC, lower(c.name), r.id"
        ))
        .bind(user_id)
        .fetch_all(p)
        .await)?)
    }

    /// Expires every pending, active or suspended right whose end date is before `today`
    /// (system job).
    /// Returns the expired rights; each is audited.
    pub async fn expire_rights(&self, today: NaiveDate) -> Result<Vec<UserRight>> {
        let ids: Vec<i64> = with_pool!(self, |p| sqlx::query_scalar(concat!(
            "SELECT id FROM user_rights WHERE status IN ",
            NOT_ENDED!(),
            " AND end_date IS NOT NULL AND end_date < $1 ORDER BY id"
        ))
        .bind(today)
        .fetch_all(p)
        .await)?;
        let mut out = Vec::new();
        for id in ids {
            let r = self.right(id).await?;
            match self.transition_right(id, r.version, Transition::Expire, Party::System, &Actor::system()).await {
                Ok(r) => out.push(r),
                Err(StoreError::Conflict) | Err(StoreError::Invalid(_)) => {} // changed meanwhile
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The pending rights (invitations and requests) whose answer-by time has come at
    /// `now`, oldest due first: the housekeeping expires each with its message.
    pub async fn lapsed_rights(&self, now: DateTime<Utc>) -> Result<Vec<UserRight>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT ",
            right_cols!(),
            " FROM user_rights r WHERE r.status = 'pending' AND r.answer_by <= $1 ORDER BY r.answer_by, r.id"
        ))
        .bind(now)
        .fetch_all(p)
        .await)?)
    }

    /// The rights a reminder may be due about at `now` (see [`UserRight::reminder_due`]):
    /// providers' pending invitations that lapse within 3 days, providers' active rights that
    /// end within 30 days.
    pub async fn rights_to_remind(&self, now: DateTime<Utc>) -> Result<Vec<UserRight>> {
        let today = calendar_date(now);
        Ok(with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT ",
            right_cols!(),
            " FROM user_rights r WHERE r.right_type = 'provider' AND ( \
             (r.status = 'pending' AND r.awaiting = 'provider' AND r.answer_by > $1 AND r.answer_by <= $2) \
             OR (r.status = 'active' AND r.end_date IS NOT NULL AND r.end_date >= $3 AND r.end_date <= $4)) \
             ORDER BY r.id"
        ))
        .bind(now)
        .bind(now + Duration::days(Reminder::ANSWER_DAYS_BEFORE))
        .bind(today)
        .bind(today + Duration::days(Reminder::FURTHEST_BEFORE_END))
        .fetch_all(p)
        .await)?)
    }

    /// The provider companies whose logins hold pending, active or suspended provider rights on
    /// `company_id`, by name, each with how many: what the rights list offers to offboard.
    pub async fn provider_companies_of(&self, company_id: CompanyId) -> Result<Vec<ProviderCompanyRights>> {
        let rows: Vec<(i64, String, i64)> = with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT hc.id, hc.name, c.rights FROM (SELECT r.list_home_company_id AS id, COUNT(*) AS rights FROM user_rights r WHERE ",
            OFFBOARDED_ANY!(),
            " AND r.list_home_company_id IS NOT NULL GROUP BY r.list_home_company_id) c \
             JOIN companies hc ON hc.id = c.id ORDER BY lower(hc.name), hc.id"
        ))
        .bind(company_id)
        .fetch_all(p)
        .await)?;
        Ok(rows.into_iter().map(|(company_id, name, rights)| ProviderCompanyRights { company_id, name, rights }).collect())
    }

    /// The pending, active and suspended provider rights that logins of `provider_company_id` hold on
    /// `company_id`, by name: what offboarding the provider company ends.
    pub async fn provider_company_rights(&self, company_id: CompanyId, provider_company_id: CompanyId) -> Result<Vec<RightListItem>> {
        Ok(with_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT ",
            right_cols!(),
            ", u.email, u.first_name, u.last_name, u.home_company_id, hc.name AS home_company_name, ",
            star_of_r!("$3", "$4"),
            " AS has_rights_elsewhere FROM user_rights r JOIN users u ON u.id = r.user_id \
             JOIN companies hc ON hc.id = u.home_company_id WHERE ",
            OFFBOARDED!(),
            " ORDER BY lower(u.last_name), lower(u.first_name), r.id"
        ))
        .bind(company_id)
        .bind(provider_company_id)
        .bind(true)
        .bind(self.today())
        .fetch_all(p)
        .await)?)
    }

    /// Offboarding: ends, in one transaction, every pending, active or suspended right that logins of
    /// `provider_company_id` hold on `company_id` (an active or suspended right is revoked, an invitation
    /// cancelled, a request refused), if they are exactly the rights `previewed`, each at its
    /// version (else `Conflict`: the administrator confirms what they saw, not more). Each
    /// right is audited, and so is the operation; `messages` are written with them.
    pub async fn offboard_provider_company(
        &self,
        company_id: CompanyId,
        provider_company_id: CompanyId,
        previewed: &[(RightId, i64)],
        messages: &[NewMessage],
        actor: &Actor,
    ) -> Result<Vec<UserRight>> {
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, |c| sqlx::query("UPDATE companies SET id = id WHERE id = $1").bind(company_id).execute(c).await.map(|_| ()))?;
        let rights: Vec<UserRight> = with_tx!(&mut tx, |c| sqlx::query_as(concat!(
            "SELECT ",
            right_cols!(),
            " FROM user_rights r JOIN users u ON u.id = r.user_id WHERE ",
            OFFBOARDED!(),
            " ORDER BY r.id"
        ))
        .bind(company_id)
        .bind(provider_company_id)
        .fetch_all(c)
        .await)?;
        if rights.is_empty() {
            return Err(StoreError::NotFound);
        }
        let mut found: Vec<(RightId, i64)> = rights.iter().map(|r| (r.id, r.version)).collect();
        let mut expected = previewed.to_vec();
        found.sort_unstable();
        expected.sort_unstable();
        if found != expected {
            return Err(StoreError::Conflict);
        }
        let at = self.now();
        let mut out = Vec::new();
        for before in rights {
            let transition = before.offboarding_transition();
            let state = before.state().apply(transition, Party::Principal).map_err(StoreError::invalid)?;
            out.push(write_state_in(&mut tx, &before, state, transition == Transition::Refuse, transition.audit_action(), actor, at).await?);
        }
        for message in messages {
            super::messages::create_message_in(&mut tx, message).await?;
        }
        let (name, customer_number): (String, String) =
            with_tx!(&mut tx, |c| sqlx::query_as("SELECT name, customer_number FROM companies WHERE id = $1").bind(provider_company_id).fetch_one(c).await)?;
        let ended: Vec<RightId> = out.iter().map(|r| r.id).collect();
        let entry = AuditEntry::new(actor, Some(company_id), AuditAction::CompanyOffboardProvider, format!("company:{provider_company_id}"))
            .after(serde_json::json!({ "company_name": name, "customer_number": customer_number, "rights_ended": ended.len(), "right_ids": ended }));
        audit_in(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// The statements of one rights-list query: the count and the page. Both take the company,
/// then `values` (the filters given); the count then takes how far it counts, the page its
/// limit, offset, and the star's `true` and today.
struct RightsListSql {
    count: String,
    page: String,
    values: Vec<String>,
}

/// The rights list's search condition on `r`, parameter number `n`, and the value bound to it: SQLite's trigram index (the FTS5 table `right_search`, whose phrase query matches a
/// substring whatever its case) when `fts`, else `LIKE` on `list_search`, which Postgres serves
/// from its `pg_trgm` index or along the sort order's index, as its planner finds cheaper.
fn search_clause(fts: bool, search: &str, n: usize) -> (String, String) {
    if fts {
        let phrase = format!("\"{}\"", search.replace('"', "\"\""));
        (format!(" AND r.id IN (SELECT rowid FROM right_search WHERE right_search MATCH ${n})"), phrase)
    } else {
        (format!(" AND r.list_search LIKE ${n} ESCAPE '\\'"), like_pattern(search))
    }
}

/// Whether a search of three characters or more is rare among the company's rights, on SQLite,
/// whose planner does not weigh this itself. A common one (1% or more of a sample of the
/// company's rights, or a company small enough that the sample is all of it) is found fastest
/// along the sort order's index, a page of it from the first few thousand rights; a rare one
/// from the trigram index, whose match list is short then, but long for a common word.
async fn search_is_rare(pool: &sqlx::SqlitePool, company_id: CompanyId, search: &str) -> Result<bool> {
    const SAMPLE: i64 = 2000;
    let (sampled, matched): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(list_search LIKE $2 ESCAPE '\\'), 0) \
         FROM (SELECT list_search FROM user_rights WHERE company_id = $1 LIMIT $3)",
    )
    .bind(company_id)
    .bind(like_pattern(search))
    .bind(SAMPLE)
    .fetch_one(pool)
    .await?;
    Ok(sampled == SAMPLE && matched * 100 < sampled)
}

/// `%text%` for a case-insensitive LIKE, with `%`, `_` and `\` escaped.
pub(crate) fn like_pattern(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use crate::domain::RightStatus;

    #[test]
    fn the_sql_of_a_right_not_ended_names_exactly_the_statuses_that_have_not_ended() {
        let not_ended: Vec<String> = RightStatus::ALL.iter().filter(|s| !s.is_ended()).map(|s| format!("'{}'", s.as_str())).collect();
        assert_eq!(NOT_ENDED!(), format!("({})", not_ended.join(", ")));
    }
}
