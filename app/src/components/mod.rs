pub mod hydration;
pub mod layout;
pub mod language;
pub mod portal_layout;
pub mod ui;
