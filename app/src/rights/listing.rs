//! The rights list of the acting company ("Droits d'utilisateur et autorisations"): search,
//! sort and pages, and the rights a new one may copy its authorizations from.

use portal_core::domain::*;
use portal_core::store::{RightListItem, RightQuery, RightSort, Store};

use super::list_page::role_text;
use super::*;
use crate::access::AdminScope;
use crate::i18n::Locale;
use crate::shared::format::{page_count, short_date_time};
use crate::shared::refusal::internal;
use crate::shared::{
    format::status_text,
    refusal::{refused, PortalError, Refusal},
};
use leptos_i18n::Locale as _;

/// The right type a search word names: the start of the role column's words in one of the
/// four languages, as the page writes them ("prestataire", "Dienstleister"…), or of its code.
fn type_named(word: &str) -> Option<RightType> {
    RightType::ALL.iter().copied().find(|t| {
        let shown = Locale::get_all().iter().map(|l| role_text(*l, *t, false).to_lowercase());
        std::iter::once(t.as_str().to_string()).chain(shown).any(|w| w.starts_with(word))
    })
}

/// The status a search word names, likewise ("en suspens", "widerrufen"…).
fn status_named(word: &str) -> Option<RightStatus> {
    RightStatus::ALL.iter().copied().find(|s| {
        let shown = Locale::get_all().iter().map(|l| status_text(*l, *s).to_lowercase());
        std::iter::once(s.as_str().to_string()).chain(shown).any(|w| w.starts_with(word))
    })
}

/// Turns the search box into a query: a role or status word becomes a filter on that
/// column, anything else searches company, names and e-mail.
pub fn rights_query(search: &str, sort: &str, descending: bool, page: i64) -> Result<RightQuery, Refusal> {
    let search = search.trim();
    if search.chars().count() > 100 {
        return Err(Refusal::SearchTooLong);
    }
    let lower = search.to_lowercase();
    let mut query = RightQuery {
        sort: match sort {
            "company" => RightSort::Company,
            "first_name" => RightSort::FirstName,
            "email" => RightSort::Email,
            "role" => RightSort::Role,
            "status" => RightSort::Status,
            _ => RightSort::LastName,
        },
        descending,
        limit: PAGE_SIZE,
        offset: (page.max(1) - 1).saturating_mul(PAGE_SIZE),
        ..RightQuery::default()
    };
    if lower.len() >= 3 {
        if let Some(t) = type_named(&lower) {
            query.right_type = Some(t);
            return Ok(query);
        }
        if let Some(s) = status_named(&lower) {
            query.status = Some(s);
            return Ok(query);
        }
    }
    query.search = (!search.is_empty()).then(|| search.to_string());
    Ok(query)
}

pub(super) fn row_of(item: RightListItem, own_user_id: UserId) -> RightRow {
    let r = item.right;
    let (lapsed_invitation, answer_by) = (r.is_lapsed_invitation(), r.answer_due().map(short_date_time).unwrap_or_default());
    RightRow {
        right_id: r.id,
        version: r.version,
        company: item.home_company_name.unwrap_or_default(),
        last_name: item.last_name,
        first_name: item.first_name,
        email: item.email,
        right_type: r.right_type,
        is_admin: r.is_admin,
        status: r.status,
        awaiting: r.awaiting,
        star: item.has_rights_elsewhere,
        remark: r.remark.unwrap_or_default(),
        end_date: r.end_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        own: r.user_id == own_user_id,
        answer_by,
        lapsed_invitation,
    }
}

pub async fn list_rights(store: &Store, scope: &AdminScope, search: &str, sort: &str, descending: bool, page: i64) -> Result<RightsPage, PortalError> {
    let query = rights_query(search, sort, descending, page).map_err(refused)?;
    let found = store.list_company_rights(scope.company.company_id, &query).await.map_err(internal)?;
    let company = store.company(scope.company.company_id).await.map_err(internal)?;
    let pages = page_count(found.total, PAGE_SIZE);
    let provider_companies = store.provider_companies_of(scope.company.company_id).await.map_err(internal)?;
    Ok(RightsPage {
        provider_companies: provider_companies.into_iter().map(|c| ProviderCompanyLine { company_id: c.company_id, name: c.name, rights: c.rights }).collect(),
        invitation_days: company.invitation_lifetime.days(),
        rows: found.items.into_iter().map(|i| row_of(i, scope.admin.id)).collect(),
        total: found.total,
        more: found.more,
        page: page.clamp(1, pages),
        pages,
    })
}

/// The company's rights that hold at least one authorization (up to 500, by name).
pub async fn copy_sources(store: &Store, scope: &AdminScope) -> Result<EntrySources, PortalError> {
    let query = RightQuery { limit: 500, ..RightQuery::default() };
    let page = store.list_company_rights(scope.company.company_id, &query).await.map_err(internal)?;
    let with_grants = store.rights_with_grants(scope.company.company_id).await.map_err(internal)?;
    let mut out = Vec::new();
    for item in page.items {
        if item.right.status.is_ended() || !with_grants.contains(&item.right.id) {
            continue;
        }
        let name = item.full_name();
        out.push(CopySource { right_id: item.right.id, label: format!("{name} ({})", item.email) });
    }
    let templates = super::choices::company_templates(store, scope.company.company_id).await?;
    Ok(EntrySources { rights: out, templates })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_word_in_any_language_filters_the_role_column() {
        for word in ["Prestataire", "dienstl", "fornitore", "PROVIDER"] {
            let q = rights_query(word, "", false, 1).unwrap();
            assert_eq!((q.right_type, q.search.as_deref()), (Some(RightType::Provider), None), "{word}");
        }
        assert_eq!(rights_query("collab", "", false, 1).unwrap().right_type, Some(RightType::Employee));
    }

    #[test]
    fn a_status_word_filters_the_status_column() {
        assert_eq!(rights_query("en suspens", "", false, 1).unwrap().status, Some(RightStatus::Pending));
        assert_eq!(rights_query("révoq", "", false, 1).unwrap().status, Some(RightStatus::Revoked));
        assert_eq!(rights_query("rifiutato", "", false, 1).unwrap().status, Some(RightStatus::Refused), "as the Italian page writes it");
        assert_eq!(rights_query("Gekündigt", "", false, 1).unwrap().status, Some(RightStatus::Resigned));
    }

    #[test]
    fn other_words_search_names_company_and_email() {
        let q = rights_query("  Muster ", "email", true, 3).unwrap();
        assert_eq!(q.search.as_deref(), Some("Muster"));
        assert_eq!((q.sort, q.descending, q.offset, q.limit), (RightSort::Email, true, 2 * PAGE_SIZE, PAGE_SIZE));
        assert_eq!(rights_query("", "nonsense", false, 0).unwrap().sort, RightSort::LastName);
        assert_eq!(rights_query("", "", false, -5).unwrap().offset, 0);
    }

    #[test]
    fn a_search_longer_than_100_characters_is_refused() {
        assert_eq!(rights_query(&"x".repeat(101), "", false, 1).unwrap_err(), Refusal::SearchTooLong);
    }
}
