//! "Créer un login": a login registers itself (no home company, address unconfirmed) and
//! confirms its address by the link it receives. Answers never say whether an address has a
//! login.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;

pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

/// Creates a login (no home company, address unconfirmed) and e-mails a confirmation link;
/// an address that already has a login gets an informational e-mail instead, and the
/// answer is the same.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(email: String, first_name: String, last_name: String, password: String, confirm: String, language: String) -> Result<(), PortalError> {
    use crate::shared::{context, paths};
    let deps = crate::shared::deps::Deps::of_request()?;
    let registration = service::Registration { email, first_name, last_name, password, confirm, language };
    service::register(&deps, context::client_address().await, registration).await?;
    context::show_a_plain_post(&format!("{}?{}=1", paths::PATH_REGISTER, paths::SENT));
    Ok(())
}

/// Confirms a self-registered login's address with the link's token and the password chosen
/// when registering; goes to `/login`.
#[server(prefix = "/api", endpoint = "confirm_registration")]
pub async fn confirm_registration(token: String, password: String) -> Result<(), PortalError> {
    use crate::shared::paths::{NOTICE_CONFIRMED, PATH_LOGIN};
    let deps = crate::shared::deps::Deps::of_request()?;
    service::confirm_registration(&deps, token, password).await?;
    leptos_axum::redirect(&format!("{PATH_LOGIN}?{NOTICE_CONFIRMED}=1"));
    Ok(())
}
