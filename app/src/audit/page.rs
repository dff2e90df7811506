//! "Journal des modifications": the audit log of the acting company, for its administrators.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portal_core::domain::{AuditAction, RightStatus, RightType};

use super::{list_audit, AuditChange, AuditLine, AuditPage};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::layout::frame::SignedInPage;
use crate::rights::list_page::AdminCrumbs;
use crate::shared::ui::Pager;

async fn load(page: i64) -> Result<AuditPage, PortalError> {
    list_audit(page).await
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let key = Signal::derive(move || query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1));
    let content = |page: AuditPage| view! { <AuditList page=page/> }.into_any();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), audit.title).to_string()/>
        <SignedInPage key=key load=load view=content/>
    }
}

/// The words of an audit action (`RightRevoke` → "Droit révoqué").
pub fn action_text(locale: Locale, action: AuditAction) -> String {
    use crate::i18n::td_string;
    use AuditAction::*;
    match action {
        RightCreate => td_string!(locale, audit.right_create),
        RightUpdate => td_string!(locale, audit.right_update),
        RightGrants => td_string!(locale, audit.right_grants),
        RightAccept => td_string!(locale, audit.right_accept),
        RightRefuse => td_string!(locale, audit.right_refuse),
        RightCancel => td_string!(locale, audit.right_cancel),
        RightRevoke => td_string!(locale, audit.right_revoke),
        RightResign => td_string!(locale, audit.right_resign),
        RightExpire => td_string!(locale, audit.right_expire),
        RightReinvite | RightResend => td_string!(locale, audit.right_resend),
        RightExtend => td_string!(locale, audit.right_extend),
        RightSuspend => td_string!(locale, audit.right_suspend),
        RightResume => td_string!(locale, audit.right_resume),
        UserCreate => td_string!(locale, audit.user_create),
        UserJoin => td_string!(locale, audit.user_join),
        UserLeave => td_string!(locale, audit.user_leave),
        Login => td_string!(locale, audit.login),
        LoginFailed => td_string!(locale, audit.login_failed),
        Logout => td_string!(locale, audit.logout),
        OrderCreate => td_string!(locale, audit.order_create),
        AccessRequestCreate => td_string!(locale, audit.access_request_create),
        AccessRequestApprove => td_string!(locale, audit.access_request_approve),
        AccessRequestDecline => td_string!(locale, audit.access_request_decline),
        AccessRequestWithdraw => td_string!(locale, audit.access_request_withdraw),
        CompanyCreate => td_string!(locale, audit.company_create),
        CompanyInvitationLifetime => td_string!(locale, audit.company_invitation_lifetime),
        CompanyOffboardProvider => td_string!(locale, audit.company_offboard_provider),
        TemplateSave => td_string!(locale, audit.template_save),
        TemplateDelete => td_string!(locale, audit.template_delete),
        PasswordChange => td_string!(locale, audit.password_change),
        PasswordSet => td_string!(locale, audit.password_set),
        PasswordReset => td_string!(locale, audit.password_reset),
        UserRegister => td_string!(locale, audit.user_register),
        UserEmailChangeRequest => td_string!(locale, audit.user_email_change_request),
        UserEmailChange => td_string!(locale, audit.user_email_change),
        UserEmailConfirm => td_string!(locale, audit.user_email_confirm),
        UserHomeCompany => td_string!(locale, audit.user_home_company),
        UserLanguage => td_string!(locale, audit.user_language),
        LoginCodeFailed => td_string!(locale, audit.login_code_failed),
        TwoStepEnrolStart => td_string!(locale, audit.two_step_enrol_start),
        TwoStepEnable => td_string!(locale, audit.two_step_enable),
        TwoStepDisable => td_string!(locale, audit.two_step_disable),
    }
    .to_string()
}

/// A changed field's name in the reader's words; the code itself for a field without one.
fn field_text(locale: Locale, field: &str) -> String {
    use crate::i18n::td_string;
    match field {
        "right_type" => td_string!(locale, audit.field_right_type),
        "is_admin" => td_string!(locale, audit.field_is_admin),
        "status" => td_string!(locale, audit.field_status),
        "awaiting" => td_string!(locale, audit.field_awaiting),
        "remark" => td_string!(locale, audit.field_remark),
        "end_date" => td_string!(locale, audit.field_end_date),
        "answer_by" => td_string!(locale, audit.field_answer_by),
        "invitation_days" => td_string!(locale, audit.field_invitation_days),
        "origin" => td_string!(locale, audit.field_origin),
        "email" => td_string!(locale, audit.field_email),
        "new_email" => td_string!(locale, audit.field_new_email),
        "language" => td_string!(locale, audit.field_language),
        "customer_number" => td_string!(locale, audit.field_customer_number),
        "name" => td_string!(locale, audit.field_name),
        "company_name" => td_string!(locale, audit.field_company_name),
        "rights_ended" => td_string!(locale, audit.field_rights_ended),
        "debtor_number" => td_string!(locale, audit.field_debtor_number),
        "reference" => td_string!(locale, audit.field_reference),
        "total_cents" => td_string!(locale, audit.field_total_cents),
        "placed_by_company_name" => td_string!(locale, audit.field_placed_by_company_name),
        "requester_email" => td_string!(locale, audit.field_requester_email),
        "requester_company_name" => td_string!(locale, audit.field_requester_company_name),
        "message" => td_string!(locale, audit.field_message),
        other => return other.to_string(),
    }
    .to_string()
}

/// The audited fields that hold yes or no.
const YES_NO_FIELDS: &[&str] = &["is_admin", "email_notifications", "all_debtors"];

/// A stored value of `field` in the reader's words ("—" for empty): roles, statuses,
/// origins, yes/no, dates in Swiss format, amounts in francs; other values as stored.
fn value_text(locale: Locale, field: &str, value: Option<&str>) -> String {
    use crate::i18n::td_string;
    let Some(value) = value else { return "—".to_string() };
    let word = match (field, value) {
        ("right_type", role) => return RightType::parse(role).map_or_else(|_| role.to_string(), |t| crate::rights::list_page::role_text(locale, t, false)),
        // Only the yes/no fields: a remark that reads "true" stays as written.
        (f, "true") if YES_NO_FIELDS.contains(&f) => td_string!(locale, audit.yes),
        (f, "false") if YES_NO_FIELDS.contains(&f) => td_string!(locale, audit.no),
        ("awaiting", "provider") => td_string!(locale, admin.awaiting_provider),
        ("awaiting", "principal") => td_string!(locale, admin.awaiting_principal),
        ("origin", "invitation") => td_string!(locale, audit.origin_invitation),
        ("origin", "request") => td_string!(locale, audit.origin_request),
        ("origin", "direct") => td_string!(locale, audit.origin_direct),
        ("status", status) => return RightStatus::parse(status).map_or_else(|_| status.to_string(), |s| crate::shared::format::status_text(locale, s)),
        ("language", code) => return crate::shared::locale::language_name(code).to_string(),
        ("total_cents", cents) => return cents.parse().map(crate::shared::format::chf).unwrap_or_else(|_| cents.to_string()),
        ("end_date", date) => return crate::shared::format::swiss_day(date),
        (_, other) => return other.to_string(),
    };
    word.to_string()
}

/// One line of an entry's changes in the reader's words.
pub fn change_text(locale: Locale, change: &AuditChange) -> String {
    use crate::i18n::td_string;
    match change {
        AuditChange::Set { field, value } => {
            format!("{}{}{}", field_text(locale, field), separator(locale), value_text(locale, field, value.as_deref()))
        }
        AuditChange::Changed { field, before, after } => format!(
            "{}{}{} → {}",
            field_text(locale, field),
            separator(locale),
            value_text(locale, field, before.as_deref()),
            value_text(locale, field, after.as_deref())
        ),
        AuditChange::Grant { service_code, service_name, debtors } => {
            let service = crate::services::service_label(locale, service_code, service_name);
            match debtors {
                None => td_string!(locale, audit.all_debtors, service = service).to_string(),
                Some(count) => td_string!(locale, audit.some_debtors, service = service, count = *count).to_string(),
            }
        }
        AuditChange::NoGrants => td_string!(locale, audit.no_grants).to_string(),
    }
}

/// French puts a space before the colon.
fn separator(locale: Locale) -> &'static str {
    if locale == Locale::fr {
        " : "
    } else {
        ": "
    }
}

#[component]
fn AuditList(page: AuditPage) -> impl IntoView {
    let i18n = use_i18n();
    let AuditPage { lines, page, pages, total, more } = page;
    view! {
        <AdminCrumbs last=t_string!(i18n, audit.title).to_string()/>
        <h1 class="text-2xl font-semibold">{t!(i18n, audit.title)}</h1>
        <p class="mt-2 text-stone-700">{t!(i18n, audit.intro)}</p>
        <p class="mt-4 text-sm text-stone-700">
            {if more { t!(i18n, audit.total_more, count = total).into_any() } else { t!(i18n, audit.total, count = total).into_any() }}
        </p>
        // On a phone, one card per entry; from the `sm` width on, the five-column table.
        <ol class="mt-2 space-y-3 sm:hidden" data-testid="audit-entries" aria-label=move || t_string!(i18n, audit.title)>
            {lines.iter().cloned().map(|line| view! { <AuditEntry line=line/> }).collect_view()}
        </ol>
        <div tabindex="0" class="mt-2 hidden overflow-x-auto rounded-lg border border-stone-200 bg-white shadow-sm focus:outline-none focus:ring-2 focus:ring-sky-700 sm:block">
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
        <Pager page=page pages=pages more=more href=|p| format!("/admin/audit?page={p}")/>
    }
}

#[component]
fn AuditRow(line: AuditLine) -> impl IntoView {
    let i18n = use_i18n();
    let AuditLine { at, actor, action, subject, changes } = line;
    view! {
        <tr data-testid="audit-row" data-action=action.as_str()>
            <td class="whitespace-nowrap px-3 py-2">{at}</td>
            <td class="break-all px-3 py-2"><Author actor=actor/></td>
            <td class="px-3 py-2">{move || action_text(i18n.get_locale(), action)}</td>
            <td class="break-all px-3 py-2">{subject}</td>
            <td class="px-3 py-2"><Changes changes=changes/></td>
        </tr>
    }
}

/// One entry as a card, for narrow screens: what happened and when, then who and whom.
#[component]
fn AuditEntry(line: AuditLine) -> impl IntoView {
    let i18n = use_i18n();
    let AuditLine { at, actor, action, subject, changes } = line;
    view! {
        <li data-testid="audit-entry" data-action=action.as_str() class="rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
            <p class="font-semibold">{move || action_text(i18n.get_locale(), action)}</p>
            <p class="text-sm text-stone-700">{at}</p>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt class="text-stone-700">{t!(i18n, audit.col_actor)}</dt>
                <dd class="break-all"><Author actor=actor/></dd>
                <dt class="text-stone-700">{t!(i18n, audit.col_subject)}</dt>
                <dd class="break-all">{subject}</dd>
                {(!changes.is_empty()).then(|| view! {
                    <dt class="text-stone-700">{t!(i18n, audit.col_changes)}</dt>
                    <dd><Changes changes=changes/></dd>
                })}
            </dl>
        </li>
    }
}

/// Who did it: a login's e-mail, or the portal itself, in words.
#[component]
fn Author(actor: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    match actor {
        Some(email) => email.into_any(),
        None => view! { <span class="italic text-stone-600">{t!(i18n, audit.actor_system)}</span> }.into_any(),
    }
}

#[component]
fn Changes(changes: Vec<AuditChange>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="space-y-0.5">
            {changes.into_iter().map(|c| view! { <li>{move || change_text(i18n.get_locale(), &c)}</li> }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(field: &str, value: &str) -> AuditChange {
        AuditChange::Set { field: field.into(), value: Some(value.into()) }
    }

    #[test]
    fn a_change_reads_in_the_readers_words_never_in_codes() {
        let activated = AuditChange::Changed { field: "status".into(), before: Some("pending".into()), after: Some("active".into()) };
        assert_eq!(change_text(Locale::fr, &activated), "Statut : en suspens → active");
        assert_eq!(change_text(Locale::fr, &set("right_type", "provider")), "Rôle : Prestataire");
        assert_eq!(change_text(Locale::fr, &set("is_admin", "true")), "Administrateur : oui");
        assert_eq!(change_text(Locale::en, &set("is_admin", "false")), "Administrator: no");
        assert_eq!(change_text(Locale::fr, &set("end_date", "2027-03-31")), "Date de fin : 31.03.2027");
        assert_eq!(change_text(Locale::fr, &set("total_cents", "123450")), "Montant : CHF 1'234.50");
        let removed = AuditChange::Changed { field: "remark".into(), before: Some("fin du mandat".into()), after: None };
        assert_eq!(change_text(Locale::fr, &removed), "Remarque : fin du mandat → —");
        let grant = AuditChange::Grant { service_code: "invoices".into(), service_name: "Factures".into(), debtors: Some(2) };
        assert_eq!(change_text(Locale::fr, &grant), "Factures : 2 débiteur(s)");
    }

    #[test]
    fn only_yes_no_fields_turn_true_into_yes_and_unknown_codes_stay_as_stored() {
        assert_eq!(change_text(Locale::fr, &set("remark", "true")), "Remarque : true");
        assert_eq!(change_text(Locale::fr, &set("colour", "blue")), "colour : blue");
    }

    #[test]
    fn every_audit_action_has_its_own_words_in_every_language() {
        assert_eq!(action_text(Locale::fr, AuditAction::PasswordChange), "Mot de passe modifié");
        use leptos_i18n::Locale as _;
        for locale in Locale::get_all() {
            let mut seen = std::collections::HashMap::new();
            for action in AuditAction::ALL {
                let text = action_text(*locale, *action);
                assert!(!text.is_empty() && !text.contains('.'), "{locale:?} {action}: {text}");
                // Re-inviting and resending share their words on purpose.
                if let Some(other) = seen.insert(text.clone(), *action) {
                    let pair = [other, *action];
                    assert!(
                        pair.contains(&AuditAction::RightReinvite) && pair.contains(&AuditAction::RightResend),
                        "{locale:?}: {other} and {action} read the same: {text}"
                    );
                }
            }
        }
    }
}
