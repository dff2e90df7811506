//! The portal's server as a library, so that integration tests can start it on port 0.

#![recursion_limit = "512"]

pub mod auth;
pub mod config;
pub mod http;
pub mod mail;
pub mod operator;
