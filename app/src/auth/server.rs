//! The server side of sign-in: the session's typed content, the password check, throttling.
//!
//! Sessions are `tower_sessions::Session`s (stored in the database by the server crate's
//! store); this module reads and writes the two keys that make a session "signed in": the
//! user's id and the instant of sign-in (for the absolute time-out).

use std::collections::BTreeSet;
use std::fmt::Display;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use portal_core::domain::{EmailAddress, RightType, UserId};
use portal_core::store::{self, Actor, AuditEntry, Store, User};
use tower_sessions::Session;

use super::{
    LOGIN_ERROR_CREDENTIALS, LOGIN_ERROR_THROTTLED, LOGIN_ERROR_UNCONFIRMED, MSG_EMAIL_UNCONFIRMED,
    MSG_INVALID_CREDENTIALS, MSG_NOT_SIGNED_IN, MSG_THROTTLED, MSG_UNAVAILABLE, PATH_LOGIN, PATH_PORTAL,
    PATH_SELECT_COMPANY,
};
use super::return_path::{ReturnPath, KEY_RETURN_TO};
use crate::refusal::refused;
use http::StatusCode;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "portal_session";
/// Session key: the signed-in user's id.
pub const KEY_USER_ID: &str = "auth.user_id";
/// Session key: when the user signed in (Unix seconds), for the absolute time-out.
pub const KEY_SIGNED_IN_AT: &str = "auth.signed_in_at";

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

/// A signed-in session: who, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: UserId,
    pub signed_in_at: DateTime<Utc>,
}

/// The store provided as context by the server.
pub fn store() -> Result<Store, ServerFnError> {
    use_context::<Store>().ok_or_else(|| internal("no Store in the Leptos context"))
}

/// The settings provided as context by the server (defaults when absent).
pub fn settings() -> AuthSettings {
    use_context::<AuthSettings>().unwrap_or_default()
}

/// The request's session (the session layer must wrap the routes).
pub async fn session() -> Result<Session, ServerFnError> {
    leptos_axum::extract::<Session>().await.map_err(|e| internal(format!("no session layer: {e}")))
}

/// Logs `error` and answers the generic "unavailable" message (no details to the user).
pub fn internal(error: impl Display) -> ServerFnError {
    tracing::error!(%error, "server function failed");
    ServerFnError::new(MSG_UNAVAILABLE)
}

/// Who is signed in on `session`, if anybody. A session past its absolute time-out is
/// ended here (deleted from the store), so this is also the check run on every request.
pub async fn signed_in(session: &Session, settings: &AuthSettings) -> Result<Option<SignedIn>, tower_sessions::session::Error> {
    let Some(user_id) = session.get::<UserId>(KEY_USER_ID).await? else {
        return Ok(None);
    };
    let since = session
        .get::<i64>(KEY_SIGNED_IN_AT)
        .await?
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0));
    let limit = chrono::Duration::from_std(settings.absolute_timeout).unwrap_or(chrono::Duration::MAX);
    match since {
        Some(since) if since + limit > Utc::now() => Ok(Some(SignedIn { user_id, signed_in_at: since })),
        _ => {
            tracing::info!(user_id, "session ended: absolute time-out reached");
            session.flush().await?;
            Ok(None)
        }
    }
}

/// The signed-in user of the current request, if any. Usable by every server function and
/// during server-side rendering.
pub async fn current_login() -> Result<Option<SignedIn>, ServerFnError> {
    let session = session().await?;
    signed_in(&session, &settings()).await.map_err(internal)
}

/// The signed-in user of the current request, or the error "session expired".
pub async fn require_login() -> Result<SignedIn, ServerFnError> {
    current_login().await?.ok_or_else(|| refused(StatusCode::UNAUTHORIZED, MSG_NOT_SIGNED_IN))
}

/// The client's address, from where the server was told to read it (`--client-ip-source`:
/// the connection's peer, or the header the portal's own proxy sets). None when that source
/// says nothing: the request is then throttled by account only.
pub(crate) async fn client_address() -> Option<IpAddr> {
    leptos_axum::extract::<axum_client_ip::ClientIp>().await.ok().map(|axum_client_ip::ClientIp(ip)| ip)
}

/// True for a plain HTML form post (no JavaScript): errors must then be shown by a redirect.
pub(crate) fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::ACCEPT)?.to_str().ok().map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

enum Failure {
    Credentials,
    Throttled,
    /// The right password, but the address of this self-registered login is not confirmed.
    Unconfirmed,
    Internal(String),
}

impl<E: Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Internal(e.to_string())
    }
}

/// Checks throttling and the password; counts failures. Never says whether the e-mail exists.
async fn check_credentials(
    store: &Store,
    settings: &AuthSettings,
    email_input: &str,
    password: String,
    address: Option<IpAddr>,
) -> Result<User, Failure> {
    let now = store::now();
    let window = settings.window();
    let parsed = EmailAddress::parse(email_input);
    // Only a valid address names an account; whatever else was typed (any length, any
    // bytes) shares one bucket, which no sign-in can succeed from anyway.
    let account_key = match &parsed {
        Ok(email) => format!("email:{}", email.as_str().to_lowercase()),
        Err(_) => "email:(invalid)".to_string(),
    };
    let address_key = address.map(|ip| format!("ip:{ip}"));

    // Counted before the check: concurrent guesses each take one of the allowed attempts.
    let account_attempts = store.count_attempt(&account_key, now, window).await?;
    let address_attempts = match &address_key {
        Some(key) => store.count_attempt(key, now, window).await?,
        None => 0,
    };
    if account_attempts > settings.max_failures_per_account || address_attempts > settings.max_failures_per_address {
        return Err(Failure::Throttled);
    }

    let found = match &parsed {
        Ok(email) => store.user_with_credentials(email).await?,
        Err(_) => None,
    };
    let hash = found.as_ref().and_then(|(_, credentials)| credentials.password_hash.clone());
    let verified = super::password::verify(password, hash).await?;

    match found {
        Some((user, _)) if verified => {
            store.clear_attempts(&account_key).await?;
            if let Some(key) = &address_key {
                // A right password is no attack from this address (an office shares one).
                store.uncount_attempt(key).await?;
            }
            if user.email_verified_at.is_none() {
                // Only said to whoever knows the password: no hint about the address.
                tracing::info!(user_id = user.id, "sign-in refused: address not confirmed yet");
                return Err(Failure::Unconfirmed);
            }
            Ok(user)
        }
        found => {
            if let Some((user, _)) = found {
                let actor = Actor { user_id: Some(user.id), acting_company_id: None };
                store
                    .append_audit(&AuditEntry::new(&actor, user.home_company_id, "login.failed", format!("user:{}", user.id)))
                    .await?;
            }
            tracing::info!(address = ?address, "sign-in refused: wrong e-mail or password");
            Err(Failure::Credentials)
        }
    }
}

/// Where the user goes after sign-in: the company selector when they may act for more than
/// one company (home company and active provider rights), else the portal.
pub async fn destination_after_sign_in(store: &Store, user: &User) -> Result<&'static str, store::StoreError> {
    let today = Utc::now().date_naive();
    let mut companies: BTreeSet<i64> = user.home_company_id.into_iter().collect();
    for r in store.rights_of_user(user.id).await? {
        if r.right.right_type == RightType::Provider && r.right.grants_access_on(today) {
            companies.insert(r.right.company_id);
        }
    }
    Ok(if companies.len() > 1 { PATH_SELECT_COMPANY } else { PATH_PORTAL })
}

/// Where a login goes once signed in: the company selector when it must choose first (the
/// way back then waits in the session for the choice), else the way back or the portal.
async fn next_page(store: &Store, session: &Session, user: &User, back: Option<ReturnPath>) -> Result<String, ServerFnError> {
    let first = destination_after_sign_in(store, user).await.map_err(internal)?;
    match back {
        Some(back) if first == PATH_SELECT_COMPANY => {
            session.insert(KEY_RETURN_TO, back.as_str()).await.map_err(internal)?;
            Ok(first.to_string())
        }
        Some(back) => Ok(back.as_str().to_string()),
        None => Ok(first.to_string()),
    }
}

/// The server side of [`super::signed_in_destination`].
pub async fn signed_in_destination(retour: Option<String>) -> Result<Option<String>, ServerFnError> {
    let session = session().await?;
    let Some(login) = signed_in(&session, &settings()).await.map_err(internal)? else {
        return Ok(None);
    };
    let store = store()?;
    let user = store.user(login.user_id).await.map_err(internal)?;
    let back = retour.as_deref().and_then(ReturnPath::parse);
    next_page(&store, &session, &user, back).await.map(Some)
}

/// The server side of [`super::sign_in`].
pub async fn sign_in(email: String, password: String, retour: Option<String>) -> Result<String, ServerFnError> {
    let store = store()?;
    let settings = settings();
    let session = session().await?;
    let address = client_address().await;
    // Anything but one of the portal's own pages is dropped: the sign-in itself goes on.
    let back = retour.as_deref().and_then(ReturnPath::parse);

    let user = match check_credentials(&store, &settings, &email, password, address).await {
        Ok(user) => user,
        Err(Failure::Internal(e)) => return Err(internal(e)),
        Err(failure) => {
            let (message, code, status) = match failure {
                Failure::Throttled => (MSG_THROTTLED, LOGIN_ERROR_THROTTLED, StatusCode::TOO_MANY_REQUESTS),
                Failure::Unconfirmed => (MSG_EMAIL_UNCONFIRMED, LOGIN_ERROR_UNCONFIRMED, StatusCode::FORBIDDEN),
                _ => (MSG_INVALID_CREDENTIALS, LOGIN_ERROR_CREDENTIALS, StatusCode::UNAUTHORIZED),
            };
            // Without JavaScript the refusal is shown by the login page (a redirect there).
            if is_plain_form_post() {
                let keep = back.as_ref().map(|b| format!("&{}", b.query_param()));
                leptos_axum::redirect(&format!("{PATH_LOGIN}?erreur={code}{}", keep.unwrap_or_default()));
                return Err(ServerFnError::new(message));
            }
            return Err(refused(status, message));
        }
    };

    // Two-step login on: nothing is granted yet, the code is asked at `/login/code`.
    if user.totp_enabled {
        return super::two_step::begin_pending(&session, &user, back).await;
    }

    complete_sign_in(&store, &session, &user, back).await
}

/// Signs `user` in on `session` once every step has passed (password, and the code when
/// two-step login is on): a new session id without anything from before (against session
/// fixation), the last login, the audit entry, and where to go next: `back` when it was
/// given and no company must be chosen first.
pub(crate) async fn complete_sign_in(store: &Store, session: &Session, user: &User, back: Option<ReturnPath>) -> Result<String, ServerFnError> {
    let now = store::now();
    session.clear().await;
    session.cycle_id().await.map_err(internal)?;
    session.insert(KEY_USER_ID, user.id).await.map_err(internal)?;
    session.insert(KEY_SIGNED_IN_AT, now.timestamp()).await.map_err(internal)?;

    store.set_last_login(user.id, now).await.map_err(internal)?;
    let actor = Actor { user_id: Some(user.id), acting_company_id: None };
    store
        .append_audit(&AuditEntry::new(&actor, user.home_company_id, "login", format!("user:{}", user.id)))
        .await
        .map_err(internal)?;
    let next = next_page(store, session, user, back).await?;
    set_locale_cookie(user.language.code());
    tracing::info!(user_id = user.id, next, "signed in");
    leptos_axum::redirect(&next);
    Ok(next)
}

/// Makes the next pages render in `code` (the signed-in login's language): the same cookie
/// leptos_i18n reads and writes, for the whole site.
pub fn set_locale_cookie(code: &str) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&super::locale_cookie(code)) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// The server side of [`super::sign_out`].
pub async fn sign_out() -> Result<(), ServerFnError> {
    let store = store()?;
    let session = session().await?;
    if let Some(login) = signed_in(&session, &settings()).await.map_err(internal)? {
        let actor = Actor { user_id: Some(login.user_id), acting_company_id: None };
        store
            .append_audit(&AuditEntry::new(&actor, None, "logout", format!("user:{}", login.user_id)))
            .await
            .map_err(internal)?;
        tracing::info!(user_id = login.user_id, "signed out");
    }
    session.flush().await.map_err(internal)?;
    leptos_axum::redirect(PATH_LOGIN);
    Ok(())
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
