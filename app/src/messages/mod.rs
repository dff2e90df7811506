//! "Messages → Information": the signed-in login's in-app messages. Each message is stored
//! with a kind and its values; the page writes its text in the reader's language.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use portal_core::domain::MessageKind;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod mail;
pub mod pages;

/// One line of the message list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageLine {
    pub id: i64,
    pub kind: MessageKind,
    pub company: String,
    /// `dd.mm.yyyy HH:MM`, Swiss time.
    pub received_at: String,
    pub unread: bool,
}

/// A page of the message list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagesView {
    /// [`MESSAGES_PER_PAGE`] at most.
    pub lines: Vec<MessageLine>,
    /// This page goes on from an older message (`?avant=<n°>`), not from the newest.
    pub later_page: bool,
    /// When older messages follow: the message from which the next page goes on.
    pub older: Option<i64>,
}

/// How many messages a page of the list shows.
pub const MESSAGES_PER_PAGE: i64 = 50;

/// One message as "Information" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub kind: MessageKind,
    /// "Concerne la société": the company's name and customer number.
    pub company: String,
    /// "Destinataire": the reader's name and e-mail.
    pub recipient: String,
    pub received_at: String,
    /// Set the first time the message is opened.
    pub read_at: String,
    /// The values the text is made of (administrator, company, provider…).
    pub admin: String,
    pub provider: String,
    pub company_name: String,
    /// The provider's own words with a request for access (may be empty).
    pub message: String,
    /// The right an invitation is about, whose page the message links to (absent in
    /// messages written before invitations named their right).
    pub right_id: Option<i64>,
    /// An invitation's answer-by time, `dd.mm.yyyy HH:MM` Swiss time; empty for other kinds
    /// and for invitations sent before they had one.
    pub answer_by: String,
    /// The date a reminder or an extension is about (an invitation's answer-by time, an
    /// access's end date), as the reader reads it; empty for other kinds.
    pub until: String,
}

/// A page of the signed-in login's messages, newest first: the newest, or those received
/// before message `before`.
#[server(prefix = "/api", endpoint = "list_messages")]
pub async fn list_messages(before: Option<i64>) -> Result<MessagesView, PortalError> {
    let login = crate::access::require_login().await?;
    service::list(&crate::shared::context::store()?, login.user_id, before).await
}

/// Opens a message of the signed-in login (and only theirs); the first opening sets "Lu le".
#[server(prefix = "/api", endpoint = "open_message")]
pub async fn open_message(message_id: i64) -> Result<MessageView, PortalError> {
    let login = crate::access::require_login().await?;
    service::open(&crate::shared::context::store()?, login.user_id, message_id, !started_elsewhere()).await
}

/// True when the request was started by another site (a link or a script elsewhere). The
/// session cookie is `SameSite=Lax`, so such a top-level navigation is signed in; it may
/// show the message but not mark it read, or any site could mark a login's messages read
/// (an invitation's notice would then look handled). An e-mail or a bookmark opens with
/// `Sec-Fetch-Site: none` and a click in the portal with `same-origin`: both mark it read.
#[cfg(feature = "ssr")]
fn started_elsewhere() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get("sec-fetch-site")?.to_str().ok().map(|v| v == "cross-site" || v == "same-site"))
        .unwrap_or(false)
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::shared::format::{moment_or_day_of, short_date_time, short_date_time_of, swiss_date_time};
    use crate::shared::refusal::{internal, refused, Refusal};
    use portal_core::store::{Message, Store, StoreError};

    fn text(params: &serde_json::Value, key: &str) -> String {
        params.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string()
    }

    pub async fn list(store: &Store, user_id: i64, before: Option<i64>) -> Result<MessagesView, PortalError> {
        let page = store.messages_page(user_id, before, MESSAGES_PER_PAGE).await.map_err(internal)?;
        let lines = page
            .items
            .into_iter()
            .map(|m: Message| MessageLine {
                id: m.id,
                kind: m.kind,
                company: m.company_name.unwrap_or_default(),
                received_at: short_date_time(m.received_at),
                unread: m.read_at.is_none(),
            })
            .collect();
        Ok(MessagesView { lines, later_page: before.is_some(), older: page.older })
    }

    /// The login's message `message_id`, or 404; `mark_read` sets "Lu le" the first time.
    pub async fn open(store: &Store, user_id: i64, message_id: i64, mark_read: bool) -> Result<MessageView, PortalError> {
        let opened = if mark_read { store.mark_message_read(user_id, message_id, store.now()).await } else { store.message(user_id, message_id).await };
        let message = match opened {
            Ok(m) => m,
            Err(StoreError::NotFound) => return Err(refused(Refusal::MessageNotFound)),
            Err(e) => return Err(internal(e)),
        };
        let user = store.user(user_id).await.map_err(internal)?;
        let company = match message.company_id {
            Some(id) => {
                let c = store.company(id).await.map_err(internal)?;
                format!("{} ({})", c.name, c.customer_number)
            }
            None => String::new(),
        };
        Ok(MessageView {
            id: message.id,
            kind: message.kind,
            company,
            recipient: format!("{} ({})", user.full_name(), user.email),
            received_at: swiss_date_time(message.received_at),
            read_at: message.read_at.map(swiss_date_time).unwrap_or_default(),
            admin: text(&message.params, "admin"),
            provider: text(&message.params, "provider"),
            company_name: text(&message.params, "company"),
            message: text(&message.params, "message"),
            right_id: message.params.get("right_id").and_then(serde_json::Value::as_i64),
            answer_by: short_date_time_of(&text(&message.params, "answer_by")).unwrap_or_default(),
            until: moment_or_day_of(&text(&message.params, "until")).unwrap_or_default(),
        })
    }
}
