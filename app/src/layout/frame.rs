//! The frame of every signed-in page: the portal's header around the page's data.

use crate::shared::errors::PortalError;
use leptos::prelude::*;

use super::context::{load_portal_context, PortalContext};
use super::portal::PortalLayout;
use crate::access::NO_ACTING_COMPANY;
use crate::i18n::{t, use_i18n};
use crate::shared::paths::PATH_LOGIN;
use crate::shared::return_path::ReturnPath;
use crate::shared::ui::{current_page, Refusal};

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
    Fut: std::future::Future<Output = Result<T, PortalError>> + Send + 'static,
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
pub fn redirect_for(error: &PortalError, here: &str) -> AnyView {
    use leptos_router::components::Redirect;
    if error.code() == NO_ACTING_COMPANY {
        view! { <Redirect path=crate::shared::paths::PATH_SELECT_COMPANY_LOST/> }.into_any()
    } else {
        let login = ReturnPath::parse(here).map_or_else(|| PATH_LOGIN.to_string(), |back| back.login_url());
        view! { <Redirect path=login/> }.into_any()
    }
}
