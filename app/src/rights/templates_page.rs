//! "Modèles d'autorisations": the acting company's permission templates, each a name and its
//! services and debtors, made, changed and deleted here and applied on "Saisir un
//! utilisateur" and "Octroyer des autorisations de service".

use leptos::prelude::*;
use leptos_meta::Title;

use super::grants_form::{granted_services, ServiceCard, ServiceState};
use super::{load_templates, DebtorChoice, DeleteTemplate, SaveTemplate, TemplateView, TemplatesView};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::layout::frame::SignedInPage;
use crate::rights::list_page::AdminCrumbs;
use crate::shared::form::{form_action, held, typed};
use crate::shared::refusal::PortalError;
use crate::shared::ui::{Outcome, BUTTON, BUTTON_SECONDARY, CARD, FIELD};
use leptos::server_fn::ServerFn as _;

/// After a template is saved the page is loaded again with `?modele=<id>`, after a deletion
/// with `?supprime=1`: the list is then as stored, and the page says what was done.
const SAVED: &str = "modele";
const DELETED: &str = "supprime";
pub const PATH: &str = "/admin/rights/templates";

/// The page once the template `template_id` was saved.
pub fn saved_path(template_id: i64) -> String {
    format!("{PATH}?{SAVED}={template_id}")
}

/// The page once a template was deleted.
pub fn deleted_path() -> String {
    format!("{PATH}?{DELETED}=1")
}

async fn load(_: ()) -> Result<TemplatesView, PortalError> {
    load_templates().await
}

#[component]
pub fn GrantTemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let content = |data: TemplatesView| view! { <GrantTemplates data=data/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), admin.templates).to_string()/>
        <SignedInPage key=Signal::stored(()) load=load view=content/>
    }
}

#[component]
fn GrantTemplates(data: TemplatesView) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let query = leptos_router::hooks::use_query_map();
    let saved_id = query.with_untracked(|q| q.get(SAVED).and_then(|id| id.parse::<i64>().ok()));
    let done = match saved_id.and_then(|id| data.templates.iter().find(|t| t.template_id == id)) {
        Some(template) => Some(td_string!(locale, admin.template_saved, name = template.name.clone()).to_string()),
        None if query.with_untracked(|q| q.get(DELETED).is_some()) => Some(td_string!(locale, admin.template_deleted).to_string()),
        None => None,
    };
    view! {
        <AdminCrumbs last=td_string!(locale, admin.templates).to_string()/>
        <h1 class="text-2xl font-semibold">{t!(i18n, admin.templates)}</h1>
        <p class="mt-2 max-w-3xl text-stone-700">{t!(i18n, admin.templates_intro)}</p>
        <p class="mt-3 max-w-3xl rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">{t!(i18n, admin.templates_copy_note)}</p>
        {done.map(|text| view! { <p role="status" class="mt-4 font-medium text-green-800" data-testid="templates-done">{text}</p> })}
        <TemplateEditor data=data/>
    }
}

/// "tous les débiteurs", or the chosen debtors' numbers and names.
fn debtors_text(locale: Locale, grant: &super::GrantInput, debtors: &[DebtorChoice]) -> String {
    if grant.all_debtors {
        return td_string!(locale, admin.template_all_debtors).to_string();
    }
    grant
        .debtor_ids
        .iter()
        .filter_map(|id| debtors.iter().find(|d| d.debtor_id == *id))
        .map(|d| format!("{} {}", d.number, d.name))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// An island: the list with "Modifier" and "Supprimer", and the form that makes a template or
/// changes the one chosen.
#[cfg_attr(not(island_rights_entry), component)]
#[cfg_attr(island_rights_entry, island)]
fn TemplateEditor(data: TemplatesView) -> impl IntoView {
    let i18n = use_i18n();
    let TemplatesView { templates, services, debtors } = data;
    let states = StoredValue::new(services.into_iter().map(|s| ServiceState::new(s, &debtors)).collect::<Vec<_>>());
    let debtors = StoredValue::new(debtors);
    let editing = RwSignal::new(None::<TemplateView>);
    let name = RwSignal::new(String::new());
    let name_input = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<String>);
    let save = form_action::<SaveTemplate>();
    let delete = form_action::<DeleteTemplate>();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            let _ = window().location().set_href(&saved_path(id));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            let _ = window().location().set_href(&deleted_path());
        }
    });
    let edit = move |template: Option<TemplateView>| {
        states.with_value(|states| {
            for s in states {
                s.set(template.as_ref().and_then(|t| t.services.iter().find(|g| g.service_id == s.choice.service_id)));
            }
        });
        name.set(template.as_ref().map(|t| t.name.clone()).unwrap_or_default());
        editing.set(template);
        problem.set(None);
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<SaveTemplate>(&ev) else { return };
        problem.set(None);
        let locale = i18n.get_locale_untracked();
        match states.with_value(|states| granted_services(states, locale)) {
            Ok(0) => problem.set(Some(td_string!(locale, errors.template_empty).to_string())),
            Ok(_) => {
                save.dispatch(input);
            }
            Err(sentence) => problem.set(Some(sentence)),
        }
    };
    let editing_id = move || editing.with(|t| t.as_ref().map_or(0, |t| t.template_id)).to_string();
    let has_templates = !templates.is_empty();
    view! {
        <section class="mt-6" aria-labelledby="templates-title">
            <h2 id="templates-title" class="sr-only">{t!(i18n, admin.templates)}</h2>
            {if has_templates {
                view! {
                    <ul class="grid gap-4 md:grid-cols-2" data-testid="templates">
                        {templates.into_iter().map(|template| {
                            let for_edit = template.clone();
                            let TemplateView { template_id, name: title, services } = template;
                            let (edit_label, delete_label, data_name) = (title.clone(), title.clone(), title.clone());
                            view! {
                                <li class=CARD data-testid="template" data-name=data_name>
                                    <h3 class="font-semibold">{title}</h3>
                                    <ul class="mt-2 space-y-1 text-sm">
                                        {services.into_iter().map(|grant| {
                                            let code = states.with_value(|s| s.iter().find(|s| s.choice.service_id == grant.service_id).map(|s| (s.choice.code.clone(), s.choice.name.clone())));
                                            let (code, fallback) = code.unwrap_or_default();
                                            view! {
                                                <li>
                                                    <span class="font-medium">{move || crate::services::service_label(i18n.get_locale(), &code, &fallback)}</span>
                                                    " : "
                                                    {move || debtors.with_value(|d| debtors_text(i18n.get_locale(), &grant, d))}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    <div class="mt-3 flex flex-wrap gap-3">
                                        <button type="button" class=BUTTON_SECONDARY
                                            aria-label=move || t_string!(i18n, admin.template_edit, name = edit_label.clone()).to_string()
                                            on:click=move |_| edit(Some(for_edit.clone()))>
                                            {t!(i18n, admin.template_change)}
                                        </button>
                                        <form method="post" action=DeleteTemplate::url() on:submit=move |ev: leptos::ev::SubmitEvent| {
                                            if let Some(input) = held::<DeleteTemplate>(&ev) {
                                                delete.dispatch(input);
                                            }
                                        }>
                                            <input type="hidden" name="template_id" value=template_id.to_string()/>
                                            <button type="submit" class=BUTTON_SECONDARY
                                                aria-label=move || t_string!(i18n, admin.template_delete_label, name = delete_label.clone()).to_string()
                                                disabled=move || delete.pending().get()>
                                                {t!(i18n, admin.template_delete)}
                                            </button>
                                        </form>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            } else {
                view! { <p class="text-stone-700">{t!(i18n, admin.templates_none)}</p> }.into_any()
            }}
            <p role="alert" class="mt-2 font-medium text-red-700 empty:hidden">
                {move || match delete.value().get() {
                    Some(Err(error)) => Some(error.text(i18n.get_locale())),
                    _ => None,
                }}
            </p>
        </section>
        <section class="mt-8" aria-labelledby="template-editor">
            <h2 id="template-editor" class="text-lg font-semibold">
                {move || match editing.get() {
                    Some(template) => t_string!(i18n, admin.template_edit, name = template.name).to_string(),
                    None => t_string!(i18n, admin.template_new).to_string(),
                }}
            </h2>
            <form class="mt-3 space-y-4" method="post" action=SaveTemplate::url() novalidate=true on:submit=submit data-testid="template-form">
                <input type="hidden" name="template_id" value=editing_id/>
                <div class=CARD>
                    <label for="template-name" class="block font-medium">{t!(i18n, admin.template_name)}</label>
                    <input id="template-name" name="name" node_ref=name_input type="text" required=true maxlength="100" autocomplete="off"
                        aria-describedby="template-name-hint" class=FIELD
                        use:typed=name/>
                    <p id="template-name-hint" class="mt-1 text-sm text-stone-600">{t!(i18n, admin.template_name_hint)}</p>
                </div>
                {states.get_value().into_iter().map(|s| view! { <ServiceCard state=s/> }).collect_view()}
                <p role="alert" aria-live="assertive" class="font-medium text-red-700 empty:hidden">{move || problem.get()}</p>
                <Outcome value=Signal::derive(move || save.value().get()) success=Signal::derive(String::new)/>
                <div class="flex flex-wrap gap-3">
                    <button type="submit" class=BUTTON disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t_string!(i18n, admin.saving) } else { t_string!(i18n, admin.template_save) }}
                    </button>
                    <Show when=move || editing.with(Option::is_some)>
                        <button type="button" class=BUTTON_SECONDARY on:click=move |_| edit(None)>{t!(i18n, admin.template_new)}</button>
                    </Show>
                    <a href="/admin/rights" class=BUTTON_SECONDARY>{t!(i18n, admin.back_to_list)}</a>
                </div>
            </form>
        </section>
    }
}
