//! "Mettre fin aux accès d'une société": the preview of every current right of one provider
//! company's logins on the acting company, and the one confirmation that ends them.

use crate::shared::form::form_action;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{load_offboarding, GrantedService, OffboardProviderCompany, OffboardedRight, OffboardingPreview};
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::layout::frame::SignedInPage;
use crate::rights::list_page::{status_cell, AdminCrumbs};
use crate::shared::ui::{Outcome, BUTTON_DANGER, CARD, LINK};

#[component]
pub fn OffboardingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let provider_company_id = Signal::derive(move || params.read().get("id").and_then(|id| id.parse().ok()).unwrap_or(0));
    let content = |preview: OffboardingPreview| view! { <Offboarding preview=preview/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), admin.offboard_title_short).to_string()/>
        <SignedInPage key=provider_company_id load=load_offboarding view=content/>
    }
}

#[component]
fn Offboarding(preview: OffboardingPreview) -> impl IntoView {
    let i18n = use_i18n();
    let previewed = preview.previewed();
    let OffboardingPreview { provider_company_id, provider_company, rights } = preview;
    let count = rights.len() as i64;
    let (heading, intro) = (provider_company.clone(), provider_company.clone());
    view! {
        <AdminCrumbs last=td_string!(i18n.get_locale_untracked(), admin.offboard_title_short).to_string()/>
        <h1 class="text-2xl font-semibold">{t!(i18n, admin.offboard_title, company = heading)}</h1>
        <p class="mt-2 max-w-2xl text-stone-700">{t!(i18n, admin.offboard_intro, company = intro, count = count)}</p>
        <ul class="mt-6 grid gap-4 md:grid-cols-2" data-testid="offboarded-rights">
            {rights.into_iter().map(|right| view! { <OffboardedLine right=right/> }).collect_view()}
        </ul>
        <OffboardConfirm provider_company_id=provider_company_id previewed=previewed count=count company=provider_company/>
    }
}

#[component]
fn OffboardedLine(right: OffboardedRight) -> impl IntoView {
    let i18n = use_i18n();
    let OffboardedRight { name, email, status, awaiting, since, services, .. } = right;
    let email_attr = email.clone();
    let pending = awaiting.is_some();
    view! {
        <li class=CARD data-testid="offboarded-right" data-email=email_attr>
            <p class="font-semibold">{name}</p>
            <p class="break-all text-sm text-stone-700">{email}</p>
            <p class="mt-2 text-sm">
                {move || status_cell(i18n.get_locale(), status, awaiting)}
                " · "
                {move || if pending { t_string!(i18n, admin.offboard_sent, date = since.clone()).to_string() } else { t_string!(i18n, admin.offboard_since, date = since.clone()).to_string() }}
            </p>
            {if services.is_empty() {
                view! { <p class="mt-2 text-sm text-stone-700">{t!(i18n, admin.offboard_no_services)}</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 space-y-1 text-sm" aria-label=move || t_string!(i18n, admin.offboard_services)>
                        {services.into_iter().map(|s| view! { <GrantedLine service=s/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </li>
    }
}

#[component]
fn GrantedLine(service: GrantedService) -> impl IntoView {
    let i18n = use_i18n();
    let GrantedService { code, name, debtors } = service;
    let label = crate::services::service_label(i18n.get_locale_untracked(), &code, &name);
    let debtors = match debtors {
        None => td_string!(i18n.get_locale_untracked(), admin.offboard_all_debtors).to_string(),
        Some(list) => list.join(" ; "),
    };
    view! {
        <li><span class="font-medium">{label}</span>" : "{debtors}</li>
    }
}

/// The one confirmation. It sends back the rights as previewed; once they ended, the page
/// says so and leads back to the list (reloading it would find nothing left to end).
#[cfg_attr(not(island_right), component)]
#[cfg_attr(island_right, island)]
fn OffboardConfirm(provider_company_id: i64, previewed: String, count: i64, company: String) -> impl IntoView {
    let i18n = use_i18n();
    let offboard = form_action::<OffboardProviderCompany>();
    let done = move || offboard.value().get().is_some_and(|r| r.is_ok());
    let (company, previewed) = (StoredValue::new(company), StoredValue::new(previewed));
    view! {
        <section class=format!("mt-8 max-w-2xl {CARD}") aria-labelledby="offboard-confirm-title">
            <h2 id="offboard-confirm-title" class="text-lg font-semibold">{t!(i18n, admin.offboard_confirm_title)}</h2>
            <p class="mt-1 text-sm text-stone-700">{t!(i18n, admin.offboard_confirm_text)}</p>
            <Show when=move || !done()>
                <ActionForm action=offboard attr:class="mt-3">
                    <input type="hidden" name="provider_company_id" value=provider_company_id.to_string()/>
                    <input type="hidden" name="previewed" value=previewed.get_value()/>
                    <button type="submit" class=BUTTON_DANGER>{t!(i18n, admin.offboard_submit, count = count)}</button>
                </ActionForm>
            </Show>
            <Outcome value=Signal::derive(move || offboard.value().get()) success=Signal::derive(move || {
                let ended = offboard.value().get().and_then(Result::ok).unwrap_or(count);
                t_string!(i18n, admin.offboard_done, count = ended, company = company.get_value()).to_string()
            })/>
            <Show when=done>
                <a href="/admin/rights" class=format!("mt-3 inline-block {LINK}")>{t!(i18n, admin.offboard_back)}</a>
            </Show>
        </section>
    }
}
