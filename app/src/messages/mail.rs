//! The e-mail beside an in-app message, for the logins who want e-mails: the message's title
//! as its subject, its text in the reader's language and the link where they act on it.

use portal_core::domain::MessageKind;
use portal_core::store::User;

use super::pages::{message_title, text_of, MessageLink, MessageValues};
use crate::shared::mail::{locale_of, mail_text, Mailer};

/// Sends it now, from `base`, the portal's public address. A delivery failure is logged; the
/// e-mail stays in the outbox (the in-app message is there anyway).
pub async fn mail_message(mailer: &Mailer, base: &str, to: &User, kind: MessageKind, values: &MessageValues, link: MessageLink) {
    if !to.email_notifications {
        return;
    }
    let locale = locale_of(to.language);
    let text = text_of(locale, kind, values);
    let action = format!("{}\n{base}{}", link.text(locale), link.href());
    let body = mail_text(locale, &to.full_name(), &[&text, &action]);
    if let Err(error) = mailer.send(&to.email, &message_title(locale, kind), &body).await {
        tracing::warn!(%error, user_id = to.id, kind = kind.as_str(), "message e-mail not delivered; kept in the outbox");
    }
}
