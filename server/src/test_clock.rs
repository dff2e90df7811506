//! The test clock of the end-to-end tests' server: they move the time by which pending rights
//! lapse and rights end, instead of sleeping for days. Only a server built with the cargo
//! feature `test-clock` (`target/release/server-e2e`, never shipped) and started with
//! `--demo --test-clock` has this route; it sits behind the same middleware as every other
//! route (same-origin check, security headers, body limit).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{post, MethodRouter};
use axum::Json;
use serde::Deserialize;

use crate::state::AppState;
use app::housekeeping::Housekeeping;

pub const PATH: &str = "/test-clock";

/// How far one call may move the clock.
const MOST_DAYS_AT_ONCE: i64 = 366;
/// How far ahead of the real time the clock may ever be: three years.
const MOST_DAYS_AHEAD: i64 = 3 * 366;

#[derive(Debug, Deserialize)]
pub struct Advance {
    /// Whole days, 1 to 366.
    pub days: i64,
}

/// Moves the store's clock `days` ahead, runs one round of the housekeeping, and answers the
/// store's time now (RFC 3339).
pub async fn advance(State(housekeeping): State<Housekeeping>, Query(advance): Query<Advance>) -> Result<Json<String>, (StatusCode, &'static str)> {
    if !(1..=MOST_DAYS_AT_ONCE).contains(&advance.days) {
        return Err((StatusCode::BAD_REQUEST, "days: 1 to 366"));
    }
    let store = &housekeeping.store;
    let ahead = store.now() - portal_core::store::real_time() + chrono::Duration::days(advance.days);
    if ahead > chrono::Duration::days(MOST_DAYS_AHEAD) {
        return Err((StatusCode::BAD_REQUEST, "the clock is never more than three years ahead"));
    }
    store.advance_clock_for_tests(chrono::Duration::days(advance.days));
    housekeeping.run_once().await;
    tracing::warn!(days = advance.days, now = %store.now(), "test clock moved ahead");
    Ok(Json(store.now().to_rfc3339()))
}

/// `POST /test-clock?days=N`, for the portal's router.
pub fn route(housekeeping: Housekeeping) -> MethodRouter<AppState> {
    post(advance).with_state(housekeeping)
}
