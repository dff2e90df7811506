//! Offboarding a provider company: every pending, active or suspended right its logins hold on the
//! acting company, previewed (who, which services and debtors, since when), then ended in one
//! confirmation bound to what the preview showed.

use std::collections::HashMap;

use portal_core::domain::*;
use portal_core::store::{RightListItem, Store, StoreError};

use super::*;
use crate::access::AdminScope;
use crate::messages::mail::Notice;
use crate::messages::pages::MessageValues;
use crate::shared::deps::Deps;
use crate::shared::format::swiss_date;
use crate::shared::refusal::{internal, refused, Refusal};

/// The provider company's current rights on the acting company, or 404: a company whose
/// logins hold nothing here is not named (no probing of other companies' names).
async fn offboarded_rights(store: &Store, scope: &AdminScope, provider_company_id: CompanyId) -> Result<Vec<RightListItem>, PortalError> {
    let rights = store.provider_company_rights(scope.company.company_id, provider_company_id).await.map_err(internal)?;
    if rights.is_empty() {
        return Err(refused(Refusal::NothingToOffboard));
    }
    Ok(rights)
}

pub async fn preview(store: &Store, scope: &AdminScope, provider_company_id: CompanyId) -> Result<OffboardingPreview, PortalError> {
    let items = offboarded_rights(store, scope, provider_company_id).await?;
    let debtors: HashMap<DebtorId, String> =
        store.debtors(scope.company.company_id).await.map_err(internal)?.into_iter().map(|d| (d.id, format!("{} {}", d.debtor_number, d.name))).collect();
    let provider_company = items[0].home_company_name.clone().unwrap_or_default();
    let mut rights = Vec::with_capacity(items.len());
    for item in items {
        let name = item.full_name();
        let r = item.right;
        let services = store
            .service_grants(r.id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|g| GrantedService {
                code: g.service_code,
                name: g.service_name,
                debtors: (!g.all_debtors).then(|| g.debtor_ids.iter().filter_map(|id| debtors.get(id).cloned()).collect()),
            })
            .collect();
        let since = match r.status {
            RightStatus::Active | RightStatus::Suspended => r.decided_at.unwrap_or(r.created_at),
            _ => r.created_at,
        };
        rights.push(OffboardedRight {
            right_id: r.id,
            version: r.version,
            name,
            email: item.email,
            status: r.status,
            awaiting: r.awaiting,
            since: swiss_date(since),
            services,
        });
    }
    Ok(OffboardingPreview { provider_company_id, provider_company, rights })
}

/// `id.version` pairs, comma-separated, as [`OffboardingPreview::previewed`] writes them.
pub fn parse_previewed(input: &str) -> Result<Vec<(RightId, i64)>, Refusal> {
    let pairs: Option<Vec<(RightId, i64)>> = input
        .split(',')
        .map(|pair| {
            let (id, version) = pair.trim().split_once('.')?;
            Some((id.parse().ok()?, version.parse().ok()?))
        })
        .collect();
    match pairs {
        Some(pairs) if !pairs.is_empty() && pairs.len() <= 500 => Ok(pairs),
        _ => Err(Refusal::BadOffboardingPreview),
    }
}

/// Ends every previewed right of the provider company's logins in one transaction, each
/// provider told how its right ended; the number of rights ended, and the provider
/// company's name.
pub async fn offboard(deps: &Deps, scope: &AdminScope, provider_company_id: CompanyId, previewed: &str) -> Result<(i64, String), PortalError> {
    let previewed = parse_previewed(previewed).map_err(refused)?;
    let store = &deps.store;
    let items = offboarded_rights(store, scope, provider_company_id).await?;
    let (admin, company) = (scope.admin.full_name(), scope.company.name.clone());
    let mut notices = Vec::with_capacity(items.len());
    for item in &items {
        let provider = store.user(item.right.user_id).await.map_err(internal)?;
        let told = item.right.offboarding_transition().told_to_provider().into_iter().map(|kind| (provider.clone(), kind)).collect();
        notices.push(Notice {
            company_id: Some(item.right.company_id),
            right_id: item.right.id,
            told,
            params: serde_json::json!({ "admin": admin, "company": company }),
            values: MessageValues { admin: admin.clone(), company: company.clone(), ..Default::default() },
        });
    }
    let messages: Vec<_> = notices.iter().flat_map(Notice::messages).collect();
    let ended =
        store.offboard_provider_company(scope.company.company_id, provider_company_id, &previewed, &messages, &scope.actor).await.map_err(|e| match e {
            StoreError::Conflict => refused(Refusal::OffboardingChanged),
            StoreError::NotFound => refused(Refusal::RightNotFound),
            e => e.into(),
        })?;
    tracing::info!(company_id = scope.company.company_id, provider_company_id, rights = ended.len(), "provider company offboarded");
    for notice in &notices {
        notice.mail(&deps.mailer, &deps.base).await;
    }
    Ok((ended.len() as i64, items[0].home_company_name.clone().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_names_each_previewed_right_at_its_version() {
        assert_eq!(parse_previewed("12.3, 7.1"), Ok(vec![(12, 3), (7, 1)]));
        for bad in ["", "12", "12.x", "12.3,", "a.b", "12.3;7.1"] {
            assert_eq!(parse_previewed(bad), Err(Refusal::BadOffboardingPreview), "{bad:?}");
        }
    }
}
