//! What every handler of the router can extract: Leptos' options and the store.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use portal_core::store::Store;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
}
