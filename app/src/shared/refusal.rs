//! Refusals of server functions: a clear message for the user and a 4xx status for the
//! client, so that bad input or a missing right is never reported as a server failure (500).

#[cfg(feature = "ssr")]
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::errors::{PortalError, Status};

/// The error a server function returns when it refuses a request, with `status` set on the
/// answer (400 bad input, 401 not signed in, 403 no right, 409 state changed…).
#[cfg(feature = "ssr")]
pub fn refused(status: Status, code: &str) -> PortalError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::from_u16(status.code()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    PortalError::new(status, code)
}

/// Takes back the status an earlier refusal set for this answer, when the page shows its
/// content all the same (an invitation seen by a login with no company to act for).
pub fn not_refused() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::OK);
    }
}

/// The answer's status is `outcome`'s alone, whatever another call for the same page refused
/// before (the header's): 200 for content shown, else the refusal's own.
pub fn answered_as<T>(outcome: &Result<T, super::errors::PortalError>) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let status = outcome.as_ref().err().map_or(200, |error| error.status().code());
        response.set_status(http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = outcome;
}
