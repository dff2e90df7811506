//! The portal's own paths that server functions redirect to and pages link to, and the
//! query flags those pages read.

pub const PATH_LOGIN: &str = "/login";
/// The second step of a two-step sign-in: the code of the authenticator app.
pub const PATH_LOGIN_CODE: &str = "/login/code";
/// Where a user goes after sign-in when they act for one company only.
pub const PATH_PORTAL: &str = "/portal";
/// Where a user goes after sign-in when they can act for several companies.
pub const PATH_SELECT_COMPANY: &str = "/select-company";
/// "Gérer le compte utilisateur", the login's own page.
pub const PATH_ACCOUNT: &str = "/account";
/// The account page's two-step section, where its forms sent without JavaScript come back.
pub const PATH_ACCOUNT_TWO_STEP: &str = "/account#two-step-title";
pub const PATH_REGISTER: &str = "/register";
pub const PATH_REGISTER_CONFIRM: &str = "/register/confirm";
pub const PATH_FORGOT: &str = "/password/forgot";
pub const PATH_RESET: &str = "/password/reset";
pub const PATH_EMAIL_CONFIRM: &str = "/email/confirm";
/// "Droits d'utilisateur et autorisations", the acting company's list of rights.
pub const PATH_ADMIN_RIGHTS: &str = "/admin/rights";

/// Query flags on `/login` (and `/account`) after a link was used.
pub const NOTICE_CONFIRMED: &str = "confirme";
pub const NOTICE_PASSWORD: &str = "motdepasse";
pub const NOTICE_EMAIL: &str = "adresse";
/// The selector after the acting company's right ended: it says why (`?motif=droit`).
pub const PATH_SELECT_COMPANY_LOST: &str = "/select-company?motif=droit";
/// The query parameter and value of [`PATH_SELECT_COMPANY_LOST`].
pub const LOST_PARAM: (&str, &str) = ("motif", "droit");
/// Query flag of a form page after it was sent without JavaScript.
pub const SENT: &str = "envoye";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lost_right_selector_is_the_selector_with_its_reason() {
        assert_eq!(PATH_SELECT_COMPANY_LOST, format!("{PATH_SELECT_COMPANY}?{}={}", LOST_PARAM.0, LOST_PARAM.1));
    }
}
