//! "Droits d'utilisateur et autorisations": the acting company's administrators list, enter
//! and manage the company's user rights and grant service authorizations.
//!
//! Every server function here starts with [`require_admin`]: a signed-in login, its acting
//! company re-checked, and an active administrator right of an employee on it. Errors carry
//! stable codes that [`crate::shared::refusal`] translates.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use portal_core::domain::{Awaiting, RightStatus, RightType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
use crate::access::require_admin;
#[cfg(feature = "ssr")]
use crate::shared::refusal::{refused, Refusal};
#[cfg(feature = "ssr")]
use crate::shared::{context::store, deps::Deps};

#[cfg(feature = "ssr")]
mod choices;
pub mod enter_page;
#[cfg(feature = "ssr")]
pub mod entry;
pub mod grants_form;
pub mod list_page;
#[cfg(feature = "ssr")]
pub mod listing;
#[cfg(feature = "ssr")]
mod notes;
#[cfg(feature = "ssr")]
pub mod offboarding;
pub mod offboarding_page;
pub mod right_page;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod templates;
pub mod templates_page;

/// Rows per page of the rights list.
pub const PAGE_SIZE: i64 = 25;

/// One line of the rights list (and the head of the right's own page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightRow {
    pub right_id: i64,
    pub version: i64,
    /// The login's home company ("Société"); empty for a login without one.
    pub company: String,
    pub last_name: String,
    pub first_name: String,
    pub email: String,
    pub right_type: RightType,
    pub is_admin: bool,
    pub status: RightStatus,
    /// While pending: the provider (an invitation) or the principal (a request to decide).
    pub awaiting: Option<Awaiting>,
    /// The seed's star: provider or administrator rights on other company accounts.
    pub star: bool,
    pub remark: String,
    /// `yyyy-mm-dd`, for the date input.
    pub end_date: String,
    /// True for the signed-in administrator's own right.
    pub own: bool,
    /// While pending: when it lapses unanswered, `dd.mm.yyyy HH:MM` Swiss time; else empty.
    pub answer_by: String,
    /// An invitation that lapsed unanswered: "Renvoyer" sends it again.
    pub lapsed_invitation: bool,
}

/// One page of the rights list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightsPage {
    pub rows: Vec<RightRow>,
    pub total: i64,
    /// There are more rights than `total` (the list counts a thousand past the page's start).
    pub more: bool,
    /// 1-based.
    pub page: i64,
    pub pages: i64,
    /// How many days the company's invitations wait for an answer.
    pub invitation_days: i64,
    /// The provider companies whose logins hold pending, active or suspended rights here, to offboard.
    pub provider_companies: Vec<ProviderCompanyLine>,
}

/// A provider company on the rights list, with how many of its logins' rights are current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCompanyLine {
    pub company_id: i64,
    pub name: String,
    pub rights: i64,
}

/// One service of a right as the offboarding preview lists it: its name and the debtors it
/// covers (`None`: all of them, now and later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedService {
    pub code: String,
    pub name: String,
    pub debtors: Option<Vec<String>>,
}

/// One right that offboarding its provider company ends, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffboardedRight {
    pub right_id: i64,
    pub version: i64,
    pub name: String,
    pub email: String,
    pub status: RightStatus,
    pub awaiting: Option<Awaiting>,
    /// `dd.mm.yyyy`: since it was accepted (active), or since it was sent (pending).
    pub since: String,
    pub services: Vec<GrantedService>,
}

/// What "Mettre fin aux accès" of one provider company would end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffboardingPreview {
    pub provider_company_id: i64,
    pub provider_company: String,
    pub rights: Vec<OffboardedRight>,
}

impl OffboardingPreview {
    /// The rights as previewed, `id.version` comma-separated: what the confirmation sends
    /// back, so that it ends exactly what was shown.
    pub fn previewed(&self) -> String {
        self.rights.iter().map(|r| format!("{}.{}", r.right_id, r.version)).collect::<Vec<_>>().join(",")
    }
}

/// A right of the company whose authorizations can be copied on entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopySource {
    pub right_id: i64,
    pub label: String,
}

/// What "Saisir un utilisateur" offers to copy authorizations from: the company's rights that
/// have some, and its permission templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySources {
    pub rights: Vec<CopySource>,
    pub templates: Vec<TemplateView>,
}

/// A permission template: its name and, per service, all debtors or the chosen ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub template_id: i64,
    pub name: String,
    pub services: Vec<GrantInput>,
}

/// "Modèles d'autorisations": the company's templates, and the services and debtors they are
/// made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplatesView {
    pub templates: Vec<TemplateView>,
    pub services: Vec<ServiceChoice>,
    pub debtors: Vec<DebtorChoice>,
}

/// What "Saisir un utilisateur" answers ("La saisie est confirmée").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryConfirmation {
    pub right_id: i64,
    pub right_type: RightType,
    /// The e-mail (employee, provider) or the name (technical user).
    pub who: String,
    /// A technical user's API key, shown this once; only its hash is stored.
    pub api_key: Option<String>,
    /// An employee's login was created and received an e-mail to set a password.
    pub login_created: bool,
    /// The address is a login of no company, its owner's: it was invited to join and joins
    /// once it accepts.
    pub invited_to_join: bool,
    /// The invitation's e-mail was withheld by the per-address limit: what to tell the
    /// administrator, in its language (the message is in the portal all the same).
    pub mail_withheld: Option<String>,
}

/// One online service on the authorization page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChoice {
    pub service_id: i64,
    pub code: String,
    pub name: String,
    pub granted: bool,
    pub all_debtors: bool,
    pub debtor_ids: Vec<i64>,
}

/// A debtor of the company, for the chosen-debtors list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorChoice {
    pub debtor_id: i64,
    pub number: String,
    pub name: String,
}

/// A right with everything its page shows: details, services and debtors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightDetail {
    pub row: RightRow,
    pub services: Vec<ServiceChoice>,
    pub debtors: Vec<DebtorChoice>,
    /// The company's permission templates, to fill the authorizations in from.
    pub templates: Vec<TemplateView>,
}

/// One service's authorization: all debtors, or the chosen ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantInput {
    pub service_id: i64,
    pub all_debtors: bool,
    pub debtor_ids: Vec<i64>,
}

/// One service of the authorizations form as the browser posts it, under
/// `grants[<service id>]`: `on` while its switch is on, `scope` `all` or `chosen`, and the
/// ticked debtors as `debtors[<debtor id>]`. A service that is off, and the debtors of a
/// service for all debtors, are posted too (hidden, not removed) and mean nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GrantField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    #[serde(default)]
    pub scope: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub debtors: BTreeMap<String, String>,
}

/// The authorizations a posted form gives; `None` when a service or debtor is not named by
/// a number (no page of the portal sends that).
pub fn grants_of(form: &BTreeMap<String, GrantField>) -> Option<Vec<GrantInput>> {
    let mut grants = Vec::new();
    for (service, field) in form {
        let service_id = service.parse().ok()?;
        let debtor_ids = field.debtors.keys().map(|d| d.parse().ok()).collect::<Option<Vec<i64>>>()?;
        if field.on.is_none() {
            continue;
        }
        let all_debtors = field.scope != "chosen";
        grants.push(GrantInput { service_id, all_debtors, debtor_ids: if all_debtors { Vec::new() } else { debtor_ids } });
    }
    Some(grants)
}

/// The rights list of the acting company: `search` on every column, `sort` one of
/// `company`, `last_name`, `first_name`, `email`, `role`, `status`; `page` is 1-based.
#[server(prefix = "/api", endpoint = "list_rights")]
pub async fn list_rights(search: String, sort: String, descending: bool, page: i64) -> Result<RightsPage, PortalError> {
    let scope = require_admin().await?;
    listing::list_rights(&store()?, &scope, &search, &sort, descending, page).await
}

/// The rights and the templates whose authorizations "Saisir un utilisateur" may copy.
#[server(prefix = "/api", endpoint = "list_copy_sources")]
pub async fn list_copy_sources() -> Result<EntrySources, PortalError> {
    let scope = require_admin().await?;
    listing::copy_sources(&store()?, &scope).await
}

/// "Saisir un utilisateur". `right_type`: `employee`, `technical` or `provider`;
/// `assignment`: `manual`, `copy` (then `copy_from` is a right id of the company) or
/// `template` (then `template` is a permission template id of the company).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "enter_user")]
pub async fn enter_user(
    right_type: String,
    email: String,
    first_name: String,
    last_name: String,
    name: String,
    remark: String,
    #[server(default)] administrator: Option<String>,
    assignment: String,
    #[server(default)] copy_from: String,
    #[server(default)] template: String,
) -> Result<EntryConfirmation, PortalError> {
    let scope = require_admin().await?;
    let form =
        entry::EntryForm { right_type, email, first_name, last_name, name, remark, administrator: administrator.is_some(), assignment, copy_from, template };
    let confirmation = entry::enter_user(&Deps::of_request()?, &scope, form, crate::shared::locale::request_locale()).await?;
    // Sent before the page woke up (or without JavaScript): the new right's own page, which
    // says once what the confirmation would have said (the API key, a withheld e-mail).
    if crate::shared::context::is_plain_form_post() {
        notes::remember_for_the_right_s_page(&confirmation).await?;
        leptos_axum::redirect(&format!("/admin/rights/{}", confirmation.right_id));
    }
    Ok(confirmation)
}

/// What a right's page says once, above its form, about the change just made to it.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RightPageNotes {
    /// The login's e-mail about the change was withheld by the per-address limit.
    pub mail_withheld: bool,
    /// A technical user entered without JavaScript: its API key, shown this once.
    pub api_key: Option<String>,
}

impl std::fmt::Debug for RightPageNotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RightPageNotes").field("mail_withheld", &self.mail_withheld).field("api_key", &self.api_key.as_ref().map(|_| "…")).finish()
    }
}

/// One right of the acting company with its services and debtors.
#[server(prefix = "/api", endpoint = "load_right")]
pub async fn load_right(right_id: i64) -> Result<RightDetail, PortalError> {
    let scope = require_admin().await?;
    service::load_right(&store()?, &scope, right_id).await
}

/// "Octroyer des autorisations de service": replaces the right's authorizations at once
/// with those of the form ([`GrantField`]).
#[server(prefix = "/api", endpoint = "save_grants")]
pub async fn save_grants(right_id: i64, #[server(default)] grants: BTreeMap<String, GrantField>) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let grants = grants_of(&grants).ok_or_else(|| refused(Refusal::MalformedRequest))?;
    let withheld = service::save_grants(&Deps::of_request()?, &scope, right_id, grants).await?;
    notes::remember_withheld(right_id, withheld).await?;
    crate::shared::context::show_a_plain_post(&right_page::grants_saved_path(right_id));
    Ok(())
}

/// Changes remark, end date (`yyyy-mm-dd` or empty) and, for employees, the administrator flag.
#[server(prefix = "/api", endpoint = "update_right")]
pub async fn update_right(
    right_id: i64,
    version: i64,
    remark: String,
    end_date: String,
    #[server(default)] administrator: Option<String>,
) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    service::update_right(&store()?, &scope, right_id, version, remark, end_date, administrator.is_some()).await
}

/// "Prolonger l'accès": moves a pending, active or suspended right's end date later in one step, by
/// `months` (3, 6 or 12, from the end date it has) or to `until` (`yyyy-mm-dd`), one of the
/// two. A provider whose access is extended is told.
#[server(prefix = "/api", endpoint = "extend_right")]
pub async fn extend_right(right_id: i64, version: i64, #[server(default)] months: String, #[server(default)] until: String) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let withheld = service::extend_right(&Deps::of_request()?, &scope, right_id, version, &months, &until).await?;
    notes::remember_withheld(right_id, withheld).await
}

/// Ends a right at once: `revoke` (active) or `cancel` (a pending invitation).
#[server(prefix = "/api", endpoint = "end_right")]
pub async fn end_right(right_id: i64, version: i64, how: String) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let withheld = service::end_right(&Deps::of_request()?, &scope, right_id, version, &how).await?;
    notes::remember_withheld(right_id, withheld).await
}

/// "Suspendre l'accès": an active right grants nothing until it is resumed, and keeps its
/// services, debtors and history. The provider is told.
#[server(prefix = "/api", endpoint = "suspend_right")]
pub async fn suspend_right(right_id: i64, version: i64) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let withheld = service::put_on_hold(&Deps::of_request()?, &scope, right_id, version, portal_core::domain::Transition::Suspend).await?;
    notes::remember_withheld(right_id, withheld).await
}

/// "Reprendre l'accès": a suspended right is active again, with what it granted before. The
/// provider is told.
#[server(prefix = "/api", endpoint = "resume_right")]
pub async fn resume_right(right_id: i64, version: i64) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let withheld = service::put_on_hold(&Deps::of_request()?, &scope, right_id, version, portal_core::domain::Transition::Resume).await?;
    notes::remember_withheld(right_id, withheld).await
}

/// Decides a provider's request for access: `approve` makes the right active at once (the
/// provider asked, no second acceptance), otherwise it is refused. The requester is told.
#[server(prefix = "/api", endpoint = "decide_request")]
pub async fn decide_request(right_id: i64, version: i64, approve: bool) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let withheld = service::decide_request(&Deps::of_request()?, &scope, right_id, version, approve).await?;
    notes::remember_withheld(right_id, withheld).await
}

/// "Renvoyer": a pending invitation is due again within the company's invitation lifetime,
/// one that lapsed unanswered is pending again; its message (and e-mail) is sent again.
#[server(prefix = "/api", endpoint = "resend_invitation")]
pub async fn resend_invitation(right_id: i64) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    let withheld = service::resend_invitation(&Deps::of_request()?, &scope, right_id).await?;
    notes::remember_withheld(right_id, withheld).await
}

/// What offboarding the provider company `provider_company_id` would end on the acting
/// company: who, which services and debtors, since when (404 when its logins hold nothing).
#[server(prefix = "/api", endpoint = "load_offboarding")]
pub async fn load_offboarding(provider_company_id: i64) -> Result<OffboardingPreview, PortalError> {
    let scope = require_admin().await?;
    offboarding::preview(&store()?, &scope, provider_company_id).await
}

/// Ends, in one step, every pending, active or suspended right of the provider company's logins on the
/// acting company, if they are still exactly `previewed` ([`OffboardingPreview::previewed`]);
/// else 409 and nothing ends. Each provider is told. Answers how many rights ended.
#[server(prefix = "/api", endpoint = "offboard_provider_company")]
pub async fn offboard_provider_company(provider_company_id: i64, previewed: String) -> Result<i64, PortalError> {
    let scope = require_admin().await?;
    let (count, provider_company) = offboarding::offboard(&Deps::of_request()?, &scope, provider_company_id, &previewed).await?;
    // Sent before the page woke up: the offboarding page would find nothing left to end, so
    // the list it leads back to says what ended.
    crate::shared::context::say_after_a_plain_post(|locale| {
        crate::i18n::td_string!(locale, admin.offboard_done, company = provider_company, count = count).to_string()
    })
    .await?;
    crate::shared::context::show_a_plain_post(crate::shared::paths::PATH_ADMIN_RIGHTS);
    Ok(count)
}

/// How many days (1 to 90) the acting company's invitations, and the requests made to it,
/// wait for an answer before they lapse. Answers the days now in force.
#[server(prefix = "/api", endpoint = "set_invitation_lifetime")]
pub async fn set_invitation_lifetime(days: String) -> Result<i64, PortalError> {
    let scope = require_admin().await?;
    let days = service::set_invitation_lifetime(&store()?, &scope, &days).await?;
    crate::shared::context::say_after_a_plain_post(|locale| crate::i18n::td_string!(locale, admin.lifetime_saved, days = days).to_string()).await?;
    Ok(days)
}

/// "Modèles d'autorisations": the acting company's permission templates, with its services
/// and debtors to make them of.
#[server(prefix = "/api", endpoint = "load_templates")]
pub async fn load_templates() -> Result<TemplatesView, PortalError> {
    let scope = require_admin().await?;
    templates::load(&store()?, &scope).await
}

/// Creates (`template_id` 0) or changes a permission template of the acting company with the
/// authorizations of the form ([`GrantField`]); answers its id. The rights made from it keep
/// what they were given.
#[server(prefix = "/api", endpoint = "save_template")]
pub async fn save_template(template_id: i64, name: String, #[server(default)] grants: BTreeMap<String, GrantField>) -> Result<i64, PortalError> {
    let scope = require_admin().await?;
    let grants = grants_of(&grants).ok_or_else(|| refused(Refusal::MalformedRequest))?;
    let saved = templates::save(&store()?, &scope, template_id, &name, grants).await?;
    crate::shared::context::show_a_plain_post(&templates_page::saved_path(saved));
    Ok(saved)
}

/// Deletes a permission template of the acting company; the rights made from it keep what
/// they were given.
#[server(prefix = "/api", endpoint = "delete_template")]
pub async fn delete_template(template_id: i64) -> Result<(), PortalError> {
    let scope = require_admin().await?;
    templates::delete(&store()?, &scope, template_id).await?;
    crate::shared::context::show_a_plain_post(&templates_page::deleted_path());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form as the browser posts it, read the way the server function reads it.
    fn posted(body: &str) -> BTreeMap<String, GrantField> {
        #[derive(Deserialize)]
        struct Form {
            #[serde(default)]
            grants: BTreeMap<String, GrantField>,
        }
        serde_qs::Config::new(5, false).deserialize_str::<Form>(body).unwrap().grants
    }

    #[test]
    fn a_posted_form_grants_the_services_that_are_on_with_all_or_the_chosen_debtors() {
        let form = posted(concat!(
            "grants%5B1%5D%5Bon%5D=on&grants%5B1%5D%5Bscope%5D=chosen&grants%5B1%5D%5Bdebtors%5D%5B7%5D=on&grants%5B1%5D%5Bdebtors%5D%5B9%5D=on",
            "&grants%5B2%5D%5Bon%5D=on&grants%5B2%5D%5Bscope%5D=all&grants%5B2%5D%5Bdebtors%5D%5B7%5D=on",
            "&grants%5B3%5D%5Bscope%5D=chosen&grants%5B3%5D%5Bdebtors%5D%5B7%5D=on",
        ));
        assert_eq!(
            grants_of(&form),
            Some(vec![
                GrantInput { service_id: 1, all_debtors: false, debtor_ids: vec![7, 9] },
                GrantInput { service_id: 2, all_debtors: true, debtor_ids: vec![] },
            ]),
            "service 3 is off: its hidden fields mean nothing"
        );
        assert_eq!(grants_of(&posted("")), Some(vec![]), "nothing on: every authorization ends");
    }

    #[test]
    fn a_service_or_debtor_not_named_by_a_number_is_not_a_form_of_the_portal() {
        assert_eq!(grants_of(&posted("grants[orders][on]=on")), None);
        assert_eq!(grants_of(&posted("grants[1][on]=on&grants[1][scope]=chosen&grants[1][debtors][x]=on")), None);
    }

    #[test]
    fn the_island_s_input_is_posted_as_the_page_s_form_would_be() {
        let mut grants = BTreeMap::new();
        grants.insert("4".to_string(), GrantField { on: Some("on".into()), scope: "chosen".into(), debtors: [("8".to_string(), "on".to_string())].into() });
        let sent = serde_qs::to_string(&SaveGrants { right_id: 12, grants }).unwrap();
        assert_eq!(grants_of(&posted(&sent)), Some(vec![GrantInput { service_id: 4, all_debtors: false, debtor_ids: vec![8] }]));
    }
}
