//! Shared look of form controls and page parts, so that every page uses the same classes.

use leptos::prelude::*;

use crate::company::{load_portal_context, PortalContext, NO_ACTING_COMPANY};
use crate::components::portal_layout::PortalLayout;
use crate::errors::error_text;
use crate::i18n::{t, use_i18n};

pub const FIELD: &str = "mt-1 block w-full rounded border border-stone-400 px-3 py-2 text-base focus:border-sky-700 focus:outline-none focus:ring-2 focus:ring-sky-700";
pub const BUTTON: &str = "inline-flex items-center justify-center rounded bg-yellow-400 px-4 py-2 font-semibold text-stone-900 hover:bg-yellow-300 focus:outline-none focus:ring-2 focus:ring-sky-700 disabled:opacity-60";
pub const BUTTON_SECONDARY: &str = "inline-flex items-center justify-center rounded border border-stone-400 bg-white px-4 py-2 font-medium hover:bg-stone-100 focus:outline-none focus:ring-2 focus:ring-sky-700";
pub const BUTTON_DANGER: &str = "inline-flex items-center justify-center rounded border border-red-700 bg-white px-4 py-2 font-medium text-red-800 hover:bg-red-50 focus:outline-none focus:ring-2 focus:ring-red-700";
pub const LINK: &str = "font-medium text-sky-800 underline underline-offset-2 hover:text-sky-950";
pub const CARD: &str = "rounded-lg border border-stone-200 bg-white p-5 shadow-sm";

/// The outcome line of a form: the success text, or the refusal in the reader's language.
#[component]
pub fn Outcome<T: Clone + Send + Sync + 'static>(
    value: Signal<Option<Result<T, ServerFnError>>>,
    #[prop(into)] success: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p role="status" aria-live="polite" class="empty:hidden">
            {move || value.get().map(|result| match result {
                Ok(_) => view! { <span class="font-medium text-green-800">{success.get()}</span> }.into_any(),
                Err(error) => view! { <span class="font-medium text-red-700">{error_text(i18n.get_locale(), &error)}</span> }.into_any(),
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

/// The frame of a signed-in page whose data comes from `load`: the header is loaded after
/// it (so that it counts what `load` changed, a message it marked read); no session →
/// sign-in page, which comes back here; no acting company → the selector; a refusal of
/// `load` (not an administrator…) is shown in words inside the frame.
#[component]
pub fn SignedInPage<S, T, Fut, V>(
    /// What the data depends on (route and query parameters).
    #[prop(into)]
    key: Signal<S>,
    load: fn(S) -> Fut,
    view: V,
) -> impl IntoView
where
    S: Clone + PartialEq + Send + Sync + 'static,
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + Send + 'static,
    V: Fn(T) -> AnyView + Send + Sync + Clone + 'static,
{
    let i18n = use_i18n();
    let here = current_page();
    // Blocking: the answer waits for it, so a refusal's status (401, 403, 404) and the
    // redirects reach the browser instead of a streamed 200.
    let data = Resource::new_blocking(
        move || key.get(),
        move |k| async move {
            let loaded = load(k).await;
            (load_portal_context().await, loaded)
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="p-8">{t!(i18n, portal.loading)}</p> }>
            {move || {
                let (view, here) = (view.clone(), here.clone());
                data.get().map(move |(context, loaded)| match (context, loaded) {
                    (Err(error), _) => redirect_for(&error, &here),
                    (Ok(context), Ok(data)) => frame(context, view(data)),
                    (Ok(context), Err(error)) => frame(context, view! { <Refusal error=error/> }.into_any()),
                })
            }}
        </Transition>
    }
}

fn frame(context: PortalContext, content: AnyView) -> AnyView {
    view! { <PortalLayout context=context>{content}</PortalLayout> }.into_any()
}

/// Where the signed-in page `here` (path and query) goes when its header cannot be loaded:
/// the selector when the company choice is no longer allowed, else the sign-in page, which
/// comes back here afterwards.
pub fn redirect_for(error: &ServerFnError, here: &str) -> AnyView {
    use crate::auth::return_path::ReturnPath;
    use leptos_router::components::Redirect;
    if crate::auth::error_message(error) == NO_ACTING_COMPANY {
        view! { <Redirect path="/select-company?motif=droit"/> }.into_any()
    } else {
        let login = ReturnPath::parse(here).map_or_else(|| crate::auth::PATH_LOGIN.to_string(), |back| back.login_url());
        view! { <Redirect path=login/> }.into_any()
    }
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
pub fn Refusal(error: ServerFnError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div role="alert" class="rounded-lg border border-amber-300 bg-amber-50 p-5 text-amber-950">
            <p class="font-semibold">{move || error_text(i18n.get_locale(), &error)}</p>
            <p class="mt-3"><a href="/portal" class=LINK>{t!(i18n, not_found.back_portal)}</a></p>
        </div>
    }
}

/// The seed's breadcrumb of the user profile's pages: "Centre clientèle › Paramètres ›
/// Profil utilisateur › {section} › {last}".
#[component]
pub fn ProfileCrumbs(
    #[prop(into)] section: Signal<String>,
    section_href: &'static str,
    #[prop(optional)] last: Option<String>,
) -> impl IntoView {
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
pub fn Pager(page: i64, pages: i64, href: impl Fn(i64) -> String) -> impl IntoView {
    let i18n = use_i18n();
    (pages > 1).then(|| {
        view! {
            <nav class="mt-4 flex items-center justify-between gap-3 text-sm" aria-label=move || crate::i18n::t_string!(i18n, admin.page, page = page, pages = pages)>
                {(page > 1).then(|| view! { <a href=href(page - 1) class=LINK rel="prev">{t!(i18n, admin.previous)}</a> })}
                <span>{t!(i18n, admin.page, page = page, pages = pages)}</span>
                {(page < pages).then(|| view! { <a href=href(page + 1) class=LINK rel="next">{t!(i18n, admin.next)}</a> })}
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
