//! The portal's server as a library, so that integration tests can start it on port 0.

#![recursion_limit = "512"]

pub mod api;
pub mod auth;
pub mod config;
pub mod http;
pub mod mail;
pub mod operator;
pub mod request_owner;
pub mod stalled_pages;
pub mod state;
#[cfg(feature = "test-clock")]
pub mod test_clock;
#[cfg(feature = "test-clock")]
pub mod test_fixtures;

/// Rendering a page walks Leptos' nested view types recursively; unoptimized builds need
/// more than tokio's 2 MiB worker stacks for the larger pages (release builds stay well
/// under). The memory is only reserved, not used. The server and its tests use this.
pub const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;
