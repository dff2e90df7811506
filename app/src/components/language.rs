use leptos::prelude::*;

use leptos_i18n::Locale as _;

use crate::i18n::{t, t_string, use_i18n, Locale};

/// The four languages of the portal, each named in its own language. With `remember` (pages
/// of a signed-in login) the choice is also stored on the login, for its e-mails and its next
/// sign-in.
#[component]
pub fn LanguageSwitcher(#[prop(optional)] remember: bool) -> impl IntoView {
    let i18n = use_i18n();
    let store_choice = ServerAction::<crate::self_service::RememberLanguage>::new();
    let on_change = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        if let Some(locale) = Locale::get_all().iter().copied().find(|l| l.as_str() == chosen) {
            // Also stored in a cookie by leptos_i18n, so the server renders the next page in it.
            i18n.set_locale(locale);
            if remember {
                store_choice.dispatch(crate::self_service::RememberLanguage { language: locale.as_str().to_string() });
            }
        }
    };
    view! {
        <label class="flex items-center gap-2 text-sm">
            <span class="sr-only sm:not-sr-only">{t!(i18n, language.label)}</span>
            <select
                class="rounded border border-stone-400 bg-white px-2 py-1 text-sm"
                aria-label=move || t_string!(i18n, language.label)
                on:change=on_change
                prop:value=move || i18n.get_locale().as_str()
            >
                {Locale::get_all()
                    .iter()
                    .map(|locale| {
                        let code = locale.as_str();
                        view! {
                            <option value=code selected=move || i18n.get_locale().as_str() == code>
                                {language_name(code)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
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
