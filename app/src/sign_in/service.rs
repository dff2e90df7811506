//! The server side of sign-in: the password check, throttling, the new session and where the
//! login goes next.

use std::fmt::Display;
use std::net::IpAddr;

use crate::shared::refusal::PortalError;
use portal_core::domain::{AuditAction, EmailAddress};
use portal_core::store::{self, Actor, AuditEntry, Store, User};

use super::{LOGIN_ERROR_CREDENTIALS, LOGIN_ERROR_THROTTLED, LOGIN_ERROR_UNCONFIRMED};
use crate::access::{complete_sign_in, next_page, signed_in};
use crate::shared::paths::PATH_LOGIN;
use crate::shared::refusal::Refusal;
use crate::shared::return_path::ReturnPath;
use crate::shared::{
    context::{client_address, refused_back_to, session, settings, store, AuthSettings},
    refusal::internal,
};

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

/// The server side of [`super::signed_in_destination`].
pub async fn signed_in_destination(retour: Option<String>) -> Result<Option<String>, PortalError> {
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
pub async fn sign_in(email: String, password: String, retour: Option<String>) -> Result<String, PortalError> {
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
            let (refusal, code) = match failure {
                Failure::Throttled => (Refusal::SignInThrottled, LOGIN_ERROR_THROTTLED),
                Failure::Unconfirmed => (Refusal::EmailUnconfirmed, LOGIN_ERROR_UNCONFIRMED),
                _ => (Refusal::InvalidCredentials, LOGIN_ERROR_CREDENTIALS),
            };
            // Without JavaScript the refusal is shown by the login page.
            let keep = back.as_ref().map(|b| format!("&{}", b.query_param()));
            return Err(refused_back_to(refusal, &format!("{PATH_LOGIN}?erreur={code}{}", keep.unwrap_or_default())));
        }
    };

    // Two-step login on: nothing is granted yet, the code is asked at `/login/code`.
    if user.totp_enabled {
        return crate::two_step::service::begin_pending(&session, &user, back).await;
    }

    complete_sign_in(&store, &session, &user, back).await
}
