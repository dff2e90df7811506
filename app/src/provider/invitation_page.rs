//! An invitation's own page (`/invitations/{id}`), where the e-mail and the message lead: on a
//! phone the provider sees first who invites, for which company, which services and debtors
//! and until when, then "Valider" and "Refuser".

use crate::shared::form::form_action;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use portal_core::domain::{Awaiting, Party, RightStatus};

use crate::company_choice::SelectCompany;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::layout::context::load_portal_context;
use crate::layout::frame::redirect_for;
use crate::layout::portal::PortalLayout;
use crate::layout::public::PublicLayout;
use crate::provider::access_page::answer_form;
use crate::provider::{load_invitation, AnswerRight, InvitationView, RightEnded};
use crate::services::service_label;
use crate::shared::format::status_text;
use crate::shared::ui::{current_page, reload_when, Outcome, Refusal, BUTTON, BUTTON_SECONDARY, CARD, LINK};

/// The page. The invitation is the login's own business, not the acting company's: a login
/// that has no company to act for yet (its first invitation) answers it too, in the frame of
/// the pages before sign-in.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let here = current_page();
    // After an answer given to an older view of the invitation (see `AnswerInvitation`).
    let changed = use_query_map().with_untracked(|q| q.get("motif").as_deref() == Some(CHANGED_MOTIF));
    let right_id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new_blocking(right_id, |right_id| async move {
        let context = load_portal_context().await;
        let invitation = load_invitation(right_id).await;
        if invitation.is_ok() && context.as_ref().is_err_and(|e| e.is(crate::shared::refusal::Refusal::NoActingCompany)) {
            crate::shared::refusal::not_refused();
        }
        (invitation, context)
    });
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), invitation.title).to_string()/>
        <Transition fallback=move || view! { <p class="p-8">{t!(i18n, portal.loading)}</p> }>
            {move || data.get().map(|(invitation, context)| {
                let content = match invitation {
                    Ok(invitation) => view! { <Invitation invitation=invitation changed=changed/> }.into_any(),
                    Err(error) => view! {
                        <h1 class="text-2xl font-semibold">{t!(i18n, invitation.title)}</h1>
                        <div class="mt-4"><Refusal error=error/></div>
                    }.into_any(),
                };
                match context {
                    Ok(context) => view! { <PortalLayout context=context>{content}</PortalLayout> }.into_any(),
                    Err(error) if error.is(crate::shared::refusal::Refusal::NoActingCompany) => {
                        view! { <PublicLayout title=move || t_string!(i18n, invitation.title)>{content}</PublicLayout> }.into_any()
                    }
                    Err(error) => redirect_for(&error, &here),
                }
            })}
        </Transition>
    }
}

/// The query's `motif` of the page shown again after an answer to an older view of it.
const CHANGED_MOTIF: &str = "modifiee";

#[component]
fn Invitation(invitation: InvitationView, changed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let InvitationView {
        right_id,
        version,
        status,
        awaiting,
        company_id,
        company_name,
        customer_number,
        inviter,
        services,
        end_date,
        answer_by,
        ended,
        joins,
        as_administrator,
    } = invitation;
    // A request grants nothing until the company answers it.
    let granting = ended.is_none() && awaiting != Some(Awaiting::Principal);
    let open = status == RightStatus::Pending && awaiting == Some(Awaiting::Provider);
    let company_for_intro = company_name.clone();
    let company_for_state = company_name.clone();
    view! {
        <article class="max-w-2xl" data-testid="invitation">
            <h1 class="text-2xl font-semibold">
                {move || if joins { t_string!(i18n, invitation.join_title) } else { t_string!(i18n, invitation.title) }}
            </h1>
            {(changed && open).then(|| view! {
                <p class="mt-3 rounded border border-amber-300 bg-amber-50 px-3 py-2 font-medium text-amber-950" role="alert" data-testid="invitation-changed">
                    {t!(i18n, errors.invitation_changed)}
                </p>
            })}
            // "… vous donne accès …" is no longer true of an ended right; its end says who ended it.
            {granting.then(|| view! {
                <p class="mt-2 text-stone-800" data-testid="invitation-intro">
                    {move || {
                        let admin = inviter.clone().unwrap_or_default();
                        let company = company_for_intro.clone();
                        match (&inviter, joins, as_administrator) {
                            (_, true, true) => t_string!(i18n, invitation.join_intro_admin, admin = admin, company = company).to_string(),
                            (_, true, false) => t_string!(i18n, invitation.join_intro, admin = admin, company = company).to_string(),
                            (Some(_), false, _) => t_string!(i18n, invitation.intro_by, admin = admin, company = company).to_string(),
                            (None, false, _) => t_string!(i18n, invitation.intro, company = company).to_string(),
                        }
                    }}
                </p>
            })}
            // Joining hands the login's oversight to the company: said before it is accepted.
            {(joins && open).then(|| {
                let company = company_name.clone();
                view! {
                    <p class="mt-2 text-stone-800" data-testid="invitation-join-consequences">
                        {move || t_string!(i18n, invitation.join_consequences, company = company.clone()).to_string()}
                    </p>
                }
            })}
            <dl class=format!("mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 {CARD}")>
                <dt class="text-stone-600">{t!(i18n, invitation.company)}</dt>
                <dd data-testid="invitation-company">
                    <span class="font-medium">{company_name.clone()}</span>
                    " "<span class="text-stone-600">{t!(i18n, select.customer_number, number = customer_number.clone())}</span>
                </dd>
                {granting.then(|| view! {
                    <dt class="text-stone-600">{t!(i18n, invitation.services)}</dt>
                    <dd data-testid="invitation-services">
                        {if services.is_empty() {
                            view! { <p>{t!(i18n, invitation.no_services)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="space-y-1">
                                    {services.into_iter().map(|service| {
                                        let (code, name) = (service.code, service.name);
                                        view! {
                                            <li>
                                                <span class="font-medium">{move || service_label(i18n.get_locale(), &code, &name)}</span>
                                                ": "
                                                {match service.debtors {
                                                    None => t!(i18n, invitation.all_debtors).into_any(),
                                                    Some(debtors) => debtors.join(", ").into_any(),
                                                }}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </dd>
                    <dt class="text-stone-600">{t!(i18n, invitation.until)}</dt>
                    <dd data-testid="invitation-until">
                        {match end_date {
                            Some(date) => date.into_any(),
                            None => t!(i18n, invitation.no_end).into_any(),
                        }}
                    </dd>
                })}
                <dt class="text-stone-600">{t!(i18n, account.col_status)}</dt>
                <dd data-testid="invitation-status">{move || status_text(i18n.get_locale(), status)}</dd>
                {answer_by.map(|date| view! {
                    // A request is not the requester's to accept: the company decides by then.
                    <dt class="text-stone-600">
                        {if awaiting == Some(Awaiting::Principal) { t!(i18n, invitation.decide_by).into_any() } else { t!(i18n, invitation.answer_by).into_any() }}
                    </dt>
                    <dd data-testid="invitation-answer-by">{date}</dd>
                })}
            </dl>
            {if open {
                view! { <AnswerInvitation right_id=right_id version=version/> }.into_any()
            } else {
                view! { <InvitationState status=status awaiting=awaiting company_id=company_id company=company_for_state ended=ended joins=joins/> }.into_any()
            }}
            <p class="mt-6">
                <a href="/account" class=LINK>
                    {move || if joins { t_string!(i18n, account.title) } else { t_string!(i18n, invitation.all_accesses) }}
                </a>
            </p>
        </article>
    }
}

/// What the page says under a right that is not waiting for this login's answer: accepted
/// (with the way to work for the company), waiting for the company, or closed.
#[component]
fn InvitationState(status: RightStatus, awaiting: Option<Awaiting>, company_id: i64, company: String, ended: Option<RightEnded>, joins: bool) -> impl IntoView {
    let i18n = use_i18n();
    if let Some(RightEnded { on, by }) = ended {
        return view! {
            <p class="mt-6 text-stone-800" role="status" data-testid="invitation-state">
                {move || match by {
                    Party::Principal => t_string!(i18n, invitation.ended_by_company, date = on.clone(), company = company.clone()).to_string(),
                    Party::Provider => t_string!(i18n, invitation.ended_by_you, date = on.clone()).to_string(),
                    Party::System => t_string!(i18n, invitation.ended_by_time, date = on.clone()).to_string(),
                }}
            </p>
        }
        .into_any();
    }
    match (status, awaiting) {
        (RightStatus::Active, _) => {
            let sentence = company.clone();
            view! {
                <p class="mt-6 rounded border border-green-700 bg-green-50 px-3 py-2 font-medium text-green-900" role="status" data-testid="invitation-state">
                    {move || if joins {
                        t_string!(i18n, invitation.joined, company = sentence.clone()).to_string()
                    } else {
                        t_string!(i18n, invitation.accepted, company = sentence.clone()).to_string()
                    }}
                </p>
                <form method="post" action=SelectCompany::url() class="mt-4">
                    <input type="hidden" name="company_id" value=company_id.to_string()/>
                    <button type="submit" class=format!("{BUTTON} w-full py-3 sm:w-auto")>
                        {move || t_string!(i18n, invitation.work_for, company = company.clone()).to_string()}
                    </button>
                </form>
            }
            .into_any()
        }
        (RightStatus::Suspended, _) => view! {
            <p class="mt-6 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950" role="status" data-testid="invitation-state">
                {move || t_string!(i18n, invitation.suspended, company = company.clone()).to_string()}
            </p>
        }
        .into_any(),
        (RightStatus::Pending, Some(Awaiting::Principal)) => view! {
            <p class="mt-6 text-stone-800" role="status" data-testid="invitation-state">
                {t!(i18n, invitation.waiting_company)}
            </p>
        }
        .into_any(),
        _ => view! {
            <p class="mt-6 text-stone-800" role="status" data-testid="invitation-state">{t!(i18n, invitation.closed)}</p>
        }
        .into_any(),
    }
}

/// "Valider" and "Refuser", sent from the page, which then loads again with the new state.
#[cfg_attr(not(island_account), component)]
#[cfg_attr(island_account, island)]
fn AnswerInvitation(right_id: i64, version: i64) -> impl IntoView {
    let i18n = use_i18n();
    let answer = form_action::<AnswerRight>();
    reload_when(move || matches!(answer.value().get(), Some(Ok(()))));
    // The company changed the invitation since this page was shown: it is shown again as it
    // now is, with the sentence that says so.
    Effect::new(move |_| {
        if answer.value().with(|v| matches!(v, Some(Err(e)) if e.is(crate::shared::refusal::Refusal::InvitationChanged))) {
            let _ = window().location().assign(&format!("/invitations/{right_id}?motif={CHANGED_MOTIF}"));
        }
    });
    let form = move |value: &'static str, label: String, class: &'static str| {
        answer_form(answer, (right_id, version), value, label, "flex-1", format!("{class} w-full py-3"))
    };
    view! {
        <section class="mt-6" aria-labelledby="invitation-question">
            <h2 id="invitation-question" class="font-semibold">{t!(i18n, invitation.question)}</h2>
            <div class="mt-3 flex gap-3">
                {form("accept", t_string!(i18n, account.accept).to_string(), BUTTON)}
                {form("refuse", t_string!(i18n, account.refuse).to_string(), BUTTON_SECONDARY)}
            </div>
            <div class="mt-3">
                <Outcome value=Signal::derive(move || answer.value().get()) success=Signal::derive(move || t_string!(i18n, account.answer_saved).to_string())/>
            </div>
        </section>
    }
}
