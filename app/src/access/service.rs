//! A granted online service of the acting company.

use crate::shared::refusal::PortalError;
use portal_core::store::{Actor, UserRight};

use super::{require_acting_right, require_login, CompanyChoice};
use crate::shared::refusal::{refused, Refusal};
use crate::shared::{context::store, refusal::internal};

/// Who uses which service for which company: the result of [`require_service`].
#[derive(Debug, Clone)]
pub struct ServiceScope {
    pub user_id: i64,
    pub company: CompanyChoice,
    pub right: UserRight,
    pub service: &'static str,
    pub actor: Actor,
}

/// A signed-in login, acting for a company (re-checked), holding an active right on it
/// that covers `service` for at least one debtor today. Checked on every call.
pub async fn require_service(service: &'static str) -> Result<ServiceScope, PortalError> {
    let login = require_login().await?;
    let (company, right) = require_acting_right(login.user_id).await?;
    let store = store()?;
    if !right.grants_access_on(store.today()) {
        return Err(refused(Refusal::ServiceNotGranted));
    }
    if !store.may_act(login.user_id, company.company_id, service, None).await.map_err(internal)? {
        tracing::info!(user_id = login.user_id, company_id = company.company_id, service, "service refused: not granted");
        return Err(refused(Refusal::ServiceNotGranted));
    }
    let actor = Actor::user(login.user_id, company.company_id);
    Ok(ServiceScope { user_id: login.user_id, company, right, service, actor })
}
