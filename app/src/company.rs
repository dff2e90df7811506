//! The acting company: which company a signed-in login works for in this session
//! ("Sélectionner la société"), chosen among its home company and the companies where it
//! holds an active provider right — re-checked on every request.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::return_path::{ReturnPath, KEY_RETURN_TO};

/// One company the login may act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyChoice {
    pub company_id: i64,
    pub name: String,
    pub customer_number: String,
}

/// The selector's content: "Ma société" and the third-party companies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyChoices {
    pub home: Option<CompanyChoice>,
    pub third_party: Vec<CompanyChoice>,
    pub acting: Option<i64>,
}

impl CompanyChoices {
    pub fn count(&self) -> usize {
        usize::from(self.home.is_some()) + self.third_party.len()
    }

    /// The only company there is, when there is exactly one: no selector is needed then.
    pub fn single(&self) -> Option<&CompanyChoice> {
        match (&self.home, self.third_party.as_slice()) {
            (Some(home), []) => Some(home),
            (None, [only]) => Some(only),
            _ => None,
        }
    }

    pub fn contains(&self, company_id: i64) -> bool {
        self.home.iter().chain(&self.third_party).any(|c| c.company_id == company_id)
    }
}

/// What the header of a signed-in page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalContext {
    pub user_name: String,
    pub acting: CompanyChoice,
    /// True when acting for another company than the login's own (as a provider).
    pub as_provider: bool,
    pub can_switch: bool,
    /// An active administrator of the acting company (sees "Droits d'utilisateur et autorisations").
    pub is_admin: bool,
    /// Messages the login has not opened yet (the header's "Messages" badge).
    pub unread_messages: i64,
    /// The online services this login may use for the acting company.
    pub services: Vec<String>,
}

/// Why there is no acting company for this request.
pub const NO_ACTING_COMPANY: &str = "acting_company.none";

#[server(prefix = "/api", endpoint = "list_company_choices")]
pub async fn list_company_choices() -> Result<CompanyChoices, ServerFnError> {
    let login = crate::auth::server::require_login().await?;
    ssr::choices(login.user_id).await
}

/// Sets the acting company of the session; refused unless the login may act for it now.
#[server(prefix = "/api", endpoint = "select_company")]
pub async fn select_company(company_id: i64) -> Result<String, ServerFnError> {
    let login = crate::auth::server::require_login().await?;
    let choices = ssr::choices(login.user_id).await?;
    if !choices.contains(company_id) {
        return Err(crate::refusal::refused(http::StatusCode::FORBIDDEN, ssr::MSG_NOT_ALLOWED));
    }
    ssr::set_acting(login.user_id, company_id).await?;
    // From now on the session may do what this company granted: an id seen before the choice
    // is worth nothing after it. (A login with one company only has it chosen implicitly while
    // a page renders, where no new cookie could be sent; it gains nothing by it.)
    let session = crate::auth::server::session().await?;
    session.cycle_id().await.map_err(crate::auth::server::internal)?;
    // The page a link named before sign-in, kept through the choice.
    let back = session.remove::<String>(KEY_RETURN_TO).await.map_err(crate::auth::server::internal)?;
    let next = back.and_then(|b| ReturnPath::parse(&b)).map_or(crate::auth::PATH_PORTAL.to_string(), |b| b.as_str().to_string());
    leptos_axum::redirect(&next);
    Ok(next)
}

/// The header's data for a signed-in page, with the acting company checked again.
#[server(prefix = "/api", endpoint = "load_portal_context")]
pub async fn load_portal_context() -> Result<PortalContext, ServerFnError> {
    let login = crate::auth::server::require_login().await?;
    let choices = ssr::choices(login.user_id).await?;
    let acting = ssr::acting_among(login.user_id, &choices).await?;
    ssr::portal_context(login.user_id, acting, &choices).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::server::{internal, session, store};
    use chrono::{NaiveDate, Utc};
    use portal_core::domain::RightType;
    use portal_core::store::RightWithCompany;

    pub const KEY_ACTING_COMPANY: &str = "acting.company_id";
    pub const MSG_NOT_ALLOWED: &str = "Vous n'avez pas accès à cette société.";

    /// The companies `rights` let their holder act for on `today`: pure, so it is tested alone.
    pub fn choices_from_rights(rights: &[RightWithCompany], today: NaiveDate) -> (Option<CompanyChoice>, Vec<CompanyChoice>) {
        let mut home = None;
        let mut third_party = Vec::new();
        for r in rights.iter().filter(|r| r.right.grants_access_on(today)) {
            let choice = CompanyChoice {
                company_id: r.right.company_id,
                name: r.company_name.clone(),
                customer_number: r.customer_number.clone(),
            };
            if r.is_home_company {
                home = Some(choice);
            } else if r.right.right_type == RightType::Provider {
                third_party.push(choice);
            }
        }
        third_party.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
        (home, third_party)
    }

    pub async fn choices(user_id: i64) -> Result<CompanyChoices, ServerFnError> {
        let rights = store()?.rights_of_user(user_id).await.map_err(internal)?;
        let (home, third_party) = choices_from_rights(&rights, Utc::now().date_naive());
        let acting = session().await?.get::<i64>(KEY_ACTING_COMPANY).await.map_err(internal)?;
        Ok(CompanyChoices { home, third_party, acting })
    }

    pub async fn set_acting(user_id: i64, company_id: i64) -> Result<(), ServerFnError> {
        session().await?.insert(KEY_ACTING_COMPANY, company_id).await.map_err(internal)?;
        tracing::info!(user_id, company_id, "acting company selected");
        Ok(())
    }

    /// The acting company of this request, checked against the login's rights as they are now.
    /// A single possible company is chosen implicitly; a right that stopped being active drops
    /// the choice, and the caller sends the login back to the selector.
    pub async fn require_acting(user_id: i64) -> Result<CompanyChoice, ServerFnError> {
        acting_among(user_id, &choices(user_id).await?).await
    }

    /// The acting company as first resolved in this request. A page's data and its header are
    /// loaded one after the other, and the first may drop a choice that is no longer allowed:
    /// resolving again, the second would pick the login's only other company and show that
    /// company's header around a refusal. Provided afresh for every request by the server.
    #[derive(Clone, Default)]
    pub struct ActingThisRequest(std::sync::Arc<tokio::sync::Mutex<Option<Result<CompanyChoice, ServerFnError>>>>);

    /// [`require_acting`] with the login's choices already read (pages read them once for
    /// both the acting company and the header's company switch).
    pub async fn acting_among(user_id: i64, choices: &CompanyChoices) -> Result<CompanyChoice, ServerFnError> {
        let Some(this_request) = use_context::<ActingThisRequest>() else {
            return resolve_acting(user_id, choices).await;
        };
        // Held while resolving, so that loads running side by side wait for the first one.
        let mut resolved = this_request.0.lock().await;
        if let Some(done) = resolved.as_ref() {
            return done.clone();
        }
        let result = resolve_acting(user_id, choices).await;
        *resolved = Some(result.clone());
        result
    }

    async fn resolve_acting(user_id: i64, choices: &CompanyChoices) -> Result<CompanyChoice, ServerFnError> {
        if let Some(acting) = choices.acting {
            if let Some(choice) = choices.home.iter().chain(&choices.third_party).find(|c| c.company_id == acting) {
                return Ok(choice.clone());
            }
            session().await?.remove::<i64>(KEY_ACTING_COMPANY).await.map_err(internal)?;
            tracing::info!(user_id, company_id = acting, "acting company dropped: no active right any more");
            return Err(crate::refusal::refused(http::StatusCode::CONFLICT, NO_ACTING_COMPANY));
        }
        match choices.single() {
            Some(only) => {
                set_acting(user_id, only.company_id).await?;
                Ok(only.clone())
            }
            None => Err(crate::refusal::refused(http::StatusCode::CONFLICT, NO_ACTING_COMPANY)),
        }
    }

    pub async fn portal_context(user_id: i64, acting: CompanyChoice, choices: &CompanyChoices) -> Result<PortalContext, ServerFnError> {
        let store = store()?;
        let user = store.user(user_id).await.map_err(internal)?;
        let right = store.right_for(acting.company_id, user_id).await.map_err(internal)?;
        let services = match &right {
            Some(right) => store
                .service_grants(right.id)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|g| g.service_code)
                .collect(),
            None => Vec::new(),
        };
        let today = Utc::now().date_naive();
        let is_admin = right
            .as_ref()
            .is_some_and(|r| r.right_type == RightType::Employee && r.is_admin && r.grants_access_on(today));
        let unread_messages = store.unread_count(user_id).await.map_err(internal)?;
        Ok(PortalContext {
            is_admin,
            unread_messages,
            user_name: user.full_name(),
            as_provider: user.home_company_id != Some(acting.company_id),
            acting,
            can_switch: choices.count() > 1,
            services,
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::ssr::choices_from_rights;
    use chrono::{NaiveDate, Utc};
    use portal_core::domain::{RightOrigin, RightStatus, RightType};
    use portal_core::store::{RightWithCompany, UserRight};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn right(company_id: i64, name: &str, right_type: RightType, status: RightStatus, home: bool) -> RightWithCompany {
        RightWithCompany {
            right: UserRight {
                id: company_id * 10,
                company_id,
                user_id: 7,
                right_type,
                is_admin: false,
                status,
                awaiting: None,
                remark: None,
                end_date: None,
                origin: RightOrigin::Direct,
                created_by_user_id: None,
                created_at: Utc::now(),
                updated_at: Utc::now(),
                decided_at: None,
                version: 1,
            },
            company_name: name.to_string(),
            customer_number: format!("{company_id:08}"),
            is_home_company: home,
        }
    }

    #[test]
    fn the_home_company_and_active_provider_rights_are_offered() {
        let rights = vec![
            right(1, "Fiduciaire Exemple Sàrl", RightType::Employee, RightStatus::Active, true),
            right(2, "Musterhans SA", RightType::Provider, RightStatus::Active, false),
        ];
        let (home, third) = choices_from_rights(&rights, today());
        assert_eq!(home.unwrap().company_id, 1);
        assert_eq!(third.iter().map(|c| c.company_id).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn provider_rights_that_are_not_active_are_not_offered() {
        for status in [RightStatus::Pending, RightStatus::Refused, RightStatus::Revoked, RightStatus::Expired, RightStatus::Resigned] {
            let rights = vec![right(2, "Musterhans SA", RightType::Provider, status, false)];
            let (home, third) = choices_from_rights(&rights, today());
            assert!(home.is_none() && third.is_empty(), "{status:?} must grant nothing");
        }
    }

    #[test]
    fn a_provider_right_past_its_end_date_is_not_offered() {
        let mut ended = right(2, "Musterhans SA", RightType::Provider, RightStatus::Active, false);
        ended.right.end_date = Some(today().pred_opt().unwrap());
        let mut last_day = right(3, "Transports Rapides SA", RightType::Provider, RightStatus::Active, false);
        last_day.right.end_date = Some(today());
        let (_, third) = choices_from_rights(&[ended, last_day], today());
        assert_eq!(third.iter().map(|c| c.company_id).collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn third_party_companies_are_listed_by_name() {
        let rights = vec![
            right(3, "transports Rapides SA", RightType::Provider, RightStatus::Active, false),
            right(2, "Musterhans SA", RightType::Provider, RightStatus::Active, false),
        ];
        let (_, third) = choices_from_rights(&rights, today());
        assert_eq!(third.iter().map(|c| c.company_id).collect::<Vec<_>>(), vec![2, 3]);
    }
}
