use crate::shared::form::form_action;
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

use super::{list_company_choices, SelectCompany};
use crate::access::CompanyChoice;
use crate::i18n::{t, t_string, use_i18n};
use crate::layout::public::PublicLayout;
use crate::layout::sign_out::SignOut;
use leptos::server_fn::ServerFn as _;

/// "Sélectionner la société": after sign-in, for a login that can act for several companies.
#[component]
pub fn SelectCompanyPage() -> impl IntoView {
    let i18n = use_i18n();
    let choices = Resource::new_blocking(|| (), |_| list_company_choices());
    let query = use_query_map();
    let (param, value) = crate::shared::paths::LOST_PARAM;
    let lost = move || query.read().get(param).as_deref() == Some(value);

    view! {
        <PublicLayout title=move || t_string!(i18n, select.title)>
            <h1 class="text-2xl font-semibold">{t!(i18n, select.title)}</h1>
            <Transition fallback=move || view! { <p class="mt-6">{t!(i18n, portal.loading)}</p> }>
                {move || choices.get().map(|result| match result {
                    Err(_) => view! { <Redirect path="/login"/> }.into_any(),
                    Ok(choices) if choices.count() == 0 => view! { <WithoutCompany/> }.into_any(),
                    Ok(choices) => {
                        let acting = choices.acting;
                        view! {
                            // Only where a company can be chosen: a login of no company is told
                            // what it can do instead.
                            <p class="mt-2 text-stone-700">{t!(i18n, select.intro)}</p>
                            <Show when=lost>
                                <p role="alert" class="mt-4 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900">
                                    {t!(i18n, select.lost)}
                                </p>
                            </Show>
                            {choices.home.map(|home| view! {
                                <section class="mt-6" aria-labelledby="my-company">
                                    <h2 id="my-company" class="font-semibold">{t!(i18n, select.my_company)}</h2>
                                    <ul class="mt-2 space-y-2">
                                        <li><CompanyButton choice=home acting=acting/></li>
                                    </ul>
                                </section>
                            })}
                            {(!choices.third_party.is_empty()).then(|| view! {
                                <section class="mt-6" aria-labelledby="third-party">
                                    <h2 id="third-party" class="font-semibold">{t!(i18n, select.third_party)}</h2>
                                    <ul class="mt-2 space-y-2">
                                        {choices.third_party.into_iter().map(|choice| view! {
                                            <li><CompanyButton choice=choice acting=acting/></li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }.into_any()
                    }
                })}
            </Transition>
        </PublicLayout>
    }
}

/// One company of the selector: a form, so that choosing works without JavaScript too. The
/// server function's redirect to the portal is followed as a navigation.
#[cfg_attr(not(island_sign_in), component)]
#[cfg_attr(island_sign_in, island)]
fn CompanyButton(choice: CompanyChoice, acting: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let action = form_action::<SelectCompany>();
    let current = acting == Some(choice.company_id);
    view! {
        <ActionForm action=action>
            <input type="hidden" name="company_id" value=choice.company_id.to_string()/>
            <button
                type="submit"
                class="flex w-full flex-col items-start rounded border border-stone-300 px-4 py-3 text-left hover:border-sky-700 hover:bg-sky-50"
            >
                <span class="font-medium">
                    {choice.name.clone()}
                    {current.then(|| view! { " " <span class="text-sm font-normal text-stone-600">{t!(i18n, select.current)}</span> })}
                </span>
                <span class="text-sm text-stone-600">{t!(i18n, select.customer_number, number = choice.customer_number.clone())}</span>
            </button>
        </ActionForm>
    }
}

/// What a login that may act for no company can do: ask a company for access (on its
/// account page, where it also answers invitations), have its own company registered, or
/// sign out. Never a dead end.
#[component]
fn WithoutCompany() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="mt-6" aria-labelledby="without-company" data-testid="without-company">
            <h2 id="without-company" class="font-semibold">{t!(i18n, select.none)}</h2>
            <p class="mt-2 text-stone-700">{t!(i18n, select.none_what)}</p>
            <ul class="mt-3 list-disc space-y-2 pl-5 text-stone-700">
                <li>
                    <a href="/account#requests-section" class="font-medium text-sky-800 underline underline-offset-2">{t!(i18n, select.ask_access)}</a>
                    " "{t!(i18n, select.ask_access_how)}
                </li>
                <li>{t!(i18n, select.register_company)}</li>
            </ul>
            // A plain form: this page's bundle has no sign-out island (it is not a signed-in
            // page group), and the server function's redirect works for a plain post.
            <form method="post" action=SignOut::PATH class="mt-6">
                <button type="submit" class="rounded border border-stone-400 px-3 py-2 font-medium hover:bg-stone-100">{t!(i18n, sign_out)}</button>
            </form>
        </section>
    }
}
