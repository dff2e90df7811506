use crate::shared::refusal::PortalError;
use leptos::prelude::*;

use leptos_i18n::Locale as _;

use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::shared::locale::language_name;

/// Remembers the language the signed-in login chose (used for its e-mails and at sign-in).
#[server(prefix = "/api", endpoint = "remember_language")]
pub async fn remember_language(language: String) -> Result<(), PortalError> {
    use crate::shared::refusal::Refusal;
    use crate::shared::{context::store, refusal::internal};
    use portal_core::domain::Language;
    let login = crate::access::require_login().await?;
    let language = Language::parse(&language).map_err(|_| crate::shared::refusal::refused(Refusal::LanguageInvalid))?;
    let store = store()?;
    let user = store.user(login.user_id).await.map_err(internal)?;
    if user.language == language {
        return Ok(());
    }
    store.change_user_language(&user, language).await.map_err(internal)?;
    Ok(())
}

/// The four languages of the portal, each named in its own language. With `remember` (pages
/// of a signed-in login) the choice is also stored on the login, for its e-mails and its next
/// sign-in.
#[island]
pub fn LanguageSwitcher(#[prop(optional)] remember: Option<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let remember = remember.unwrap_or(false);
    let on_change = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        if let Some(locale) = Locale::get_all().iter().copied().find(|l| l.as_str() == chosen) {
            switch_to(locale.as_str(), remember);
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

/// The page is rendered on the server, in the language of the cookie leptos_i18n reads: the
/// switch writes that cookie and loads the page again (once the login stored the choice, when
/// it is remembered).
fn switch_to(code: &'static str, remember: bool) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(html) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&crate::shared::locale::locale_cookie(code));
        }
        let reload = || {
            let _ = window().location().reload();
        };
        if remember {
            leptos::task::spawn_local(async move {
                let _ = remember_language(code.to_string()).await;
                reload();
            });
        } else {
            reload();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (code, remember);
}
