//! The acting company of a request, re-checked against the login's rights on every request.

use crate::shared::refusal::PortalError;
use chrono::NaiveDate;
use leptos::prelude::*;
use portal_core::store::{RightWithCompany, UserRight};

use super::acting::{CompanyChoice, CompanyChoices};
use crate::shared::refusal::{refused, Refusal};
use crate::shared::{
    context::{session, store},
    refusal::internal,
};

/// Session key: the company chosen for this session.
pub const KEY_ACTING_COMPANY: &str = "acting.company_id";

/// The companies `rights` let their holder act for on `today`: pure, so it is tested alone.
pub fn choices_from_rights(rights: &[RightWithCompany], today: NaiveDate) -> (Option<CompanyChoice>, Vec<CompanyChoice>) {
    let mut home = None;
    let mut third_party = Vec::new();
    for r in rights.iter().filter(|r| r.right.grants_access_on(today)) {
        let as_provider = r.held_as_provider();
        let choice = CompanyChoice { company_id: r.right.company_id, name: r.company_name.clone(), customer_number: r.customer_number.clone(), as_provider };
        if r.is_home_company {
            home = Some(choice);
        } else if as_provider {
            third_party.push(choice);
        }
    }
    third_party.sort_by_key(|a| a.name.to_lowercase());
    (home, third_party)
}

/// How many companies `rights` let their holder act for on `today`: what the selector offers.
pub fn company_count(rights: &[RightWithCompany], today: NaiveDate) -> usize {
    let (home, third_party) = choices_from_rights(rights, today);
    CompanyChoices { home, third_party, acting: None }.count()
}

pub async fn choices(user_id: i64) -> Result<CompanyChoices, PortalError> {
    Ok(choices_and_rights(user_id).await?.0)
}

/// The login's choices, and the rights they were made of.
async fn choices_and_rights(user_id: i64) -> Result<(CompanyChoices, Vec<RightWithCompany>), PortalError> {
    let store = store()?;
    let rights = store.rights_of_user(user_id).await.map_err(internal)?;
    let (home, third_party) = choices_from_rights(&rights, store.today());
    let acting = session().await?.get::<i64>(KEY_ACTING_COMPANY).await.map_err(internal)?;
    Ok((CompanyChoices { home, third_party, acting }, rights))
}

pub async fn set_acting(user_id: i64, company_id: i64) -> Result<(), PortalError> {
    session().await?.insert(KEY_ACTING_COMPANY, company_id).await.map_err(internal)?;
    tracing::info!(user_id, company_id, "acting company selected");
    Ok(())
}

/// The acting company of this request, checked against the login's rights as they are now.
/// A single possible company is chosen implicitly; a right that stopped being active drops
/// the choice, and the caller sends the login back to the selector.
pub async fn require_acting(user_id: i64) -> Result<CompanyChoice, PortalError> {
    acting_among(user_id, &choices(user_id).await?).await
}

/// The login's choices, the acting company among them and the login's right on it, from one
/// read of its rights: whoever judges that right (the guards, the header) does not read it a
/// second time. The right is `None` only for a company resolved earlier in this request
/// whose right has gone since.
pub async fn acting_with_right(user_id: i64) -> Result<(CompanyChoices, CompanyChoice, Option<UserRight>), PortalError> {
    let (choices, rights) = choices_and_rights(user_id).await?;
    let company = acting_among(user_id, &choices).await?;
    let right = rights.into_iter().map(|r| r.right).find(|r| r.company_id == company.company_id);
    Ok((choices, company, right))
}

/// [`require_acting`], with the login's right on the acting company ([`acting_with_right`]).
pub async fn require_acting_right(user_id: i64) -> Result<(CompanyChoice, UserRight), PortalError> {
    let (_, company, right) = acting_with_right(user_id).await?;
    // A choice is made of a right: without it, the company is no longer a choice.
    Ok((company, right.ok_or_else(|| refused(Refusal::NoActingCompany))?))
}

/// The acting company as first resolved in this request. A page's data and its header are
/// loaded one after the other, and the first may drop a choice that is no longer allowed:
/// resolving again, the second would pick the login's only other company and show that
/// company's header around a refusal. Provided afresh for every request by the server.
#[derive(Clone, Default)]
pub struct ActingThisRequest(std::sync::Arc<tokio::sync::Mutex<Option<Result<CompanyChoice, PortalError>>>>);

/// [`require_acting`] with the login's choices already read (pages read them once for
/// both the acting company and the header's company switch).
pub async fn acting_among(user_id: i64, choices: &CompanyChoices) -> Result<CompanyChoice, PortalError> {
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

async fn resolve_acting(user_id: i64, choices: &CompanyChoices) -> Result<CompanyChoice, PortalError> {
    if let Some(acting) = choices.acting {
        if let Some(choice) = choices.get(acting) {
            return Ok(choice.clone());
        }
        session().await?.remove::<i64>(KEY_ACTING_COMPANY).await.map_err(internal)?;
        tracing::info!(user_id, company_id = acting, "acting company dropped: no active right any more");
        return Err(refused(Refusal::NoActingCompany));
    }
    match choices.single() {
        Some(only) => {
            set_acting(user_id, only.company_id).await?;
            Ok(only.clone())
        }
        None => Err(refused(Refusal::NoActingCompany)),
    }
}

#[cfg(test)]
mod tests {
    use super::choices_from_rights;
    use chrono::NaiveDate;
    use portal_core::domain::{RightStatus, RightType};
    use portal_core::store::{RightWithCompany, UserRight};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn right(company_id: i64, name: &str, right_type: RightType, status: RightStatus, home: bool) -> RightWithCompany {
        RightWithCompany {
            right: UserRight { id: company_id * 10, company_id, ..UserRight::example(right_type, false, status) },
            company_name: name.to_string(),
            customer_number: format!("{company_id:08}"),
            is_home_company: home,
        }
    }

    #[test]
    fn the_home_company_and_active_provider_rights_are_offered_the_latter_to_act_as_a_provider() {
        let rights = vec![
            right(1, "Fiduciaire Exemple Sàrl", RightType::Employee, RightStatus::Active, true),
            right(2, "Musterhans SA", RightType::Provider, RightStatus::Active, false),
        ];
        let (home, third) = choices_from_rights(&rights, today());
        let home = home.unwrap();
        assert_eq!((home.company_id, home.as_provider), (1, false));
        assert_eq!(third.iter().map(|c| (c.company_id, c.as_provider)).collect::<Vec<_>>(), vec![(2, true)]);
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
