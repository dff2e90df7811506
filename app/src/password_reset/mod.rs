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
    service::request_password_reset(email).await
}

/// Whether a password link is still valid: `"reset"` or `"set"` (first password).
#[server(prefix = "/api", endpoint = "check_password_link")]
pub async fn check_password_link(token: String) -> Result<String, PortalError> {
    service::check_password_link(token).await
}

/// Sets a new password with a reset or set-password link; goes to `/login`.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String, confirm: String) -> Result<(), PortalError> {
    service::reset_password(token, password, confirm).await
}
