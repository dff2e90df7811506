//! The test clock of a demo server started with `--test-clock`: end-to-end tests move the
//! time by which pending rights lapse, instead of sleeping for days. No production server has
//! this route (the flag requires `--demo`).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

use crate::auth::Housekeeping;

pub const PATH: &str = "/test-clock";

#[derive(Debug, Deserialize)]
pub struct Advance {
    /// Whole days, 1 to 366.
    pub days: i64,
}

/// Moves the store's clock `days` ahead, runs one round of the housekeeping, and answers the
/// store's time now (RFC 3339).
pub async fn advance(State(housekeeping): State<Housekeeping>, Query(advance): Query<Advance>) -> Result<Json<String>, (StatusCode, &'static str)> {
    if !(1..=366).contains(&advance.days) {
        return Err((StatusCode::BAD_REQUEST, "days: 1 to 366"));
    }
    let store = &housekeeping.store;
    store.advance_clock_for_tests(chrono::Duration::days(advance.days));
    housekeeping.run_once().await;
    tracing::warn!(days = advance.days, now = %store.now(), "test clock moved ahead");
    Ok(Json(store.now().to_rfc3339()))
}

pub fn routes(housekeeping: Housekeeping) -> Router {
    Router::new().route(PATH, post(advance)).with_state(housekeeping)
}
