//! An administrator of the acting company.

use crate::shared::refusal::PortalError;
use portal_core::domain::RightId;
use portal_core::store::{Actor, Store, StoreError, User, UserRight};

use super::{require_acting_right, require_login, CompanyChoice};
use crate::shared::refusal::{refused, Refusal};
use crate::shared::{context::store, refusal::internal};

/// Who acts, for which company: the result of [`require_admin`].
#[derive(Debug, Clone)]
pub struct AdminScope {
    pub admin: User,
    pub company: CompanyChoice,
    pub actor: Actor,
}

impl AdminScope {
    /// A right of the company this administrator acts for, or 404: also for another
    /// company's right, so that an id tells nothing about what exists elsewhere.
    pub async fn right(&self, store: &Store, right_id: RightId) -> Result<UserRight, PortalError> {
        match store.right(right_id).await {
            Ok(right) if right.company_id == self.company.company_id => Ok(right),
            Ok(_) | Err(StoreError::NotFound) => Err(refused(Refusal::RightNotFound)),
            Err(e) => Err(internal(e)),
        }
    }

    /// A right of the company as [`AdminScope::right`] gives it, but never the administrator's
    /// own: nobody ends or suspends the right they act through.
    pub async fn others_right(&self, store: &Store, right_id: RightId) -> Result<UserRight, PortalError> {
        let right = self.right(store, right_id).await?;
        if right.user_id == self.admin.id {
            return Err(refused(Refusal::OwnRight));
        }
        Ok(right)
    }
}

/// A signed-in login acting for a company on which it holds an active administrator right
/// as an employee (a provider never administers the principal's rights). Checked on every call.
pub async fn require_admin() -> Result<AdminScope, PortalError> {
    let login = require_login().await?;
    let (company, right) = require_acting_right(login.user_id).await?;
    let store = store()?;
    if !right.administers_on(store.today()) {
        return Err(refused(Refusal::NotAdmin));
    }
    let admin = store.user(login.user_id).await.map_err(internal)?;
    let actor = Actor::user(login.user_id, company.company_id);
    Ok(AdminScope { admin, company, actor })
}
