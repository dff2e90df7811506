//! "Sélectionner la société": the companies a signed-in login may act for, and the choice of
//! one of them for this session.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;

use crate::access::CompanyChoices;
#[cfg(feature = "ssr")]
use crate::{
    access::{choices, require_login, set_acting},
    shared::paths::PATH_PORTAL,
    shared::refusal::{refused, Refusal},
    shared::return_path::{ReturnPath, KEY_RETURN_TO},
    shared::{context::session, refusal::internal},
};

pub mod page;

#[server(prefix = "/api", endpoint = "list_company_choices")]
pub async fn list_company_choices() -> Result<CompanyChoices, PortalError> {
    let login = require_login().await?;
    choices(login.user_id).await
}

/// Sets the acting company of the session; refused unless the login may act for it now.
#[server(prefix = "/api", endpoint = "select_company")]
pub async fn select_company(company_id: i64) -> Result<String, PortalError> {
    let login = require_login().await?;
    let choices = choices(login.user_id).await?;
    if !choices.contains(company_id) {
        return Err(refused(Refusal::NotAllowedForCompany));
    }
    set_acting(login.user_id, company_id).await?;
    // From now on the session may do what this company granted: an id seen before the choice
    // is worth nothing after it. (A login with one company only has it chosen implicitly while
    // a page renders, where no new cookie could be sent; it gains nothing by it.)
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    // The page a link named before sign-in, kept through the choice.
    let back = session.remove::<String>(KEY_RETURN_TO).await.map_err(internal)?;
    let next = back.and_then(|b| ReturnPath::parse(&b)).map_or(PATH_PORTAL.to_string(), |b| b.as_str().to_string());
    leptos_axum::redirect(&next);
    Ok(next)
}
