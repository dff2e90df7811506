//! The server side of sign-in: the password check, throttling, the new session and where the
//! login goes next.

use std::fmt::Display;
use std::net::IpAddr;

use crate::shared::refusal::PortalError;
use portal_core::domain::{AuditAction, EmailAddress};
use portal_core::store::{self, Actor, AuditEntry, Store, User};

use tower_sessions::Session;

use super::{LOGIN_ERROR_CREDENTIALS, LOGIN_ERROR_THROTTLED, LOGIN_ERROR_UNCONFIRMED};
use crate::access::{complete_sign_in, next_page, signed_in, SignInStep};
use crate::shared::context::AuthSettings;
use crate::shared::paths::PATH_LOGIN;
use crate::shared::refusal::{internal, Refusal, RefusedAt};
use crate::shared::return_path::ReturnPath;

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
async fn check_credentials(store: &Store, settings: &AuthSettings, email_input: &str, password: String, address: Option<IpAddr>) -> Result<User, Failure> {
    let now = store::real_time();
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
    let verified = crate::shared::password::verify(password, hash).await?;

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
                let actor = Actor::login(user.id);
                store.append_audit(&AuditEntry::new(&actor, user.home_company_id, AuditAction::LoginFailed, format!("user:{}", user.id))).await?;
            }
            tracing::info!(address = ?address, "sign-in refused: wrong e-mail or password");
            Err(Failure::Credentials)
        }
    }
}

/// Where the login signed in on `session` goes from the sign-in page, `None` when nobody is.
pub async fn signed_in_destination(store: &Store, settings: &AuthSettings, session: &Session, back: Option<ReturnPath>) -> Result<Option<String>, PortalError> {
    let Some(login) = signed_in(session, settings).await.map_err(internal)? else {
        return Ok(None);
    };
    let user = store.user(login.user_id).await.map_err(internal)?;
    next_page(store, session, &user, back).await.map(Some)
}

/// Signs in on `session` with e-mail and password, from the client `address`; with two-step
/// login on, only the code is asked next. A refusal goes back to the login page, which keeps
/// the way `back`.
pub async fn sign_in(
    store: &Store,
    settings: &AuthSettings,
    session: &Session,
    address: Option<IpAddr>,
    email: &str,
    password: String,
    back: Option<ReturnPath>,
) -> Result<Result<SignInStep, RefusedAt>, PortalError> {
    let user = match check_credentials(store, settings, email, password, address).await {
        Ok(user) => user,
        Err(Failure::Internal(e)) => return Err(internal(e)),
        Err(failure) => {
            let (refusal, code) = match failure {
                Failure::Throttled => (Refusal::SignInThrottled, LOGIN_ERROR_THROTTLED),
                Failure::Unconfirmed => (Refusal::EmailUnconfirmed, LOGIN_ERROR_UNCONFIRMED),
                _ => (Refusal::InvalidCredentials, LOGIN_ERROR_CREDENTIALS),
            };
            let keep = back.as_ref().map(|b| format!("&{}", b.query_param()));
            return Ok(Err(RefusedAt { refusal, page: format!("{PATH_LOGIN}?erreur={code}{}", keep.unwrap_or_default()) }));
        }
    };

    // Two-step login on: nothing is granted yet, the code is asked at `/login/code`.
    if user.totp_enabled {
        crate::two_step::service::begin_pending(session, &user, back).await?;
        return Ok(Ok(SignInStep::CodeAsked));
    }

    complete_sign_in(store, session, &user, back).await.map(Ok)
}
