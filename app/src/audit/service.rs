//! The audit log as the page shows it: who did what to whom, and what changed, in codes the
//! page translates.

use crate::shared::refusal::PortalError;
use portal_core::store::Store;

use super::{AuditChange, AuditLine, AuditPage};
use crate::access::AdminScope;
use crate::shared::format::page_count;
use crate::shared::refusal::internal;

/// Rows per page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 50;

pub async fn list_audit(store: &Store, scope: &AdminScope, page: i64) -> Result<AuditPage, PortalError> {
    let page = page.max(1);
    let found = store.audit_for_company(scope.company.company_id, AUDIT_PAGE_SIZE, (page - 1).saturating_mul(AUDIT_PAGE_SIZE)).await.map_err(internal)?;
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut lines = Vec::with_capacity(found.items.len());
    for record in found.items {
        let subject = match (template_name(&record), names.get(&record.target)) {
            (Some(name), _) => name,
            (None, Some(name)) => name.clone(),
            (None, None) => {
                let name = subject_name(store, &record.target).await;
                names.insert(record.target.clone(), name.clone());
                name
            }
        };
        lines.push(AuditLine {
            at: crate::shared::format::swiss_date_time(record.at),
            actor: record.actor_email.clone(),
            changes: audit_changes(record.before.as_ref(), record.after.as_ref()),
            action: record.action,
            subject,
        });
    }
    let pages = page_count(found.total, AUDIT_PAGE_SIZE);
    Ok(AuditPage { lines, total: found.total, more: found.more, page: page.min(pages), pages })
}

/// A template's entry names it as it was then: the template may have been renamed or deleted.
fn template_name(record: &portal_core::store::AuditRecord) -> Option<String> {
    if !record.target.starts_with("template:") {
        return None;
    }
    let named = |v: &Option<serde_json::Value>| v.as_ref().and_then(|v| v["name"].as_str()).map(str::to_string);
    named(&record.after).or_else(|| named(&record.before))
}

/// "right:42" → the e-mail of the right's login; "user:7" → the login's e-mail;
/// "company:1" → its name; "order:9" → "#9".
async fn subject_name(store: &Store, target: &str) -> String {
    let Some((kind, id)) = target.split_once(':') else { return target.to_string() };
    let Ok(id) = id.parse::<i64>() else { return target.to_string() };
    let user_id = match kind {
        "right" => store.right(id).await.ok().map(|r| r.user_id),
        "user" => Some(id),
        "company" => return store.company(id).await.map(|c| c.name).unwrap_or_else(|_| target.to_string()),
        "order" => return format!("#{id}"),
        _ => None,
    };
    match user_id {
        Some(id) => store.user(id).await.map(|u| u.email).unwrap_or_else(|_| target.to_string()),
        None => target.to_string(),
    }
}

/// The fields that changed between `before` and `after` (a creation: the fields set), and
/// service authorizations as they are after the change. Fields that change with every write
/// (version, timestamps) or only repeat the entry's actor, company or subject are left out.
pub fn audit_changes(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> Vec<AuditChange> {
    use serde_json::Value;
    const NOISE: &[&str] = &[
        "version",
        "updated_at",
        "created_at",
        "decided_at",
        "decided_by",
        "id",
        "company_id",
        "user_id",
        "created_by_user_id",
        "right_id",
        "right_ids",
        // A template's services and debtors, kept whole; the page names the template.
        "grants",
        "debtor_id",
        "home_company_id",
        "lines",
        "placed_by_user_id",
        "placed_by_name",
        "placed_by_email",
        "requester_user_id",
        "requester_first_name",
        "requester_last_name",
    ];
    let value = |v: Option<&Value>| match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        // A moment (a pending right's answer-by time) in Swiss time, to the minute.
        Some(Value::String(s)) => Some(crate::shared::format::short_date_time_of(s).unwrap_or_else(|| s.clone())),
        Some(other) => Some(other.to_string()),
    };
    let fields = |o: &serde_json::Map<String, Value>| -> Vec<String> { o.keys().filter(|k| !NOISE.contains(&k.as_str())).cloned().collect() };
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<String> = fields(b).into_iter().chain(fields(a)).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(k) != a.get(k))
                .map(|k| AuditChange::Changed { before: value(b.get(&k)), after: value(a.get(&k)), field: k })
                .collect()
        }
        (None, Some(Value::Object(a))) => {
            let mut keys = fields(a);
            keys.sort();
            keys.into_iter().filter_map(|k| value(a.get(&k)).map(|v| AuditChange::Set { field: k, value: Some(v) })).collect()
        }
        (_, Some(Value::Array(grants))) if grants.is_empty() => vec![AuditChange::NoGrants],
        (_, Some(Value::Array(grants))) => grants
            .iter()
            .map(|g| {
                let text = |key: &str| g.get(key).and_then(Value::as_str).unwrap_or("?").to_string();
                let debtors = match (g.get("all_debtors"), g.get("debtor_ids").and_then(Value::as_array)) {
                    (Some(Value::Bool(true)), _) => None,
                    (_, ids) => Some(ids.map_or(0, Vec::len)),
                };
                AuditChange::Grant { service_code: text("service_code"), service_name: text("service_name"), debtors }
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_log_shows_what_changed_without_versions_and_timestamps() {
        let before = serde_json::json!({ "status": "active", "is_admin": true, "remark": null, "version": 3, "updated_at": "x" });
        let after = serde_json::json!({ "status": "revoked", "is_admin": true, "remark": "fin du mandat", "version": 4, "updated_at": "y" });
        assert_eq!(
            audit_changes(Some(&before), Some(&after)),
            vec![
                AuditChange::Changed { field: "remark".into(), before: None, after: Some("fin du mandat".into()) },
                AuditChange::Changed { field: "status".into(), before: Some("active".into()), after: Some("revoked".into()) },
            ]
        );
        let created = serde_json::json!({ "right_type": "provider", "is_admin": false, "remark": null, "end_date": "2027-03-31", "id": 4 });
        assert_eq!(
            audit_changes(None, Some(&created)),
            vec![
                AuditChange::Set { field: "end_date".into(), value: Some("2027-03-31".into()) },
                AuditChange::Set { field: "is_admin".into(), value: Some("false".into()) },
                AuditChange::Set { field: "right_type".into(), value: Some("provider".into()) },
            ]
        );
    }

    #[test]
    fn the_audit_log_summarizes_service_authorizations() {
        let after = serde_json::json!([
            { "service_code": "invoices", "service_name": "Factures", "all_debtors": true, "debtor_ids": [] },
            { "service_code": "orders", "service_name": "Commandes", "all_debtors": false, "debtor_ids": [4, 7] },
        ]);
        assert_eq!(
            audit_changes(None, Some(&after)),
            vec![
                AuditChange::Grant { service_code: "invoices".into(), service_name: "Factures".into(), debtors: None },
                AuditChange::Grant { service_code: "orders".into(), service_name: "Commandes".into(), debtors: Some(2) },
            ]
        );
        assert_eq!(audit_changes(Some(&after), Some(&serde_json::json!([]))), vec![AuditChange::NoGrants]);
    }

    #[test]
    fn an_offboarding_shows_the_provider_company_and_how_many_rights_ended_not_their_ids() {
        let after = serde_json::json!({ "company_name": "Logistique Alpine SA", "customer_number": "45000005", "rights_ended": 3, "right_ids": [7, 8, 9] });
        assert_eq!(
            audit_changes(None, Some(&after)),
            vec![
                AuditChange::Set { field: "company_name".into(), value: Some("Logistique Alpine SA".into()) },
                AuditChange::Set { field: "customer_number".into(), value: Some("45000005".into()) },
                AuditChange::Set { field: "rights_ended".into(), value: Some("3".into()) },
            ]
        );
    }
}
