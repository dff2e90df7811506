//! One right of the acting company: its data and end ("Gérer"), and its service
//! authorizations ("Octroyer des autorisations de service").

use crate::shared::refusal::PortalError;

use crate::shared::form::{form_action, held};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use portal_core::domain::{Awaiting, RightStatus, RightType};

use super::enter_page::ApiKeyOnce;
use super::grants_form::{granted_services, ServiceCard, ServiceState, TemplateApply};
use super::{
    load_right, DecideRequest, EndRight, ExtendRight, ResendInvitation, ResumeRight, RightDetail, RightPageNotes, SaveGrants, SuspendRight, UpdateRight,
};
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::layout::frame::SignedInPage;
use crate::rights::list_page::{role_text, status_cell, AdminCrumbs, AnswerBy};
use crate::shared::format::swiss_day;
use crate::shared::ui::{reload_when, textarea_text, Outcome, BUTTON, BUTTON_DANGER, BUTTON_SECONDARY, CARD, FIELD, LINK};
use portal_core::domain::Extension;

/// The flag of the authorizations page once a form sent before the page woke up (or without
/// JavaScript) was saved: the page says so above the form.
const GRANTS_SAVED: &str = "enregistre";

/// The authorizations page of `right_id` once they were saved.
pub fn grants_saved_path(right_id: i64) -> String {
    format!("/admin/rights/{right_id}/services?{GRANTS_SAVED}=1")
}

/// The right's id from the route.
fn right_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || params.read().get("id").and_then(|id| id.parse().ok()).unwrap_or(0))
}

fn display_name(detail: &RightDetail) -> String {
    let name = format!("{} {}", detail.row.first_name, detail.row.last_name).trim().to_string();
    if name.is_empty() {
        detail.row.email.clone()
    } else {
        name
    }
}

/// "Annuler" in a disclosure's question closes the disclosure (its summary does too, awake
/// or not).
fn close_disclosure(ev: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;
    let details = ev.target().and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok()).and_then(|el| el.closest("details").ok().flatten());
    if let Some(details) = details {
        let _ = details.remove_attribute("open");
    }
}

/// The right's data, and what its page says once about the change just made to it.
async fn load_page(right_id: i64) -> Result<(RightDetail, RightPageNotes), PortalError> {
    let detail = load_right(right_id).await?;
    #[cfg(feature = "ssr")]
    let notes = super::notes::notes_for_the_right_s_page(right_id).await?;
    #[cfg(not(feature = "ssr"))]
    let notes = RightPageNotes::default();
    Ok((detail, notes))
}

/// Above the page's island, so that its sentences are rendered by the server alone.
#[component]
fn Notes(notes: RightPageNotes) -> impl IntoView {
    let i18n = use_i18n();
    let RightPageNotes { mail_withheld, api_key } = notes;
    view! {
        {mail_withheld.then(|| view! {
            <p role="status" class="mb-4 rounded border border-amber-300 bg-amber-50 px-3 py-2 font-medium text-amber-950" data-testid="mail-withheld">
                {t!(i18n, admin.mail_withheld)}
            </p>
        })}
        {api_key.map(|key| view! {
            <div role="status" data-testid="entry-confirmed"><ApiKeyOnce key=key class="mb-4"/></div>
        })}
    }
}

/// "Gérer": remark, end date, administrator flag, revoke / cancel / resend.
#[component]
pub fn ManageRightPage() -> impl IntoView {
    let i18n = use_i18n();
    let content = |(detail, notes): (RightDetail, RightPageNotes)| view! { <Notes notes=notes/><ManageRight detail=detail/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), admin.manage).to_string()/>
        <SignedInPage key=right_id() load=load_page view=content/>
    }
}

/// An island: after a change the page is loaded again, with the right's new state.
#[cfg_attr(not(island_right), component)]
#[cfg_attr(island_right, island)]
fn ManageRight(detail: RightDetail) -> impl IntoView {
    let i18n = use_i18n();
    let name = display_name(&detail);
    let row = detail.row.clone();
    let ended = row.status.is_ended();
    let update = form_action::<UpdateRight>();
    let end = form_action::<EndRight>();
    let resend = form_action::<ResendInvitation>();
    let decide = form_action::<DecideRequest>();
    let extend = form_action::<ExtendRight>();
    let suspend = form_action::<SuspendRight>();
    let resume = form_action::<ResumeRight>();
    reload_when(move || {
        let done = |v: Option<Result<(), PortalError>>| matches!(v, Some(Ok(())));
        done(update.value().get())
            || done(end.value().get())
            || done(decide.value().get())
            || done(resend.value().get())
            || done(extend.value().get())
            || done(suspend.value().get())
            || done(resume.value().get())
    });
    let (right_type, status, awaiting) = (row.right_type, row.status, row.awaiting);
    let end_how = match (row.status, row.awaiting) {
        (RightStatus::Active | RightStatus::Suspended, _) => Some("revoke"),
        (RightStatus::Pending, Some(Awaiting::Provider)) => Some("cancel"),
        _ => None,
    };
    let extend_from = row.end_date.clone();
    view! {
        <AdminCrumbs last=name.clone()/>
        <h1 class="text-2xl font-semibold">{name.clone()}</h1>
        <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-stone-800">
            <dt class="text-stone-600">{t!(i18n, admin.col_email)}</dt>
            <dd class="break-all">{row.email.clone()}</dd>
            <dt class="text-stone-600">{t!(i18n, admin.col_company)}</dt>
            <dd>{row.company.clone()}</dd>
            <dt class="text-stone-600">{t!(i18n, admin.type_label)}</dt>
            <dd>{move || role_text(i18n.get_locale(), right_type, row.is_admin)}</dd>
            <dt class="text-stone-600">{t!(i18n, admin.status_label)}</dt>
            <dd data-testid="manage-status">
                {move || status_cell(i18n.get_locale(), status, awaiting)}
                <AnswerBy date=row.answer_by.clone()/>
            </dd>
        </dl>
        <div class="mt-6 grid gap-6 lg:grid-cols-2">
            {if ended {
                view! { <p class=CARD>{t!(i18n, admin.ended)}</p> }.into_any()
            } else {
                view! {
                    <section class=CARD aria-labelledby="details-title">
                        <h2 id="details-title" class="text-lg font-semibold">{t!(i18n, admin.details)}</h2>
                        <ActionForm action=update attr:class="mt-3 space-y-4">
                            <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                            <input type="hidden" name="version" value=row.version.to_string()/>
                            <div>
                                <label for="right-remark" class="block font-medium">{t!(i18n, admin.remark)}</label>
                                <textarea id="right-remark" name="remark" rows="3" maxlength="500" class=FIELD>{textarea_text(&row.remark)}</textarea>
                            </div>
                            <div>
                                <label for="right-end" class="block font-medium">{t!(i18n, admin.end_date)}</label>
                                <input id="right-end" name="end_date" type="date" value=row.end_date.clone() class=FIELD/>
                            </div>
                            {(row.right_type == RightType::Employee).then(|| view! {
                                <label class="flex items-center gap-2">
                                    <input type="checkbox" name="administrator" value="on" checked=row.is_admin class="h-4 w-4"/>
                                    <span>{t!(i18n, admin.administrator)}</span>
                                </label>
                            })}
                            <Outcome value=Signal::derive(move || update.value().get()) success=Signal::derive(move || t_string!(i18n, admin.details_saved).to_string())/>
                            <button type="submit" class=BUTTON>{t!(i18n, admin.submit)}</button>
                        </ActionForm>
                    </section>
                }.into_any()
            }}
            {(!ended && !extend_from.is_empty()).then(|| {
                let ends = swiss_day(&extend_from);
                let (right_id, version) = (row.right_id, row.version);
                view! {
                    <section id="extend" class=CARD aria-labelledby="extend-title" data-testid="extend">
                        <h2 id="extend-title" class="text-lg font-semibold">{t!(i18n, admin.extend_title)}</h2>
                        <p class="mt-2 text-stone-800" data-testid="extend-ends">{move || t_string!(i18n, admin.extend_intro, date = ends.clone())}</p>
                        <div class="mt-3 flex flex-wrap gap-3">
                            {Extension::MONTHS.into_iter().map(|months| view! {
                                <ActionForm action=extend>
                                    <input type="hidden" name="right_id" value=right_id.to_string()/>
                                    <input type="hidden" name="version" value=version.to_string()/>
                                    <input type="hidden" name="months" value=months.to_string()/>
                                    <button type="submit" class=BUTTON_SECONDARY>{move || t_string!(i18n, admin.extend_months, months = months)}</button>
                                </ActionForm>
                            }).collect_view()}
                        </div>
                        <ActionForm action=extend attr:class="mt-4 flex flex-wrap items-end gap-3">
                            <input type="hidden" name="right_id" value=right_id.to_string()/>
                            <input type="hidden" name="version" value=version.to_string()/>
                            <div>
                                <label for="extend-until" class="block font-medium">{t!(i18n, admin.extend_until)}</label>
                                <input id="extend-until" name="until" type="date" required min=extend_from.clone() class=FIELD/>
                            </div>
                            <button type="submit" class=BUTTON>{t!(i18n, admin.extend_submit)}</button>
                        </ActionForm>
                        <Outcome value=Signal::derive(move || extend.value().get()) success=Signal::derive(move || t_string!(i18n, admin.extended).to_string())/>
                    </section>
                }
            })}
            <section class=CARD aria-label=move || t_string!(i18n, admin.col_actions)>
                <div class="flex flex-col items-start gap-4">
                    {(!ended).then(|| view! {
                        <a href=format!("/admin/rights/{}/services", row.right_id) class=LINK>{t!(i18n, admin.grant_services)}</a>
                    })}
                    {(row.awaiting == Some(Awaiting::Principal)).then(|| view! {
                        <div class="rounded border border-amber-300 bg-amber-50 p-4" data-testid="request-decision">
                            <p class="text-amber-950">{t!(i18n, admin.request_note)}</p>
                            <div class="mt-3 flex flex-wrap gap-3">
                                <ActionForm action=decide>
                                    <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                                    <input type="hidden" name="version" value=row.version.to_string()/>
                                    <input type="hidden" name="approve" value="true"/>
                                    <button type="submit" class=BUTTON>{t!(i18n, admin.approve)}</button>
                                </ActionForm>
                                <ActionForm action=decide>
                                    <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                                    <input type="hidden" name="version" value=row.version.to_string()/>
                                    <input type="hidden" name="approve" value="false"/>
                                    <button type="submit" class=BUTTON_DANGER>{t!(i18n, admin.decline)}</button>
                                </ActionForm>
                            </div>
                            <Outcome value=Signal::derive(move || decide.value().get()) success=Signal::derive(move || t_string!(i18n, admin.decided).to_string())/>
                        </div>
                    })}
                    {(row.awaiting == Some(Awaiting::Provider) || row.lapsed_invitation).then(|| view! {
                        <ActionForm action=resend>
                            <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                            <button type="submit" class=BUTTON_SECONDARY>{t!(i18n, admin.resend)}</button>
                        </ActionForm>
                        <Outcome value=Signal::derive(move || resend.value().get()) success=Signal::derive(move || t_string!(i18n, admin.resent).to_string())/>
                    })}
                    {match (row.status, row.own) {
                        (RightStatus::Active, false) => view! {
                            <div data-testid="suspension">
                                <p class="text-stone-700">{t!(i18n, admin.suspend_note)}</p>
                                <ActionForm action=suspend attr:class="mt-2">
                                    <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                                    <input type="hidden" name="version" value=row.version.to_string()/>
                                    <button type="submit" class=BUTTON_SECONDARY>{t!(i18n, admin.suspend)}</button>
                                </ActionForm>
                                <Outcome value=Signal::derive(move || suspend.value().get()) success=Signal::derive(move || t_string!(i18n, admin.suspended).to_string())/>
                            </div>
                        }.into_any(),
                        (RightStatus::Suspended, false) => view! {
                            <div class="rounded border border-amber-300 bg-amber-50 p-4" data-testid="suspension">
                                <p class="text-amber-950">{t!(i18n, admin.suspended_note)}</p>
                                <ActionForm action=resume attr:class="mt-3">
                                    <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                                    <input type="hidden" name="version" value=row.version.to_string()/>
                                    <button type="submit" class=BUTTON>{t!(i18n, admin.resume)}</button>
                                </ActionForm>
                                <Outcome value=Signal::derive(move || resume.value().get()) success=Signal::derive(move || t_string!(i18n, admin.resumed).to_string())/>
                            </div>
                        }.into_any(),
                        _ => ().into_any(),
                    }}
                    {match (end_how, row.own) {
                        (Some(_), true) => view! { <p class="text-stone-700">{t!(i18n, admin.own_right_note)}</p> }.into_any(),
                        // A disclosure, not a script: the question and its form work before
                        // the page wakes up.
                        (Some(how), false) => view! {
                            <details data-testid="end-right">
                                <summary class=format!("{BUTTON_DANGER} inline-block cursor-pointer")>
                                    {move || if how == "revoke" { t_string!(i18n, admin.revoke) } else { t_string!(i18n, admin.cancel_invitation) }}
                                </summary>
                                <div role="alertdialog" aria-labelledby="end-question" class="mt-3 rounded border border-red-300 bg-red-50 p-4">
                                    <p id="end-question" class="font-medium text-red-900">
                                        {move || if how == "revoke" { t_string!(i18n, admin.revoke_confirm) } else { t_string!(i18n, admin.cancel_confirm) }}
                                    </p>
                                    <ActionForm action=end attr:class="mt-3 flex flex-wrap gap-3">
                                        <input type="hidden" name="right_id" value=row.right_id.to_string()/>
                                        <input type="hidden" name="version" value=row.version.to_string()/>
                                        <input type="hidden" name="how" value=how/>
                                        <button type="submit" class=BUTTON_DANGER>{t!(i18n, admin.confirm_yes)}</button>
                                        <button type="button" class=BUTTON_SECONDARY on:click=close_disclosure>{t!(i18n, admin.cancel)}</button>
                                    </ActionForm>
                                </div>
                            </details>
                        }.into_any(),
                        (None, _) => ().into_any(),
                    }}
                    <Outcome value=Signal::derive(move || end.value().get()) success=Signal::derive(move || t_string!(i18n, admin.ended).to_string())/>
                    <a href="/admin/rights" class=LINK>{t!(i18n, admin.back_to_list)}</a>
                </div>
            </section>
        </div>
    }
}

/// "Octroyer des autorisations de service".
#[component]
pub fn GrantServicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let saved = leptos_router::hooks::use_query_map().with_untracked(|q| q.get(GRANTS_SAVED).is_some());
    let content = move |(detail, notes): (RightDetail, RightPageNotes)| {
        view! {
            {saved.then(|| view! {
                <p role="status" class="mb-4 rounded border border-green-300 bg-green-50 px-3 py-2 font-medium text-green-900" data-testid="grants-saved">
                    {t!(i18n, admin.grants_saved)}
                </p>
            })}
            <Notes notes=notes/>
            <GrantServices detail=detail/>
        }
        .into_any()
    };
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), admin.grant_services).to_string()/>
        <SignedInPage key=right_id() load=load_page view=content/>
    }
}

#[cfg_attr(not(island_right), component)]
#[cfg_attr(island_right, island)]
fn GrantServices(detail: RightDetail) -> impl IntoView {
    let i18n = use_i18n();
    let name = display_name(&detail);
    let pending = detail.row.status == RightStatus::Pending;
    let right_id = detail.row.right_id;
    let services: Vec<ServiceState> = detail.services.iter().cloned().map(|s| ServiceState::new(s, &detail.debtors)).collect();
    let templates = detail.templates.clone();
    let save = form_action::<SaveGrants>();
    let problem = RwSignal::new(None::<String>);
    let all = StoredValue::new(services.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(input) = held::<SaveGrants>(&ev) else { return };
        problem.set(None);
        match all.with_value(|states| granted_services(states, i18n.get_locale_untracked())) {
            Ok(_) => {
                save.dispatch(input);
            }
            Err(sentence) => problem.set(Some(sentence)),
        }
    };
    view! {
        <AdminCrumbs last=t_string!(i18n, admin.grant_services).to_string()/>
        <h1 class="text-2xl font-semibold">{t!(i18n, admin.grant_services)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, admin.grants_intro, who = name.clone())}</p>
        {pending.then(|| view! {
            <p class="mt-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">{t!(i18n, admin.grants_pending_note)}</p>
        })}
        {if services.is_empty() {
            view! { <p class="mt-6">{t!(i18n, admin.no_services)}</p> }.into_any()
        } else {
            view! {
                {(!templates.is_empty()).then(|| view! { <TemplateApply templates=templates states=all/> })}
                <form class="mt-6 space-y-4" method="post" action=SaveGrants::url() on:submit=submit data-testid="grants-form">
                    <input type="hidden" name="right_id" value=right_id.to_string()/>
                    {services.into_iter().map(|s| view! { <ServiceCard state=s/> }).collect_view()}
                    <p role="alert" aria-live="assertive" class="font-medium text-red-700 empty:hidden">{move || problem.get()}</p>
                    <Outcome value=Signal::derive(move || save.value().get()) success=Signal::derive(move || t_string!(i18n, admin.grants_saved).to_string())/>
                    <div class="flex flex-wrap gap-3">
                        <button type="submit" class=BUTTON disabled=move || save.pending().get()>
                            {move || if save.pending().get() { t_string!(i18n, admin.saving) } else { t_string!(i18n, admin.submit) }}
                        </button>
                        <a href="/admin/rights" class=BUTTON_SECONDARY>{t!(i18n, admin.back_to_list)}</a>
                    </div>
                </form>
            }.into_any()
        }}
    }
}
