//! The form of service authorizations — per service: on or off, all debtors or chosen ones —
//! shared by "Octroyer des autorisations de service" and "Modèles d'autorisations", and the
//! choice of a permission template that fills it in.

use std::collections::BTreeSet;

use crate::shared::form::{ticked, typed};
use leptos::prelude::*;

use super::{DebtorChoice, GrantInput, ServiceChoice, TemplateView};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::shared::ui::{BUTTON_SECONDARY, CARD, FIELD};

/// One service's state in the form.
#[derive(Clone)]
pub struct ServiceState {
    pub choice: ServiceChoice,
    pub granted: RwSignal<bool>,
    pub all_debtors: RwSignal<bool>,
    pub debtors: RwSignal<BTreeSet<i64>>,
}

impl ServiceState {
    pub fn new(choice: ServiceChoice) -> Self {
        ServiceState {
            granted: RwSignal::new(choice.granted),
            all_debtors: RwSignal::new(choice.all_debtors),
            debtors: RwSignal::new(choice.debtor_ids.iter().copied().collect()),
            choice,
        }
    }

    /// Takes what `grant` gives this service; off without one.
    pub fn set(&self, grant: Option<&GrantInput>) {
        self.granted.set(grant.is_some());
        self.all_debtors.set(grant.is_none_or(|g| g.all_debtors));
        self.debtors.set(grant.map(|g| g.debtor_ids.iter().copied().collect()).unwrap_or_default());
    }
}

/// What the form holds, to send; the sentence to show instead when a service that is on has
/// neither all debtors nor a chosen one.
pub fn chosen_grants(states: &[ServiceState], locale: Locale) -> Result<Vec<GrantInput>, String> {
    let mut grants = Vec::new();
    for s in states {
        if !s.granted.get_untracked() {
            continue;
        }
        let all_debtors = s.all_debtors.get_untracked();
        let debtor_ids: Vec<i64> = if all_debtors { Vec::new() } else { s.debtors.get_untracked().into_iter().collect() };
        if !all_debtors && debtor_ids.is_empty() {
            let service = crate::services::service_label(locale, &s.choice.code, &s.choice.name);
            return Err(crate::i18n::td_string!(locale, admin.choose_debtor, service = service).to_string());
        }
        grants.push(GrantInput { service_id: s.choice.service_id, all_debtors, debtor_ids });
    }
    Ok(grants)
}

/// "Appliquer le modèle": fills the form in with a template's services and debtors, to check
/// and save (nothing is saved before).
#[component]
pub fn TemplateApply(templates: Vec<TemplateView>, states: StoredValue<Vec<ServiceState>>) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(templates.first().map(|t| t.template_id.to_string()).unwrap_or_default());
    let applied = RwSignal::new(None::<String>);
    let templates = StoredValue::new(templates);
    let apply = move |_| {
        let id = chosen.get_untracked();
        let Some(template) = templates.with_value(|all| all.iter().find(|t| t.template_id.to_string() == id).cloned()) else {
            return;
        };
        states.with_value(|states| {
            for s in states {
                s.set(template.services.iter().find(|g| g.service_id == s.choice.service_id));
            }
        });
        applied.set(Some(template.name));
    };
    view! {
        <div class=format!("{CARD} mt-6") data-testid="template-apply">
            <div class="flex flex-wrap items-end gap-3">
                <div class="grow">
                    <label for="apply-template" class="block font-medium">{t!(i18n, admin.template_choose)}</label>
                    <select id="apply-template" class=FIELD on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {templates.get_value().into_iter().map(|t| view! { <option value=t.template_id.to_string()>{t.name}</option> }).collect_view()}
                    </select>
                </div>
                <button type="button" class=BUTTON_SECONDARY on:click=apply>{t!(i18n, admin.template_apply)}</button>
            </div>
            <p role="status" class="mt-2 text-stone-800 empty:hidden">
                {move || applied.get().map(|name| t_string!(i18n, admin.template_applied, name = name).to_string())}
            </p>
        </div>
    }
}

#[component]
pub fn ServiceCard(state: ServiceState, debtors: StoredValue<Vec<DebtorChoice>>) -> impl IntoView {
    let i18n = use_i18n();
    let ServiceState { choice, granted, all_debtors, debtors: chosen } = state;
    let id = choice.service_id;
    let filter = RwSignal::new(String::new());
    let total = debtors.with_value(|d| d.len());
    let visible = move || {
        let needle = filter.get().trim().to_lowercase();
        debtors.with_value(|all| {
            all.iter()
                .filter(|d| needle.is_empty() || d.number.to_lowercase().contains(&needle) || d.name.to_lowercase().contains(&needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let code = choice.code.clone();
    view! {
        <fieldset class=CARD data-testid=format!("service-{code}")>
            <legend class="sr-only">{choice.name.clone()}</legend>
            <label class="flex items-center justify-between gap-4">
                <span class="text-lg font-semibold">{crate::services::service_label(i18n.get_locale_untracked(), &choice.code, &choice.name)}</span>
                <span class="flex items-center gap-2">
                    <span class="text-sm">{t!(i18n, admin.service_on)}</span>
                    <input
                        type="checkbox"
                        role="switch"
                        class="h-5 w-5"
                        checked=granted.get_untracked()
                        use:ticked=granted
                        data-testid="service-switch"
                    />
                </span>
            </label>
            <Show when=move || granted.get()>
                <div class="mt-3 flex flex-wrap gap-4" role="radiogroup">
                    <label class="flex items-center gap-2">
                        <input type="radio" name=format!("scope-{id}") checked=all_debtors.get_untracked() use:ticked=all_debtors class="h-4 w-4"/>
                        <span>{t!(i18n, admin.all_debtors)}</span>
                    </label>
                    <label class="flex items-center gap-2">
                        <input type="radio" name=format!("scope-{id}") checked=!all_debtors.get_untracked() prop:checked=move || !all_debtors.get() on:change=move |_| all_debtors.set(false) class="h-4 w-4" data-testid="chosen-debtors"/>
                        <span>{t!(i18n, admin.chosen_debtors)}</span>
                    </label>
                </div>
                <Show when=move || !all_debtors.get()>
                    <div class="mt-3 rounded border border-stone-200 p-3">
                        <div class="flex flex-wrap items-end gap-3">
                            <div class="grow">
                                <label for=format!("filter-{id}") class="block text-sm font-medium">{t!(i18n, admin.debtor_filter)}</label>
                                <input id=format!("filter-{id}") type="search" class=FIELD use:typed=filter/>
                            </div>
                            <button type="button" class=BUTTON_SECONDARY on:click=move |_| {
                                let shown: Vec<i64> = visible().iter().map(|d| d.debtor_id).collect();
                                chosen.update(|c| c.extend(shown));
                            }>{t!(i18n, admin.select_visible)}</button>
                            <button type="button" class=BUTTON_SECONDARY on:click=move |_| chosen.set(BTreeSet::new())>{t!(i18n, admin.clear_debtors)}</button>
                        </div>
                        <p class="mt-2 text-sm text-stone-700" aria-live="polite">
                            {move || t_string!(i18n, admin.debtors_selected, count = chosen.with(|c| c.len()), total = total).to_string()}
                        </p>
                        <ul class="mt-2 max-h-64 space-y-1 overflow-y-auto" data-testid="debtor-list">
                            {move || {
                                let shown = visible();
                                if shown.is_empty() {
                                    return view! { <li class="text-stone-600">{t!(i18n, admin.no_debtor_match)}</li> }.into_any();
                                }
                                shown.into_iter().map(|d| {
                                    let debtor_id = d.debtor_id;
                                    view! {
                                        <li>
                                            <label class="flex items-center gap-2">
                                                <input
                                                    type="checkbox"
                                                    class="h-4 w-4"
                                                    prop:checked=move || chosen.with(|c| c.contains(&debtor_id))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        chosen.update(|c| { if on { c.insert(debtor_id); } else { c.remove(&debtor_id); } });
                                                    }
                                                />
                                                <span class="font-mono text-sm">{d.number}</span>
                                                <span>{d.name}</span>
                                            </label>
                                        </li>
                                    }
                                }).collect_view().into_any()
                            }}
                        </ul>
                    </div>
                </Show>
            </Show>
        </fieldset>
    }
}
