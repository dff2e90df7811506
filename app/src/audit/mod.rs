//! "Journal des modifications": the acting company's audit log, newest first, for its
//! administrators.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use portal_core::domain::AuditAction;
use serde::{Deserialize, Serialize};

pub mod page;
#[cfg(feature = "ssr")]
pub mod service;

/// One entry of the audit log as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    /// `dd.mm.yyyy HH:MM:SS`, Swiss time.
    pub at: String,
    /// The e-mail of whoever did it; `None` for the portal itself (the housekeeping ending
    /// rights past their end date), which the page names as such.
    pub actor: Option<String>,
    /// The page puts it in the reader's words.
    pub action: AuditAction,
    /// Whom it concerns: the login's e-mail of a right, or the raw target.
    pub subject: String,
    /// What changed, as codes and stored values; the page puts them in the reader's words.
    pub changes: Vec<AuditChange>,
}

/// One line of an audit entry's changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditChange {
    /// A field of something created, with its value (`None`: empty).
    Set { field: String, value: Option<String> },
    /// A field that changed (`None`: empty).
    Changed { field: String, before: Option<String>, after: Option<String> },
    /// A service authorization as it is after the change: the service's code and name, and
    /// how many chosen debtors (`None`: all debtors).
    Grant { service_code: String, service_name: String, debtors: Option<usize> },
    /// No service authorization is left.
    NoGrants,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    pub total: i64,
    /// There are more entries than `total` (the log counts a thousand past the page's start).
    pub more: bool,
    pub page: i64,
    pub pages: i64,
}

/// The acting company's audit log, newest first (administrators only).
#[server(prefix = "/api", endpoint = "list_audit")]
pub async fn list_audit(page: i64) -> Result<AuditPage, PortalError> {
    let scope = crate::access::require_admin().await?;
    service::list_audit(&crate::shared::context::store()?, &scope, page).await
}
