//! Sign-in, sign-out and "who is signed in", as server functions with stable paths.
//!
//! The server side (sessions, throttling, password check, e-mail) lives in [`server`] and
//! [`mail`], compiled only with feature `ssr`; the browser sees the functions' signatures.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod password;
pub mod return_path;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod two_step;

/// The one answer to a wrong e-mail or password: never says which of the two was wrong.
pub const MSG_INVALID_CREDENTIALS: &str = "Adresse e-mail ou mot de passe incorrect.";
/// Too many failed attempts for this account or from this address.
pub const MSG_THROTTLED: &str = "Trop de tentatives de connexion. Veuillez réessayer dans 15 minutes.";
/// A server function that needs a signed-in user was called without one.
pub const MSG_NOT_SIGNED_IN: &str = "Votre session a expiré. Veuillez vous reconnecter.";
/// The right password of a self-registered login whose address is not confirmed yet.
pub const MSG_EMAIL_UNCONFIRMED: &str =
    "Votre adresse e-mail n'est pas encore confirmée. Ouvrez le lien que nous vous avons envoyé par e-mail.";
/// The refusal of a request beyond the limit of its client address (registrations, reset
/// links, e-mail changes, access requests by customer number).
pub const REQUESTS_THROTTLED: &str = "requests.too_many";
/// The current password, asked before a credential changes, is wrong.
pub const MSG_WRONG_CURRENT_PASSWORD: &str = "Le mot de passe actuel est incorrect.";
/// Anything unexpected on the server (details go to the log, not to the user).
pub const MSG_UNAVAILABLE: &str = "Le service est momentanément indisponible. Veuillez réessayer.";

/// Value of `?erreur=` on `/login` after a sign-in without JavaScript failed.
pub const LOGIN_ERROR_CREDENTIALS: &str = "identifiants";
pub const LOGIN_ERROR_THROTTLED: &str = "tentatives";
pub const LOGIN_ERROR_UNCONFIRMED: &str = "confirmation";

/// Where a user goes after sign-in when they can act for several companies.
pub const PATH_SELECT_COMPANY: &str = "/select-company";
/// Where a user goes after sign-in when they act for one company only.
pub const PATH_PORTAL: &str = "/portal";
pub const PATH_LOGIN: &str = "/login";

/// The cookie in which leptos_i18n keeps the reader's language (its default name).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The `Set-Cookie` / `document.cookie` value that keeps `code` as the reader's language on
/// the whole site for a year.
pub fn locale_cookie(code: &str) -> String {
    format!("{LOCALE_COOKIE}={code}; Path=/; Max-Age=31536000; SameSite=Lax")
}

/// The signed-in user as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
}

/// The message of a server function's error, without the framework's prefix.
pub fn error_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        _ => MSG_UNAVAILABLE.to_string(),
    }
}

/// Signs in with e-mail and password. Answers the path to go to next (`/login/code`,
/// `/select-company`, the page named by `retour` when it is one of the portal's, or `/portal`)
/// and also redirects there (a plain form post without JavaScript gets a 302).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, retour: Option<String>) -> Result<String, ServerFnError> {
    server::sign_in(email, password, retour).await
}

/// Where a login that is signed in already goes from the sign-in page: the company selector
/// or the page it would reach after signing in. `None` when nobody is signed in.
#[server(prefix = "/api", endpoint = "signed_in_destination")]
pub async fn signed_in_destination(retour: Option<String>) -> Result<Option<String>, ServerFnError> {
    server::signed_in_destination(retour).await
}

/// Ends the session on the server (the cookie no longer works) and goes to `/login`.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ServerFnError> {
    server::sign_out().await
}

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, ServerFnError> {
    let Some(login) = server::current_login().await? else {
        return Ok(None);
    };
    let store = server::store()?;
    let user = store.user(login.user_id).await.map_err(server::internal)?;
    Ok(Some(SignedInUser {
        user_id: user.id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        language: user.language.code().to_string(),
    }))
}

/// A sign-out button (a form posting to `/api/sign_out`, so it works without JavaScript too).
/// The children are the button's label, e.g. "Se déconnecter". The server function's
/// redirect to the sign-in page is followed as a navigation.
#[cfg_attr(not(island_signed_in), component)]
#[cfg_attr(island_signed_in, island)]
pub fn SignOutButton(class: String, children: Children) -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=action>
            <button type="submit" class=class>{children()}</button>
        </ActionForm>
    }
}
