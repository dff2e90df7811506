//! The reader's language: the cookie leptos_i18n reads, and the languages' own names.

/// The cookie in which leptos_i18n keeps the reader's language (its default name).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The `Set-Cookie` / `document.cookie` value that keeps `code` as the reader's language on
/// the whole site for a year.
pub fn locale_cookie(code: &str) -> String {
    format!("{LOCALE_COOKIE}={code}; Path=/; Max-Age=31536000; SameSite=Lax")
}

/// Language names are not translated: a reader looks for their own language's name.
pub fn language_name(code: &str) -> &'static str {
    match code {
        "de" => "Deutsch",
        "it" => "Italiano",
        "en" => "English",
        _ => "Français",
    }
}

/// Makes the next pages render in `code` (the signed-in login's language): the same cookie
/// leptos_i18n reads and writes, for the whole site.
#[cfg(feature = "ssr")]
pub fn set_locale_cookie(code: &str) {
    use leptos::prelude::use_context;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&locale_cookie(code)) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}
