//! "Saisir un utilisateur" and its confirmation ("La saisie est confirmée").

use crate::shared::form::form_action;
use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use leptos_meta::Title;
use portal_core::domain::RightType;

use super::{list_copy_sources, EnterUser, EntryConfirmation, EntrySources};
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::layout::frame::SignedInPage;
use crate::rights::list_page::AdminCrumbs;
use crate::shared::ui::{BUTTON, BUTTON_SECONDARY, CARD, FIELD, LINK};

// What the chosen right type and assignment show; the form is the `group`.
const ONLY_PEOPLE: &str = "group-has-[#entry-type-technical:checked]:hidden";
const ONLY_PROVIDER: &str = "hidden group-has-[#entry-type-provider:checked]:inline";
const ONLY_EMPLOYEE: &str = "hidden group-has-[#entry-type-employee:checked]:block";
const ONLY_EMPLOYEE_TEXT: &str = "hidden group-has-[#entry-type-employee:checked]:inline";
const ONLY_TECHNICAL: &str = "hidden group-has-[#entry-type-technical:checked]:block";
const ONLY_COPY: &str = "hidden group-has-[#entry-assignment-copy:checked]:block";
const ONLY_TEMPLATE: &str = "hidden group-has-[#entry-assignment-template:checked]:block";

async fn load(_: ()) -> Result<EntrySources, PortalError> {
    list_copy_sources().await
}

#[component]
pub fn EnterUserPage() -> impl IntoView {
    let i18n = use_i18n();
    let content = |sources: EntrySources| view! { <EnterUser sources=sources/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), admin.enter_user).to_string()/>
        <SignedInPage key=Signal::stored(()) load=load view=content/>
    }
}

/// An island: the form changes with the right type and shows the confirmation (with the
/// technical user's API key, once) in place.
#[cfg_attr(not(island_rights_entry), component)]
#[cfg_attr(island_rights_entry, island)]
fn EnterUser(sources: EntrySources) -> impl IntoView {
    let i18n = use_i18n();
    let action = form_action::<EnterUser>();
    let EntrySources { rights: sources, templates } = sources;
    let (has_sources, has_templates) = (!sources.is_empty(), !templates.is_empty());
    let (sources, templates) = (StoredValue::new(sources), StoredValue::new(templates));
    view! {
        <AdminCrumbs last=t_string!(i18n, admin.enter_user).to_string()/>
        {move || match action.value().get() {
            Some(Ok(confirmation)) => view! { <Confirmation confirmation=confirmation/> }.into_any(),
            _ => view! {
                <h1 class="text-2xl font-semibold">{t!(i18n, admin.enter_user)}</h1>
                <p class="mt-2 text-stone-700">{t!(i18n, admin.enter_intro)}</p>
            }.into_any(),
        }}
        <Show when=move || !matches!(action.value().get(), Some(Ok(_)))>
            <ActionForm action=action attr:class="group mt-6 grid gap-6 lg:grid-cols-2" attr:data-testid="enter-user-form" attr:novalidate=true>
                <fieldset class=CARD>
                    <legend class="px-1 text-lg font-semibold">{t!(i18n, admin.new_user)}</legend>
                    <p class="font-medium">{t!(i18n, admin.right_type)}</p>
                    <div class="mt-2 space-y-2" role="radiogroup" aria-label=move || t_string!(i18n, admin.right_type)>
                        <TypeChoice value="employee" label=Signal::derive(move || t_string!(i18n, admin.role_employee).to_string())/>
                        <TypeChoice value="technical" label=Signal::derive(move || t_string!(i18n, admin.role_technical).to_string())/>
                        <TypeChoice value="provider" label=Signal::derive(move || t_string!(i18n, admin.role_provider).to_string())/>
                    </div>
                    <h2 class="mt-6 font-semibold">{t!(i18n, admin.right_data)}</h2>
                    // Every type's fields are in the page and the chosen type's are shown by the style
                    // sheet, so that a choice made before the island woke up (or without JavaScript)
                    // shows its fields and posts them; the function reads the fields of its type.
                    <div class="mt-3 space-y-4">
                        <div class=ONLY_PEOPLE>
                            <label for="entry-email" class="block font-medium">{t!(i18n, admin.email)}</label>
                            <input id="entry-email" name="email" type="email" autocomplete="off" maxlength="254" aria-describedby="entry-email-hint" class=FIELD/>
                            <p id="entry-email-hint" class="mt-1 text-sm text-stone-600">
                                <span class=ONLY_PROVIDER>{t!(i18n, admin.provider_hint)}</span>
                                <span class=ONLY_EMPLOYEE_TEXT>{t!(i18n, admin.employee_hint)}</span>
                            </p>
                        </div>
                        <div class=ONLY_EMPLOYEE>
                            <div class="grid gap-4 sm:grid-cols-2">
                                <div>
                                    <label for="entry-first" class="block font-medium">{t!(i18n, admin.first_name)}</label>
                                    <input id="entry-first" name="first_name" maxlength="100" class=FIELD/>
                                </div>
                                <div>
                                    <label for="entry-last" class="block font-medium">{t!(i18n, admin.last_name)}</label>
                                    <input id="entry-last" name="last_name" maxlength="100" class=FIELD/>
                                </div>
                            </div>
                            <label class="mt-4 flex items-center gap-2">
                                <input type="checkbox" name="administrator" value="on" class="h-4 w-4"/>
                                <span>{t!(i18n, admin.administrator)}</span>
                            </label>
                        </div>
                        <div class=ONLY_TECHNICAL>
                            <label for="entry-name" class="block font-medium">{t!(i18n, admin.technical_name)}</label>
                            <input id="entry-name" name="name" maxlength="100" aria-describedby="entry-name-hint" class=FIELD/>
                            <p id="entry-name-hint" class="mt-1 text-sm text-stone-600">{t!(i18n, admin.technical_hint)}</p>
                        </div>
                        <div>
                            <label for="entry-remark" class="block font-medium">{t!(i18n, admin.remark)}</label>
                            <textarea id="entry-remark" name="remark" rows="3" maxlength="500" class=FIELD></textarea>
                        </div>
                    </div>
                </fieldset>
                <fieldset class=CARD>
                    <legend class="px-1 text-lg font-semibold">{t!(i18n, admin.assignment)}</legend>
                    <div class="space-y-2">
                        <label class="flex items-center gap-2">
                            <input id="entry-assignment-manual" type="radio" name="assignment" value="manual" checked=true class="h-4 w-4"/>
                            <span>{t!(i18n, admin.assignment_manual)}</span>
                        </label>
                        <label class="flex items-center gap-2">
                            <input id="entry-assignment-copy" type="radio" name="assignment" value="copy" disabled=!has_sources class="h-4 w-4"/>
                            <span>{t!(i18n, admin.assignment_copy)}</span>
                        </label>
                        {(!has_sources).then(|| view! { <p class="text-sm text-stone-600">{t!(i18n, admin.copy_none)}</p> })}
                        <label class="flex items-center gap-2">
                            <input id="entry-assignment-template" type="radio" name="assignment" value="template" disabled=!has_templates class="h-4 w-4"/>
                            <span>{t!(i18n, admin.assignment_template)}</span>
                        </label>
                        {(!has_templates).then(|| view! { <p class="text-sm text-stone-600">{t!(i18n, admin.templates_none_entry)}</p> })}
                    </div>
                    <div class=ONLY_COPY>
                        <div class="mt-4">
                            <label for="entry-copy" class="block font-medium">{t!(i18n, admin.copy_from)}</label>
                            <select id="entry-copy" name="copy_from" class=FIELD>
                                {sources.get_value().into_iter().map(|s| view! { <option value=s.right_id.to_string()>{s.label}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <div class=ONLY_TEMPLATE>
                        <div class="mt-4">
                            <label for="entry-template" class="block font-medium">{t!(i18n, admin.template_choose)}</label>
                            <select id="entry-template" name="template" class=FIELD>
                                {templates.get_value().into_iter().map(|t| view! { <option value=t.template_id.to_string()>{t.name}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <p class="mt-4 text-sm">
                        <a href="/admin/rights/templates" class=LINK>{t!(i18n, admin.template_manage)}</a>
                    </p>
                    <p role="alert" aria-live="assertive" class="mt-6 font-medium text-red-700 empty:hidden" data-testid="entry-error">
                        {move || match action.value().get() {
                            Some(Err(error)) => Some(error.text(i18n.get_locale())),
                            _ => None,
                        }}
                    </p>
                    <div class="mt-6 flex flex-wrap gap-3">
                        <button type="submit" class=BUTTON disabled=move || action.pending().get()>
                            {move || if action.pending().get() { t_string!(i18n, admin.saving) } else { t_string!(i18n, admin.submit) }}
                        </button>
                        <a href="/admin/rights" class=BUTTON_SECONDARY>{t!(i18n, admin.cancel)}</a>
                    </div>
                </fieldset>
            </ActionForm>
        </Show>
    }
}

#[component]
fn TypeChoice(value: &'static str, label: Signal<String>) -> impl IntoView {
    view! {
        <label class="flex items-center gap-2">
            <input
                id=format!("entry-type-{value}")
                type="radio"
                name="right_type"
                value=value
                checked=value == "provider"
                class="h-4 w-4"
            />
            <span>{move || label.get()}</span>
        </label>
    }
}

/// A technical user's API key, shown this once, with the warning that it will not be again.
#[component]
pub fn ApiKeyOnce(key: String, class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class=format!("{class} rounded border border-amber-400 bg-white p-4")>
            <p class="font-semibold">{t!(i18n, admin.api_key_label)}</p>
            <code class="mt-2 block select-all break-all rounded bg-stone-100 p-2 font-mono text-sm" data-testid="api-key">{key}</code>
            <p class="mt-2 text-sm text-amber-900">{t!(i18n, admin.api_key_warning)}</p>
        </div>
    }
}

/// "La saisie est confirmée": what was saved, the API key once, and the way on.
#[component]
fn Confirmation(confirmation: EntryConfirmation) -> impl IntoView {
    let i18n = use_i18n();
    let EntryConfirmation { right_id, right_type, who, api_key, login_created, invited_to_join, mail_withheld } = confirmation;
    let text = {
        let who = who.clone();
        move || match right_type {
            RightType::Provider => t_string!(i18n, admin.confirmed_provider, who = who.clone()).to_string(),
            RightType::Technical => t_string!(i18n, admin.confirmed_technical, who = who.clone()).to_string(),
            RightType::Employee if invited_to_join => t_string!(i18n, admin.confirmed_join_invitation, who = who.clone()).to_string(),
            RightType::Employee => t_string!(i18n, admin.confirmed_employee, who = who.clone()).to_string(),
        }
    };
    view! {
        <section role="status" class="rounded-lg border border-green-700 bg-green-50 p-5" data-testid="entry-confirmed">
            <h1 class="text-2xl font-semibold text-green-900">{t!(i18n, admin.confirmed_title)}</h1>
            <p class="mt-2 text-green-950">{text}</p>
            {login_created.then(|| view! { <p class="mt-2 text-green-950">{t!(i18n, admin.confirmed_login_created)}</p> })}
            {mail_withheld.map(|note| view! { <p class="mt-2 font-medium text-amber-900" data-testid="mail-withheld">{note}</p> })}
            {api_key.map(|key| view! { <ApiKeyOnce key=key class="mt-4"/> })}
            <div class="mt-6 flex flex-wrap gap-3">
                <a href=format!("/admin/rights/{right_id}/services") class=BUTTON>{t!(i18n, admin.next_grant)}</a>
                <a href="/admin/rights" class=BUTTON_SECONDARY>{t!(i18n, admin.back_to_list)}</a>
                <a href="/admin/rights/new" rel="external" class=LINK>{t!(i18n, admin.enter_another)}</a>
            </div>
        </section>
    }
}
