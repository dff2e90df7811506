//! Sign-in ("Se connecter") with e-mail and password, and "who is signed in", as server
//! functions with stable paths; the code step of a two-step login is in [`crate::two_step`].

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

/// Value of `?erreur=` on `/login` after a sign-in without JavaScript failed.
pub const LOGIN_ERROR_CREDENTIALS: &str = "identifiants";
pub const LOGIN_ERROR_THROTTLED: &str = "tentatives";
pub const LOGIN_ERROR_UNCONFIRMED: &str = "confirmation";

/// The signed-in user as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
}

/// Signs in with e-mail and password. Answers the path to go to next (`/login/code`,
/// `/select-company`, the page named by `retour` when it is one of the portal's, or `/portal`)
/// and also redirects there (a plain form post without JavaScript gets a 302).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, retour: Option<String>) -> Result<String, PortalError> {
    use crate::shared::context::{client_address, session, settings, store};
    // Anything but one of the portal's own pages is dropped: the sign-in itself goes on.
    let back = retour.as_deref().and_then(crate::shared::return_path::ReturnPath::parse);
    let session = session().await?;
    crate::access::answer_sign_in(service::sign_in(&store()?, &settings(), &session, client_address().await, &email, password, back).await?)
}

/// Where a login that is signed in already goes from the sign-in page: the company selector
/// or the page it would reach after signing in. `None` when nobody is signed in.
#[server(prefix = "/api", endpoint = "signed_in_destination")]
pub async fn signed_in_destination(retour: Option<String>) -> Result<Option<String>, PortalError> {
    use crate::shared::context::{session, settings, store};
    let back = retour.as_deref().and_then(crate::shared::return_path::ReturnPath::parse);
    service::signed_in_destination(&store()?, &settings(), &session().await?, back).await
}

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, PortalError> {
    let Some(login) = crate::access::current_login().await? else {
        return Ok(None);
    };
    let store = crate::shared::context::store()?;
    let user = store.user(login.user_id).await.map_err(crate::shared::refusal::internal)?;
    Ok(Some(SignedInUser {
        user_id: user.id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        language: user.language.code().to_string(),
    }))
}
