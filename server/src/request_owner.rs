//! Each request's reactive owner is a root of its own.
//!
//! Leptos keeps "the current reactive owner" in a thread-local. A page's render makes its root
//! owner current (`Owner::new_root`) and leaves it there when its poll returns; a server
//! function then creates its owner with `Owner::new()`, which adopts whatever owner the thread
//! holds as its parent. A server function answered on a worker thread that had just rendered
//! a page thus became a child of that page's owner: the page's cleanup, when its response
//! ended, reached into the server function's owner while it ran, and its context lookups
//! walked up into that page's contexts. The site's files had the same flaw (see `http.rs`).
//! Forgetting the thread's owner around every poll of a request makes each request start from
//! none.

use std::future::Future as _;

use axum::{extract::Request, middleware::Next, response::Response};
use leptos::reactive::owner::Owner;

/// The outermost layer: every poll of the request starts and ends with no current owner.
pub async fn without_another_request_s_owner(request: Request, next: Next) -> Response {
    let mut response = std::pin::pin!(next.run(request));
    std::future::poll_fn(|cx| {
        forget_the_thread_s_owner();
        let poll = response.as_mut().poll(cx);
        forget_the_thread_s_owner();
        poll
    })
    .await
}

fn forget_the_thread_s_owner() {
    if let Some(owner) = Owner::current() {
        owner.unset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, routing::post, Router};
    use tower::ServiceExt as _;

    /// What leptos_axum does for a server function: a new owner under the thread's current one.
    fn server_function() -> Router {
        Router::new().route(
            "/api/place_order",
            post(|| async {
                let owner = Owner::new();
                if owner.parent().is_some() {
                    "under another request's owner"
                } else {
                    "a root of its own"
                }
            }),
        )
    }

    async fn answer(app: Router) -> String {
        let response = app.oneshot(Request::post("/api/place_order").body(Body::empty()).unwrap()).await.unwrap();
        String::from_utf8(axum::body::to_bytes(response.into_body(), 1024).await.unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_server_function_does_not_adopt_the_owner_a_page_left_on_the_thread() {
        // What a page's render leaves behind on its worker thread (one thread in this test).
        let page = Owner::new_root(None);
        let app = server_function().layer(axum::middleware::from_fn(without_another_request_s_owner));
        assert_eq!(answer(app).await, "a root of its own");
        drop(page);
    }

    #[tokio::test]
    async fn without_the_layer_a_server_function_adopts_it() {
        // The flaw the layer exists for: this test fails once Leptos no longer has it.
        let page = Owner::new_root(None);
        assert_eq!(answer(server_function()).await, "under another request's owner");
        drop(page);
    }
}
