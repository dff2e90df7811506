//! The form of service authorizations — per service: on or off, all debtors or chosen ones —
//! shared by "Octroyer des autorisations de service" and "Modèles d'autorisations", and the
//! choice of a permission template that fills it in.

use crate::shared::form::{ticked, typed};
use leptos::prelude::*;

use super::{DebtorChoice, GrantInput, ServiceChoice, TemplateView};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::shared::ui::{BUTTON_SECONDARY, CARD, FIELD};

/// One service's state in the form. Every field is bound with `use:ticked`, so the state is
/// what the form shows, typed before the page woke up or not.
#[derive(Clone)]
pub struct ServiceState {
    pub choice: ServiceChoice,
    pub granted: RwSignal<bool>,
    pub all_debtors: RwSignal<bool>,
    /// Each debtor of the company, ticked or not for this service.
    pub debtors: StoredValue<Vec<(DebtorChoice, RwSignal<bool>)>>,
}

impl ServiceState {
    pub fn new(choice: ServiceChoice, debtors: &[DebtorChoice]) -> Self {
        let ticks = debtors.iter().map(|d| (d.clone(), RwSignal::new(choice.debtor_ids.contains(&d.debtor_id)))).collect();
        ServiceState { granted: RwSignal::new(choice.granted), all_debtors: RwSignal::new(choice.all_debtors), debtors: StoredValue::new(ticks), choice }
    }

    /// Takes what `grant` gives this service; off without one.
    pub fn set(&self, grant: Option<&GrantInput>) {
        self.granted.set(grant.is_some());
        self.all_debtors.set(grant.is_none_or(|g| g.all_debtors));
        let chosen = grant.map(|g| g.debtor_ids.as_slice()).unwrap_or_default();
        self.debtors.with_value(|ticks| ticks.iter().for_each(|(d, on)| on.set(chosen.contains(&d.debtor_id))));
    }
}

/// The form's own check before it is sent: the number of services that are on, or the
/// sentence to show instead when a service that is on has neither all debtors nor a chosen
/// one. The server checks the same (`grant.no_debtors`), without the service's name.
pub fn granted_services(states: &[ServiceState], locale: Locale) -> Result<usize, String> {
    let granted: Vec<&ServiceState> = states.iter().filter(|s| s.granted.get_untracked()).collect();
    for s in &granted {
        let some_debtor = s.debtors.with_value(|ticks| ticks.iter().any(|(_, on)| on.get_untracked()));
        if !s.all_debtors.get_untracked() && !some_debtor {
            let service = crate::services::service_label(locale, &s.choice.code, &s.choice.name);
            return Err(crate::i18n::td_string!(locale, admin.choose_debtor, service = service).to_string());
        }
    }
    Ok(granted.len())
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

/// One service of the form: a switch, then (shown by the style sheet while the switch is
/// on, so it works before the page wakes up) all debtors or the chosen ones. The fields are
/// named as [`super::GrantField`] reads them: `grants[<service>][on]`, `[scope]`,
/// `[debtors][<debtor>]`.
#[component]
pub fn ServiceCard(state: ServiceState) -> impl IntoView {
    let i18n = use_i18n();
    let ServiceState { choice, granted, all_debtors, debtors } = state;
    let id = choice.service_id;
    let field = move |name: &str| format!("grants[{id}][{name}]");
    let filter = RwSignal::new(String::new());
    let total = debtors.with_value(Vec::len);
    let shown = move |d: &DebtorChoice| {
        let needle = filter.get().trim().to_lowercase();
        needle.is_empty() || d.number.to_lowercase().contains(&needle) || d.name.to_lowercase().contains(&needle)
    };
    let code = choice.code.clone();
    view! {
        <fieldset class=CARD data-grant="" data-testid=format!("service-{code}")>
            <legend class="sr-only">{choice.name.clone()}</legend>
            <label class="flex items-center justify-between gap-4">
                <span class="text-lg font-semibold">{crate::services::service_label(i18n.get_locale_untracked(), &choice.code, &choice.name)}</span>
                <span class="flex items-center gap-2">
                    <span class="text-sm">{t!(i18n, admin.service_on)}</span>
                    <input
                        type="checkbox"
                        role="switch"
                        name=field("on")
                        value="on"
                        class="h-5 w-5"
                        checked=granted.get_untracked()
                        use:ticked=granted
                        data-grant-switch=""
                        data-testid="service-switch"
                    />
                </span>
            </label>
            <div data-grant-scope="">
                <div class="mt-3 flex flex-wrap gap-4" role="radiogroup">
                    <label class="flex items-center gap-2">
                        <input type="radio" name=field("scope") value="all" checked=all_debtors.get_untracked() use:ticked=all_debtors class="h-4 w-4"/>
                        <span>{t!(i18n, admin.all_debtors)}</span>
                    </label>
                    <label class="flex items-center gap-2">
                        <input type="radio" name=field("scope") value="chosen" checked=!all_debtors.get_untracked() prop:checked=move || !all_debtors.get() on:change=move |_| all_debtors.set(false) class="h-4 w-4" data-grant-chosen="" data-testid="chosen-debtors"/>
                        <span>{t!(i18n, admin.chosen_debtors)}</span>
                    </label>
                </div>
                <div class="mt-3 rounded border border-stone-200 p-3" data-grant-debtors="">
                    <div class="flex flex-wrap items-end gap-3">
                        <div class="grow">
                            <label for=format!("filter-{id}") class="block text-sm font-medium">{t!(i18n, admin.debtor_filter)}</label>
                            <input id=format!("filter-{id}") type="search" class=FIELD use:typed=filter/>
                        </div>
                        <button type="button" class=BUTTON_SECONDARY on:click=move |_| {
                            debtors.with_value(|ticks| ticks.iter().filter(|(d, _)| shown(d)).for_each(|(_, on)| on.set(true)));
                        }>{t!(i18n, admin.select_visible)}</button>
                        <button type="button" class=BUTTON_SECONDARY on:click=move |_| {
                            debtors.with_value(|ticks| ticks.iter().for_each(|(_, on)| on.set(false)));
                        }>{t!(i18n, admin.clear_debtors)}</button>
                    </div>
                    <p class="mt-2 text-sm text-stone-700" aria-live="polite">
                        {move || {
                            let count = debtors.with_value(|ticks| ticks.iter().filter(|(_, on)| on.get()).count());
                            t_string!(i18n, admin.debtors_selected, count = count, total = total).to_string()
                        }}
                    </p>
                    <ul class="mt-2 max-h-64 space-y-1 overflow-y-auto" data-testid="debtor-list">
                        {debtors.get_value().into_iter().map(|(d, on)| {
                            let hidden = { let d = d.clone(); move || !shown(&d) };
                            view! {
                                <li hidden=hidden>
                                    <label class="flex items-center gap-2">
                                        <input type="checkbox" name=format!("grants[{id}][debtors][{}]", d.debtor_id) value="on" class="h-4 w-4" checked=on.get_untracked() use:ticked=on/>
                                        <span class="font-mono text-sm">{d.number}</span>
                                        <span>{d.name}</span>
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                        <li class="text-stone-600" hidden=move || debtors.with_value(|ticks| ticks.iter().any(|(d, _)| shown(d)))>{t!(i18n, admin.no_debtor_match)}</li>
                    </ul>
                </div>
            </div>
        </fieldset>
    }
}
