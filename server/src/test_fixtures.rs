//! The end-to-end tests' fresh provider companies: a form that ends a right for good (an
//! invitation accepted then given back, a company offboarded) can be sent once per pair of
//! company and login, since a login holds one right per company for ever; a test that sends
//! it at each moment of a page's wake-up, ten times over, needs a login no other test uses
//! each time. Like the test clock, only a server built with the cargo feature `test-clock`
//! (`target/release/server-e2e`, never shipped) and started with `--demo --test-clock` has
//! this route, behind the same middleware as every other route.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, MethodRouter};
use axum::Json;
use portal_core::domain::{CustomerNumber, EmailAddress, Language, Password, PersonName};
use portal_core::store::demo::DEMO_PASSWORD;
use portal_core::store::{hash_password, Actor, NewCompany, NewRight, NewUser, Store, StoreError};
use serde::Serialize;

use crate::state::AppState;

pub const PATH: &str = "/test-fixtures/provider-company";

/// The next company's number within this server's run (customer numbers 7xxxxxxx).
static NEXT: AtomicU64 = AtomicU64::new(1);

/// A company of its own and its administrator, who signs in with the demo password.
#[derive(Debug, Serialize)]
pub struct ProviderCompany {
    pub company: String,
    pub customer_number: String,
    pub email: String,
}

async fn create(store: &Store) -> Result<ProviderCompany, String> {
    let invalid = |e: &dyn std::fmt::Display| e.to_string();
    // A number another run left in the same database is skipped.
    let (n, company) = loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let number = CustomerNumber::parse(&format!("{}", 70_000_000 + n)).map_err(|e| invalid(&e))?;
        let new = NewCompany { customer_number: number, name: format!("Prestataire Essai {n} SA"), language: Language::Fr };
        match store.create_company(&new).await {
            Ok(company) => break (n, company),
            Err(StoreError::Duplicate { .. }) if n < 10_000_000 => continue,
            Err(e) => return Err(e.to_string()),
        }
    };
    let password = Password::parse(DEMO_PASSWORD).map_err(|e| invalid(&e))?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| invalid(&e))?.map_err(|e| invalid(&e))?;
    let user = store
        .create_user(&NewUser {
            email: EmailAddress::parse(&format!("essai.{n}@prestataire-essai-{n}.example")).map_err(|e| invalid(&e))?,
            first_name: PersonName::parse("Essai").map_err(|e| invalid(&e))?,
            last_name: PersonName::parse(&format!("Prestataire {n}")).map_err(|e| invalid(&e))?,
            password_hash: Some(hash),
            language: Language::Fr,
            home_company_id: Some(company.id),
        })
        .await
        .map_err(|e| invalid(&e))?;
    store.create_right(&NewRight::employee(company.id, user.id, true), &Actor::system()).await.map_err(|e| invalid(&e))?;
    Ok(ProviderCompany { company: company.name, customer_number: company.customer_number, email: user.email })
}

/// `POST /test-fixtures/provider-company`: answers the new company and its administrator.
pub async fn provider_company(State(store): State<Store>) -> Result<Json<ProviderCompany>, (StatusCode, String)> {
    let made = create(&store).await.map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
    tracing::warn!(email = %made.email, "test fixture: provider company made");
    Ok(Json(made))
}

/// The route, for the portal's router.
pub fn route(store: Store) -> MethodRouter<AppState> {
    post(provider_company).with_state(store)
}
