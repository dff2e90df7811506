//! Pieces every feature uses and that know no feature: the request's context, the refusals
//! and their translation, formatting, paths, e-mail, passwords, the UI kit and how forms behave.

#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod deps;
pub mod form;
pub mod format;
pub mod locale;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod password;
pub mod paths;
pub mod refusal;
pub mod return_path;
pub mod ui;
