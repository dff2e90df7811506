//! What the header of a signed-in page shows, loaded with the acting company checked again.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::access::CompanyChoice;
#[cfg(feature = "ssr")]
use crate::{
    access::{acting_with_right, choices, require_login, CompanyChoices},
    shared::{context::store, refusal::internal},
};
#[cfg(feature = "ssr")]
use portal_core::store::UserRight;

/// What the header of a signed-in page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalContext {
    pub user_name: String,
    pub acting: CompanyChoice,
    /// True when acting for another company than the login's own (as a provider).
    pub as_provider: bool,
    pub can_switch: bool,
    /// An active administrator of the acting company (sees "Droits d'utilisateur et autorisations").
    pub is_admin: bool,
    /// Messages the login has not opened yet (the header's "Messages" badge).
    pub unread_messages: i64,
    /// The online services this login may use for the acting company.
    pub services: Vec<String>,
    /// What a form posted without a script just did, said once above the page.
    pub done: Option<String>,
}

/// The header's data for a signed-in page, with the acting company checked again.
#[server(prefix = "/api", endpoint = "load_portal_context")]
pub async fn load_portal_context() -> Result<PortalContext, PortalError> {
    let login = require_login().await?;
    let (choices, acting, right) = acting_with_right(login.user_id).await?;
    let mut context = portal_context(login.user_id, acting, &choices, right).await?;
    context.done = crate::shared::context::take_done_note().await?;
    Ok(context)
}

/// The header's data for a login that may act for no company (no home company, no right in
/// force elsewhere): its pages are its own (its account, its messages, its invitations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnContext {
    pub user_name: String,
    pub unread_messages: i64,
    /// What a form posted without a script just did, said once above the page.
    pub done: Option<String>,
}

/// [`OwnContext`], or `None` for a login that has a company to act for: it chooses one first.
#[server(prefix = "/api", endpoint = "load_own_context")]
pub async fn load_own_context() -> Result<Option<OwnContext>, PortalError> {
    let login = require_login().await?;
    if choices(login.user_id).await?.count() > 0 {
        return Ok(None);
    }
    let store = store()?;
    let user = store.user(login.user_id).await.map_err(internal)?;
    let unread_messages = store.unread_count(login.user_id).await.map_err(internal)?;
    let done = crate::shared::context::take_done_note().await?;
    Ok(Some(OwnContext { user_name: user.full_name(), unread_messages, done }))
}

#[cfg(feature = "ssr")]
pub async fn portal_context(user_id: i64, acting: CompanyChoice, choices: &CompanyChoices, right: Option<UserRight>) -> Result<PortalContext, PortalError> {
    let store = store()?;
    let user = store.user(user_id).await.map_err(internal)?;
    let services = match &right {
        Some(right) => store.granted_service_codes(right.id).await.map_err(internal)?,
        None => Vec::new(),
    };
    let is_admin = right.as_ref().is_some_and(|r| r.administers_on(store.today()));
    let unread_messages = store.unread_count(user_id).await.map_err(internal)?;
    Ok(PortalContext {
        is_admin,
        unread_messages,
        user_name: user.full_name(),
        as_provider: acting.as_provider,
        acting,
        can_switch: choices.count() > 1,
        services,
        done: None,
    })
}
