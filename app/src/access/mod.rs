//! Who may do what, decided in one place: the signed-in login of a session ([`require_login`]),
//! the company it acts for ([`require_acting`]), an administrator of that company
//! ([`require_admin`]) and a granted online service ([`require_service`]). Every server
//! function starts with one of these guards.

mod acting;
#[cfg(feature = "ssr")]
mod acting_ssr;
#[cfg(feature = "ssr")]
mod admin;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
mod session;

pub use acting::*;
#[cfg(feature = "ssr")]
pub use acting_ssr::*;
#[cfg(feature = "ssr")]
pub use admin::*;
#[cfg(feature = "ssr")]
pub use service::*;
#[cfg(feature = "ssr")]
pub use session::*;
