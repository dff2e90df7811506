//! The server side of "Modèles d'autorisations": an administrator's named sets of services and
//! debtors of the acting company. Applying a template copies it (into the form of "Octroyer
//! des autorisations de service", or into a new right by "Saisir un utilisateur"); a template
//! changed or deleted later changes no right.

use portal_core::domain::TemplateName;
use portal_core::store::{GrantSpec, GrantTemplate, Store, StoreError};

use super::service::choices;
use super::*;
use crate::access::AdminScope;
use crate::shared::refusal::{invalid, refused, PortalError, Refusal};
use crate::shared::{context::store, refusal::internal};

fn view_of(template: GrantTemplate) -> TemplateView {
    TemplateView {
        template_id: template.id,
        name: template.name,
        services: template.grants.into_iter().map(|g| GrantInput { service_id: g.service_id, all_debtors: g.all_debtors, debtor_ids: g.debtor_ids }).collect(),
    }
}

pub(super) fn specs_of(grants: Vec<GrantInput>) -> Vec<GrantSpec> {
    grants.into_iter().map(|g| GrantSpec { service_id: g.service_id, all_debtors: g.all_debtors, debtor_ids: g.debtor_ids }).collect()
}

/// The company's templates, by name.
pub(super) async fn company_templates(store: &Store, company_id: i64) -> Result<Vec<TemplateView>, PortalError> {
    Ok(store.grant_templates(company_id).await.map_err(internal)?.into_iter().map(view_of).collect())
}

fn refusal(error: StoreError) -> PortalError {
    match error {
        StoreError::NotFound => refused(Refusal::TemplateNotFound),
        other => other.into(),
    }
}

pub async fn load(scope: &AdminScope) -> Result<TemplatesView, PortalError> {
    let store = store()?;
    let company_id = scope.company.company_id;
    let (services, debtors) = choices(&store, company_id, &[]).await?;
    Ok(TemplatesView { templates: company_templates(&store, company_id).await?, services, debtors })
}

/// `template_id` 0 makes a new template; any other is one of the company's, or 404.
pub async fn save(scope: &AdminScope, template_id: i64, name: &str, grants: Vec<GrantInput>) -> Result<i64, PortalError> {
    let name = TemplateName::parse(name).map_err(invalid)?;
    let store = store()?;
    let id = (template_id != 0).then_some(template_id);
    let saved = store.save_grant_template(scope.company.company_id, id, &name, &specs_of(grants), &scope.actor).await.map_err(refusal)?;
    tracing::info!(template_id = saved.id, company_id = scope.company.company_id, "permission template saved");
    Ok(saved.id)
}

pub async fn delete(scope: &AdminScope, template_id: i64) -> Result<(), PortalError> {
    let store = store()?;
    store.delete_grant_template(scope.company.company_id, template_id, &scope.actor).await.map_err(refusal)?;
    tracing::info!(template_id, company_id = scope.company.company_id, "permission template deleted");
    Ok(())
}
