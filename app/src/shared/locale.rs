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

/// The language of an `Accept-Language` header, as leptos_i18n chooses it for a page (French
/// when none of the portal's four is accepted).
#[cfg(feature = "ssr")]
pub fn accepted_locale(accept_language: Option<&str>) -> crate::i18n::Locale {
    use leptos_i18n::Locale as _;
    let tags: Vec<&str> = accept_language
        .into_iter()
        .flat_map(|header| header.split(','))
        .filter_map(|item| item.split(';').next())
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .collect();
    crate::i18n::Locale::find_locale(&tags)
}

/// The language the request's page is rendered in: the cookie, else `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn request_locale() -> crate::i18n::Locale {
    use leptos::prelude::use_context;
    use leptos_i18n::Locale as _;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return crate::i18n::Locale::default();
    };
    let chosen = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(LOCALE_COOKIE)?.strip_prefix('='))
        .find_map(|code| crate::i18n::Locale::get_all().iter().copied().find(|l| l.as_str() == code));
    chosen.unwrap_or_else(|| accepted_locale(parts.headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
}
