//! The provider-access domain: the vocabulary of docs/domain.md as types, the right's lifecycle, and
//! (feature `store`) the one store contract over SQLite and Postgres.
//!
//! * [`domain`] is plain Rust (serde, chrono, thiserror only) and compiles for wasm32.
//! * [`store`] (feature `store`) persists the whole data model over SQLite or Postgres
//!   with one set of queries.
//! * [`test_support`] (feature `test-support`, for the workspace's tests only) makes a
//!   database per test, and unlocks the store's few functions only tests call;
//!   [`generate`] (the same feature) loads a large data set for the benchmarks.

#[macro_use]
pub mod domain;

#[cfg(feature = "store")]
pub mod store;

pub use domain::*;

#[cfg(feature = "store")]
pub use store::demo;

#[cfg(feature = "test-support")]
pub mod test_support;

#[cfg(feature = "test-support")]
pub mod generate;
