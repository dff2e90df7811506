//! An administrator of the acting company.

use crate::shared::refusal::PortalError;
use portal_core::store::{Actor, User};

use super::{require_acting, require_login, CompanyChoice};
use crate::shared::refusal::{refused, Refusal};
use crate::shared::{context::store, refusal::internal};

/// Who acts, for which company: the result of [`require_admin`].
#[derive(Debug, Clone)]
pub struct AdminScope {
    pub admin: User,
    pub company: CompanyChoice,
    pub actor: Actor,
}

/// A signed-in login acting for a company on which it holds an active administrator right
/// as an employee (a provider never administers the principal's rights). Checked on every call.
pub async fn require_admin() -> Result<AdminScope, PortalError> {
    let login = require_login().await?;
    let company = require_acting(login.user_id).await?;
    let store = store()?;
    let right = store.right_for(company.company_id, login.user_id).await.map_err(internal)?;
    match right {
        Some(r) if r.administers_on(store.today()) => {
            let admin = store.user(login.user_id).await.map_err(internal)?;
            let actor = Actor::user(login.user_id, company.company_id);
            Ok(AdminScope { admin, company, actor })
        }
        _ => Err(refused(Refusal::NotAdmin)),
    }
}
