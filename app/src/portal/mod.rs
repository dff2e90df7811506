//! "Centre clientèle": the signed-in home page with the acting company's online services.

pub mod page;
