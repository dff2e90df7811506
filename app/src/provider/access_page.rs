//! "Demander un accès en qualité de prestataire" on "Gérer le compte utilisateur": the
//! login's provider rights with "Valider" / "Refuser" for pending invitations and "Résilier"
//! (with a confirmation) for active ones.

use crate::shared::form::form_action;
use leptos::prelude::*;
use portal_core::domain::{Awaiting, RightStatus};

use super::ProviderAccessRow;
use crate::i18n::{t, t_string, use_i18n};
use crate::provider::{AnswerRight, RequestAccess};
use crate::shared::format::status_text;
use crate::shared::ui::{reload_when, Outcome, BUTTON, BUTTON_DANGER, BUTTON_SECONDARY, FIELD};

/// An island: the answers and the request are sent from the page, which is then loaded
/// again to show the new state.
#[cfg_attr(not(island_account), component)]
#[cfg_attr(island_account, island)]
pub fn ProviderAccessTable(rows: Vec<ProviderAccessRow>) -> impl IntoView {
    let i18n = use_i18n();
    let answer = form_action::<AnswerRight>();
    // The selector and this table show the answer's new state.
    reload_when(move || matches!(answer.value().get(), Some(Ok(()))));
    view! {
        <section class="rounded-lg border border-stone-200 bg-white p-5 shadow-sm" aria-labelledby="requests-section">
            <h2 id="requests-section" class="text-lg font-semibold">{t!(i18n, account.requests_title)}</h2>
            {if rows.is_empty() {
                view! { <p class="mt-3 text-stone-700">{t!(i18n, account.no_requests)}</p> }.into_any()
            } else {
                view! {
                    <div tabindex="0" class="mt-3 overflow-x-auto focus:outline-none focus:ring-2 focus:ring-sky-700">
                        <table class="w-full text-left text-sm" data-testid="provider-access">
                            <thead class="border-b border-stone-300">
                                <tr>
                                    <th scope="col" class="py-2 pr-3">{t!(i18n, account.col_date)}</th>
                                    <th scope="col" class="py-2 pr-3">{t!(i18n, account.col_company)}</th>
                                    <th scope="col" class="py-2 pr-3">{t!(i18n, account.col_status)}</th>
                                    <th scope="col" class="py-2"><span class="sr-only">{t!(i18n, admin.col_actions)}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! { <AccessRow row=row action=answer/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Outcome value=Signal::derive(move || answer.value().get()) success=Signal::derive(move || t_string!(i18n, account.answer_saved).to_string())/>
                }.into_any()
            }}
            <RequestAccessForm/>
        </section>
    }
}

#[component]
fn AccessRow(row: ProviderAccessRow, action: ServerAction<AnswerRight>) -> impl IntoView {
    let i18n = use_i18n();
    let ProviderAccessRow { right_id, version, awaiting, date, company_name, customer_number, status, answer_by } = row;
    let invitation = status == RightStatus::Pending && awaiting == Some(Awaiting::Provider);
    let own_request = status == RightStatus::Pending && awaiting == Some(Awaiting::Principal);
    // A suspended access is still the provider's to give up.
    let in_force = matches!(status, RightStatus::Active | RightStatus::Suspended);
    let suspended = status == RightStatus::Suspended;
    let form =
        move |answer: &'static str, label: String, class: &'static str| answer_form(action, (right_id, version), answer, label, "inline", class.to_string());
    let company_attr = company_name.clone();
    view! {
        <tr class="border-b border-stone-100 align-top" data-testid="access-row" data-company=company_attr>
            <td class="whitespace-nowrap py-2 pr-3">{date}</td>
            // A request the company has not answered names only the number typed.
            <td class="py-2 pr-3">
                {if company_name.is_empty() {
                    t!(i18n, select.customer_number, number = customer_number).into_any()
                } else {
                    view! { {company_name.clone()}" "<span class="text-stone-600">"("{customer_number}")"</span> }.into_any()
                }}
            </td>
            <td class="py-2 pr-3" data-testid="access-status">
                {move || status_text(i18n.get_locale(), status)}
                {own_request.then(|| view! { <span class="block text-xs text-stone-600">{t!(i18n, account.request_sent)}</span> })}
                {suspended.then(|| view! { <span class="block text-xs text-stone-600" data-testid="access-suspended">{t!(i18n, account.suspended_note)}</span> })}
                {answer_by.map(|date| view! {
                    <span class="block text-xs text-stone-600" data-testid="access-answer-by">{t!(i18n, account.answer_by, date = date)}</span>
                })}
            </td>
            <td class="py-2">
                <div class="flex flex-wrap gap-2">
                    {invitation.then(|| view! {
                        {form("accept", t_string!(i18n, account.accept).to_string(), BUTTON)}
                        {form("refuse", t_string!(i18n, account.refuse).to_string(), BUTTON_SECONDARY)}
                    })}
                    {own_request.then(|| form("withdraw", t_string!(i18n, account.withdraw).to_string(), BUTTON_SECONDARY))}
                    // A disclosure, not a script: the question opens before the page wakes up.
                    {in_force.then(|| view! {
                        <details class="w-full">
                            <summary class=format!("{BUTTON_DANGER} inline-block cursor-pointer")>{t!(i18n, account.resign)}</summary>
                            <div role="group" aria-label=move || t_string!(i18n, account.resign) class="mt-2 rounded border border-red-300 bg-red-50 p-3">
                                <p class="font-medium text-red-900">{t!(i18n, account.resign_confirm, company = company_name.clone())}</p>
                                <div class="mt-2 flex flex-wrap gap-2">
                                    {form("resign", t_string!(i18n, admin.confirm_yes).to_string(), BUTTON_DANGER)}
                                </div>
                            </div>
                        </details>
                    })}
                </div>
            </td>
        </tr>
    }
}

/// One answer to one of the login's rights ("Valider", "Refuser", "Résilier"…): a form, so
/// that it is sent the same before the page's script has loaded.
pub fn answer_form(
    action: ServerAction<AnswerRight>,
    (right_id, version): (i64, i64),
    answer: &'static str,
    label: String,
    form_class: &'static str,
    button_class: String,
) -> impl IntoView {
    view! {
        <ActionForm action=action attr:class=form_class>
            <input type="hidden" name="right_id" value=right_id.to_string()/>
            <input type="hidden" name="version" value=version.to_string()/>
            <input type="hidden" name="answer" value=answer/>
            <button type="submit" class=button_class>{label}</button>
        </ActionForm>
    }
}

/// "Demander un accès prestataire": ask a company, by its customer number, for access.
#[component]
fn RequestAccessForm() -> impl IntoView {
    let i18n = use_i18n();
    let request = form_action::<RequestAccess>();
    reload_when(move || matches!(request.value().get(), Some(Ok(_))));
    view! {
        <h3 class="mt-6 font-semibold">{t!(i18n, account.request_title)}</h3>
        <p class="mt-1 text-sm text-stone-700">{t!(i18n, account.request_intro)}</p>
        <ActionForm action=request attr:class="mt-3 space-y-4" attr:data-testid="request-access-form">
            <div>
                <label for="request-number" class="block font-medium">{t!(i18n, account.request_number)}</label>
                <input id="request-number" name="customer_number" inputmode="numeric" required=true maxlength="10" class=FIELD/>
            </div>
            <div>
                <label for="request-message" class="block font-medium">{t!(i18n, account.request_message)}</label>
                <textarea id="request-message" name="message" rows="2" maxlength="500" class=FIELD></textarea>
            </div>
            <Outcome value=Signal::derive(move || request.value().get()) success=Signal::derive(move || t_string!(i18n, account.request_sent_status).to_string())/>
            <button type="submit" class=BUTTON_SECONDARY>{t!(i18n, account.request_submit)}</button>
        </ActionForm>
    }
}
