//! "Gérer le compte utilisateur": the login's own data, its password, and its provider
//! access requests.

use crate::shared::refusal::PortalError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod email_change;
pub mod email_confirm_page;
pub mod page;

use crate::provider::ProviderAccessRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    pub full_name: String,
    /// `dd.mm.yyyy HH:MM:SS`, Swiss time, as in the seed; `None` before the first sign-in.
    pub last_login: Option<String>,
    pub two_step_enabled: bool,
    pub provider_access: Vec<ProviderAccessRow>,
    /// The companies this login was invited to join as an employee, while the invitation is
    /// open, and the one it joined by accepting, which it may leave.
    pub membership: Vec<Membership>,
    /// False for a login that may act for no company today (no home company, no active
    /// right): its account page stands alone, the way to ask a company for access.
    pub acts_for_a_company: bool,
    /// Messages the login has not opened yet, for the frame of a login of no company.
    pub unread_messages: i64,
    /// For the frame of a login of no company: what a form posted without a script just did.
    pub done: Option<String>,
    /// An enrolment under way, recovery codes to show once.
    pub two_step: crate::two_step::TwoStepNotes,
}

/// A company this login was invited to join (`member` false: the invitation waits for its
/// answer) or joined by accepting (`member` true: it may leave).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub right_id: i64,
    pub version: i64,
    pub company_name: String,
    pub member: bool,
}

#[server(prefix = "/api", endpoint = "load_account")]
pub async fn load_account() -> Result<AccountView, PortalError> {
    let login = crate::access::require_login().await?;
    let store = crate::shared::context::store()?;
    let mut account = service::account_view(&store, login.user_id).await?;
    // A login acting for a company reads it in the portal's frame instead.
    if !account.acts_for_a_company {
        account.done = crate::shared::context::take_done_note().await?;
    }
    let session = crate::shared::context::session().await?;
    account.two_step = crate::two_step::service::notes_for_the_account_page(&store, &session, &account.email, account.two_step_enabled).await?;
    Ok(account)
}

/// Changes the password of the signed-in login; the current one is required.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new: String, confirm: String) -> Result<(), PortalError> {
    let login = crate::access::require_login().await?;
    let deps = crate::shared::deps::Deps::of_request()?;
    // Read before the change, so that a failure to read it leaves the old password in place.
    let this_session = crate::shared::context::session().await?.id().map(|id| id.to_string());
    service::change_password(&deps, login.user_id, this_session.as_deref(), current, new, confirm).await?;
    crate::shared::context::say_after_a_plain_post(|locale| crate::i18n::td_string!(locale, account.password_changed).to_string()).await
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::*;
    use crate::shared::deps::Deps;
    use crate::shared::format::{swiss_date, swiss_date_time};
    use crate::shared::refusal::internal;
    use crate::shared::refusal::{refused, Refusal};
    use portal_core::domain::{Password, RightStatus};
    use portal_core::store::{RightWithCompany, Store};

    /// The account page's data; what a plain post just did (`done`) and the two-step notes
    /// belong to the request and are added by the server function.
    pub async fn account_view(store: &Store, user_id: i64) -> Result<AccountView, PortalError> {
        let user = store.user(user_id).await.map_err(internal)?;
        let rights = store.rights_of_user(user_id).await.map_err(internal)?;
        let acts_for_a_company = crate::access::company_count(&rights, store.today()) > 0;
        let membership = rights
            .iter()
            .filter(|r| r.right.joins_by_consent())
            .filter_map(|r| {
                let member = matches!(r.right.status, RightStatus::Active | RightStatus::Suspended);
                (member || r.right.answer_due().is_some()).then(|| Membership {
                    right_id: r.right.id,
                    version: r.right.version,
                    company_name: r.company_name.clone(),
                    member,
                })
            })
            .collect();
        // A request the company has not answered shows only the number typed, as a request
        // for a number no company has: the list never tells which numbers are customers'.
        let mut provider_access: Vec<_> = rights
            .into_iter()
            .filter(RightWithCompany::held_as_provider)
            .map(|r| ProviderAccessRow {
                right_id: r.right.id,
                version: r.right.version,
                awaiting: r.right.awaiting,
                date: swiss_date(r.right.created_at),
                company_name: if r.right.unanswered_request() { String::new() } else { r.company_name },
                customer_number: r.customer_number,
                status: r.right.status,
                answer_by: r.right.answer_due().map(crate::shared::format::short_date_time),
            })
            .collect();
        provider_access.extend(store.unmatched_requests_of(user_id).await.map_err(internal)?.into_iter().map(|r| ProviderAccessRow {
            right_id: r.id,
            version: r.version,
            awaiting: r.state().awaiting,
            date: swiss_date(r.created_at),
            company_name: String::new(),
            customer_number: r.customer_number.clone(),
            status: r.status,
            answer_by: r.answer_due().map(crate::shared::format::short_date_time),
        }));
        provider_access.sort_by(|a, b| (&a.company_name, &a.customer_number).cmp(&(&b.company_name, &b.customer_number)));
        Ok(AccountView {
            full_name: user.full_name(),
            email: user.email,
            last_login: user.last_login_at.map(swiss_date_time),
            two_step_enabled: user.totp_enabled,
            provider_access,
            membership,
            acts_for_a_company,
            unread_messages: store.unread_count(user_id).await.map_err(internal)?,
            done: None,
            two_step: Default::default(),
        })
    }

    /// Changes the login's password once its current one is given. Whoever signed in elsewhere
    /// with the old password (a shared or stolen one) is signed out; `this_session` stays.
    pub async fn change_password(
        deps: &Deps,
        user_id: i64,
        this_session: Option<&str>,
        current: String,
        new: String,
        confirm: String,
    ) -> Result<(), PortalError> {
        let new_password = Password::parse(&new).map_err(|_| refused(Refusal::NewPasswordPolicy))?;
        if new != confirm {
            return Err(refused(Refusal::NewPasswordsDiffer));
        }
        let store = &deps.store;
        crate::shared::password::check_current_password(store, &deps.settings, user_id, current).await?;
        let new_hash = crate::shared::password::hash(new_password).await?;
        let ended = store.change_password(user_id, &new_hash, this_session).await.map_err(internal)?;
        tracing::info!(user_id, other_sessions_ended = ended, "password changed");
        Ok(())
    }
}
