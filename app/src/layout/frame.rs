//! The frame of every signed-in page: the portal's header around the page's data.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;

use super::context::{load_own_context, load_portal_context, PortalContext};
use super::portal::{PortalLayout, WithoutCompanyLayout};
use crate::i18n::{t, use_i18n};
use crate::shared::paths::PATH_LOGIN;
use crate::shared::return_path::ReturnPath;
use crate::shared::ui::{current_page, Refusal};

/// The frame of a signed-in page whose data comes from `load`: the header is loaded after
/// it (so that it counts what `load` changed, a message it marked read); no session →
/// sign-in page, which comes back here; no acting company → the selector, unless the page is
/// the login's own (`own`) and the login may act for no company at all: then it is shown in
/// the frame without a company; a refusal of `load` (not an administrator…) is shown in words
/// inside the frame.
#[component]
pub fn SignedInPage<S, T, Fut, V>(
    /// What the data depends on (route and query parameters).
    #[prop(into)]
    key: Signal<S>,
    load: fn(S) -> Fut,
    view: V,
    /// A page of the login's own business (its messages), not of a company's.
    #[prop(optional)]
    own: bool,
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
            let context = load_portal_context().await;
            let own_context = match &context {
                Err(error) if own && error.is(crate::shared::refusal::Refusal::NoActingCompany) => load_own_context().await.ok().flatten(),
                _ => None,
            };
            // Shown without a company: the header's refusal is not the page's.
            if own_context.is_some() {
                crate::shared::refusal::answered_as(&loaded);
            }
            (context, own_context, loaded)
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="p-8">{t!(i18n, portal.loading)}</p> }>
            {move || {
                let (view, here) = (view.clone(), here.clone());
                data.get().map(move |(context, own_context, loaded)| match (context, own_context, loaded) {
                    (Err(_), Some(own), Ok(data)) => {
                        view! { <WithoutCompanyLayout name=own.user_name unread_messages=own.unread_messages done=own.done>{view(data)}</WithoutCompanyLayout> }.into_any()
                    }
                    (Err(_), Some(own), Err(error)) => view! {
                        <WithoutCompanyLayout name=own.user_name unread_messages=own.unread_messages done=own.done><Refusal error=error/></WithoutCompanyLayout>
                    }
                    .into_any(),
                    (Err(error), None, _) => redirect_for(&error, &here),
                    (Ok(context), _, Ok(data)) => frame(context, view(data)),
                    (Ok(context), _, Err(error)) => frame(context, view! { <Refusal error=error/> }.into_any()),
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
    if error.is(crate::shared::refusal::Refusal::NoActingCompany) {
        view! { <Redirect path=crate::shared::paths::PATH_SELECT_COMPANY_LOST/> }.into_any()
    } else {
        let login = ReturnPath::parse(here).map_or_else(|| PATH_LOGIN.to_string(), |back| back.login_url());
        view! { <Redirect path=login/> }.into_any()
    }
}
