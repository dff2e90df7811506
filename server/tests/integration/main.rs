//! The server's integration tests, compiled into one binary: each test module used to be
//! its own multi-gigabyte debug executable (Leptos' view types make long symbols), which
//! cost minutes of linking and tens of gigabytes of disk per test run.

#[macro_use]
mod auth_support;

mod abuse;
mod access_api;
mod access_matrix;
mod account_and_company;
mod admin_rights;
mod auth_mail;
mod auth_sessions;
mod auth_tokens;
mod bad_input;
mod config_errors;
mod durability;
mod invitation_lifetime;
mod offboarding;
mod provider_path;
mod provider_side;
mod reminders;
mod requests_by_number;
mod security_headers;
mod services;
mod services_called_alone;
mod serving;
mod suspension;
mod telling;
mod templates;
mod two_step;
