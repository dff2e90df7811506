//! The frame around every page: the public pages' layout, the signed-in pages' header (with
//! the company switch, the messages badge, the language switch and "Se déconnecter") and the
//! loader that hydrates a page's islands after its first paint.

pub mod context;
pub mod frame;
pub mod hydration;
pub mod language;
pub mod not_found;
pub mod page_groups;
pub mod portal;
pub mod public;
pub mod sign_out;
