//! "Mot de passe oublié ?": a reset link by e-mail (always the same answer), then a new
//! password set with it.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;

pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

/// "Mot de passe oublié ?": always the same answer; a link (1 hour) goes to the login's address.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), PortalError> {
    use crate::shared::{context, paths};
    let deps = crate::shared::deps::Deps::of_request()?;
    service::request_password_reset(&deps, context::client_address().await, email).await?;
    context::show_a_plain_post(&format!("{}?{}=1", paths::PATH_FORGOT, paths::SENT));
    Ok(())
}

/// Whether a password link is still valid: `"reset"` or `"set"` (first password).
#[server(prefix = "/api", endpoint = "check_password_link")]
pub async fn check_password_link(token: String) -> Result<String, PortalError> {
    service::check_password_link(&crate::shared::context::store()?, token).await
}

/// Sets a new password with a reset or set-password link; goes to `/login`.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String, confirm: String) -> Result<(), PortalError> {
    use crate::shared::paths::{NOTICE_PASSWORD, PATH_LOGIN};
    service::reset_password(&crate::shared::context::store()?, token, password, confirm).await?;
    leptos_axum::redirect(&format!("{PATH_LOGIN}?{NOTICE_PASSWORD}=1"));
    Ok(())
}
