//! The access-decision API for the company's online services: "may this login act for
//! our company on this service (for this debtor) today?", asked by a technical user of the
//! company with its API key.
//!
//! `GET /api/v1/access?user=<e-mail>&service=<code>[&debtor=<number>]` with
//! `Authorization: Bearer cck_…`. The company is always the key's own: a key can only ask
//! about its company's rights. The answer is the same rule the portal applies on every
//! request (`Store::may_act`): an active right, not past its end date, on a subscribed
//! service, granted for all debtors or for that debtor. A login that does not exist is simply
//! not allowed, so the API tells nothing about who has a login elsewhere.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_client_ip::ClientIp;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use portal_core::domain::{DebtorNumber, EmailAddress};
use portal_core::store::Store;
use serde::{Deserialize, Serialize};

use crate::state::AppState;
use app::shared::refusal::{api_sentence, Refusal};

pub const PATH: &str = "/api/v1/access";

#[derive(Debug, Deserialize)]
pub struct AccessQuestion {
    user: String,
    service: String,
    debtor: Option<String>,
}

/// The answer: the question as understood, and whether the login may act.
#[derive(Debug, Serialize)]
pub struct AccessAnswer {
    company: String,
    user: String,
    service: String,
    debtor: Option<String>,
    allowed: bool,
}

/// A refusal on the wire: a stable code and the sentence for it.
#[derive(Debug, Serialize)]
struct RefusalBody {
    error: String,
    message: String,
}

fn refuse(headers: &HeaderMap, refusal: Refusal) -> Response {
    let language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let status = StatusCode::from_u16(refusal.status().code()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = RefusalBody { error: refusal.code().into_owned(), message: api_sentence(language, &refusal) };
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

fn unavailable(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "access decision failed");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// How often one client address may ask: `per_second` questions a second on average, in
/// bursts of up to twice that. A key holder's integration asks once per decision, so this is
/// far above honest use; it stops a client (or a stolen key) from keeping the database busy.
/// Kept in this instance's memory: with several instances behind a balancer, each one
/// applies it to what it receives.
#[derive(Clone)]
pub struct RateLimit(Arc<DefaultKeyedRateLimiter<IpAddr>>);

/// Addresses remembered before the limiter forgets those that are back to a full quota.
const REMEMBERED_ADDRESSES: usize = 10_000;

impl RateLimit {
    pub fn per_second(per_second: NonZeroU32) -> Self {
        let burst = per_second.saturating_mul(NonZeroU32::new(2).expect("2 is not zero"));
        RateLimit(Arc::new(RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst))))
    }
}

/// Answers 429, with `Retry-After` and the translated refusal, to an address past its quota.
pub async fn rate_limit(State(limit): State<RateLimit>, client: Result<ClientIp, axum_client_ip::Rejection>, request: Request, next: Next) -> Response {
    // Where the address is read: see `--client-ip-source`. A request without one (a proxy
    // header missing) is not limited here; the key check still applies.
    let Ok(ClientIp(address)) = client else {
        return next.run(request).await;
    };
    if limit.0.len() > REMEMBERED_ADDRESSES {
        limit.0.retain_recent();
    }
    match limit.0.check_key(&address) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            tracing::warn!(%address, "access API rate limit reached");
            let mut response = refuse(request.headers(), Refusal::ApiRateLimited);
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}

pub async fn access_decision(
    State(state): State<AppState>,
    headers: HeaderMap,
    question: Result<Query<AccessQuestion>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match decide(&state.store, &headers, question).await {
        Ok(answer) => Json(answer).into_response(),
        Err(refusal) => refusal,
    }
}

async fn decide(
    store: &Store,
    headers: &HeaderMap,
    question: Result<Query<AccessQuestion>, axum::extract::rejection::QueryRejection>,
) -> Result<AccessAnswer, Response> {
    // The key first: without a valid one, nothing about the question is answered.
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128);
    let technical = match key {
        Some(key) => store.technical_right_by_api_key(key).await.map_err(unavailable)?,
        None => None,
    };
    let technical = technical.ok_or_else(|| refuse(headers, Refusal::ApiKeyInvalid))?;
    let Ok(Query(question)) = question else {
        return Err(refuse(headers, Refusal::MalformedRequest));
    };
    let email = EmailAddress::parse(&question.user).map_err(|_| refuse(headers, Refusal::ApiUserInvalid))?;
    let company_id = technical.company_id;
    let services = store.services().await.map_err(unavailable)?;
    let service = services.iter().find(|s| s.code == question.service.trim()).ok_or_else(|| refuse(headers, Refusal::ApiUnknownService))?;
    let debtor = match question.debtor.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(number) => {
            let number = DebtorNumber::parse(number).map_err(|_| refuse(headers, Refusal::ApiDebtorNumberInvalid))?;
            let found = store.debtor_by_number(company_id, &number).await.map_err(unavailable)?;
            Some(found.ok_or_else(|| refuse(headers, Refusal::ApiUnknownDebtor))?)
        }
    };
    // `may_act` also requires the company to subscribe to the service.
    let allowed = match store.user_by_email(&email).await.map_err(unavailable)? {
        Some(user) => store.may_act(user.id, company_id, &service.code, debtor.as_ref().map(|d| d.id)).await.map_err(unavailable)?,
        None => false,
    };
    let company = store.company(company_id).await.map_err(unavailable)?;
    tracing::info!(technical_right = technical.id, company_id, service = %service.code, allowed, "access decision");
    Ok(AccessAnswer {
        company: company.customer_number,
        user: email.as_str().to_string(),
        service: service.code.clone(),
        debtor: debtor.map(|d| d.debtor_number),
        allowed,
    })
}
