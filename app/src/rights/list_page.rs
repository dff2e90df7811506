//! "Droits d'utilisateur et autorisations": the list of the acting company's rights.

use crate::shared::form::form_action;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use portal_core::domain::{Awaiting, RightStatus, RightType};

use super::{list_rights, ProviderCompanyLine, RightRow, RightsPage, SetInvitationLifetime};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::layout::frame::SignedInPage;
use crate::shared::ui::{Outcome, Pager, ProfileCrumbs, BUTTON, BUTTON_SECONDARY, CARD, FIELD, LINK};
use crate::shared::{format::status_text, refusal::PortalError};

/// The list's query parameters: search, sort column, direction, page.
type ListKey = (String, String, bool, i64);

async fn load(key: ListKey) -> Result<RightsPage, PortalError> {
    list_rights(key.0, key.1, key.2, key.3).await
}

#[component]
pub fn AdminRightsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let key = Signal::derive(move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("tri").unwrap_or_else(|| "last_name".into()),
            q.get("ordre").as_deref() == Some("desc"),
            q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        )
    });
    let content = move |page: RightsPage| view! { <RightsList page=page key=key.get_untracked()/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), admin.title).to_string()/>
        <SignedInPage key=key load=load view=content/>
    }
}

/// The breadcrumb of the administrator's pages, as in the seed.
#[component]
pub fn AdminCrumbs(#[prop(optional)] last: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let section = Signal::derive(move || t_string!(i18n, admin.title).to_string());
    match last {
        Some(last) => view! { <ProfileCrumbs section=section section_href="/admin/rights" last=last/> }.into_any(),
        None => view! { <ProfileCrumbs section=section section_href="/admin/rights"/> }.into_any(),
    }
}

/// The role column's words for a right.
pub fn role_text(locale: Locale, right_type: RightType, is_admin: bool) -> String {
    use crate::i18n::td_string;
    let role = match right_type {
        RightType::Employee => td_string!(locale, admin.role_employee),
        RightType::Technical => td_string!(locale, admin.role_technical),
        RightType::Provider => td_string!(locale, admin.role_provider),
    };
    if is_admin {
        format!("{role}, {}", td_string!(locale, admin.role_admin))
    } else {
        role.to_string()
    }
}

/// The status cell: the status word and, while pending, who must answer.
pub fn status_cell(locale: Locale, status: RightStatus, awaiting: Option<Awaiting>) -> String {
    use crate::i18n::td_string;
    let word = status_text(locale, status);
    match awaiting {
        Some(Awaiting::Provider) => format!("{word} ({})", td_string!(locale, admin.awaiting_provider)),
        Some(Awaiting::Principal) => format!("{word} ({})", td_string!(locale, admin.awaiting_principal)),
        None => word,
    }
}

/// Under a pending right's status: until when it can be answered.
#[component]
pub fn AnswerBy(date: String) -> impl IntoView {
    let i18n = use_i18n();
    (!date.is_empty()).then(|| {
        view! {
            <span class="block text-xs text-stone-600" data-testid="right-answer-by">{t!(i18n, admin.answer_by, date = date)}</span>
        }
    })
}

#[component]
fn RightsList(page: RightsPage, key: ListKey) -> impl IntoView {
    let i18n = use_i18n();
    let (search, sort, descending, _) = key.clone();
    let RightsPage { rows, total, more, page, pages, invitation_days, provider_companies } = page;
    let link = {
        let search = search.clone();
        move |sort: &str, descending: bool, page: i64| {
            let mut url = format!("/admin/rights?tri={sort}&page={page}");
            if descending {
                url.push_str("&ordre=desc");
            }
            if !search.is_empty() {
                url.push_str("&q=");
                url.push_str(&urlencode(&search));
            }
            url
        }
    };
    let header = {
        let link = link.clone();
        let sort = sort.clone();
        move |column: &'static str, label: String| {
            let active = sort == column;
            let next_desc = active && !descending;
            let aria_sort = match (active, descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            let arrow = match (active, descending) {
                (false, _) => "↕",
                (true, false) => "↑",
                (true, true) => "↓",
            };
            view! {
                <th scope="col" aria-sort=aria_sort class="whitespace-nowrap px-3 py-2 text-left font-semibold">
                    <a href=link(column, next_desc, 1) class="inline-flex items-center gap-1 hover:underline">
                        {label}
                        <span aria-hidden="true" class="text-stone-500">{arrow}</span>
                    </a>
                </th>
            }
        }
    };
    let locale = i18n.get_locale_untracked();
    let page_sort = sort.clone();
    use crate::i18n::td_string;
    view! {
        <AdminCrumbs/>
        <h1 class="text-2xl font-semibold">{t!(i18n, admin.title)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, admin.intro)}</p>
        <p class="mt-4 text-sm text-stone-700">{t!(i18n, admin.legend)}</p>
        <div class="mt-6 flex flex-wrap items-end justify-between gap-4">
            <div class="flex flex-wrap items-center gap-4">
                <a href="/admin/rights/new" class=BUTTON data-testid="enter-user">{t!(i18n, admin.enter_user)}</a>
                <a href="/admin/rights/templates" class=LINK>{t!(i18n, admin.templates)}</a>
                <a href="/admin/audit" class=LINK>{t!(i18n, audit.nav)}</a>
            </div>
            <Form method="GET" action="/admin/rights" attr:class="flex items-end gap-2" attr:role="search">
                <input type="hidden" name="tri" value=sort.clone()/>
                <div>
                    <label for="rights-search" class="block text-sm font-medium">{t!(i18n, admin.search)}</label>
                    <input id="rights-search" name="q" type="search" value=search.clone() maxlength="100" class=FIELD/>
                </div>
                <button type="submit" class=BUTTON_SECONDARY>{t!(i18n, admin.search_submit)}</button>
            </Form>
        </div>
        <p class="mt-4 text-sm text-stone-700" data-testid="rights-total">
            {if more { t!(i18n, admin.total_more, count = total).into_any() } else { t!(i18n, admin.total, count = total).into_any() }}
        </p>
        <div tabindex="0" class="mt-2 overflow-x-auto rounded-lg border border-stone-200 bg-white shadow-sm focus:outline-none focus:ring-2 focus:ring-sky-700">
            <table class="min-w-full divide-y divide-stone-200 text-sm" data-testid="rights-table">
                <caption class="sr-only">{t!(i18n, admin.title)}</caption>
                <thead class="bg-stone-100">
                    <tr>
                        {header("company", td_string!(locale, admin.col_company).to_string())}
                        {header("last_name", td_string!(locale, admin.col_last_name).to_string())}
                        {header("first_name", td_string!(locale, admin.col_first_name).to_string())}
                        {header("email", td_string!(locale, admin.col_email).to_string())}
                        {header("role", td_string!(locale, admin.col_role).to_string())}
                        {header("status", td_string!(locale, admin.col_status).to_string())}
                        <th scope="col" class="px-3 py-2 text-left font-semibold">{t!(i18n, admin.col_actions)}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {if rows.is_empty() {
                        view! { <tr><td colspan="7" class="px-3 py-6 text-center text-stone-700">{t!(i18n, admin.empty)}</td></tr> }.into_any()
                    } else {
                        rows.into_iter().map(|row| view! { <RightLine row=row/> }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
        <Pager page=page pages=pages more=more href=move |p| link(&page_sort, descending, p)/>
        <ProviderCompanies companies=provider_companies/>
        <InvitationLifetimeForm days=invitation_days/>
    }
}

/// "Sociétés de prestataires": each provider company whose logins hold current rights here,
/// with the way to end all of them at once (after a preview).
#[component]
fn ProviderCompanies(companies: Vec<ProviderCompanyLine>) -> impl IntoView {
    let i18n = use_i18n();
    (!companies.is_empty()).then(|| {
        view! {
            <section class=format!("mt-8 max-w-xl {CARD}") aria-labelledby="provider-companies-title" data-testid="provider-companies">
                <h2 id="provider-companies-title" class="text-lg font-semibold">{t!(i18n, admin.provider_companies_title)}</h2>
                <p class="mt-1 text-sm text-stone-700">{t!(i18n, admin.provider_companies_intro)}</p>
                <ul class="mt-3 divide-y divide-stone-100">
                    {companies.into_iter().map(|c| {
                        let (name, link_name) = (c.name.clone(), c.name);
                        view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 py-2">
                                <span><span class="font-medium">{name}</span>" · "{t!(i18n, admin.provider_company_rights, count = c.rights)}</span>
                                <a href=format!("/admin/rights/providers/{}", c.company_id) class=LINK>
                                    {t!(i18n, admin.offboard_link, company = link_name)}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// "Durée de validité des invitations": how many days the company's invitations, and the
/// requests made to it, wait for an answer before they expire.
#[cfg_attr(not(island_account), component)]
#[cfg_attr(island_account, island)]
fn InvitationLifetimeForm(days: i64) -> impl IntoView {
    let i18n = use_i18n();
    let set = form_action::<SetInvitationLifetime>();
    view! {
        <section class=format!("mt-8 max-w-xl {CARD}") aria-labelledby="lifetime-title" data-testid="invitation-lifetime">
            <h2 id="lifetime-title" class="text-lg font-semibold">{t!(i18n, admin.lifetime_title)}</h2>
            <p class="mt-1 text-sm text-stone-700">{t!(i18n, admin.lifetime_intro)}</p>
            <ActionForm action=set attr:class="mt-3 flex flex-wrap items-end gap-3">
                <div>
                    <label for="lifetime-days" class="block font-medium">{t!(i18n, admin.lifetime_days)}</label>
                    <input id="lifetime-days" name="days" type="number" inputmode="numeric" min="1" max="90" step="1" required=true value=days.to_string() class=FIELD/>
                </div>
                <button type="submit" class=BUTTON_SECONDARY>{t!(i18n, admin.lifetime_save)}</button>
            </ActionForm>
            <Outcome value=Signal::derive(move || set.value().get()) success=Signal::derive(move || {
                let days = set.value().get().and_then(Result::ok).unwrap_or(days);
                t_string!(i18n, admin.lifetime_saved, days = days).to_string()
            })/>
        </section>
    }
}

#[component]
fn RightLine(row: RightRow) -> impl IntoView {
    let i18n = use_i18n();
    let RightRow { right_id, company, last_name, first_name, email, right_type, is_admin, status, awaiting, star, answer_by, .. } = row;
    let ended = status.is_ended();
    let email_attr = email.clone();
    view! {
        <tr data-testid="right-row" data-email=email_attr class=if ended { "text-stone-500" } else { "" }>
            <td class="px-3 py-2">{company}</td>
            <td class="px-3 py-2 font-medium">
                {last_name}
                {star.then(|| view! {
                    <span class="ml-1 text-amber-700" title=move || t_string!(i18n, admin.star_label)>
                        "*"<span class="sr-only">" ("{t!(i18n, admin.star_label)}")"</span>
                    </span>
                })}
            </td>
            <td class="px-3 py-2">{first_name}</td>
            <td class="break-all px-3 py-2">{email}</td>
            <td class="px-3 py-2">{move || role_text(i18n.get_locale(), right_type, is_admin)}</td>
            <td class="px-3 py-2" data-testid="right-status">
                {move || status_cell(i18n.get_locale(), status, awaiting)}
                <AnswerBy date=answer_by/>
            </td>
            <td class="px-3 py-2">
                <div class="flex flex-col gap-1 sm:flex-row sm:gap-3">
                    {(!ended).then(|| view! {
                        <a href=format!("/admin/rights/{right_id}/services") class=LINK>{t!(i18n, admin.grant_services)}</a>
                    })}
                    <a href=format!("/admin/rights/{right_id}") class=LINK>{t!(i18n, admin.manage)}</a>
                </div>
            </td>
        </tr>
    }
}

/// Percent-encodes a query value (letters, digits and `-._~` stay).
fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn search_words_are_percent_encoded_in_links() {
        assert_eq!(urlencode("Müller & Co"), "M%C3%BCller%20%26%20Co");
        assert_eq!(urlencode("a-b_c.d~"), "a-b_c.d~");
    }
}
