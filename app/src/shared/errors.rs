//! Every refusal of a server function, and the one translation of it into the reader's
//! language. Every refusal is a stable code (`admin.unknown_login`, `email.invalid`,
//! `rights.last_administrator`…), never a sentence: rewording a translation cannot break the
//! match. `MSG_*` are the codes of the sign-in, registration, account and two-step pages.
//!
//! Every server function returns [`PortalError`]: the code, the HTTP status and the sentence
//! the server wrote in the reader's language. The browser shows that sentence, so the table
//! of every refusal in four languages ([`code_text`]) stays on the server.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

use portal_core::domain::RightStatus;

use crate::i18n::{td_string, Locale};

/// The HTTP status of a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Bad input: nothing was changed.
    BadRequest,
    /// Nobody is signed in (or the session ended).
    NotSignedIn,
    /// Signed in, but without the right this needs.
    Forbidden,
    NotFound,
    /// The state changed meanwhile, or the thing exists already.
    Conflict,
    /// Beyond a limit of attempts or requests.
    TooManyRequests,
    /// A failure of the server (the details are in its log).
    Unavailable,
}

impl Status {
    pub fn code(self) -> u16 {
        match self {
            Status::BadRequest => 400,
            Status::NotSignedIn => 401,
            Status::Forbidden => 403,
            Status::NotFound => 404,
            Status::Conflict => 409,
            Status::TooManyRequests => 429,
            Status::Unavailable => 500,
        }
    }
}

/// The one error of every server function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}")]
pub struct PortalError {
    status: Status,
    code: String,
    /// Written by the server in the reader's language; empty when the call never reached it.
    sentence: String,
}

impl PortalError {
    /// The refusal `code` with its sentence in the request's language (on the server).
    pub fn new(status: Status, code: &str) -> Self {
        #[cfg(feature = "ssr")]
        let sentence = code_text(super::locale::request_locale(), code);
        #[cfg(not(feature = "ssr"))]
        let sentence = String::new();
        PortalError { status, code: code.to_string(), sentence }
    }

    /// The HTTP status the refusal answers with.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The stable code (`admin.not_admin`…), for tests and for pages that act on a refusal.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// What the reader is told. A call that failed before reaching the server (network) has no
    /// sentence of the server: "the service is unavailable" in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        if self.sentence.is_empty() {
            td_string!(locale, unavailable).to_string()
        } else {
            self.sentence.clone()
        }
    }
}

impl FromServerFnError for PortalError {
    type Encoder = JsonEncoding;

    /// The framework's own failures. Arguments it cannot read (a missing field, a wrong type,
    /// not UTF-8) are the caller's mistake: 400, and nothing was run.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                return malformed();
                #[cfg(not(feature = "ssr"))]
                PortalError::new(Status::BadRequest, MALFORMED_REQUEST)
            }
            other => {
                #[cfg(feature = "ssr")]
                return super::context::internal(other);
                #[cfg(not(feature = "ssr"))]
                {
                    let _ = other;
                    PortalError::new(Status::Unavailable, MSG_UNAVAILABLE)
                }
            }
        }
    }
}

/// The code of a call whose arguments could not be read (missing field, wrong type, not
/// UTF-8): the server answers it with 400 instead of the framework's 500.
pub const MALFORMED_REQUEST: &str = "request.malformed";

/// A call whose arguments were read but do not have the form any page sends: 400, as
/// arguments that could not be read.
#[cfg(feature = "ssr")]
pub fn malformed() -> PortalError {
    super::refusal::refused(Status::BadRequest, MALFORMED_REQUEST)
}
/// Not an active administrator of the acting company.
pub const NOT_ADMIN: &str = "admin.not_admin";
/// The acting company's right does not cover this online service.
pub const SERVICE_NOT_GRANTED: &str = "service.not_granted";
/// A right that exists already; followed by `.` and its status, e.g. `admin.right_exists.revoked`.
pub const RIGHT_EXISTS: &str = "admin.right_exists";
/// The login may not act for the company it chose.
pub const MSG_NOT_ALLOWED: &str = "acting_company.not_allowed";

/// The one answer to a wrong e-mail or password: never says which of the two was wrong.
pub const MSG_INVALID_CREDENTIALS: &str = "sign_in.invalid_credentials";
/// Too many failed attempts for this account or from this address.
pub const MSG_THROTTLED: &str = "sign_in.throttled";
/// A server function that needs a signed-in user was called without one.
pub const MSG_NOT_SIGNED_IN: &str = "session.expired";
/// The right password of a self-registered login whose address is not confirmed yet.
pub const MSG_EMAIL_UNCONFIRMED: &str = "sign_in.email_unconfirmed";
/// The refusal of a request beyond the limit of its client address (registrations, reset
/// links, e-mail changes, access requests by customer number).
pub const REQUESTS_THROTTLED: &str = "requests.too_many";
/// The current password, asked before a credential changes, is wrong.
pub const MSG_WRONG_CURRENT_PASSWORD: &str = "password.wrong_current";
/// Anything unexpected on the server (details go to the log, not to the user).
pub const MSG_UNAVAILABLE: &str = "service.unavailable";

pub const MSG_EMAIL_INVALID: &str = "registration.email_invalid";
pub const MSG_NAME_INVALID: &str = "registration.name_invalid";
pub const MSG_PASSWORD_POLICY: &str = "registration.password_policy";
pub const MSG_PASSWORDS_DIFFER: &str = "registration.passwords_differ";
pub const MSG_LANGUAGE_INVALID: &str = "language.invalid";
pub const MSG_LINK_INVALID: &str = "link.invalid";
pub const MSG_EMAIL_SAME: &str = "email_change.same";
pub const MSG_EMAIL_TAKEN: &str = "email_change.taken";
pub const MSG_REGISTRATION_PASSWORD_WRONG: &str = "registration.password_wrong";
/// A password change ("Modifier le mot de passe") whose two new passwords differ.
pub const MSG_NEW_PASSWORDS_DIFFER: &str = "password_change.passwords_differ";
pub const MSG_NEW_PASSWORD_POLICY: &str = "password_change.password_policy";
/// A code of the authenticator app (or a recovery code) that does not match.
pub const MSG_CODE_INVALID: &str = "two_step.code_invalid";
/// The enrolment's secret is no longer in the session.
pub const MSG_ENROLMENT_EXPIRED: &str = "two_step.enrolment_expired";
pub const MSG_TWO_STEP_ALREADY_ON: &str = "two_step.already_on";

/// The status word ("en suspens"…) of a right's status.
pub fn status_text(locale: Locale, status: RightStatus) -> String {
    match status {
        RightStatus::Pending => td_string!(locale, status.pending),
        RightStatus::Active => td_string!(locale, status.active),
        RightStatus::Suspended => td_string!(locale, status.suspended),
        RightStatus::Refused => td_string!(locale, status.refused),
        RightStatus::Revoked => td_string!(locale, status.revoked),
        RightStatus::Expired => td_string!(locale, status.expired),
        RightStatus::Resigned => td_string!(locale, status.resigned),
    }
    .to_string()
}

/// The sentence for a refusal, in `locale`; "unavailable" for anything unknown.
#[cfg(feature = "ssr")]
pub fn code_text(locale: Locale, code: &str) -> String {
    let exists = code.strip_prefix(RIGHT_EXISTS).and_then(|rest| rest.strip_prefix('.'));
    if let Some(status) = exists.and_then(|s| RightStatus::parse(s).ok()) {
        return td_string!(locale, errors.right_exists, status = status_text(locale, status)).to_string();
    }
    let text = match code {
        MALFORMED_REQUEST => td_string!(locale, errors.malformed_request),
        NOT_ADMIN => td_string!(locale, errors.not_admin),
        "admin.right_not_found" | "store.not_found" => td_string!(locale, errors.right_not_found),
        "admin.unknown_login" => td_string!(locale, errors.unknown_login),
        "admin.own_login" => td_string!(locale, errors.own_login),
        "admin.own_right" => td_string!(locale, errors.own_right),
        "admin.provider_is_employee" => td_string!(locale, errors.provider_is_employee),
        "admin.bad_right_type" => td_string!(locale, errors.bad_right_type),
        "admin.copy_source_required" => td_string!(locale, errors.copy_source_required),
        "rights.copy_source_invalid" => td_string!(locale, errors.copy_source_invalid),
        "admin.bad_end_date" => td_string!(locale, errors.bad_end_date),
        "admin.end_date_past" => td_string!(locale, errors.end_date_past),
        "admin.right_ended" | "extension.ended" => td_string!(locale, errors.right_ended),
        "extension.bad_choice" => td_string!(locale, errors.extension_bad_choice),
        "extension.no_end_date" => td_string!(locale, errors.extension_no_end_date),
        "extension.not_later" => td_string!(locale, errors.extension_not_later),
        "admin.search_too_long" => td_string!(locale, errors.search_too_long),
        "admin.resend_too_soon" => td_string!(locale, errors.resend_too_soon),
        "rights.last_administrator" => td_string!(locale, errors.last_administrator),
        "rights.login_of_another_company" => td_string!(locale, errors.login_of_another_company),
        "rights.already_in_a_company" => td_string!(locale, errors.already_in_a_company),
        "store.conflict" => td_string!(locale, errors.conflict),
        "provider.invitation_changed" => td_string!(locale, errors.invitation_changed),
        "admin.offboard_nothing" => td_string!(locale, errors.offboard_nothing),
        "admin.offboard_changed" => td_string!(locale, errors.offboard_changed),
        "admin.offboard_bad_preview" => td_string!(locale, errors.offboard_bad_preview),
        "grant.no_debtors" => td_string!(locale, errors.no_debtors),
        "grant.empty_template" => td_string!(locale, errors.template_empty),
        "admin.template_not_found" => td_string!(locale, errors.template_not_found),
        "admin.template_required" => td_string!(locale, errors.template_required),
        "rights.template_invalid" => td_string!(locale, errors.template_invalid),
        "duplicate.template_name" => td_string!(locale, errors.template_name_taken),
        "acting_company.none" => td_string!(locale, select.lost),
        "provider.own_company" => td_string!(locale, errors.own_company),
        "provider.right_not_found" | "messages.not_found" => td_string!(locale, errors.not_found),
        "provider.not_your_invitation" => td_string!(locale, invitation.not_yours),
        "rights.too_many_requests" => td_string!(locale, errors.too_many_requests),
        REQUESTS_THROTTLED => td_string!(locale, errors.requests_throttled),
        c if c.starts_with("customer_number.") => td_string!(locale, errors.customer_number_invalid),
        // The online services (app/src/services/).
        SERVICE_NOT_GRANTED => td_string!(locale, service_access.not_granted),
        "service.debtor_not_granted" => td_string!(locale, service_access.debtor_not_granted),
        "order.debtor_required" => td_string!(locale, orders.debtor_required),
        "order.no_lines" => td_string!(locale, orders.no_lines),
        "order.bad_quantity" => td_string!(locale, orders.bad_quantity),
        "order.unknown_product" => td_string!(locale, orders.unknown_product),
        "order.reference_invalid" => td_string!(locale, orders.reference_invalid),
        "order.too_many_lines" => td_string!(locale, orders.too_many_lines),
        "order.debtor_of_another_company" => td_string!(locale, service_access.debtor_not_granted),
        "lifecycle.lapsed" => td_string!(locale, errors.lapsed),
        c if c.starts_with("lifecycle.") => td_string!(locale, errors.lifecycle),
        c if c.starts_with("invitation_lifetime.") => td_string!(locale, errors.invitation_lifetime),
        c if c.starts_with("email.") => td_string!(locale, errors.email_invalid),
        "name.link" => td_string!(locale, errors.name_link),
        c if c.starts_with("name.") => td_string!(locale, errors.name_invalid),
        c if c.starts_with("remark.") => td_string!(locale, errors.remark_invalid),
        c if c.starts_with("grant.") => td_string!(locale, errors.grant_invalid),
        MSG_INVALID_CREDENTIALS => td_string!(locale, login.invalid_credentials),
        MSG_THROTTLED => td_string!(locale, login.throttled),
        MSG_NOT_SIGNED_IN => td_string!(locale, login.session_expired),
        MSG_EMAIL_UNCONFIRMED => td_string!(locale, register.unconfirmed),
        MSG_WRONG_CURRENT_PASSWORD => td_string!(locale, account.wrong_current),
        MSG_NOT_ALLOWED => td_string!(locale, select.not_allowed),
        MSG_EMAIL_INVALID => td_string!(locale, login.email_invalid),
        MSG_NAME_INVALID => td_string!(locale, register.name_invalid),
        MSG_PASSWORD_POLICY => td_string!(locale, register.password_policy),
        MSG_PASSWORDS_DIFFER => td_string!(locale, register.passwords_differ),
        MSG_LANGUAGE_INVALID => td_string!(locale, register.language_invalid),
        MSG_LINK_INVALID => td_string!(locale, register.link_invalid),
        MSG_EMAIL_SAME => td_string!(locale, email_change.same),
        MSG_EMAIL_TAKEN => td_string!(locale, email_change.taken),
        MSG_REGISTRATION_PASSWORD_WRONG => td_string!(locale, register.confirm_password_wrong),
        MSG_NEW_PASSWORDS_DIFFER => td_string!(locale, account.passwords_differ),
        MSG_NEW_PASSWORD_POLICY => td_string!(locale, account.password_policy),
        MSG_CODE_INVALID => td_string!(locale, two_step.code_invalid),
        MSG_ENROLMENT_EXPIRED => td_string!(locale, two_step.enrolment_expired),
        MSG_TWO_STEP_ALREADY_ON => td_string!(locale, two_step.already_on),
        _ => td_string!(locale, unavailable),
    };
    text.to_string()
}

/// The access-decision API's refusals (`server::api`).
pub const API_KEY_INVALID: &str = "api.key_invalid";
pub const API_USER_INVALID: &str = "api.user_invalid";
pub const API_UNKNOWN_SERVICE: &str = "api.unknown_service";
pub const API_UNKNOWN_DEBTOR: &str = "api.unknown_debtor";
pub const API_RATE_LIMITED: &str = "api.rate_limited";

/// A refusal of the access-decision API in the language the client asks for with
/// `Accept-Language` (French by default, as everywhere in the portal).
#[cfg(feature = "ssr")]
pub fn api_text(accept_language: Option<&str>, code: &str) -> String {
    let locale = super::locale::accepted_locale(accept_language);
    let text = match code {
        API_KEY_INVALID => td_string!(locale, api.key_invalid),
        API_USER_INVALID => td_string!(locale, api.user_invalid),
        API_UNKNOWN_SERVICE => td_string!(locale, api.unknown_service),
        API_UNKNOWN_DEBTOR => td_string!(locale, api.unknown_debtor),
        API_RATE_LIMITED => td_string!(locale, api.rate_limited),
        other => return code_text(locale, other),
    };
    text.to_string()
}

#[cfg(all(test, feature = "ssr"))]
mod api_text_tests {
    use super::*;
    use leptos_i18n::Locale as _;

    #[test]
    fn every_refusal_has_its_own_sentence_in_all_four_languages() {
        let codes = [
            MALFORMED_REQUEST,
            NOT_ADMIN,
            SERVICE_NOT_GRANTED,
            MSG_NOT_ALLOWED,
            REQUESTS_THROTTLED,
            MSG_INVALID_CREDENTIALS,
            MSG_THROTTLED,
            MSG_NOT_SIGNED_IN,
            MSG_EMAIL_UNCONFIRMED,
            MSG_WRONG_CURRENT_PASSWORD,
            MSG_EMAIL_INVALID,
            MSG_NAME_INVALID,
            MSG_PASSWORD_POLICY,
            MSG_PASSWORDS_DIFFER,
            MSG_LANGUAGE_INVALID,
            MSG_LINK_INVALID,
            MSG_EMAIL_SAME,
            MSG_EMAIL_TAKEN,
            MSG_REGISTRATION_PASSWORD_WRONG,
            MSG_NEW_PASSWORDS_DIFFER,
            MSG_NEW_PASSWORD_POLICY,
            MSG_CODE_INVALID,
            MSG_ENROLMENT_EXPIRED,
            MSG_TWO_STEP_ALREADY_ON,
            "admin.right_exists.active",
            "admin.right_not_found",
            "admin.unknown_login",
            "admin.own_login",
            "admin.own_right",
            "admin.provider_is_employee",
            "admin.bad_right_type",
            "admin.copy_source_required",
            "rights.copy_source_invalid",
            "admin.bad_end_date",
            "admin.end_date_past",
            "admin.right_ended",
            "admin.search_too_long",
            "admin.resend_too_soon",
            "rights.last_administrator",
            "rights.login_of_another_company",
            "rights.already_in_a_company",
            "store.conflict",
            "admin.offboard_nothing",
            "admin.offboard_changed",
            "admin.offboard_bad_preview",
            "grant.no_debtors",
            "acting_company.none",
            "grant.empty_template",
            "admin.template_not_found",
            "admin.template_required",
            "rights.template_invalid",
            "duplicate.template_name",
            "provider.own_company",
            "provider.right_not_found",
            "provider.not_your_invitation",
            "provider.invitation_changed",
            "rights.too_many_requests",
            "customer_number.invalid",
            "service.debtor_not_granted",
            "order.debtor_required",
            "order.no_lines",
            "order.bad_quantity",
            "order.unknown_product",
            "order.reference_invalid",
            "order.too_many_lines",
            "lifecycle.not_allowed",
            "lifecycle.lapsed",
            "extension.bad_choice",
            "extension.no_end_date",
            "extension.not_later",
            "extension.ended",
            "invitation_lifetime.out_of_range",
            "email.invalid",
            "name.too_long",
            "name.link",
            "remark.too_long",
            "grant.invalid",
        ];
        for locale in Locale::get_all() {
            let unknown = code_text(*locale, "no.such.code");
            for code in codes {
                let text = code_text(*locale, code);
                assert!(!text.is_empty() && text != unknown, "{code} has no sentence in {locale:?}");
            }
        }
        assert_ne!(code_text(Locale::de, MSG_INVALID_CREDENTIALS), code_text(Locale::fr, MSG_INVALID_CREDENTIALS));
    }

    #[test]
    fn the_api_answers_in_the_first_portal_language_the_client_accepts_else_in_french() {
        assert!(api_text(Some("de-CH,de;q=0.9,en;q=0.8"), API_UNKNOWN_SERVICE).starts_with("Diesen Online-Dienst"));
        assert!(api_text(Some("ja, en-GB;q=0.5"), API_UNKNOWN_SERVICE).starts_with("There is no such"));
        assert!(api_text(Some("ja"), API_UNKNOWN_SERVICE).starts_with("Ce service en ligne"));
        assert!(api_text(None, API_KEY_INVALID).starts_with("La clé API"));
    }
}
