//! Every refusal of the portal, one enum: its stable wire code, its HTTP status and its
//! sentence in the reader's language. A refusal without a sentence does not compile.
//!
//! The wire code (`admin.unknown_login`, `email.invalid`, `rights.last_administrator`…) is
//! what tests and the access API's clients match, never the sentence: rewording a
//! translation breaks nothing. Every server function returns [`PortalError`]: the code, the
//! status and the sentence the server wrote in the reader's language. The browser shows that
//! sentence, so the sentences of every refusal in four languages stay on the server.

use std::borrow::Cow;
use std::fmt::Display;

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

use portal_core::domain::{DomainError, RightRuleError, RightStatus};
#[cfg(feature = "ssr")]
use portal_core::{
    domain::{ExtensionError, GrantError, LifecycleError, NameError, OrderError},
    store::StoreError,
};

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
    /// A failure of the server or its database (the details are in its log).
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
            // As `/healthz` answers when the database does not: the client may try again.
            Status::Unavailable => 503,
        }
    }
}

/// Declares [`Refusal`]: one line per refusal with its wire code, its status and the key of
/// its sentence, so that a refusal cannot exist without all three.
macro_rules! refusals {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $status:ident, $($key:ident).+ ;)*) => {
        /// Why the portal refuses a request.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Refusal {
            $( $(#[$doc])* $name, )*
            /// The login holds a right at the company already, in this status.
            RightExists(RightStatus),
            /// Input or a change the domain's rules refuse.
            Invalid(DomainError),
        }

        impl Refusal {
            /// The stable code on the wire.
            pub fn code(&self) -> Cow<'static, str> {
                match self {
                    $( Refusal::$name => Cow::Borrowed($code), )*
                    Refusal::RightExists(status) => Cow::Owned(format!("admin.right_exists.{}", status.as_str())),
                    Refusal::Invalid(error) => Cow::Borrowed(error.code()),
                }
            }

            /// The HTTP status it answers with.
            pub fn status(&self) -> Status {
                match self {
                    $( Refusal::$name => Status::$status, )*
                    Refusal::RightExists(_) => Status::Conflict,
                    Refusal::Invalid(error) => invalid_status(error),
                }
            }

            /// What the reader is told, in `locale`.
            #[cfg(feature = "ssr")]
            pub fn sentence(&self, locale: Locale) -> String {
                match self {
                    $( Refusal::$name => td_string!(locale, $($key).+).to_string(), )*
                    Refusal::RightExists(status) => {
                        td_string!(locale, errors.right_exists, status = super::format::status_text(locale, *status)).to_string()
                    }
                    Refusal::Invalid(error) => invalid_sentence(locale, error),
                }
            }

            /// Every refusal without data, for the tests that walk them all.
            #[cfg(test)]
            const PLAIN: &'static [Refusal] = &[$( Refusal::$name, )*];
        }
    };
}

refusals! {
    /// A call whose arguments could not be read (a missing field, a wrong type, not UTF-8) or
    /// do not have the form any page sends: 400 instead of the framework's 500.
    MalformedRequest = "request.malformed", BadRequest, errors.malformed_request;
    /// Anything unexpected on the server (details go to the log, not to the reader).
    Unavailable = "service.unavailable", Unavailable, unavailable;
    /// Beyond the limit of a client address (registrations, reset links, e-mail changes,
    /// access requests by customer number).
    RequestsThrottled = "requests.too_many", TooManyRequests, errors.requests_throttled;

    // Signing in and the session.
    /// A server function that needs a signed-in login was called without one.
    NotSignedIn = "session.expired", NotSignedIn, login.session_expired;
    /// The one answer to a wrong e-mail or password: never says which of the two was wrong.
    InvalidCredentials = "sign_in.invalid_credentials", NotSignedIn, login.invalid_credentials;
    /// Too many failed attempts for this account or from this address.
    SignInThrottled = "sign_in.throttled", TooManyRequests, login.throttled;
    /// The right password of a self-registered login whose address is not confirmed yet.
    EmailUnconfirmed = "sign_in.email_unconfirmed", Forbidden, register.unconfirmed;
    /// The login may not act for the company it chose.
    NotAllowedForCompany = "acting_company.not_allowed", Forbidden, select.not_allowed;
    /// No company chosen to act for (or the one chosen can no longer be acted for).
    NoActingCompany = "acting_company.none", Conflict, select.lost;

    // Registration, reset links and the login's own account.
    RegistrationEmailInvalid = "registration.email_invalid", BadRequest, login.email_invalid;
    RegistrationNameInvalid = "registration.name_invalid", BadRequest, register.name_invalid;
    PasswordPolicy = "registration.password_policy", BadRequest, register.password_policy;
    PasswordsDiffer = "registration.passwords_differ", BadRequest, register.passwords_differ;
    LanguageInvalid = "language.invalid", BadRequest, register.language_invalid;
    /// A confirmation or reset link that is unknown, used or out of date.
    LinkInvalid = "link.invalid", BadRequest, register.link_invalid;
    RegistrationPasswordWrong = "registration.password_wrong", BadRequest, register.confirm_password_wrong;
    /// The current password, asked before a credential changes, is wrong.
    WrongCurrentPassword = "password.wrong_current", BadRequest, account.wrong_current;
    /// A password change ("Modifier le mot de passe") whose two new passwords differ.
    NewPasswordsDiffer = "password_change.passwords_differ", BadRequest, account.passwords_differ;
    NewPasswordPolicy = "password_change.password_policy", BadRequest, account.password_policy;
    EmailSame = "email_change.same", BadRequest, email_change.same;
    EmailTaken = "email_change.taken", Conflict, email_change.taken;
    /// A code of the authenticator app (or a recovery code) that does not match.
    CodeInvalid = "two_step.code_invalid", BadRequest, two_step.code_invalid;
    /// The enrolment's secret is no longer in the session.
    EnrolmentExpired = "two_step.enrolment_expired", Conflict, two_step.enrolment_expired;
    TwoStepAlreadyOn = "two_step.already_on", Conflict, two_step.already_on;

    // An administrator's rights pages.
    /// Not an active administrator of the acting company.
    NotAdmin = "admin.not_admin", Forbidden, errors.not_admin;
    /// No such right of the acting company.
    RightNotFound = "admin.right_not_found", NotFound, errors.right_not_found;
    UnknownLogin = "admin.unknown_login", BadRequest, errors.unknown_login;
    OwnLogin = "admin.own_login", BadRequest, errors.own_login;
    /// An administrator's change of their own right (revoke, suspend…).
    OwnRight = "admin.own_right", BadRequest, errors.own_right;
    ProviderIsEmployee = "admin.provider_is_employee", BadRequest, errors.provider_is_employee;
    BadRightType = "admin.bad_right_type", BadRequest, errors.bad_right_type;
    /// A way to end a right that is none of revoke, suspend or resume.
    BadEnding = "admin.bad_ending", BadRequest, errors.bad_ending;
    CopySourceRequired = "admin.copy_source_required", BadRequest, errors.copy_source_required;
    BadEndDate = "admin.bad_end_date", BadRequest, errors.bad_end_date;
    /// An end date typed before today.
    EndDatePast = "admin.end_date_past", BadRequest, errors.end_date_past;
    /// "Renvoyer" for an invitation whose end date has passed: it would only expire again.
    ResendAfterEndDate = "admin.resend_end_date_past", Conflict, errors.resend_end_date_past;
    RightEnded = "admin.right_ended", Conflict, errors.right_ended;
    SearchTooLong = "admin.search_too_long", BadRequest, errors.search_too_long;
    /// An invitation sent again within the minute.
    ResendTooSoon = "admin.resend_too_soon", TooManyRequests, errors.resend_too_soon;
    /// Somebody changed the right (or the row) since it was read.
    Conflict = "store.conflict", Conflict, errors.conflict;
    NothingToOffboard = "admin.offboard_nothing", NotFound, errors.offboard_nothing;
    OffboardingChanged = "admin.offboard_changed", Conflict, errors.offboard_changed;
    BadOffboardingPreview = "admin.offboard_bad_preview", BadRequest, errors.offboard_bad_preview;
    /// Not a template of the acting company (also for another company's: no hint).
    TemplateNotFound = "admin.template_not_found", NotFound, errors.template_not_found;
    /// "Appliquer un modèle" without a template.
    TemplateRequired = "admin.template_required", BadRequest, errors.template_required;
    TemplateNameTaken = "duplicate.template_name", Conflict, errors.template_name_taken;

    // A provider's invitations and requests.
    /// Asking one's own company for access.
    OwnCompany = "provider.own_company", BadRequest, errors.own_company;
    /// No such right of the signed-in provider.
    ProviderRightNotFound = "provider.right_not_found", NotFound, errors.not_found;
    /// An invitation's page opened by another login than the invited one (or no such
    /// invitation): said in words, nothing changes.
    NotYourInvitation = "provider.not_your_invitation", NotFound, invitation.not_yours;
    /// An answer to an invitation or request that is none of accept, refuse or withdraw.
    BadAnswer = "provider.bad_answer", BadRequest, errors.bad_answer;
    /// The invitation was changed (sent again, revoked) while the provider read it.
    InvitationChanged = "provider.invitation_changed", Conflict, errors.invitation_changed;
    MessageNotFound = "messages.not_found", NotFound, errors.not_found;

    // The online services.
    /// The acting company's right does not cover this online service.
    ServiceNotGranted = "service.not_granted", Forbidden, service_access.not_granted;
    DebtorNotGranted = "service.debtor_not_granted", Forbidden, service_access.debtor_not_granted;
    DebtorRequired = "order.debtor_required", BadRequest, orders.debtor_required;
    ReferenceInvalid = "order.reference_invalid", BadRequest, orders.reference_invalid;
    TooManyLines = "order.too_many_lines", BadRequest, orders.too_many_lines;

    // The access-decision API (`/api/v1/access`).
    ApiKeyInvalid = "api.key_invalid", NotSignedIn, api.key_invalid;
    ApiUserInvalid = "api.user_invalid", BadRequest, api.user_invalid;
    ApiUnknownService = "api.unknown_service", BadRequest, api.unknown_service;
    /// A debtor number that cannot be one: the same code as an unknown debtor, answered 400.
    ApiDebtorNumberInvalid = "api.unknown_debtor", BadRequest, api.unknown_debtor;
    /// A well-formed debtor number the key's company does not have.
    ApiUnknownDebtor = "api.unknown_debtor", NotFound, api.unknown_debtor;
    ApiRateLimited = "api.rate_limited", TooManyRequests, api.rate_limited;
}

/// A change refused by the right's lifecycle came too late: the state moved on (409). A
/// company's limit of open requests is a limit (429). Anything else is bad input (400).
fn invalid_status(error: &DomainError) -> Status {
    match error {
        DomainError::Lifecycle(_) => Status::Conflict,
        DomainError::Rule(RightRuleError::TooManyRequests) => Status::TooManyRequests,
        DomainError::Rule(RightRuleError::AlreadyInACompany) => Status::Conflict,
        _ => Status::BadRequest,
    }
}

#[cfg(feature = "ssr")]
fn invalid_sentence(locale: Locale, error: &DomainError) -> String {
    let text = match error {
        DomainError::Email(_) => td_string!(locale, errors.email_invalid),
        DomainError::CustomerNumber(_) => td_string!(locale, errors.customer_number_invalid),
        DomainError::Name(NameError::Link) => td_string!(locale, errors.name_link),
        DomainError::Name(_) => td_string!(locale, errors.name_invalid),
        DomainError::Remark(_) => td_string!(locale, errors.remark_invalid),
        DomainError::Password(_) => td_string!(locale, register.password_policy),
        DomainError::Language(_) => td_string!(locale, register.language_invalid),
        DomainError::InvitationLifetime(_) => td_string!(locale, errors.invitation_lifetime),
        DomainError::Extension(ExtensionError::BadChoice) => td_string!(locale, errors.extension_bad_choice),
        DomainError::Extension(ExtensionError::NoEndDate) => td_string!(locale, errors.extension_no_end_date),
        DomainError::Extension(ExtensionError::NotLater) => td_string!(locale, errors.extension_not_later),
        DomainError::Extension(ExtensionError::Ended) => td_string!(locale, errors.right_ended),
        DomainError::Lifecycle(LifecycleError::Lapsed) => td_string!(locale, errors.lapsed),
        DomainError::Lifecycle(_) => td_string!(locale, errors.lifecycle),
        DomainError::Grant(GrantError::NoDebtors) => td_string!(locale, errors.no_debtors),
        DomainError::Grant(GrantError::EmptyTemplate) => td_string!(locale, errors.template_empty),
        DomainError::Grant(_) => td_string!(locale, errors.grant_invalid),
        DomainError::Order(OrderError::NoLines) => td_string!(locale, orders.no_lines),
        DomainError::Order(OrderError::BadQuantity) => td_string!(locale, orders.bad_quantity),
        DomainError::Order(OrderError::UnknownProduct) => td_string!(locale, orders.unknown_product),
        DomainError::Order(OrderError::DebtorOfAnotherCompany) => td_string!(locale, service_access.debtor_not_granted),
        DomainError::Rule(RightRuleError::LastAdministrator) => td_string!(locale, errors.last_administrator),
        DomainError::Rule(RightRuleError::LoginOfAnotherCompany) => td_string!(locale, errors.login_of_another_company),
        DomainError::Rule(RightRuleError::AlreadyInACompany) => td_string!(locale, errors.already_in_a_company),
        DomainError::Rule(RightRuleError::CopySourceOfAnotherCompany) => td_string!(locale, errors.copy_source_invalid),
        DomainError::Rule(RightRuleError::TemplateOfAnotherCompany) => td_string!(locale, errors.template_invalid),
        DomainError::Rule(RightRuleError::TooManyRequests) => td_string!(locale, errors.too_many_requests),
        // Never typed by a person: a debtor number or a stored value a form cannot send.
        DomainError::DebtorNumber(_) | DomainError::Unknown(_) => td_string!(locale, errors.malformed_request),
    };
    text.to_string()
}

/// Input the domain refuses (an e-mail address, a name, a date…): its own refusal, 400 unless
/// the rule says otherwise.
pub fn invalid(error: impl Into<DomainError>) -> PortalError {
    refused(Refusal::Invalid(error.into()))
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

impl From<Refusal> for PortalError {
    /// The refusal with its sentence in the request's language (on the server).
    fn from(refusal: Refusal) -> Self {
        #[cfg(feature = "ssr")]
        let sentence = refusal.sentence(super::locale::request_locale());
        #[cfg(not(feature = "ssr"))]
        let sentence = String::new();
        PortalError { status: refusal.status(), code: refusal.code().into_owned(), sentence }
    }
}

/// A failure of the store is a refusal when it says something about the request (not found,
/// changed meanwhile, exists already, refused by a rule), else a failure of the server.
#[cfg(feature = "ssr")]
impl From<StoreError> for PortalError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => refused(Refusal::RightNotFound),
            StoreError::Conflict => refused(Refusal::Conflict),
            StoreError::Duplicate { what: "template.name" } => refused(Refusal::TemplateNameTaken),
            StoreError::Duplicate { .. } => refused(Refusal::Conflict),
            StoreError::Invalid(invalid) => refused(Refusal::Invalid(invalid)),
            other => internal(other),
        }
    }
}

impl PortalError {
    /// The HTTP status the refusal answers with.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The stable code (`admin.not_admin`…), for tests and for pages that act on a refusal.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whether this is `refusal`.
    pub fn is(&self, refusal: Refusal) -> bool {
        self.code == refusal.code()
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
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::MissingArg(_) => refused(Refusal::MalformedRequest),
            other => internal(other),
        }
    }
}

/// The error a server function returns when it refuses a request, with the refusal's status
/// set on the answer.
pub fn refused(refusal: Refusal) -> PortalError {
    #[cfg(feature = "ssr")]
    set_status(refusal.status().code());
    PortalError::from(refusal)
}

/// A refusal, and the page that says it to a form the browser posted itself (its address
/// names what to say there); the server function answers it with `context::refused_back_to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedAt {
    pub refusal: Refusal,
    pub page: String,
}

/// Logs `error` and answers the generic "unavailable" refusal (no details to the reader).
pub fn internal(error: impl Display) -> PortalError {
    #[cfg(feature = "ssr")]
    tracing::error!(%error, "server function failed");
    #[cfg(not(feature = "ssr"))]
    let _ = error;
    refused(Refusal::Unavailable)
}

#[cfg(feature = "ssr")]
fn set_status(code: u16) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
}

/// Takes back the status an earlier refusal set for this answer, when the page shows its
/// content all the same (an invitation seen by a login with no company to act for).
pub fn not_refused() {
    #[cfg(feature = "ssr")]
    set_status(200);
}

/// The answer's status is `outcome`'s alone, whatever another call for the same page refused
/// before (the header's): 200 for content shown, else the refusal's own.
pub fn answered_as<T>(outcome: &Result<T, PortalError>) {
    #[cfg(feature = "ssr")]
    set_status(outcome.as_ref().err().map_or(200, |error| error.status().code()));
    #[cfg(not(feature = "ssr"))]
    let _ = outcome;
}

/// A refusal of the access-decision API in the language the client asks for with
/// `Accept-Language` (French by default, as everywhere in the portal).
#[cfg(feature = "ssr")]
pub fn api_sentence(accept_language: Option<&str>, refusal: &Refusal) -> String {
    refusal.sentence(super::locale::accepted_locale(accept_language))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use leptos_i18n::Locale as _;
    use portal_core::domain::{CustomerNumberError, DebtorNumberError, EmailError, InvitationLifetimeError, PasswordError, RemarkError};

    fn every_refusal() -> Vec<Refusal> {
        let invalid: Vec<DomainError> = vec![
            EmailError::Invalid.into(),
            CustomerNumberError::NotDigits.into(),
            NameError::Link.into(),
            NameError::TooLong.into(),
            RemarkError::TooLong.into(),
            DebtorNumberError::Invalid.into(),
            PasswordError::TooShort.into(),
            InvitationLifetimeError::OutOfRange.into(),
            ExtensionError::BadChoice.into(),
            ExtensionError::NoEndDate.into(),
            ExtensionError::NotLater.into(),
            ExtensionError::Ended.into(),
            LifecycleError::Lapsed.into(),
            LifecycleError::NotActive.into(),
            GrantError::NoDebtors.into(),
            GrantError::EmptyTemplate.into(),
            GrantError::UnknownService.into(),
            OrderError::NoLines.into(),
            OrderError::BadQuantity.into(),
            OrderError::UnknownProduct.into(),
            OrderError::DebtorOfAnotherCompany.into(),
            RightRuleError::LastAdministrator.into(),
            RightRuleError::LoginOfAnotherCompany.into(),
            RightRuleError::AlreadyInACompany.into(),
            RightRuleError::CopySourceOfAnotherCompany.into(),
            RightRuleError::TemplateOfAnotherCompany.into(),
            RightRuleError::TooManyRequests.into(),
        ];
        let statuses = [RightStatus::Pending, RightStatus::Active, RightStatus::Revoked];
        Refusal::PLAIN.iter().cloned().chain(statuses.map(Refusal::RightExists)).chain(invalid.into_iter().map(Refusal::Invalid)).collect()
    }

    #[test]
    fn every_refusal_says_something_other_than_unavailable_in_all_four_languages() {
        for locale in Locale::get_all() {
            let unavailable = Refusal::Unavailable.sentence(*locale);
            for refusal in every_refusal().into_iter().filter(|r| *r != Refusal::Unavailable) {
                let sentence = refusal.sentence(*locale);
                assert!(!sentence.is_empty() && sentence != unavailable, "{refusal:?} has no sentence of its own in {locale:?}");
            }
        }
        assert_ne!(Refusal::InvalidCredentials.sentence(Locale::de), Refusal::InvalidCredentials.sentence(Locale::fr));
    }

    #[test]
    fn every_wire_code_names_one_kind_of_refusal() {
        let mut seen = std::collections::HashMap::new();
        for refusal in every_refusal() {
            let sentence = refusal.sentence(Locale::fr);
            let earlier = seen.insert(refusal.code().into_owned(), (refusal.clone(), sentence.clone()));
            if let Some((other, other_sentence)) = earlier {
                assert_eq!(sentence, other_sentence, "{refusal:?} and {other:?} share a code but not a sentence");
            }
        }
    }

    #[test]
    fn no_code_of_a_refusal_is_spelled_outside_this_module() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let files: Vec<_> = ["app/src", "server/src"]
            .iter()
            .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)))
            .map(|entry| entry.unwrap().into_path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .collect();
        let here = std::path::Path::new(file!()).file_name().unwrap();
        let codes: std::collections::BTreeSet<String> = every_refusal().iter().map(|r| format!("\"{}\"", r.code())).collect();
        let mut spelled = Vec::new();
        for file in files.iter().filter(|f| f.file_name() != Some(here)) {
            let text = std::fs::read_to_string(file).unwrap();
            spelled.extend(codes.iter().filter(|code| text.contains(code.as_str())).map(|code| format!("{code} in {}", file.display())));
        }
        assert!(files.len() > 50, "the sources were found: {}", files.len());
        assert!(spelled.is_empty(), "a refusal's code belongs to `Refusal` alone: {spelled:#?}");
    }

    #[test]
    fn a_refusal_of_bad_input_is_400_and_a_state_that_moved_on_is_409() {
        assert_eq!(Refusal::Invalid(EmailError::Invalid.into()).status().code(), 400);
        assert_eq!(Refusal::Invalid(LifecycleError::Lapsed.into()).status().code(), 409);
        assert_eq!(Refusal::Invalid(RightRuleError::TooManyRequests.into()).status().code(), 429);
        assert_eq!(Refusal::RightExists(RightStatus::Revoked).code(), "admin.right_exists.revoked");
        assert_eq!(Refusal::Unavailable.status().code(), 503);
    }

    #[test]
    fn the_api_answers_in_the_first_portal_language_the_client_accepts_else_in_french() {
        assert!(api_sentence(Some("de-CH,de;q=0.9,en;q=0.8"), &Refusal::ApiUnknownService).starts_with("Diesen Online-Dienst"));
        assert!(api_sentence(Some("ja, en-GB;q=0.5"), &Refusal::ApiUnknownService).starts_with("There is no such"));
        assert!(api_sentence(Some("ja"), &Refusal::ApiUnknownService).starts_with("Ce service en ligne"));
        assert!(api_sentence(None, &Refusal::ApiKeyInvalid).starts_with("La clé API"));
    }
}
