//! The server's mailer, from `--smtp-url` / `--mail-from` (the type lives in `app::shared::mail`
//! so that server functions can send e-mails).

pub use app::shared::mail::{MailError, Mailer, DEFAULT_FROM};
use portal_core::store::Store;

/// SMTP when `smtp_url` is set, otherwise the outbox table and the log.
pub fn mailer(store: Store, smtp_url: Option<&str>, from: Option<&str>) -> Result<Mailer, String> {
    let from = from.unwrap_or(DEFAULT_FROM);
    let mailer = match smtp_url {
        Some(url) if !url.trim().is_empty() => Mailer::smtp(store, url.trim(), from),
        _ => Mailer::outbox_only(store, from),
    }
    .map_err(|e| format!("invalid e-mail settings: {e}"))?;
    if mailer.uses_smtp() {
        tracing::info!(mailer = ?mailer, "e-mails are sent through SMTP");
    } else {
        tracing::info!("no SMTP configured: e-mails are written to the outbox table and the log");
    }
    Ok(mailer)
}
