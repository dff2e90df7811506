use leptos::prelude::*;

use crate::services::service_label;
use leptos_meta::Title;

use crate::i18n::{t, td_string, use_i18n};
use crate::layout::context::{load_portal_context, PortalContext};
use crate::layout::frame::redirect_for;
use crate::layout::portal::PortalLayout;
use crate::shared::ui::current_page;

/// The portal's home for the acting company: who works for whom, and with which services.
#[component]
pub fn PortalPage() -> impl IntoView {
    let i18n = use_i18n();
    let here = current_page();
    let context = Resource::new_blocking(|| (), |_| load_portal_context());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), portal_name).to_string()/>
        <Transition fallback=move || view! { <p class="p-8">{t!(i18n, portal.loading)}</p> }>
            {move || context.get().map(|result| match result {
                Ok(context) => view! { <PortalHome context=context/> }.into_any(),
                Err(error) => redirect_for(&error, &here),
            })}
        </Transition>
    }
}

#[component]
fn PortalHome(context: PortalContext) -> impl IntoView {
    let i18n = use_i18n();
    let name = context.user_name.clone();
    let company = context.acting.name.clone();
    let as_provider = context.as_provider;
    let services = context.services.clone();
    view! {
        <PortalLayout context=context>
            <h1 class="text-2xl font-semibold">{t!(i18n, portal.welcome, name = name.clone())}</h1>
            <p class="mt-2 text-stone-700">{t!(i18n, portal.acting, company = company.clone())}</p>
            {as_provider.then(|| view! { <p class="mt-1 text-stone-700">{t!(i18n, portal.as_provider)}</p> })}
            <section class="mt-8" aria-labelledby="services">
                <h2 id="services" class="text-lg font-semibold">{t!(i18n, portal.services_title)}</h2>
                {if services.is_empty() {
                    view! { <p class="mt-2 text-stone-700">{t!(i18n, portal.no_services)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-3 grid gap-3 sm:grid-cols-3">
                            {services.into_iter().map(|code| match crate::services::service_path(&code) {
                                // A granted service with a page: the menu entry opens it.
                                Some(path) => view! {
                                    <li class="rounded-lg border border-stone-200 bg-white shadow-sm hover:border-sky-700">
                                        <a href=path class="block p-4 font-medium text-sky-800 underline underline-offset-2" data-testid=format!("open-{code}")>
                                            <ServiceName code=code.clone()/>
                                        </a>
                                    </li>
                                }.into_any(),
                                None => view! {
                                    <li class="rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
                                        <ServiceName code=code/>
                                    </li>
                                }.into_any(),
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </PortalLayout>
    }
}

/// An online service's name in the reader's language.
#[component]
fn ServiceName(code: String) -> impl IntoView {
    let i18n = use_i18n();
    move || service_label(i18n.get_locale(), &code, &code)
}
