//! Server functions refuse with stable codes (`admin.unknown_login`, `email.invalid`,
//! `rights.last_administrator`…); this turns a code into a sentence in the reader's language.

use leptos::prelude::ServerFnError;

use crate::i18n::{td_string, Locale};

/// The code of a call whose arguments could not be read (missing field, wrong type, not
/// UTF-8): the server answers it with 400 instead of the framework's 500.
pub const MALFORMED_REQUEST: &str = "request.malformed";

/// The reader's sentence for a server function's error.
pub fn error_text(locale: Locale, error: &ServerFnError) -> String {
    code_text(locale, &crate::auth::error_message(error))
}

/// The status word ("en suspens"…) of a right status code.
pub fn status_text(locale: Locale, status: &str) -> String {
    match status {
        "pending" => td_string!(locale, status.pending),
        "active" => td_string!(locale, status.active),
        "refused" => td_string!(locale, status.refused),
        "revoked" => td_string!(locale, status.revoked),
        "expired" => td_string!(locale, status.expired),
        "resigned" => td_string!(locale, status.resigned),
        other => return other.to_string(),
    }
    .to_string()
}

/// The sentence for a refusal code; codes of other modules fall back to their own
/// translations (French messages of the sign-in pages) and then to "unavailable".
pub fn code_text(locale: Locale, code: &str) -> String {
    if let Some(status) = code.strip_prefix("admin.right_exists.") {
        return td_string!(locale, errors.right_exists, status = status_text(locale, status)).to_string();
    }
    let text = match code {
        MALFORMED_REQUEST => td_string!(locale, errors.malformed_request),
        "admin.not_admin" => td_string!(locale, errors.not_admin),
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
        "admin.right_ended" => td_string!(locale, errors.right_ended),
        "admin.search_too_long" => td_string!(locale, errors.search_too_long),
        "rights.last_administrator" => td_string!(locale, errors.last_administrator),
        "rights.login_of_another_company" => td_string!(locale, errors.login_of_another_company),
        "store.conflict" => td_string!(locale, errors.conflict),
        "grant.no_debtors" => td_string!(locale, errors.no_debtors),
        "acting_company.none" => td_string!(locale, select.lost),
        "provider.unknown_company" => td_string!(locale, errors.unknown_company),
        "provider.own_company" => td_string!(locale, errors.own_company),
        "provider.right_not_found" | "messages.not_found" => td_string!(locale, errors.not_found),
        "provider.not_your_invitation" => td_string!(locale, invitation.not_yours),
        "rights.too_many_requests" => td_string!(locale, errors.too_many_requests),
        crate::auth::REQUESTS_THROTTLED => td_string!(locale, errors.requests_throttled),
        c if c.starts_with("customer_number.") => td_string!(locale, errors.customer_number_invalid),
        // The online services (app/src/services.rs).
        "service.not_granted" => td_string!(locale, service_access.not_granted),
        "service.debtor_not_granted" => td_string!(locale, service_access.debtor_not_granted),
        "order.debtor_required" => td_string!(locale, orders.debtor_required),
        "order.no_lines" => td_string!(locale, orders.no_lines),
        "order.bad_quantity" => td_string!(locale, orders.bad_quantity),
        "order.unknown_product" => td_string!(locale, orders.unknown_product),
        "order.reference_invalid" => td_string!(locale, orders.reference_invalid),
        "order.too_many_lines" => td_string!(locale, orders.too_many_lines),
        "order.debtor_of_another_company" => td_string!(locale, service_access.debtor_not_granted),
        c if c.starts_with("lifecycle.") => td_string!(locale, errors.lifecycle),
        c if c.starts_with("email.") => td_string!(locale, errors.email_invalid),
        c if c.starts_with("name.") => td_string!(locale, errors.name_invalid),
        c if c.starts_with("remark.") => td_string!(locale, errors.remark_invalid),
        c if c.starts_with("grant.") => td_string!(locale, errors.grant_invalid),
        other => return crate::self_service::translate(locale, other),
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
pub fn api_text(accept_language: Option<&str>, code: &str) -> String {
    let locale = accept_language
        .into_iter()
        .flat_map(|header| header.split(','))
        .filter_map(|item| item.split(';').next())
        .find_map(|tag| match tag.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => Some(Locale::fr),
            Some("de") => Some(Locale::de),
            Some("it") => Some(Locale::it),
            Some("en") => Some(Locale::en),
            _ => None,
        })
        .unwrap_or(Locale::fr);
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

#[cfg(test)]
mod api_text_tests {
    use super::*;

    #[test]
    fn the_api_answers_in_the_first_portal_language_the_client_accepts_else_in_french() {
        assert!(api_text(Some("de-CH,de;q=0.9,en;q=0.8"), API_UNKNOWN_SERVICE).starts_with("Diesen Online-Dienst"));
        assert!(api_text(Some("ja, en-GB;q=0.5"), API_UNKNOWN_SERVICE).starts_with("There is no such"));
        assert!(api_text(Some("ja"), API_UNKNOWN_SERVICE).starts_with("Ce service en ligne"));
        assert!(api_text(None, API_KEY_INVALID).starts_with("La clé API"));
    }
}

