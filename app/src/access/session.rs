//! The signed-in login of a session. Sessions are `tower_sessions::Session`s (stored in the
//! database by the server crate's store); two keys make a session "signed in": the user's id
//! and the instant of sign-in (for the absolute time-out).

use crate::shared::refusal::PortalError;
use chrono::{DateTime, Utc};
use portal_core::domain::{AuditAction, Language, RightId, UserId};
use portal_core::store::{self, Actor, AuditEntry, Store, StoreError, User, UserRight};
use tower_sessions::Session;

use super::acting_ssr::company_count;
use crate::shared::locale::set_locale_cookie;
use crate::shared::paths::{PATH_LOGIN_CODE, PATH_PORTAL, PATH_SELECT_COMPANY};
use crate::shared::refusal::{refused, Refusal, RefusedAt};
use crate::shared::return_path::{ReturnPath, KEY_RETURN_TO};
use crate::shared::{
    context::{refused_back_to, session, settings, AuthSettings},
    refusal::internal,
};

/// Session key: the signed-in user's id.
pub const KEY_USER_ID: &str = "auth.user_id";
/// Session key: when the user signed in (Unix seconds), for the absolute time-out.
pub const KEY_SIGNED_IN_AT: &str = "auth.signed_in_at";

/// A signed-in session: who, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: UserId,
    pub signed_in_at: DateTime<Utc>,
}

impl SignedIn {
    /// The right `right_id` when this login is the one who answers it
    /// ([`UserRight::answered_by`]: its invitation, its request, the right it holds), else
    /// `None`, whether no right has that id or another login's right has it: an id tells a
    /// login nothing about others' rights. A caller whose id may also name one of the login's
    /// requests to a number no company has looks there on `None`.
    pub async fn own_right(&self, store: &Store, right_id: RightId) -> Result<Option<UserRight>, PortalError> {
        match store.right(right_id).await {
            Ok(right) if right.answered_by(self.user_id) => Ok(Some(right)),
            Ok(_) | Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(internal(e)),
        }
    }
}

/// Who is signed in on `session`, if anybody. A session past its absolute time-out is
/// ended here (deleted from the store), so this is also the check run on every request.
pub async fn signed_in(session: &Session, settings: &AuthSettings) -> Result<Option<SignedIn>, tower_sessions::session::Error> {
    let Some(user_id) = session.get::<UserId>(KEY_USER_ID).await? else {
        return Ok(None);
    };
    let since = session.get::<i64>(KEY_SIGNED_IN_AT).await?.and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0));
    let limit = chrono::Duration::from_std(settings.absolute_timeout).unwrap_or(chrono::Duration::MAX);
    match since {
        Some(since) if since + limit > portal_core::store::real_time() => Ok(Some(SignedIn { user_id, signed_in_at: since })),
        _ => {
            tracing::info!(user_id, "session ended: absolute time-out reached");
            session.flush().await?;
            Ok(None)
        }
    }
}

/// The signed-in user of the current request, if any. Usable by every server function and
/// during server-side rendering.
pub async fn current_login() -> Result<Option<SignedIn>, PortalError> {
    let session = session().await?;
    signed_in(&session, &settings()).await.map_err(internal)
}

/// The signed-in user of the current request, or the error "session expired".
pub async fn require_login() -> Result<SignedIn, PortalError> {
    current_login().await?.ok_or_else(|| refused(Refusal::NotSignedIn))
}

/// Where a login goes once signed in: with several companies, the company selector first
/// (the way back then waits in the session for the choice); else the way back when there is
/// one (for a login of no company, the invitation it was sent); else the portal with one
/// company, or the company selector with none (it says what the login can do then).
pub async fn next_page(store: &Store, session: &Session, user: &User, back: Option<ReturnPath>) -> Result<String, PortalError> {
    let companies = company_count(&store.rights_of_user(user.id).await.map_err(internal)?, store.today());
    match back {
        Some(back) if companies > 1 => {
            session.insert(KEY_RETURN_TO, back.as_str()).await.map_err(internal)?;
            Ok(PATH_SELECT_COMPANY.to_string())
        }
        Some(back) => Ok(back.as_str().to_string()),
        None if companies == 1 => Ok(PATH_PORTAL.to_string()),
        None => Ok(PATH_SELECT_COMPANY.to_string()),
    }
}

/// Where a step of signing in leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in: the page to go to, and the login's language, which its pages take from now on.
    SignedIn { next: String, language: Language },
    /// The password was right and two-step login is on: the code is asked at `/login/code`.
    CodeAsked,
}

impl SignInStep {
    /// The answer of the request that took this step: the language cookie of a login just
    /// signed in, and the way on, as a redirect (a plain form post) and as the answer (a script).
    pub fn answer(self) -> String {
        let next = match self {
            SignInStep::SignedIn { next, language } => {
                set_locale_cookie(language.code());
                next
            }
            SignInStep::CodeAsked => PATH_LOGIN_CODE.to_string(),
        };
        leptos_axum::redirect(&next);
        next
    }
}

/// The answer of a step of signing in ([`SignInStep::answer`]), or of its refusal, which a
/// form the browser posted itself reads on the page the refusal names.
pub fn answer_sign_in(outcome: Result<SignInStep, RefusedAt>) -> Result<String, PortalError> {
    outcome.map(SignInStep::answer).map_err(|RefusedAt { refusal, page }| refused_back_to(refusal, &page))
}

/// Signs `user` in on `session` once every step has passed (password, and the code when
/// two-step login is on): a new session id without anything from before (against session
/// fixation), the last login, the audit entry, and where to go next: `back` when it was
/// given and no company must be chosen first.
pub async fn complete_sign_in(store: &Store, session: &Session, user: &User, back: Option<ReturnPath>) -> Result<SignInStep, PortalError> {
    let now = store::real_time();
    session.clear().await;
    session.cycle_id().await.map_err(internal)?;
    session.insert(KEY_USER_ID, user.id).await.map_err(internal)?;
    session.insert(KEY_SIGNED_IN_AT, now.timestamp()).await.map_err(internal)?;

    store.record_sign_in(user, now).await.map_err(internal)?;
    let next = next_page(store, session, user, back).await?;
    tracing::info!(user_id = user.id, next, "signed in");
    Ok(SignInStep::SignedIn { next, language: user.language })
}

/// Ends the signed-in session (the cookie no longer works), audited when somebody was signed in.
pub async fn end_session(store: &Store) -> Result<(), PortalError> {
    let session = session().await?;
    if let Some(login) = signed_in(&session, &settings()).await.map_err(internal)? {
        let actor = Actor { user_id: Some(login.user_id), acting_company_id: None };
        store.append_audit(&AuditEntry::new(&actor, None, AuditAction::Logout, format!("user:{}", login.user_id))).await.map_err(internal)?;
        tracing::info!(user_id = login.user_id, "signed out");
    }
    session.flush().await.map_err(internal)
}
