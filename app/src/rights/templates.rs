//! The server side of "Modèles d'autorisations": an administrator's named sets of services and
//! debtors of the acting company. Applying a template copies it (into the form of "Octroyer
//! des autorisations de service", or into a new right by "Saisir un utilisateur"); a template
//! changed or deleted later changes no right.

use portal_core::domain::TemplateName;
use portal_core::store::{Store, StoreError};

use super::choices::{choices, company_templates, specs_of};
use super::*;
use crate::access::AdminScope;
use crate::shared::refusal::{invalid, refused, PortalError, Refusal};

fn refusal(error: StoreError) -> PortalError {
    match error {
        StoreError::NotFound => refused(Refusal::TemplateNotFound),
        other => other.into(),
    }
}

pub async fn load(store: &Store, scope: &AdminScope) -> Result<TemplatesView, PortalError> {
    let company_id = scope.company.company_id;
    let (services, debtors) = choices(store, company_id, &[]).await?;
    Ok(TemplatesView { templates: company_templates(store, company_id).await?, services, debtors })
}

/// `template_id` 0 makes a new template; any other is one of the company's, or 404.
pub async fn save(store: &Store, scope: &AdminScope, template_id: i64, name: &str, grants: Vec<GrantInput>) -> Result<i64, PortalError> {
    let name = TemplateName::parse(name).map_err(invalid)?;
    let id = (template_id != 0).then_some(template_id);
    let saved = store.save_grant_template(scope.company.company_id, id, &name, &specs_of(grants), &scope.actor).await.map_err(refusal)?;
    tracing::info!(template_id = saved.id, company_id = scope.company.company_id, "permission template saved");
    Ok(saved.id)
}

pub async fn delete(store: &Store, scope: &AdminScope, template_id: i64) -> Result<(), PortalError> {
    store.delete_grant_template(scope.company.company_id, template_id, &scope.actor).await.map_err(refusal)?;
    tracing::info!(template_id, company_id = scope.company.company_id, "permission template deleted");
    Ok(())
}
