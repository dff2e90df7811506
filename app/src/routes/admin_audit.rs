//! "Journal des modifications": the audit log of the acting company, for its administrators.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::admin::{list_audit, AuditLine, AuditPage};
use crate::components::ui::{Pager, SignedInPage};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::routes::admin_rights::AdminCrumbs;

async fn load(page: i64) -> Result<AuditPage, ServerFnError> {
    list_audit(page).await
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let key = Signal::derive(move || query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1));
    let content = |page: AuditPage| view! { <AuditList page=page/> }.into_any();
    view! {
        <Title text=move || t_string!(i18n, audit.title)/>
        <SignedInPage key=key load=load view=content/>
    }
}

/// The words of an audit action ("right.revoke" → "Droit révoqué").
pub fn action_text(locale: Locale, action: &str) -> String {
    use crate::i18n::td_string;
    match action {
        "right.create" => td_string!(locale, audit.right_create),
        "right.update" => td_string!(locale, audit.right_update),
        "right.grants" => td_string!(locale, audit.right_grants),
        "right.accept" => td_string!(locale, audit.right_accept),
        "right.refuse" => td_string!(locale, audit.right_refuse),
        "right.cancel" => td_string!(locale, audit.right_cancel),
        "right.revoke" => td_string!(locale, audit.right_revoke),
        "right.resign" => td_string!(locale, audit.right_resign),
        "right.expire" => td_string!(locale, audit.right_expire),
        "right.reinvite" | "right.resend" => td_string!(locale, audit.right_resend),
        "user.create" => td_string!(locale, audit.user_create),
        "user.join" => td_string!(locale, audit.user_join),
        "login" => td_string!(locale, audit.login),
        "login.failed" => td_string!(locale, audit.login_failed),
        "logout" => td_string!(locale, audit.logout),
        "order.create" => td_string!(locale, audit.order_create),
        other => return other.to_string(),
    }
    .to_string()
}

#[component]
fn AuditList(page: AuditPage) -> impl IntoView {
    let i18n = use_i18n();
    let AuditPage { lines, page, pages, total } = page;
    view! {
        <AdminCrumbs last=t_string!(i18n, audit.title).to_string()/>
        <h1 class="text-2xl font-semibold">{t!(i18n, audit.title)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, audit.intro)}</p>
        <p class="mt-4 text-sm text-stone-700">{t!(i18n, audit.total, count = total)}</p>
        <div tabindex="0" class="mt-2 overflow-x-auto rounded-lg border border-stone-200 bg-white shadow-sm focus:outline-none focus:ring-2 focus:ring-sky-700">
            <table class="min-w-full divide-y divide-stone-200 text-sm" data-testid="audit-table">
                <caption class="sr-only">{t!(i18n, audit.title)}</caption>
                <thead class="bg-stone-100">
                    <tr>
                        <th scope="col" class="px-3 py-2 text-left font-semibold">{t!(i18n, audit.col_at)}</th>
                        <th scope="col" class="px-3 py-2 text-left font-semibold">{t!(i18n, audit.col_actor)}</th>
                        <th scope="col" class="px-3 py-2 text-left font-semibold">{t!(i18n, audit.col_action)}</th>
                        <th scope="col" class="px-3 py-2 text-left font-semibold">{t!(i18n, audit.col_subject)}</th>
                        <th scope="col" class="px-3 py-2 text-left font-semibold">{t!(i18n, audit.col_changes)}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {lines.into_iter().map(|line| view! { <AuditRow line=line/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page pages=pages href=|p| format!("/admin/audit?page={p}")/>
    }
}

#[component]
fn AuditRow(line: AuditLine) -> impl IntoView {
    let i18n = use_i18n();
    let AuditLine { at, actor, action, subject, changes } = line;
    let action_attr = action.clone();
    view! {
        <tr data-testid="audit-row" data-action=action_attr>
            <td class="whitespace-nowrap px-3 py-2">{at}</td>
            <td class="break-all px-3 py-2">{actor}</td>
            <td class="px-3 py-2">{move || action_text(i18n.get_locale(), &action)}</td>
            <td class="break-all px-3 py-2">{subject}</td>
            <td class="px-3 py-2">
                <ul class="space-y-0.5">
                    {changes.into_iter().map(|c| view! { <li class="font-mono text-xs">{c}</li> }).collect_view()}
                </ul>
            </td>
        </tr>
    }
}
