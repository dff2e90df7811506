pub mod account;
pub mod login;
pub mod not_found;
pub mod portal;
pub mod select_company;
