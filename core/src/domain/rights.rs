//! Right types, statuses and the right's lifecycle as plain Rust.
//!
//! A right (`UserRight`) is held by one login on one company. Employee and technical
//! rights are created active. A provider right needs both parties' consent: an
//! invitation by the principal's administrator waits for the provider; a request by the
//! provider waits for the principal. Only an `Active` right grants anything.

use crate::domain::{AuditAction, UnknownValue};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of a right (Collaborateur / Utilisateur technique / Prestataire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RightType {
    Employee,
    Technical,
    Provider,
}
str_enum!(RightType, "right type", { Employee => "employee", Technical => "technical", Provider => "provider" });

/// Where a right is in its life. Only `Active` grants access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RightStatus {
    Pending,
    Active,
    /// Put on hold by the principal's administrator: it grants nothing, keeps its services,
    /// debtors and history, and is resumed (active again) or ended like an active right.
    Suspended,
    Refused,
    Revoked,
    Expired,
    Resigned,
}
str_enum!(RightStatus, "right status", {
    Pending => "pending", Active => "active", Suspended => "suspended", Refused => "refused",
    Revoked => "revoked", Expired => "expired", Resigned => "resigned",
});

/// What an in-app message is about; its text is written from its kind and values in the
/// reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// To the provider: a company invites them.
    ProviderInvitation,
    /// To the provider: their active right was revoked.
    ProviderRightRevoked,
    /// To the provider: the invitation was withdrawn before they answered.
    ProviderInvitationCancelled,
    /// To the administrators: the provider accepted, refused or resigned.
    ProviderAccepted,
    ProviderRefused,
    ProviderResigned,
    /// To the administrators: a provider asks for access.
    ProviderRequest,
    /// To the provider: the request was approved or declined.
    ProviderRequestApproved,
    ProviderRequestDeclined,
    /// To the administrators: the provider withdrew the request.
    ProviderRequestWithdrawn,
    /// To the administrator who invited: the provider let the invitation lapse unanswered.
    ProviderInvitationExpired,
    /// To the provider: the company let the request lapse unanswered.
    ProviderRequestExpired,
    /// To the provider: an invitation left unanswered lapses in a few days.
    ProviderInvitationReminder,
    /// To the principal's administrators: a provider's access reaches its end date soon.
    ProviderRightEnding,
    /// To the provider: their access reaches its end date soon.
    ProviderAccessEnding,
    /// To the provider: an administrator moved their access's end date later.
    ProviderRightExtended,
    /// To the provider: their access was suspended, or resumed after a suspension.
    ProviderRightSuspended,
    ProviderRightResumed,
    /// To the provider: an administrator changed the online services or debtors of their
    /// active access.
    ProviderGrantsChanged,
    /// To a login of no company: a company invites it to join as an employee.
    EmployeeInvitation,
    /// To the administrators: the invited login joined the company, refused to, or left it.
    EmployeeJoined,
    EmployeeRefused,
    EmployeeLeft,
    /// To the administrators of the day: the invitation to join lapsed unanswered.
    EmployeeInvitationExpired,
    /// To the invited login: the invitation to join was cancelled before it answered.
    EmployeeInvitationCancelled,
    /// To a login that joined: the company ended its membership.
    EmployeeRemoved,
}
str_enum!(MessageKind, "message kind", {
    ProviderInvitation => "provider_invitation", ProviderRightRevoked => "provider_right_revoked",
    ProviderInvitationCancelled => "provider_invitation_cancelled", ProviderAccepted => "provider_accepted",
    ProviderRefused => "provider_refused", ProviderResigned => "provider_resigned", ProviderRequest => "provider_request",
    ProviderRequestApproved => "provider_request_approved", ProviderRequestDeclined => "provider_request_declined",
    ProviderRequestWithdrawn => "provider_request_withdrawn", ProviderInvitationExpired => "provider_invitation_expired",
    ProviderRequestExpired => "provider_request_expired", ProviderInvitationReminder => "provider_invitation_reminder",
    ProviderRightEnding => "provider_right_ending", ProviderAccessEnding => "provider_access_ending",
    ProviderRightExtended => "provider_right_extended", ProviderRightSuspended => "provider_right_suspended",
    ProviderRightResumed => "provider_right_resumed", ProviderGrantsChanged => "provider_grants_changed",
    EmployeeInvitation => "employee_invitation", EmployeeJoined => "employee_joined", EmployeeRefused => "employee_refused",
    EmployeeLeft => "employee_left", EmployeeInvitationExpired => "employee_invitation_expired",
    EmployeeInvitationCancelled => "employee_invitation_cancelled", EmployeeRemoved => "employee_removed",
});

/// A reminder the housekeeping sends about a provider's right, once per right and per date it
/// is about: before a pending invitation lapses, and before an active right's end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reminder {
    /// To the provider, 3 days before the invitation lapses unanswered.
    AnswerSoon,
    /// To the provider and the principal's administrators, 30, 7 and 1 days before the end date.
    EndIn30Days,
    EndIn7Days,
    EndIn1Day,
}
str_enum!(Reminder, "reminder", { AnswerSoon => "answer_3", EndIn30Days => "end_30", EndIn7Days => "end_7", EndIn1Day => "end_1" });

impl Reminder {
    /// How long before a pending invitation lapses the provider is reminded.
    pub const ANSWER_DAYS_BEFORE: i64 = 3;
    /// The end-date reminders, the nearest to the end first, each with how many days before
    /// the end date it comes.
    pub const BEFORE_END: [(i64, Reminder); 3] = [(1, Reminder::EndIn1Day), (7, Reminder::EndIn7Days), (30, Reminder::EndIn30Days)];
    /// The most days before an end date a reminder comes (the last of [`Reminder::BEFORE_END`]).
    pub const FURTHEST_BEFORE_END: i64 = Reminder::BEFORE_END[Reminder::BEFORE_END.len() - 1].0;
}

impl RightStatus {
    /// True only for `Active`: a pending, suspended, refused, revoked, expired or resigned
    /// right grants nothing.
    pub fn grants_access(&self) -> bool {
        matches!(self, RightStatus::Active)
    }

    /// Refused, revoked, expired, resigned: the right has ended (a principal may re-invite).
    pub fn is_ended(&self) -> bool {
        matches!(self, RightStatus::Refused | RightStatus::Revoked | RightStatus::Expired | RightStatus::Resigned)
    }
}

/// Which party must answer a pending right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Awaiting {
    /// An invitation made by the principal's administrator: the provider accepts or refuses.
    Provider,
    /// A request made by the provider: the principal's administrators accept or refuse.
    Principal,
}
str_enum!(Awaiting, "awaiting", { Provider => "provider", Principal => "principal" });

impl Awaiting {
    /// The party that answers.
    pub fn party(&self) -> Party {
        match self {
            Awaiting::Provider => Party::Provider,
            Awaiting::Principal => Party::Principal,
        }
    }
    /// The party that initiated the pending right (and may cancel it).
    pub fn initiator(&self) -> Party {
        match self {
            Awaiting::Provider => Party::Principal,
            Awaiting::Principal => Party::Provider,
        }
    }
}

/// How a right came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RightOrigin {
    /// The principal's admin invited a provider.
    Invitation,
    /// The provider asked for access.
    Request,
    /// Created directly by an admin (employees, technical users).
    Direct,
}
str_enum!(RightOrigin, "origin", { Invitation => "invitation", Request => "request", Direct => "direct" });

/// Who acts on a right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// An active administrator of the company the right is on.
    Principal,
    /// The login the right is for.
    Provider,
    /// The system (expiry job).
    System,
}
str_enum!(Party, "party", { Principal => "principal", Provider => "provider", System => "system" });

/// A change of a right's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transition {
    /// The awaited party accepts a pending right → Active.
    Accept,
    /// The awaited party refuses a pending right → Refused.
    Refuse,
    /// The initiating party withdraws a pending right → Revoked.
    Cancel,
    /// The principal ends an active right → Revoked.
    Revoke,
    /// The provider gives up an active right → Resigned.
    Resign,
    /// The system ends a pending, active or suspended right → Expired.
    Expire,
    /// The principal invites again after the right ended → Pending awaiting the provider.
    Reinvite,
    /// The principal puts an active right on hold → Suspended.
    Suspend,
    /// The principal lifts a suspension → Active.
    Resume,
}
str_enum!(Transition, "transition", {
    Accept => "accept", Refuse => "refuse", Cancel => "cancel", Revoke => "revoke",
    Resign => "resign", Expire => "expire", Reinvite => "reinvite", Suspend => "suspend", Resume => "resume",
});

impl Transition {
    /// The audit action recorded for this transition.
    pub fn audit_action(&self) -> AuditAction {
        match self {
            Transition::Accept => AuditAction::RightAccept,
            Transition::Refuse => AuditAction::RightRefuse,
            Transition::Cancel => AuditAction::RightCancel,
            Transition::Revoke => AuditAction::RightRevoke,
            Transition::Resign => AuditAction::RightResign,
            Transition::Expire => AuditAction::RightExpire,
            Transition::Reinvite => AuditAction::RightReinvite,
            Transition::Suspend => AuditAction::RightSuspend,
            Transition::Resume => AuditAction::RightResume,
        }
    }

    /// The message a provider gets when the principal's administrator makes this transition
    /// on the provider's right: an access revoked, suspended or resumed, an invitation
    /// cancelled, a request approved or declined. `None` for what only the provider or the
    /// portal does (the portal's expiry and a reinvitation have messages of their own).
    pub fn told_to_provider(&self) -> Option<MessageKind> {
        match self {
            Transition::Revoke => Some(MessageKind::ProviderRightRevoked),
            Transition::Cancel => Some(MessageKind::ProviderInvitationCancelled),
            Transition::Accept => Some(MessageKind::ProviderRequestApproved),
            Transition::Refuse => Some(MessageKind::ProviderRequestDeclined),
            Transition::Suspend => Some(MessageKind::ProviderRightSuspended),
            Transition::Resume => Some(MessageKind::ProviderRightResumed),
            Transition::Resign | Transition::Expire | Transition::Reinvite => None,
        }
    }

    /// What the principal's administrator does to an invitation to join, or to the membership
    /// it gave, told to the login: the invitation cancelled, the membership ended.
    pub fn told_to_joiner(&self) -> Option<MessageKind> {
        match self {
            Transition::Revoke => Some(MessageKind::EmployeeRemoved),
            Transition::Cancel => Some(MessageKind::EmployeeInvitationCancelled),
            _ => None,
        }
    }
}

/// Why a transition is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("this party may not {0} a right")]
    PartyNotAllowed(Transition),
    #[error("the right is not pending")]
    NotPending,
    #[error("the right is pending an answer from the other party")]
    NotAwaitingParty,
    #[error("only the party that initiated a pending right may cancel it")]
    NotInitiator,
    #[error("the right is not active")]
    NotActive,
    #[error("the right has already ended")]
    AlreadyEnded,
    #[error("the right has not ended, it cannot be re-invited")]
    NotEnded,
    #[error("the right's status and awaited party do not match")]
    Inconsistent,
    #[error("a provider right needs the consent of both parties (invitation or request)")]
    ProviderNeedsConsent,
    #[error("the pending right was not answered in time")]
    Lapsed,
    #[error("the right is not suspended")]
    NotSuspended,
}

impl LifecycleError {
    pub fn code(&self) -> &'static str {
        match self {
            LifecycleError::PartyNotAllowed(_) => "lifecycle.party_not_allowed",
            LifecycleError::NotPending => "lifecycle.not_pending",
            LifecycleError::NotAwaitingParty => "lifecycle.not_awaiting_party",
            LifecycleError::NotInitiator => "lifecycle.not_initiator",
            LifecycleError::NotActive => "lifecycle.not_active",
            LifecycleError::AlreadyEnded => "lifecycle.already_ended",
            LifecycleError::NotEnded => "lifecycle.not_ended",
            LifecycleError::Inconsistent => "lifecycle.inconsistent",
            LifecycleError::ProviderNeedsConsent => "lifecycle.provider_needs_consent",
            LifecycleError::Lapsed => "lifecycle.lapsed",
            LifecycleError::NotSuspended => "lifecycle.not_suspended",
        }
    }
}

/// A right's lifecycle state: its status and, while pending, who must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RightState {
    pub status: RightStatus,
    pub awaiting: Option<Awaiting>,
}

impl RightState {
    pub const ACTIVE: RightState = RightState { status: RightStatus::Active, awaiting: None };

    pub fn new(status: RightStatus, awaiting: Option<Awaiting>) -> Self {
        Self { status, awaiting }
    }

    /// Pending with a party to answer, or any other status with none.
    pub fn is_consistent(&self) -> bool {
        (self.status == RightStatus::Pending) == self.awaiting.is_some()
    }

    /// The state a new right starts in: an employee entered by the company and a technical
    /// user are active at once; an invitation (a provider's, or a login of no company asked
    /// to join as an employee) awaits the invited login, a provider request awaits the
    /// principal.
    pub fn initial(right_type: RightType, origin: RightOrigin) -> Result<Self, LifecycleError> {
        match (right_type, origin) {
            (RightType::Employee | RightType::Provider, RightOrigin::Invitation) => Ok(Self::new(RightStatus::Pending, Some(Awaiting::Provider))),
            (RightType::Employee | RightType::Technical, _) => Ok(Self::ACTIVE),
            (RightType::Provider, RightOrigin::Request) => Ok(Self::new(RightStatus::Pending, Some(Awaiting::Principal))),
            (RightType::Provider, RightOrigin::Direct) => Err(LifecycleError::ProviderNeedsConsent),
        }
    }

    /// Applies `transition` done `by` a party; see [`apply`].
    pub fn apply(self, transition: Transition, by: Party) -> Result<RightState, LifecycleError> {
        apply(self.status, self.awaiting, transition, by).map(|(status, awaiting)| RightState { status, awaiting })
    }
}

/// The lifecycle of a right, as a pure function.
///
/// Checks, in this order: the state is consistent; the party may perform this kind of
/// transition at all; the status allows it; for accept/refuse the party is the awaited one
/// and for cancel the party is the initiator.
pub fn apply(status: RightStatus, awaiting: Option<Awaiting>, transition: Transition, by: Party) -> Result<(RightStatus, Option<Awaiting>), LifecycleError> {
    use LifecycleError as E;
    use RightStatus as S;
    if !RightState::new(status, awaiting).is_consistent() {
        return Err(E::Inconsistent);
    }
    let party_allowed = match transition {
        Transition::Accept | Transition::Refuse | Transition::Cancel => by != Party::System,
        Transition::Revoke | Transition::Reinvite | Transition::Suspend | Transition::Resume => by == Party::Principal,
        Transition::Resign => by == Party::Provider,
        Transition::Expire => by == Party::System,
    };
    if !party_allowed {
        return Err(E::PartyNotAllowed(transition));
    }
    match transition {
        Transition::Accept | Transition::Refuse | Transition::Cancel => {
            let Some(awaited) = awaiting.filter(|_| status == S::Pending) else {
                return Err(E::NotPending);
            };
            match transition {
                Transition::Cancel if by != awaited.initiator() => Err(E::NotInitiator),
                Transition::Cancel => Ok((S::Revoked, None)),
                _ if by != awaited.party() => Err(E::NotAwaitingParty),
                Transition::Accept => Ok((S::Active, None)),
                _ => Ok((S::Refused, None)),
            }
        }
        // A suspended right ends as an active one does: it is still in force, only on hold.
        Transition::Revoke | Transition::Resign => match status {
            S::Active | S::Suspended if transition == Transition::Revoke => Ok((S::Revoked, None)),
            S::Active | S::Suspended => Ok((S::Resigned, None)),
            S::Pending => Err(E::NotActive),
            _ => Err(E::AlreadyEnded),
        },
        Transition::Expire => match status {
            S::Pending | S::Active | S::Suspended => Ok((S::Expired, None)),
            _ => Err(E::AlreadyEnded),
        },
        Transition::Suspend => match status {
            S::Active => Ok((S::Suspended, None)),
            S::Pending | S::Suspended => Err(E::NotActive),
            _ => Err(E::AlreadyEnded),
        },
        Transition::Resume => match status {
            S::Suspended => Ok((S::Active, None)),
            _ if status.is_ended() => Err(E::AlreadyEnded),
            _ => Err(E::NotSuspended),
        },
        Transition::Reinvite => {
            if status.is_ended() {
                Ok((S::Pending, Some(Awaiting::Provider)))
            } else {
                Err(E::NotEnded)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Awaiting::{Principal as AwPrincipal, Provider as AwProvider};
    use LifecycleError as E;
    use Party::{Principal, Provider, System};
    use RightStatus::*;
    use Transition::*;

    type Outcome = Result<(RightStatus, Option<Awaiting>), LifecycleError>;

    fn ok(s: RightStatus) -> Outcome {
        Ok((s, None))
    }
    const INVITED: Outcome = Ok((Pending, Some(AwProvider)));
    /// A state, a transition, and its outcome by each party.
    type Row = ((RightStatus, Option<Awaiting>), Transition, [Outcome; 3]);

    /// Every consistent state × transition, with the outcome for (Principal, Provider, System).
    /// Inconsistent states (pending without awaited party, or ended/active with one) are
    /// checked separately: they always fail with `Inconsistent`.
    #[rustfmt::skip]
    fn table() -> Vec<Row> {
        let pa = E::PartyNotAllowed;
        vec![
            //  state                    transition  by Principal             by Provider              by System
            ((Pending, Some(AwProvider)),  Accept,   [Err(E::NotAwaitingParty), ok(Active),          Err(pa(Accept))]),
            ((Pending, Some(AwProvider)),  Refuse,   [Err(E::NotAwaitingParty), ok(Refused),         Err(pa(Refuse))]),
            ((Pending, Some(AwProvider)),  Cancel,   [ok(Revoked),             Err(E::NotInitiator),   Err(pa(Cancel))]),
            ((Pending, Some(AwProvider)),  Revoke,   [Err(E::NotActive),       Err(pa(Revoke)),        Err(pa(Revoke))]),
            ((Pending, Some(AwProvider)),  Resign,   [Err(pa(Resign)),         Err(E::NotActive),      Err(pa(Resign))]),
            ((Pending, Some(AwProvider)),  Expire,   [Err(pa(Expire)),         Err(pa(Expire)),        ok(Expired)]),
            ((Pending, Some(AwProvider)),  Reinvite, [Err(E::NotEnded),        Err(pa(Reinvite)),      Err(pa(Reinvite))]),
            ((Pending, Some(AwProvider)),  Suspend,  [Err(E::NotActive),       Err(pa(Suspend)),       Err(pa(Suspend))]),
            ((Pending, Some(AwProvider)),  Resume,   [Err(E::NotSuspended),    Err(pa(Resume)),        Err(pa(Resume))]),

            ((Pending, Some(AwPrincipal)), Accept,   [ok(Active),              Err(E::NotAwaitingParty), Err(pa(Accept))]),
            ((Pending, Some(AwPrincipal)), Refuse,   [ok(Refused),             Err(E::NotAwaitingParty), Err(pa(Refuse))]),
            ((Pending, Some(AwPrincipal)), Cancel,   [Err(E::NotInitiator),    ok(Revoked),            Err(pa(Cancel))]),
            ((Pending, Some(AwPrincipal)), Revoke,   [Err(E::NotActive),       Err(pa(Revoke)),        Err(pa(Revoke))]),
            ((Pending, Some(AwPrincipal)), Resign,   [Err(pa(Resign)),         Err(E::NotActive),      Err(pa(Resign))]),
            ((Pending, Some(AwPrincipal)), Expire,   [Err(pa(Expire)),         Err(pa(Expire)),        ok(Expired)]),
            ((Pending, Some(AwPrincipal)), Reinvite, [Err(E::NotEnded),        Err(pa(Reinvite)),      Err(pa(Reinvite))]),
            ((Pending, Some(AwPrincipal)), Suspend,  [Err(E::NotActive),       Err(pa(Suspend)),       Err(pa(Suspend))]),
            ((Pending, Some(AwPrincipal)), Resume,   [Err(E::NotSuspended),    Err(pa(Resume)),        Err(pa(Resume))]),

            ((Active, None),               Accept,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Accept))]),
            ((Active, None),               Refuse,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Refuse))]),
            ((Active, None),               Cancel,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Cancel))]),
            ((Active, None),               Revoke,   [ok(Revoked),             Err(pa(Revoke)),        Err(pa(Revoke))]),
            ((Active, None),               Resign,   [Err(pa(Resign)),         ok(Resigned),           Err(pa(Resign))]),
            ((Active, None),               Expire,   [Err(pa(Expire)),         Err(pa(Expire)),        ok(Expired)]),
            ((Active, None),               Reinvite, [Err(E::NotEnded),        Err(pa(Reinvite)),      Err(pa(Reinvite))]),
            ((Active, None),               Suspend,  [ok(Suspended),           Err(pa(Suspend)),       Err(pa(Suspend))]),
            ((Active, None),               Resume,   [Err(E::NotSuspended),    Err(pa(Resume)),        Err(pa(Resume))]),

            ((Suspended, None),            Accept,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Accept))]),
            ((Suspended, None),            Refuse,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Refuse))]),
            ((Suspended, None),            Cancel,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Cancel))]),
            ((Suspended, None),            Revoke,   [ok(Revoked),             Err(pa(Revoke)),        Err(pa(Revoke))]),
            ((Suspended, None),            Resign,   [Err(pa(Resign)),         ok(Resigned),           Err(pa(Resign))]),
            ((Suspended, None),            Expire,   [Err(pa(Expire)),         Err(pa(Expire)),        ok(Expired)]),
            ((Suspended, None),            Reinvite, [Err(E::NotEnded),        Err(pa(Reinvite)),      Err(pa(Reinvite))]),
            ((Suspended, None),            Suspend,  [Err(E::NotActive),       Err(pa(Suspend)),       Err(pa(Suspend))]),
            ((Suspended, None),            Resume,   [ok(Active),              Err(pa(Resume)),        Err(pa(Resume))]),
        ]
        .into_iter()
        .chain([Refused, Revoked, Expired, Resigned].into_iter().flat_map(|ended| {
            vec![
            ((ended, None),                Accept,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Accept))]),
            ((ended, None),                Refuse,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Refuse))]),
            ((ended, None),                Cancel,   [Err(E::NotPending),      Err(E::NotPending),     Err(pa(Cancel))]),
            ((ended, None),                Revoke,   [Err(E::AlreadyEnded),    Err(pa(Revoke)),        Err(pa(Revoke))]),
            ((ended, None),                Resign,   [Err(pa(Resign)),         Err(E::AlreadyEnded),   Err(pa(Resign))]),
            ((ended, None),                Expire,   [Err(pa(Expire)),         Err(pa(Expire)),        Err(E::AlreadyEnded)]),
            ((ended, None),                Reinvite, [INVITED,                 Err(pa(Reinvite)),      Err(pa(Reinvite))]),
            ((ended, None),                Suspend,  [Err(E::AlreadyEnded),    Err(pa(Suspend)),       Err(pa(Suspend))]),
            ((ended, None),                Resume,   [Err(E::AlreadyEnded),    Err(pa(Resume)),        Err(pa(Resume))]),
            ]
        }))
        .collect()
    }

    const PARTIES: [Party; 3] = [Principal, Provider, System];
    const AWAITINGS: [Option<Awaiting>; 3] = [None, Some(AwProvider), Some(AwPrincipal)];

    #[test]
    fn every_state_transition_and_party_combination_matches_the_table() {
        let table = table();
        let mut checked = 0;
        for &status in RightStatus::ALL {
            for awaiting in AWAITINGS {
                for &transition in Transition::ALL {
                    for (i, by) in PARTIES.into_iter().enumerate() {
                        let got = apply(status, awaiting, transition, by);
                        let consistent = (status == Pending) == awaiting.is_some();
                        let expected = if consistent {
                            let rows: Vec<_> = table.iter().filter(|(s, t, _)| *s == (status, awaiting) && *t == transition).collect();
                            assert_eq!(rows.len(), 1, "table must have exactly one row for {status:?}/{awaiting:?}/{transition:?}");
                            rows[0].2[i]
                        } else {
                            Err(E::Inconsistent)
                        };
                        assert_eq!(got, expected, "{status:?} awaiting {awaiting:?}, {transition:?} by {by:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 7 * 3 * 9 * 3);
        assert_eq!(table.len(), 8 * 9, "8 consistent states × 9 transitions");
    }

    #[test]
    fn a_provider_accepts_an_invitation_awaiting_them() {
        assert_eq!(apply(Pending, Some(AwProvider), Accept, Provider), Ok((Active, None)));
    }
    #[test]
    fn a_provider_refuses_an_invitation_awaiting_them() {
        assert_eq!(apply(Pending, Some(AwProvider), Refuse, Provider), Ok((Refused, None)));
    }
    #[test]
    fn the_principal_cannot_accept_its_own_invitation() {
        assert_eq!(apply(Pending, Some(AwProvider), Accept, Principal), Err(E::NotAwaitingParty));
    }
    #[test]
    fn the_principal_accepts_a_request_made_by_the_provider() {
        assert_eq!(apply(Pending, Some(AwPrincipal), Accept, Principal), Ok((Active, None)));
    }
    #[test]
    fn the_provider_cannot_accept_its_own_request() {
        assert_eq!(apply(Pending, Some(AwPrincipal), Accept, Provider), Err(E::NotAwaitingParty));
    }
    #[test]
    fn the_principal_cancels_its_pending_invitation_which_ends_revoked() {
        assert_eq!(apply(Pending, Some(AwProvider), Cancel, Principal), Ok((Revoked, None)));
    }
    #[test]
    fn the_provider_withdraws_its_pending_request() {
        assert_eq!(apply(Pending, Some(AwPrincipal), Cancel, Provider), Ok((Revoked, None)));
        assert_eq!(apply(Pending, Some(AwPrincipal), Cancel, Principal), Err(E::NotInitiator));
    }
    #[test]
    fn the_principal_revokes_an_active_right_at_once() {
        assert_eq!(apply(Active, None, Revoke, Principal), Ok((Revoked, None)));
    }
    #[test]
    fn a_provider_cannot_revoke_but_may_resign() {
        assert_eq!(apply(Active, None, Revoke, Provider), Err(E::PartyNotAllowed(Revoke)));
        assert_eq!(apply(Active, None, Resign, Provider), Ok((Resigned, None)));
    }
    #[test]
    fn only_the_system_expires_pending_or_active_rights() {
        assert_eq!(apply(Pending, Some(AwProvider), Expire, System), Ok((Expired, None)));
        assert_eq!(apply(Active, None, Expire, System), Ok((Expired, None)));
        assert_eq!(apply(Active, None, Expire, Principal), Err(E::PartyNotAllowed(Expire)));
        assert_eq!(apply(Revoked, None, Expire, System), Err(E::AlreadyEnded));
    }
    #[test]
    fn the_principal_reinvites_after_any_end_and_the_provider_is_awaited_again() {
        for ended in [Refused, Revoked, Expired, Resigned] {
            assert_eq!(apply(ended, None, Reinvite, Principal), Ok((Pending, Some(AwProvider))));
        }
        assert_eq!(apply(Active, None, Reinvite, Principal), Err(E::NotEnded));
    }
    #[test]
    fn the_principal_suspends_an_active_right_and_resumes_it_to_active_again() {
        assert_eq!(apply(Active, None, Suspend, Principal), Ok((Suspended, None)));
        assert_eq!(apply(Suspended, None, Resume, Principal), Ok((Active, None)));
        assert_eq!(apply(Active, None, Suspend, Provider), Err(E::PartyNotAllowed(Suspend)));
        assert_eq!(apply(Suspended, None, Resume, Provider), Err(E::PartyNotAllowed(Resume)));
    }
    #[test]
    fn only_an_active_right_is_suspended_and_only_a_suspended_one_resumed() {
        assert_eq!(apply(Pending, Some(AwProvider), Suspend, Principal), Err(E::NotActive));
        assert_eq!(apply(Suspended, None, Suspend, Principal), Err(E::NotActive));
        assert_eq!(apply(Active, None, Resume, Principal), Err(E::NotSuspended));
        assert_eq!(apply(Revoked, None, Resume, Principal), Err(E::AlreadyEnded));
    }
    #[test]
    fn a_suspended_right_still_ends_as_an_active_one_does() {
        assert_eq!(apply(Suspended, None, Revoke, Principal), Ok((Revoked, None)));
        assert_eq!(apply(Suspended, None, Resign, Provider), Ok((Resigned, None)));
        assert_eq!(apply(Suspended, None, Expire, System), Ok((Expired, None)));
        assert!(!Suspended.is_ended(), "a suspended right is not ended: it cannot be re-invited");
        assert_eq!(apply(Suspended, None, Reinvite, Principal), Err(E::NotEnded));
    }
    #[test]
    fn an_ended_right_cannot_be_accepted() {
        assert_eq!(apply(Refused, None, Accept, Provider), Err(E::NotPending));
    }
    #[test]
    fn a_pending_state_without_awaited_party_is_inconsistent() {
        assert_eq!(apply(Pending, None, Accept, Provider), Err(E::Inconsistent));
        assert_eq!(apply(Active, Some(AwProvider), Revoke, Principal), Err(E::Inconsistent));
    }
    #[test]
    fn only_an_active_right_grants_access() {
        for &s in RightStatus::ALL {
            assert_eq!(s.grants_access(), s == Active, "{s:?}");
        }
    }
    #[test]
    fn employees_and_technical_users_start_active_and_providers_start_pending() {
        assert_eq!(RightState::initial(RightType::Employee, RightOrigin::Direct), Ok(RightState::ACTIVE));
        assert_eq!(RightState::initial(RightType::Technical, RightOrigin::Direct), Ok(RightState::ACTIVE));
        assert_eq!(RightState::initial(RightType::Provider, RightOrigin::Invitation), Ok(RightState::new(Pending, Some(AwProvider))));
        assert_eq!(RightState::initial(RightType::Provider, RightOrigin::Request), Ok(RightState::new(Pending, Some(AwPrincipal))));
        assert_eq!(RightState::initial(RightType::Provider, RightOrigin::Direct), Err(E::ProviderNeedsConsent));
    }
    #[test]
    fn a_login_invited_to_join_as_an_employee_is_pending_until_it_answers() {
        assert_eq!(RightState::initial(RightType::Employee, RightOrigin::Invitation), Ok(RightState::new(Pending, Some(AwProvider))));
        let invited = RightState::initial(RightType::Employee, RightOrigin::Invitation).unwrap();
        assert_eq!(invited.apply(Accept, Principal), Err(E::NotAwaitingParty), "the company cannot accept in the login's place");
        assert_eq!(invited.apply(Accept, Provider), Ok(RightState::ACTIVE));
    }
    #[test]
    fn statuses_types_and_origins_round_trip_through_their_stored_strings() {
        for &s in RightStatus::ALL {
            assert_eq!(RightStatus::parse(s.as_str()), Ok(s));
        }
        for &t in RightType::ALL {
            assert_eq!(RightType::parse(t.as_str()), Ok(t));
        }
        for &o in RightOrigin::ALL {
            assert_eq!(RightOrigin::parse(o.as_str()), Ok(o));
        }
        for &a in Awaiting::ALL {
            assert_eq!(Awaiting::parse(a.as_str()), Ok(a));
        }
        assert_eq!(RightStatus::parse("Active").unwrap_err().code(), "right_status.unknown");
    }
    #[test]
    fn lifecycle_errors_have_stable_codes() {
        assert_eq!(E::NotAwaitingParty.code(), "lifecycle.not_awaiting_party");
        assert_eq!(E::PartyNotAllowed(Accept).code(), "lifecycle.party_not_allowed");
    }

    #[test]
    fn what_the_principal_does_to_a_provider_s_right_is_told_to_the_provider_and_nothing_else_is() {
        assert_eq!(Revoke.told_to_provider(), Some(MessageKind::ProviderRightRevoked));
        assert_eq!(Cancel.told_to_provider(), Some(MessageKind::ProviderInvitationCancelled));
        assert_eq!(Accept.told_to_provider(), Some(MessageKind::ProviderRequestApproved));
        assert_eq!(Refuse.told_to_provider(), Some(MessageKind::ProviderRequestDeclined));
        assert_eq!(Suspend.told_to_provider(), Some(MessageKind::ProviderRightSuspended));
        assert_eq!(Resume.told_to_provider(), Some(MessageKind::ProviderRightResumed));
        for own_or_portal in [Resign, Expire, Reinvite] {
            assert_eq!(own_or_portal.told_to_provider(), None, "{own_or_portal:?}");
        }
    }

    #[test]
    fn a_login_that_joined_is_told_when_the_company_cancels_its_invitation_or_ends_its_membership() {
        assert_eq!(Revoke.told_to_joiner(), Some(MessageKind::EmployeeRemoved));
        assert_eq!(Cancel.told_to_joiner(), Some(MessageKind::EmployeeInvitationCancelled));
        for not_told in [Accept, Refuse, Resign, Expire, Reinvite, Suspend, Resume] {
            assert_eq!(not_told.told_to_joiner(), None, "{not_told:?}");
        }
    }
}
