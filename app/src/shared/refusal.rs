//! Refusals of server functions: a clear message for the user and a 4xx status for the
//! client, so that bad input or a missing right is never reported as a server failure (500).

#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// The error a server function returns when it refuses a request; `status` is the HTTP
/// status of the answer (400 bad input, 401 not signed in, 403 no right, 409 state changed).
#[cfg(feature = "ssr")]
pub fn refused(status: http::StatusCode, message: &str) -> ServerFnError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    ServerFnError::new(message)
}

/// Takes back the status an earlier refusal set for this answer, when the page shows its
/// content all the same (an invitation seen by a login with no company to act for).
pub fn not_refused() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::OK);
    }
}
