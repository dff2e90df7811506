//! Generates the `i18n` module from `locales/*.json`: a missing key or a wrong argument in any
//! of the four languages is a build error, not a blank on a page.

use std::{error::Error, path::PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // French first: it is the product's default language (the seed's wording).
    // `interpolate_display`: sentences with values are also needed as plain strings (e-mails,
    // attributes, error messages), not only as views.
    let config = Config::new("fr")?
        .add_locale("de")?
        .add_locale("it")?
        .add_locale("en")?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
