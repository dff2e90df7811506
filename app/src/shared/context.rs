//! What every server function reads from the request's context: the store, the settings,
//! the session, the client's address.

use std::net::IpAddr;
use std::time::Duration;

use leptos::prelude::*;
use portal_core::store::Store;
use tower_sessions::Session;

use super::locale::request_locale;
use super::refusal::{internal, refused, PortalError, Refusal};
use crate::i18n::Locale;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "portal_session";

/// Time-outs and throttling limits, provided as Leptos context and used by the middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// A session unused for this long ends (sliding expiry in the store and the cookie).
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however active.
    pub absolute_timeout: Duration,
    /// Failed sign-ins are counted in windows this long.
    pub throttle_window: Duration,
    /// Failed sign-ins per account (e-mail) within a window before sign-in is refused.
    pub max_failures_per_account: i64,
    /// Failed sign-ins per client address within a window before sign-in is refused.
    pub max_failures_per_address: i64,
    /// Requests of one kind that anybody may send (registration, reset link, e-mail change,
    /// access request by customer number) per client address within a window.
    pub max_requests_per_address: i64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            throttle_window: Duration::from_secs(15 * 60),
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            max_requests_per_address: 10,
        }
    }
}

impl AuthSettings {
    /// The window attempts are counted in, as the store takes it.
    pub fn window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.throttle_window).unwrap_or(chrono::Duration::minutes(15))
    }
}

/// The store provided as context by the server.
pub fn store() -> Result<Store, PortalError> {
    use_context::<Store>().ok_or_else(|| internal("no Store in the Leptos context"))
}

/// The settings provided as context by the server (defaults when absent).
pub fn settings() -> AuthSettings {
    use_context::<AuthSettings>().unwrap_or_default()
}

/// The request's session (the session layer must wrap the routes).
pub async fn session() -> Result<Session, PortalError> {
    leptos_axum::extract::<Session>().await.map_err(|e| internal(format!("no session layer: {e}")))
}

/// The client's address, from where the server was told to read it (`--client-ip-source`:
/// the connection's peer, or the header the portal's own proxy sets). None when that source
/// says nothing: the request is then throttled by account only.
pub async fn client_address() -> Option<IpAddr> {
    leptos_axum::extract::<axum_client_ip::ClientIp>().await.ok().map(|axum_client_ip::ClientIp(ip)| ip)
}

/// A form a browser posted itself (before its page woke up, or without JavaScript) goes on
/// to `path`, the page that shows what was done; a script's call gets the function's answer.
pub fn show_a_plain_post(path: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(path);
    }
}

/// A refusal: a script's call gets it with its status; a form the browser posted itself goes
/// back to `page` (a redirect keeps its status), whose address names what to say there.
pub fn refused_back_to(refusal: Refusal, page: &str) -> PortalError {
    if is_plain_form_post() {
        leptos_axum::redirect(page);
        return PortalError::from(refusal);
    }
    refused(refusal)
}

/// Session key of the sentence that says what a form posted without a script did.
const KEY_DONE: &str = "done_note";

/// A form the browser posted itself (before its page woke up, or without JavaScript) comes
/// back to a page rendered by the server, which cannot show the island's own sentence of
/// success ("Votre mot de passe a été modifié."): the next signed-in page says `sentence`,
/// written in the request's language, once above its content (`take_done_note`). A script's
/// call shows it in place instead.
pub async fn say_after_a_plain_post(sentence: impl FnOnce(Locale) -> String) -> Result<(), PortalError> {
    if is_plain_form_post() {
        session().await?.insert(KEY_DONE, sentence(request_locale())).await.map_err(internal)?;
    }
    Ok(())
}

/// The sentence [`say_after_a_plain_post`] left for this page, taken once.
pub async fn take_done_note() -> Result<Option<String>, PortalError> {
    session().await?.remove::<String>(KEY_DONE).await.map_err(internal)
}

/// True for a plain HTML form post (no JavaScript): errors must then be shown by a redirect.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::ACCEPT)?.to_str().ok().map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_settings_are_those_of_the_specification() {
        let s = AuthSettings::default();
        assert_eq!(s.idle_timeout, Duration::from_secs(1800));
        assert_eq!(s.absolute_timeout, Duration::from_secs(43200));
        assert_eq!((s.max_failures_per_account, s.max_failures_per_address), (5, 20));
    }
}
