//! E-mail delivery: every message is first written to the outbox table; with SMTP configured
//! it is then sent (lettre, async tokio transport) and marked sent. Without SMTP (the embedded
//! default) it stays in the outbox and the log says so — recipient and subject only, never
//! the body (which may carry a token).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portal_core::store::{self, Store};

/// The default sender when none is configured.
pub const DEFAULT_FROM: &str = "Centre clientèle <no-reply@centre-clientele.example>";

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP delivery failed: {0}")]
    Send(String),
    #[error("outbox: {0}")]
    Store(#[from] store::StoreError),
}

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The URL without credentials, for logs.
    label: String,
}

/// Sends e-mails (cheap to clone). Provided as Leptos context by the server.
#[derive(Clone)]
pub struct Mailer {
    store: Store,
    from: Mailbox,
    smtp: Option<Arc<Smtp>>,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("smtp", &self.smtp.as_ref().map(|s| s.label.as_str())).finish()
    }
}

impl Mailer {
    /// Without SMTP: messages go to the outbox table and the log only.
    pub fn outbox_only(store: Store, from: &str) -> Result<Self, MailError> {
        Ok(Mailer { store, from: parse_mailbox(from)?, smtp: None })
    }

    /// With SMTP: `smtp://host:port` (no TLS), `smtp://host?tls=required` (STARTTLS),
    /// `smtps://host` (TLS); `smtp://user:password@host` for authentication.
    pub fn smtp(store: Store, url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Address(format!("SMTP URL: {e}")))?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        let label = match url::Url::parse(url) {
            Ok(mut u) => {
                let _ = u.set_password(None);
                let _ = u.set_username("");
                u.to_string()
            }
            Err(_) => "smtp".into(),
        };
        Ok(Mailer { store, from: parse_mailbox(from)?, smtp: Some(Arc::new(Smtp { transport, label })) })
    }

    pub fn uses_smtp(&self) -> bool {
        self.smtp.is_some()
    }

    /// [`Mailer::send`], unless `to` already got its share of e-mails of `purpose` lately
    /// ([`may_send`]: counted first, in one statement, so that administrators acting at once
    /// cannot pass it). `Ok(false)`: withheld, nothing written.
    pub async fn send_within_limit(&self, purpose: &str, to: &str, subject: &str, body: &str) -> Result<bool, MailError> {
        if !may_send(&self.store, purpose, to).await? {
            return Ok(false);
        }
        self.send(to, subject, body).await.map(|()| true)
    }

    /// Writes the message to the outbox, then delivers it through SMTP when configured.
    /// On an SMTP failure the message stays unsent in the outbox and the error is returned.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let recipient = parse_mailbox(to)?;
        let id = self.store.enqueue_email(to, subject, body).await?;
        let Some(smtp) = &self.smtp else {
            tracing::info!(to, subject, outbox_id = id, "e-mail written to the outbox (no SMTP configured)");
            return Ok(());
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::Build(e.to_string()))?;
        match smtp.transport.send(message).await {
            Ok(_) => {
                self.store.mark_email_sent(id, self.store.now()).await?;
                tracing::info!(to, subject, outbox_id = id, "e-mail sent");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(to, subject, outbox_id = id, error = %e, "e-mail not sent; kept in the outbox");
                Err(MailError::Send(e.to_string()))
            }
        }
    }
}

fn parse_mailbox(s: &str) -> Result<Mailbox, MailError> {
    s.parse::<Mailbox>().map_err(|e| MailError::Address(format!("{s}: {e}")))
}

/// The portal's public address (`--public-url`, or the listen address in demo mode), provided
/// as context by the server: links in e-mails start with it, never with a request's `Host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBase(pub String);

/// The origin links in e-mails start with, without a trailing slash.
pub fn public_base() -> Result<String, crate::shared::refusal::PortalError> {
    use leptos::prelude::use_context;
    match use_context::<PublicBase>() {
        Some(PublicBase(base)) => Ok(base.trim_end_matches('/').to_string()),
        None => Err(super::refusal::internal("no PublicBase in the Leptos context")),
    }
}

/// The mailer provided as context by the server.
pub fn mailer() -> Result<Mailer, crate::shared::refusal::PortalError> {
    use leptos::prelude::use_context;
    use_context::<Mailer>().ok_or_else(|| super::refusal::internal("no Mailer in the Leptos context"))
}

/// The locale of a stored language, for e-mails.
pub fn locale_of(language: portal_core::domain::Language) -> crate::i18n::Locale {
    use leptos_i18n::Locale as _;
    crate::i18n::Locale::get_all().iter().copied().find(|l| l.as_str() == language.code()).unwrap_or_default()
}

/// A name someone typed (a person's, a provider's label, a company's), quoted for an e-mail
/// in the reader's language, so that what it says reads as theirs and not the portal's
/// ([`names_typed_note`] says so under the text). Empty stays empty.
pub fn typed_name(locale: crate::i18n::Locale, name: &str) -> String {
    use crate::i18n::Locale;
    match (name.is_empty(), locale) {
        (true, _) => String::new(),
        (false, Locale::en) => format!("“{name}”"),
        (false, Locale::fr) => format!("« {name} »"),
        (false, _) => format!("«{name}»"),
    }
}

/// The line under an e-mail that quotes typed names ([`typed_name`]).
pub fn names_typed_note(locale: crate::i18n::Locale) -> &'static str {
    crate::i18n::td_string!(locale, messages.mail_names_typed)
}

/// A plain-text e-mail: greeting, paragraphs, signature.
pub fn mail_text(locale: crate::i18n::Locale, name: &str, paragraphs: &[&str]) -> String {
    use crate::i18n::td_string;
    let mut body = format!("{} {name},\n\n", td_string!(locale, register.mail_greeting));
    for p in paragraphs {
        body.push_str(p);
        body.push_str("\n\n");
    }
    body.push_str(td_string!(locale, register.mail_signature));
    body.push('\n');
    body
}

/// Sends in the background: the answer does not wait for SMTP (nor tell by its timing
/// whether an e-mail was sent). A failure is logged; the message stays in the outbox.
pub fn send_later(mailer: Mailer, to: String, subject: String, body: String) {
    tokio::spawn(async move {
        if let Err(error) = mailer.send(&to, &subject, &body).await {
            tracing::warn!(%error, "e-mail not delivered; kept in the outbox");
        }
    });
}

/// The purpose of the e-mails an administrator's action (or the housekeeping) sends beside an
/// in-app message: an invitation, a reminder, a suspension… One administrator of any company
/// could otherwise flood any login of the platform with official e-mails.
pub const NOTICE_MAILS: &str = "notice";

/// At most this many e-mails per address and purpose within the throttling window;
/// more requests get the same answer and send nothing (no mail bombing).
const MAILS_PER_WINDOW: i64 = 5;

/// Counts one e-mail of `purpose` to `email`; false when too many were sent lately.
pub async fn may_send(store: &Store, purpose: &str, email: &str) -> Result<bool, store::StoreError> {
    let n = store.count_attempt(&format!("mail:{purpose}:{email}"), store::real_time(), super::context::settings().window()).await?;
    Ok(n <= MAILS_PER_WINDOW)
}
