//! What an audit entry records: one action of a closed list, stored as its dotted name.

use crate::domain::UnknownValue;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The action an audit entry records ("right.accept", "login"…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum AuditAction {
    RightCreate,
    RightUpdate,
    RightGrants,
    RightAccept,
    RightRefuse,
    RightCancel,
    RightRevoke,
    RightResign,
    RightExpire,
    RightReinvite,
    RightResend,
    RightExtend,
    RightSuspend,
    RightResume,
    CompanyCreate,
    CompanyInvitationLifetime,
    /// Every right the logins of one provider company held on the company, ended at once.
    CompanyOffboardProvider,
    /// A permission template created or changed; the rights made from it do not change.
    TemplateSave,
    TemplateDelete,
    UserCreate,
    UserJoin,
    UserLeave,
    UserRegister,
    UserHomeCompany,
    UserLanguage,
    UserEmailChangeRequest,
    UserEmailChange,
    UserEmailConfirm,
    PasswordChange,
    PasswordSet,
    PasswordReset,
    Login,
    LoginFailed,
    LoginCodeFailed,
    Logout,
    TwoStepEnrolStart,
    TwoStepEnable,
    TwoStepDisable,
    OrderCreate,
    /// This and the three below were written by the access-request table that migration 0006
    /// removed (requests are pending rights since); older logs still hold them.
    AccessRequestCreate,
    AccessRequestApprove,
    AccessRequestDecline,
    AccessRequestWithdraw,
}
str_enum!(AuditAction, "audit action", {
    RightCreate => "right.create", RightUpdate => "right.update", RightGrants => "right.grants",
    RightAccept => "right.accept", RightRefuse => "right.refuse", RightCancel => "right.cancel",
    RightRevoke => "right.revoke", RightResign => "right.resign", RightExpire => "right.expire",
    RightReinvite => "right.reinvite", RightResend => "right.resend", RightExtend => "right.extend",
    RightSuspend => "right.suspend", RightResume => "right.resume",
    CompanyCreate => "company.create", CompanyInvitationLifetime => "company.invitation_lifetime",
    CompanyOffboardProvider => "company.offboard_provider", TemplateSave => "template.save", TemplateDelete => "template.delete",
    UserCreate => "user.create", UserJoin => "user.join", UserLeave => "user.leave",
    UserRegister => "user.register", UserHomeCompany => "user.home_company", UserLanguage => "user.language",
    UserEmailChangeRequest => "user.email_change_request", UserEmailChange => "user.email_change",
    UserEmailConfirm => "user.email_confirm", PasswordChange => "password.change",
    PasswordSet => "password.set", PasswordReset => "password.reset",
    Login => "login", LoginFailed => "login.failed", LoginCodeFailed => "login.code_failed", Logout => "logout",
    TwoStepEnrolStart => "two_step.enrol_start", TwoStepEnable => "two_step.enable", TwoStepDisable => "two_step.disable", OrderCreate => "order.create",
    AccessRequestCreate => "access_request.create", AccessRequestApprove => "access_request.approve",
    AccessRequestDecline => "access_request.decline", AccessRequestWithdraw => "access_request.withdraw",
});

impl From<AuditAction> for String {
    fn from(action: AuditAction) -> String {
        action.as_str().to_owned()
    }
}

impl TryFrom<String> for AuditAction {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, UnknownValue> {
        AuditAction::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn every_action_reads_back_from_the_name_it_is_stored_under() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Ok(*action));
        }
        let mut names: Vec<_> = AuditAction::ALL.iter().map(AuditAction::as_str).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len(), "two actions share a name");
    }

    #[test]
    fn a_name_no_action_has_is_refused() {
        assert!(AuditAction::parse("right.delete").is_err());
        assert!(AuditAction::parse("").is_err());
    }

    #[test]
    fn it_crosses_json_as_its_stored_name() {
        assert_eq!(serde_json::to_string(&AuditAction::RightAccept).unwrap(), "\"right.accept\"");
        assert_eq!(serde_json::from_str::<AuditAction>("\"login.failed\"").unwrap(), AuditAction::LoginFailed);
        assert!(serde_json::from_str::<AuditAction>("\"nothing\"").is_err());
    }
}
