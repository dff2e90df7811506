//! What a form of authorizations (a right's, a template's, a new right's) is made of: the
//! acting company's services and debtors to choose from, and its templates to start from.

use portal_core::domain::CompanyId;
use portal_core::store::{GrantSpec, GrantTemplate, Store};

use super::*;
use crate::shared::refusal::{internal, PortalError};

/// The company's services, each as `granted` has it, and its debtors.
pub(super) async fn choices(store: &Store, company_id: CompanyId, granted: &[GrantSpec]) -> Result<(Vec<ServiceChoice>, Vec<DebtorChoice>), PortalError> {
    let services = store
        .company_services(company_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|s| {
            let grant = granted.iter().find(|g| g.service_id == s.id);
            ServiceChoice {
                service_id: s.id,
                code: s.code,
                name: s.name,
                granted: grant.is_some(),
                all_debtors: grant.is_none_or(|g| g.all_debtors),
                debtor_ids: grant.map(|g| g.debtor_ids.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let debtors = store
        .debtors(company_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|d| DebtorChoice { debtor_id: d.id, number: d.debtor_number, name: d.name })
        .collect();
    Ok((services, debtors))
}

fn view_of(template: GrantTemplate) -> TemplateView {
    TemplateView {
        template_id: template.id,
        name: template.name,
        services: template.grants.into_iter().map(|g| GrantInput { service_id: g.service_id, all_debtors: g.all_debtors, debtor_ids: g.debtor_ids }).collect(),
    }
}

/// The authorizations a form sent, as the store takes them.
pub(super) fn specs_of(grants: Vec<GrantInput>) -> Vec<GrantSpec> {
    grants.into_iter().map(|g| GrantSpec { service_id: g.service_id, all_debtors: g.all_debtors, debtor_ids: g.debtor_ids }).collect()
}

/// The company's templates, by name.
pub(super) async fn company_templates(store: &Store, company_id: i64) -> Result<Vec<TemplateView>, PortalError> {
    Ok(store.grant_templates(company_id).await.map_err(internal)?.into_iter().map(view_of).collect())
}
