//! The one access policy: what a right lets its login do, as pure rules over the right —
//! grants access, administers its company, may act through a grant on a service for a
//! debtor, counts for the star elsewhere, is answered by its login — and the right's other
//! rules of time (lapsing, reminders, extension). The guards of the app ask only these; each
//! rule a query must also apply has its SQL twin at the end of this file, which the store's
//! contract tests check against it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::*;

/// A reminder due about a right, and the date it is about (the invitation's answer-by time in
/// RFC 3339, or the end date `yyyy-mm-dd`): once sent, it is not sent again about that date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub reminder: Reminder,
    pub about: String,
}

/// One login's right on one company. The store reads it from its row (its columns' decoders
/// live in the store, beside the SQL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "store", derive(sqlx::FromRow))]
pub struct UserRight {
    pub id: RightId,
    pub company_id: CompanyId,
    pub user_id: UserId,
    pub right_type: RightType,
    pub is_admin: bool,
    pub status: RightStatus,
    pub awaiting: Option<Awaiting>,
    pub remark: Option<String>,
    pub end_date: Option<NaiveDate>,
    pub origin: RightOrigin,
    pub created_by_user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// While pending: when it lapses unanswered (the company's invitation lifetime after it
    /// was sent, or last renewed). Kept afterwards as the date it was due.
    pub answer_by: Option<DateTime<Utc>>,
    /// Optimistic concurrency: pass it back to change the right.
    pub version: i64,
}

impl UserRight {
    pub fn state(&self) -> RightState {
        RightState::new(self.status, self.awaiting)
    }

    /// Until when a pending right can be answered; `None` once it is no longer pending (its
    /// `answer_by` then only records when it was due).
    pub fn answer_due(&self) -> Option<DateTime<Utc>> {
        self.answer_by.filter(|_| self.status == RightStatus::Pending)
    }

    /// Pending and past its answer-by time at `now`: it can no longer be accepted, and the
    /// housekeeping expires it.
    pub fn lapsed_at(&self, now: DateTime<Utc>) -> bool {
        self.answer_due().is_some_and(|t| t <= now)
    }

    /// The state `transition` done `by` a party leads to at `now`: the lifecycle's, except
    /// that a lapsed pending right can no longer be accepted (refusing or withdrawing it
    /// still ends it). Accepting an invitation the housekeeping already expired gets the same
    /// answer, so that a page left open says why, not only that it cannot.
    pub fn next_state(&self, transition: Transition, by: Party, now: DateTime<Utc>) -> Result<RightState, LifecycleError> {
        if transition == Transition::Accept && (self.lapsed_at(now) || self.is_lapsed_invitation()) {
            return Err(LifecycleError::Lapsed);
        }
        self.state().apply(transition, by)
    }

    /// A login of no company invited to join as an employee: it belongs to the company only
    /// while this right, which it accepted, is in force.
    pub fn joins_by_consent(&self) -> bool {
        self.right_type == RightType::Employee && self.origin == RightOrigin::Invitation
    }

    /// May login `user_id` answer this right (accept, refuse, resign, withdraw, see it as its
    /// invitation)? Its own provider right, or its own invitation to join as an employee; a
    /// right the company entered directly for its employee is the company's to change.
    pub fn answered_by(&self, user_id: UserId) -> bool {
        self.user_id == user_id && (self.right_type == RightType::Provider || self.joins_by_consent())
    }

    /// An invitation that lapsed unanswered (never accepted nor refused): "Renvoyer" sends it
    /// again.
    pub fn is_lapsed_invitation(&self) -> bool {
        self.origin == RightOrigin::Invitation && self.status == RightStatus::Expired && self.decided_at.is_none()
    }

    /// A provider's request its company has not answered: pending, withdrawn or lapsed, but
    /// never accepted nor refused. Its requester is shown the customer number it typed, never
    /// the company's name nor what it grants, as for a number no company has.
    pub fn unanswered_request(&self) -> bool {
        self.origin == RightOrigin::Request && self.decided_at.is_none()
    }

    /// Who ended this right, `None` while it has not ended: the principal revokes, cancels its
    /// invitation and refuses a request; the provider resigns, refuses an invitation and
    /// withdraws its request; the system expires. What the provider's page of an ended
    /// right says.
    pub fn ended_by(&self) -> Option<Party> {
        let asked = self.origin == RightOrigin::Request;
        match self.status {
            RightStatus::Resigned => Some(Party::Provider),
            RightStatus::Expired => Some(Party::System),
            RightStatus::Refused => Some(if asked { Party::Principal } else { Party::Provider }),
            RightStatus::Revoked => Some(if asked && self.decided_at.is_none() { Party::Provider } else { Party::Principal }),
            RightStatus::Pending | RightStatus::Active | RightStatus::Suspended => None,
        }
    }

    /// How offboarding its provider company ends this pending, active or suspended right: an
    /// active or suspended right is revoked, an invitation cancelled, and a request, which the
    /// principal cannot cancel, refused.
    pub fn offboarding_transition(&self) -> Transition {
        match (self.status, self.awaiting) {
            (RightStatus::Active | RightStatus::Suspended, _) => Transition::Revoke,
            (_, Some(Awaiting::Principal)) => Transition::Refuse,
            _ => Transition::Cancel,
        }
    }

    /// The end date `extension` gives this right on `today`: only a pending, active or
    /// suspended right with an end date is extended, and only to a later date.
    pub fn extended_end(&self, extension: Extension, today: NaiveDate) -> Result<NaiveDate, ExtensionError> {
        if self.status.is_ended() {
            return Err(ExtensionError::Ended);
        }
        extension.new_end(self.end_date.ok_or(ExtensionError::NoEndDate)?, today)
    }

    /// Active and not past its end date (inclusive) on `today`.
    pub fn grants_access_on(&self, today: NaiveDate) -> bool {
        self.status.grants_access() && self.end_date.is_none_or(|d| d >= today)
    }

    /// An administrator of its company on `today`: an employee's right (a provider never
    /// administers the principal's rights) with the administrator flag, granting access.
    pub fn administers_on(&self, today: NaiveDate) -> bool {
        self.right_type == RightType::Employee && self.is_admin && self.grants_access_on(today)
    }

    /// Counts for the seed's star on its login's rights at other companies (the rights list, a
    /// right's page): a provider right or an administrator's right, granting access on `today`.
    pub fn stars_elsewhere_on(&self, today: NaiveDate) -> bool {
        (self.right_type == RightType::Provider && self.grants_access_on(today)) || self.administers_on(today)
    }

    /// An administrator of its company today and on every day after (no end date): the
    /// last-administrator rule keeps one such right, so that no end date, suspension or end
    /// of a right leaves the company without an administrator tomorrow or any later day.
    pub fn administers_for_good(&self, today: NaiveDate) -> bool {
        self.administers_on(today) && self.end_date.is_none()
    }

    /// May this right's login act for its company on `today`, through `grant`, on the grant's
    /// online service: for `debtor`, or for the service as such when `None`? Only an active
    /// right within its end date, through one of its own grants, on a service the company
    /// still subscribes to (`subscribed`), for a debtor the grant names (or all of them). The
    /// rule the SQL of [`Store::may_act_on`](crate::store::Store::may_act_on) applies (the
    /// store's contract tests check that both agree).
    pub fn may_act_through(&self, grant: &ServiceGrant, subscribed: bool, debtor: Option<DebtorId>, today: NaiveDate) -> bool {
        let covers = |d: DebtorId| grant.all_debtors || grant.debtor_ids.contains(&d);
        grant.right_id == self.id && subscribed && self.grants_access_on(today) && debtor.is_none_or(covers)
    }
}

/// The rule that reads the portal's calendar (Zurich's "today" of an instant): server side only.
#[cfg(feature = "calendar")]
impl UserRight {
    /// The reminder due about this right at `now`, if any: a provider's pending invitation
    /// within 3 days of lapsing; a provider's active right 30, 7 or 1 days (or fewer) before
    /// its end date, the nearest of them only (a right given with an end date 5 days away gets
    /// the 7-day reminder, not the 30-day one as well). Whether it was sent already is the
    /// store's to know ([`Store::record_reminder`](crate::store::Store::record_reminder)). A
    /// suspended right is not reminded: it gives no access to lose until it is resumed.
    pub fn reminder_due(&self, now: DateTime<Utc>) -> Option<DueReminder> {
        if self.right_type != RightType::Provider {
            return None;
        }
        match (self.status, self.awaiting) {
            (RightStatus::Pending, Some(Awaiting::Provider)) => {
                let due = self.answer_due()?;
                (now < due && due - now <= chrono::Duration::days(Reminder::ANSWER_DAYS_BEFORE))
                    .then(|| DueReminder { reminder: Reminder::AnswerSoon, about: due.to_rfc3339() })
            }
            (RightStatus::Active, _) => {
                let end = self.end_date?;
                let left = (end - super::calendar::calendar_date(now)).num_days();
                if left < 0 {
                    return None;
                }
                Reminder::BEFORE_END.iter().find(|(days, _)| left <= *days).map(|(_, reminder)| DueReminder { reminder: *reminder, about: end.to_string() })
            }
            _ => None,
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
impl UserRight {
    /// A right of login 7 on company 1, entered directly on 2.12.2026, for the tests of the
    /// rules that read it (the workspace's, through the feature `test-support`).
    pub fn example(right_type: RightType, is_admin: bool, status: RightStatus) -> UserRight {
        let entered = DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().to_utc();
        UserRight {
            id: 1,
            company_id: 1,
            user_id: 7,
            right_type,
            is_admin,
            status,
            awaiting: None,
            remark: None,
            end_date: None,
            origin: RightOrigin::Direct,
            created_by_user_id: None,
            created_at: entered,
            updated_at: entered,
            decided_at: None,
            answer_by: None,
            version: 1,
        }
    }
}

/// What to grant on one service: all debtors, or the listed ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantSpec {
    pub service_id: ServiceId,
    pub all_debtors: bool,
    pub debtor_ids: Vec<DebtorId>,
}

/// A right's access to one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceGrant {
    pub id: i64,
    pub right_id: RightId,
    pub service_id: ServiceId,
    pub service_code: String,
    pub service_name: String,
    pub all_debtors: bool,
    /// Sorted; empty when `all_debtors`.
    pub debtor_ids: Vec<DebtorId>,
}

impl ServiceGrant {
    pub fn spec(&self) -> GrantSpec {
        GrantSpec { service_id: self.service_id, all_debtors: self.all_debtors, debtor_ids: self.debtor_ids.clone() }
    }
}

// ------------------------------------------------------------------ the SQL twins
//
// Each rule the store must also apply inside a query has its one SQL reading here, beside
// the rule, built from the same few pieces; the store's contract tests check that the two
// agree. `$r` and `$g` name the query's `user_rights` and `service_grants` rows; `$true`,
// `$today` and `$debtor` are the parameters bound to `true` (a boolean literal reads
// differently in SQLite and Postgres), to today's date and to the debtor asked for.

/// [`UserRight::grants_access_on`] in SQL: the right `$r` is active and not past its end date.
#[cfg(feature = "store")]
macro_rules! grants_access {
    ($r:literal, $today:literal) => {
        concat!($r, ".status = 'active' AND (", $r, ".end_date IS NULL OR ", $r, ".end_date >= ", $today, ")")
    };
}

/// [`UserRight::administers_on`] in SQL: an employee's right with the administrator flag,
/// granting access.
#[cfg(feature = "store")]
macro_rules! administers {
    ($r:literal, $true:literal, $today:literal) => {
        concat!($r, ".right_type = 'employee' AND ", $r, ".is_admin = ", $true, " AND ", grants_access!($r, $today))
    };
}

/// [`UserRight::stars_elsewhere_on`] in SQL: a provider right or an administrator's right,
/// granting access.
#[cfg(feature = "store")]
macro_rules! stars_elsewhere {
    ($r:literal, $true:literal, $today:literal) => {
        concat!("((", $r, ".right_type = 'provider' AND ", grants_access!($r, $today), ") OR (", administers!($r, $true, $today), "))")
    };
}

/// The debtor part of [`UserRight::may_act_through`] in SQL: the grant `$g` is for all
/// debtors or names `$debtor`, or no debtor is asked for.
#[cfg(feature = "store")]
macro_rules! covers_debtor {
    ($g:literal, $true:literal, $debtor:literal) => {
        concat!(
            "(",
            $debtor,
            " IS NULL OR ",
            $g,
            ".all_debtors = ",
            $true,
            " OR EXISTS (SELECT 1 FROM service_grant_debtors gd WHERE gd.grant_id = ",
            $g,
            ".id AND gd.debtor_id = ",
            $debtor,
            "))"
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// Any instant: the rules tested with it compare it only with itself or an hour away.
    fn some_time() -> DateTime<Utc> {
        at("2026-12-02T10:00:00Z")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn right(right_type: RightType, is_admin: bool, status: RightStatus) -> UserRight {
        UserRight::example(right_type, is_admin, status)
    }

    #[test]
    fn a_login_answers_its_own_provider_rights_and_invitations_to_join_but_not_what_its_company_entered() {
        let provider = right(RightType::Provider, false, RightStatus::Pending);
        assert!(provider.answered_by(7));
        assert!(!provider.answered_by(8), "another login's right");
        let entered = right(RightType::Employee, false, RightStatus::Active);
        assert!(!entered.answered_by(7), "an employee right the company entered");
        let invited_to_join = UserRight { origin: RightOrigin::Invitation, ..entered.clone() };
        assert!(invited_to_join.answered_by(7));
        assert!(!invited_to_join.answered_by(8));
    }

    #[test]
    fn an_ended_right_names_who_ended_it() {
        let ended = |status, origin, decided: bool| {
            let mut r = right(RightType::Provider, false, status);
            r.origin = origin;
            r.decided_at = decided.then(some_time);
            r.ended_by()
        };
        use RightOrigin::{Invitation, Request};
        assert_eq!(ended(RightStatus::Revoked, Invitation, true), Some(Party::Principal), "revoked");
        assert_eq!(ended(RightStatus::Revoked, Invitation, false), Some(Party::Principal), "an invitation cancelled");
        assert_eq!(ended(RightStatus::Revoked, Request, false), Some(Party::Provider), "a request withdrawn");
        assert_eq!(ended(RightStatus::Revoked, Request, true), Some(Party::Principal), "a granted request revoked");
        assert_eq!(ended(RightStatus::Refused, Invitation, true), Some(Party::Provider), "an invitation refused");
        assert_eq!(ended(RightStatus::Refused, Request, true), Some(Party::Principal), "a request refused");
        assert_eq!(ended(RightStatus::Resigned, Invitation, true), Some(Party::Provider));
        assert_eq!(ended(RightStatus::Expired, Request, false), Some(Party::System));
        for open in [RightStatus::Pending, RightStatus::Active, RightStatus::Suspended] {
            assert_eq!(ended(open, Invitation, true), None, "{open:?} has not ended");
        }
    }

    #[test]
    fn offboarding_revokes_an_access_cancels_an_invitation_and_refuses_a_request() {
        let active = right(RightType::Provider, false, RightStatus::Active);
        let invitation = UserRight { awaiting: Some(Awaiting::Provider), ..right(RightType::Provider, false, RightStatus::Pending) };
        let request = UserRight { awaiting: Some(Awaiting::Principal), ..invitation.clone() };
        assert_eq!(active.offboarding_transition(), Transition::Revoke);
        assert_eq!(invitation.offboarding_transition(), Transition::Cancel);
        assert_eq!(request.offboarding_transition(), Transition::Refuse);
        for r in [active, invitation, request] {
            assert!(r.state().apply(r.offboarding_transition(), Party::Principal).is_ok(), "the principal may end {r:?}");
        }
    }

    fn provider_ending(end: &str) -> UserRight {
        UserRight { end_date: Some(end.parse().unwrap()), ..right(RightType::Provider, false, RightStatus::Active) }
    }

    #[cfg(feature = "calendar")]
    fn reminder(r: &UserRight, now: &str) -> Option<(Reminder, String)> {
        r.reminder_due(at(now)).map(|due| (due.reminder, due.about))
    }

    #[cfg(feature = "calendar")]
    #[test]
    fn a_pending_invitation_is_reminded_in_its_last_three_days_only() {
        let invitation = invitation_due(at("2026-12-20T10:00:00+00:00"));
        assert_eq!(reminder(&invitation, "2026-12-17T09:59:00Z"), None);
        let due = Some((Reminder::AnswerSoon, "2026-12-20T10:00:00+00:00".to_string()));
        assert_eq!(reminder(&invitation, "2026-12-17T10:00:00Z"), due);
        assert_eq!(reminder(&invitation, "2026-12-20T09:59:00Z"), due);
        assert_eq!(reminder(&invitation, "2026-12-20T10:00:00Z"), None, "lapsed: the housekeeping expires it instead");
        let request = UserRight { awaiting: Some(Awaiting::Principal), origin: RightOrigin::Request, ..invitation };
        assert_eq!(reminder(&request, "2026-12-18T10:00:00Z"), None, "a request waits for the company, not the provider");
    }

    #[cfg(feature = "calendar")]
    #[test]
    fn an_active_provider_right_is_reminded_thirty_seven_and_one_days_before_its_end_date() {
        let ending = provider_ending("2027-01-31");
        let about = "2027-01-31".to_string();
        assert_eq!(reminder(&ending, "2026-12-31T22:59:00Z"), None, "31 days before (23:59 in Zurich)");
        assert_eq!(reminder(&ending, "2026-12-31T23:00:00Z"), Some((Reminder::EndIn30Days, about.clone())), "midnight in Zurich");
        assert_eq!(reminder(&ending, "2027-01-23T08:00:00Z"), Some((Reminder::EndIn30Days, about.clone())), "8 days before");
        assert_eq!(reminder(&ending, "2027-01-24T08:00:00Z"), Some((Reminder::EndIn7Days, about.clone())));
        assert_eq!(reminder(&ending, "2027-01-30T08:00:00Z"), Some((Reminder::EndIn1Day, about.clone())));
        assert_eq!(reminder(&ending, "2027-01-31T08:00:00Z"), Some((Reminder::EndIn1Day, about.clone())), "its last day");
        assert_eq!(reminder(&ending, "2027-02-01T08:00:00Z"), None, "past: the housekeeping expires it");
    }

    #[cfg(feature = "calendar")]
    #[test]
    fn only_active_provider_rights_with_an_end_date_are_reminded_of_it() {
        let now = "2027-01-25T08:00:00Z";
        assert_eq!(reminder(&right(RightType::Provider, false, RightStatus::Active), now), None, "no end date");
        let employee = UserRight { end_date: Some("2027-01-31".parse().unwrap()), ..right(RightType::Employee, true, RightStatus::Active) };
        assert_eq!(reminder(&employee, now), None);
        let revoked = UserRight { status: RightStatus::Revoked, ..provider_ending("2027-01-31") };
        assert_eq!(reminder(&revoked, now), None);
    }

    #[test]
    fn a_pending_or_active_right_with_an_end_date_is_extended_to_a_later_date() {
        let today = "2026-12-03".parse().unwrap();
        let ending = provider_ending("2027-01-31");
        assert_eq!(ending.extended_end(Extension::Months(3), today), Ok("2027-04-30".parse().unwrap()));
        let pending = UserRight { status: RightStatus::Pending, awaiting: Some(Awaiting::Provider), ..ending.clone() };
        assert_eq!(pending.extended_end(Extension::Months(6), today), Ok("2027-07-31".parse().unwrap()));
        let unlimited = right(RightType::Provider, false, RightStatus::Active);
        assert_eq!(unlimited.extended_end(Extension::Months(3), today), Err(ExtensionError::NoEndDate));
        let ended = UserRight { status: RightStatus::Expired, ..ending };
        assert_eq!(ended.extended_end(Extension::Months(3), today), Err(ExtensionError::Ended));
    }

    #[test]
    fn only_an_active_employee_right_with_the_flag_administers_its_company() {
        assert!(right(RightType::Employee, true, RightStatus::Active).administers_on(today()));
        assert!(!right(RightType::Employee, false, RightStatus::Active).administers_on(today()));
        for right_type in [RightType::Provider, RightType::Technical] {
            assert!(!right(right_type, true, RightStatus::Active).administers_on(today()), "{right_type:?} never administers");
        }
        for status in [RightStatus::Pending, RightStatus::Refused, RightStatus::Revoked, RightStatus::Expired, RightStatus::Resigned] {
            assert!(!right(RightType::Employee, true, status).administers_on(today()), "{status:?} grants nothing");
        }
    }

    fn grant(right_id: RightId, all_debtors: bool) -> ServiceGrant {
        let debtor_ids = if all_debtors { vec![] } else { vec![10, 11] };
        ServiceGrant { id: 5, right_id, service_id: 3, service_code: "orders".into(), service_name: "Commandes".into(), all_debtors, debtor_ids }
    }

    /// Every combination of status, end date, whose grant, subscription, debtor list and
    /// debtor asked for.
    #[test]
    fn a_login_acts_only_through_an_active_right_s_own_grant_on_a_subscribed_service_for_a_debtor_it_names() {
        let yesterday = today().pred_opt();
        for status in RightStatus::ALL.iter().copied() {
            for end_date in [None, Some(today()), yesterday] {
                for own_grant in [true, false] {
                    for subscribed in [true, false] {
                        for all_debtors in [true, false] {
                            for debtor in [None, Some(10), Some(99)] {
                                let mut r = right(RightType::Provider, false, status);
                                r.end_date = end_date;
                                let g = grant(if own_grant { r.id } else { r.id + 1 }, all_debtors);
                                let may = r.may_act_through(&g, subscribed, debtor, today());
                                let in_force = status == RightStatus::Active && end_date != yesterday;
                                let named = debtor.is_none() || all_debtors || debtor == Some(10);
                                assert_eq!(
                                    may,
                                    in_force && own_grant && subscribed && named,
                                    "{status:?} until {end_date:?}, own grant {own_grant}, subscribed {subscribed}, all debtors {all_debtors}, debtor {debtor:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_administrator_right_past_its_end_date_administers_nothing() {
        let mut ended = right(RightType::Employee, true, RightStatus::Active);
        ended.end_date = Some(today());
        assert!(ended.administers_on(today()), "the end date is the last day");
        ended.end_date = today().pred_opt();
        assert!(!ended.administers_on(today()));
    }

    fn invitation_due(answer_by: DateTime<Utc>) -> UserRight {
        let mut r = right(RightType::Provider, false, RightStatus::Pending);
        r.awaiting = Some(Awaiting::Provider);
        r.origin = RightOrigin::Invitation;
        r.answer_by = Some(answer_by);
        r
    }

    #[test]
    fn an_invitation_past_its_answer_by_time_can_be_refused_but_no_longer_accepted() {
        let due = some_time();
        let r = invitation_due(due);
        let before = due - chrono::Duration::seconds(1);
        assert_eq!(r.answer_due(), Some(due));
        assert!(!r.lapsed_at(before));
        assert_eq!(r.next_state(Transition::Accept, Party::Provider, before).map(|s| s.status), Ok(RightStatus::Active));
        assert!(r.lapsed_at(due), "the answer-by time itself is too late");
        assert_eq!(r.next_state(Transition::Accept, Party::Provider, due), Err(LifecycleError::Lapsed));
        assert_eq!(r.next_state(Transition::Refuse, Party::Provider, due).map(|s| s.status), Ok(RightStatus::Refused));
        assert_eq!(r.next_state(Transition::Cancel, Party::Principal, due).map(|s| s.status), Ok(RightStatus::Revoked));
        assert_eq!(r.next_state(Transition::Expire, Party::System, due).map(|s| s.status), Ok(RightStatus::Expired));
    }

    #[test]
    fn only_a_pending_right_lapses() {
        let due = some_time() - chrono::Duration::days(1);
        for status in [RightStatus::Active, RightStatus::Refused, RightStatus::Revoked, RightStatus::Expired, RightStatus::Resigned] {
            let mut r = invitation_due(due);
            r.status = status;
            r.awaiting = None;
            assert!(!r.lapsed_at(some_time()), "{status:?} does not lapse");
            assert_eq!(r.answer_due(), None, "{status:?} is due by no time");
        }
    }

    #[test]
    fn only_an_invitation_that_expired_unanswered_is_a_lapsed_invitation() {
        let mut r = invitation_due(some_time());
        assert!(!r.is_lapsed_invitation(), "still pending");
        r.status = RightStatus::Expired;
        r.awaiting = None;
        assert!(r.is_lapsed_invitation());
        assert_eq!(
            r.next_state(Transition::Accept, Party::Provider, some_time()),
            Err(LifecycleError::Lapsed),
            "a page left open says why it can no longer be accepted"
        );
        r.decided_at = Some(some_time());
        assert!(!r.is_lapsed_invitation(), "accepted once, then past its end date");
        r.decided_at = None;
        r.origin = RightOrigin::Request;
        assert!(!r.is_lapsed_invitation(), "the provider's own request");
    }
}
