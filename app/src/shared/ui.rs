//! Shared look of form controls and page parts, so that every page uses the same classes.

use crate::shared::form::typed;
use crate::shared::refusal::PortalError;
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

pub const FIELD: &str =
    "mt-1 block w-full rounded border border-stone-400 px-3 py-2 text-base focus:border-sky-700 focus:outline-none focus:ring-2 focus:ring-sky-700";
pub const BUTTON: &str = "inline-flex items-center justify-center rounded bg-yellow-400 px-4 py-2 font-semibold text-stone-900 hover:bg-yellow-300 focus:outline-none focus:ring-2 focus:ring-sky-700 disabled:opacity-60";
pub const BUTTON_SECONDARY: &str = "inline-flex items-center justify-center rounded border border-stone-400 bg-white px-4 py-2 font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-sky-700";
pub const BUTTON_DANGER: &str = "inline-flex items-center justify-center rounded border border-red-700 bg-white px-4 py-2 font-medium text-red-800 hover:bg-red-50 focus:outline-none focus:ring-2 focus:ring-red-700";
pub const LINK: &str = "font-medium text-sky-800 underline underline-offset-2 hover:text-sky-950";
pub const CARD: &str = "rounded-lg border border-stone-200 bg-white p-5 shadow-sm";

/// The full-width button of the public forms (sign-in, registration, password).
pub const PUBLIC_BUTTON: &str = "w-full rounded bg-yellow-400 px-4 py-2.5 font-semibold text-stone-900 hover:bg-yellow-300 focus:outline-none focus:ring-2 focus:ring-sky-700 focus:ring-offset-2";
pub const PUBLIC_LINK: &str = "font-medium text-sky-800 underline underline-offset-2";

/// One text input with its label, hint and error, checked in the browser once touched.
#[component]
pub fn Field(
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    value: RwSignal<String>,
    touched: RwSignal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div>
            <label for=id class="block font-medium">{move || label.get()}</label>
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required=true
                class=FIELD
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                use:typed=value
                on:blur=move |_| touched.set(true)
            />
            {hint.map(|hint| view! { <p id=hint_id.clone() class="mt-1 text-sm text-stone-600">{move || hint.get()}</p> })}
            <p id=error_id class="mt-1 text-sm text-red-700" role="alert" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// What is wrong with the e-mail typed in a form, once its field was left: nothing, or
/// "required" or "not an address" in the reader's language.
pub fn email_error(email: RwSignal<String>, touched: RwSignal<bool>) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        if !touched.get() {
            return None;
        }
        let value = email.get();
        if value.trim().is_empty() {
            Some(crate::i18n::t_string!(i18n, login.email_required).to_string())
        } else if portal_core::domain::EmailAddress::parse(&value).is_err() {
            Some(crate::i18n::t_string!(i18n, login.email_invalid).to_string())
        } else {
            None
        }
    })
}

/// The outcome line of a form: the success text, or the refusal in the reader's language.
#[component]
pub fn Outcome<T: Clone + Send + Sync + 'static>(value: Signal<Option<Result<T, PortalError>>>, #[prop(into)] success: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p role="status" aria-live="polite" class="empty:hidden">
            {move || value.get().map(|result| match result {
                Ok(_) => view! { <span class="font-medium text-green-800">{success.get()}</span> }.into_any(),
                Err(error) => view! { <span class="font-medium text-red-700">{error.text(i18n.get_locale())}</span> }.into_any(),
            })}
        </p>
    }
}

/// Loads the page again once `succeeded` turns true. Pages are rendered on the server and
/// their islands hold no copy of what is around them, so after an answer, a saved right or
/// a request the server renders the new state rather than the island patching it.
pub fn reload_when(succeeded: impl Fn() -> bool + 'static) {
    Effect::new(move |_| {
        if succeeded() {
            let _ = window().location().reload();
        }
    });
}

/// The path and query of the page being rendered.
pub fn current_page() -> String {
    let location = leptos_router::hooks::use_location();
    let (path, query) = (location.pathname.get_untracked(), location.search.get_untracked());
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// A refusal in words: "Accès réservé aux administrateurs" and the like.
#[component]
pub fn Refusal(error: PortalError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div role="alert" class="rounded-lg border border-amber-300 bg-amber-50 p-5 text-amber-950">
            <p class="font-semibold">{move || error.text(i18n.get_locale())}</p>
            <p class="mt-3"><a href="/portal" class=LINK>{t!(i18n, not_found.back_portal)}</a></p>
        </div>
    }
}

/// The seed's breadcrumb of the user profile's pages: "Centre clientèle › Paramètres ›
/// Profil utilisateur › {section} › {last}".
#[component]
pub fn ProfileCrumbs(#[prop(into)] section: Signal<String>, section_href: &'static str, #[prop(optional)] last: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let current = last.is_none().then_some("page");
    view! {
        <nav aria-label=move || crate::i18n::t_string!(i18n, admin.breadcrumb) class="mb-4 text-sm text-stone-600">
            <ol class="flex flex-wrap items-center gap-x-2">
                <li><a href="/portal" class="hover:underline">{t!(i18n, admin.crumb_portal)}</a></li>
                <li aria-hidden="true">"›"</li>
                <li>{t!(i18n, admin.crumb_settings)}</li>
                <li aria-hidden="true">"›"</li>
                <li><a href="/account" class="hover:underline">{t!(i18n, admin.crumb_profile)}</a></li>
                <li aria-hidden="true">"›"</li>
                <li><a href=section_href class="hover:underline" aria-current=current>{move || section.get()}</a></li>
                {last.map(|last| view! {
                    <li aria-hidden="true">"›"</li>
                    <li aria-current="page" class="font-medium text-stone-800">{last}</li>
                })}
            </ol>
        </nav>
    }
}

/// "Page 2 sur 7" with links to the previous and next pages; nothing for a single page.
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    /// There are pages after `pages`, not counted: the pager names the page alone.
    #[prop(optional)]
    more: bool,
    href: impl Fn(i64) -> String,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || match more {
        true => crate::i18n::t_string!(i18n, admin.page_open, page = page).to_string(),
        false => crate::i18n::t_string!(i18n, admin.page, page = page, pages = pages).to_string(),
    };
    (pages > 1 || more).then(|| {
        view! {
            <nav class="mt-4 flex items-center justify-between gap-3 text-sm" aria-label=label>
                {(page > 1).then(|| view! { <a href=href(page - 1) class=LINK rel="prev">{t!(i18n, admin.previous)}</a> })}
                <span>{label}</span>
                {(more || page < pages).then(|| view! { <a href=href(page + 1) class=LINK rel="next">{t!(i18n, admin.next)}</a> })}
            </nav>
        }
    })
}

/// The query parameter of a list read newest first ([`NewestFirstPager`]): the id after
/// which its page starts.
pub const BEFORE: &str = "avant";

/// The links of a list read newest first a page at a time: back to the newest (on a later
/// page) and on to the older items (`?avant=<id>` of the last one shown), each to `anchor`
/// on `path`. Nothing when the whole list fits on its first page.
#[component]
pub fn NewestFirstPager(
    path: &'static str,
    anchor: &'static str,
    later_page: bool,
    older: Option<i64>,
    /// The navigation's name, and the two links' words.
    label: String,
    newest: String,
    older_ones: String,
) -> impl IntoView {
    (later_page || older.is_some()).then(|| {
        view! {
            <nav class="mt-4 flex items-center justify-between gap-3 text-sm" aria-label=label>
                {later_page.then(|| view! { <a href=format!("{path}#{anchor}") class=LINK rel="first">{newest}</a> })}
                {older.map(|id| view! { <a href=format!("{path}?{BEFORE}={id}#{anchor}") class=LINK rel="next">{older_ones}</a> })}
            </nav>
        }
    })
}

/// The text of a `<textarea>` as the page must carry it. Tachys 0.2 writes a textarea's
/// children unescaped (as it does for `<script>`), so a remark containing `</textarea>`
/// would end the field and turn the rest into markup. The server escapes it; the browser
/// decodes it back, which is the text the hydrating client holds.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        text.to_string()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::textarea_text;

    #[test]
    fn textarea_text_cannot_close_the_field() {
        assert_eq!(textarea_text("a </textarea><b>&amp;"), "a &lt;/textarea&gt;&lt;b&gt;&amp;amp;");
        assert_eq!(textarea_text("plain"), "plain");
    }
}
