//! A page whose render stalls is rendered again.
//!
//! Leptos' server rendering waits for a page's resources through wakers and reactive
//! subscriptions; under load, a wake-up can be lost between threads and the render then
//! waits forever (leptos-rs/leptos#4647, #4673, #4851: some fixed upstream, some still
//! open). Seen here about once per 100,000 pages, in the tests of a busy machine: the
//! request never answered. A page is a GET whose render changes nothing that a second render
//! would not (opening a message marks it read once), so after [`DEADLINE`] without an answer
//! the render is dropped and the page is rendered once more; the event is logged. Server
//! functions (POST) and files are never run twice.

use std::time::Duration;

use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use tower::ServiceExt as _;

/// Far above a page's render on a loaded machine (tens of milliseconds in release, a few
/// seconds for an unoptimized build under a parallel test run).
pub const DEADLINE: Duration = Duration::from_secs(20);

/// What a second render goes through: the whole portal, without this middleware, and how
/// long the first render may take.
#[derive(Clone)]
pub struct RenderAgain {
    pub portal: Router,
    pub deadline: Duration,
}

/// Wraps `portal` so that its stalled page renders are done again.
pub fn render_stalled_pages_again(portal: Router, deadline: Duration) -> Router {
    let again = RenderAgain { portal: portal.clone(), deadline };
    portal.layer(axum::middleware::from_fn_with_state(again, render_again))
}

fn is_page(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == http::Method::GET && !path.starts_with("/api/") && !path.starts_with("/pkg/")
}

async fn render_again(State(again): State<RenderAgain>, request: Request, next: Next) -> Response {
    if !is_page(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let copy = parts.clone();
    match tokio::time::timeout(again.deadline, next.run(Request::from_parts(parts, body))).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path = %copy.uri.path(), deadline = ?again.deadline, "a page's render stalled: rendering it again");
            match again.portal.oneshot(Request::from_parts(copy, Body::empty())).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    const SHORT: Duration = Duration::from_millis(50);

    /// A portal whose page stalls on its first render, and whose server function takes
    /// longer than the deadline; both count their runs.
    fn portal(runs: Arc<AtomicUsize>) -> Router {
        let page_runs = runs.clone();
        Router::new()
            .route(
                "/portal",
                get(move || {
                    let runs = page_runs.clone();
                    async move {
                        if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                            std::future::pending::<()>().await;
                        }
                        "Bienvenue"
                    }
                }),
            )
            .route(
                "/api/place_order",
                post(move || {
                    let runs = runs.clone();
                    async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(SHORT * 4).await;
                        "commande"
                    }
                }),
            )
    }

    async fn body(response: Response) -> String {
        String::from_utf8(axum::body::to_bytes(response.into_body(), 1024).await.unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_page_whose_render_stalls_is_rendered_again_and_answered() {
        let runs = Arc::new(AtomicUsize::new(0));
        let app = render_stalled_pages_again(portal(runs.clone()), SHORT);
        let response = app.oneshot(Request::get("/portal").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(body(response).await, "Bienvenue");
        assert_eq!(runs.load(Ordering::SeqCst), 2, "the stalled render, then the one that answered");
    }

    #[tokio::test]
    async fn a_slow_server_function_runs_once() {
        let runs = Arc::new(AtomicUsize::new(0));
        let app = render_stalled_pages_again(portal(runs.clone()), SHORT);
        let response = app.oneshot(Request::post("/api/place_order").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(body(response).await, "commande");
        assert_eq!(runs.load(Ordering::SeqCst), 1, "a POST is never run twice");
    }
}
