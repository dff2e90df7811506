//! What a right's page says once about the change just made to it, when that change was
//! sent as a plain form (before the page woke up, or without JavaScript) and the page is
//! loaded next: kept in the session by the server functions, never by the services.

use super::*;
use crate::shared::context::session;
use crate::shared::refusal::internal;

/// Session key of the right whose last change could not be e-mailed to its login (the
/// per-address limit withheld it): its page, loaded again after the change, says so once.
const KEY_MAIL_WITHHELD: &str = "mail_withheld_right";
/// Session key of a technical user entered without JavaScript, with its API key: the right's
/// page it was sent to shows the key once, as the confirmation would have.
const KEY_NEW_API_KEY: &str = "new_api_key";

/// Remembers, for the right's page loaded next, that `withheld` an e-mail about `right_id`.
pub async fn remember_withheld(right_id: i64, withheld: bool) -> Result<(), PortalError> {
    if withheld {
        session().await?.insert(KEY_MAIL_WITHHELD, (right_id, ())).await.map_err(internal)?;
    }
    Ok(())
}

/// What an entry sent without JavaScript tells on the new right's page instead of in the
/// confirmation: a withheld e-mail, a technical user's API key.
pub async fn remember_for_the_right_s_page(confirmation: &EntryConfirmation) -> Result<(), PortalError> {
    remember_withheld(confirmation.right_id, confirmation.mail_withheld.is_some()).await?;
    if let Some(key) = &confirmation.api_key {
        session().await?.insert(KEY_NEW_API_KEY, (confirmation.right_id, key)).await.map_err(internal)?;
    }
    Ok(())
}

/// Takes the session's note about `right_id` under `key`, once.
async fn take_note<T: serde::de::DeserializeOwned>(key: &str, right_id: i64) -> Result<Option<T>, PortalError> {
    let session = session().await?;
    match session.get::<(i64, T)>(key).await.map_err(internal)? {
        Some((id, note)) if id == right_id => {
            session.remove::<(i64, T)>(key).await.map_err(internal)?;
            Ok(Some(note))
        }
        _ => Ok(None),
    }
}

/// What the right's page says once about the change just made to `right_id`.
pub async fn notes_for_the_right_s_page(right_id: i64) -> Result<RightPageNotes, PortalError> {
    let mail_withheld = take_note::<()>(KEY_MAIL_WITHHELD, right_id).await?.is_some();
    Ok(RightPageNotes { mail_withheld, api_key: take_note(KEY_NEW_API_KEY, right_id).await? })
}
