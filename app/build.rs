//! Generates the `i18n` module from `locales/*.json`: a missing key or a wrong argument in any
//! of the four languages is a build error, not a blank on a page.

use std::{
    error::Error,
    path::{Path, PathBuf},
};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

// The table's reader, shared with the server (layout/hydration.rs); the build reads only the
// groups' names and whether they are signed in.
#[allow(dead_code)]
#[path = "src/layout/page_groups.rs"]
mod page_groups;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/layout/page_groups.rs");
    island_cfgs()?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // French first: it is the product's default language (the seed's wording).
    // `interpolate_display`: sentences with values are also needed as plain strings (e-mails,
    // attributes, error messages), not only as views.
    let config = Config::new("fr")?.add_locale("de")?.add_locale("it")?.add_locale("en")?.parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    rerun_if_locales_changed(&translations)?;
    translations.generate_i18n_module(out)?;
    Ok(())
}

/// Which islands the build compiles as islands, as one cfg per group of pages of
/// `page-groups.txt` (`island_<group>`), and `island_signed_in` when a group with the
/// signed-in header is among them. A bundle of scripts/bundles.sh (feature `split` with
/// `bundle-<group>`) sets only its own group's, so the other groups' islands compile as plain
/// components and their code stays out of it. The server and the bundle of every island (no
/// `split`, `cargo leptos watch`) set them all.
fn island_cfgs() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=page-groups.txt");
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"))).is_some();
    let every_island = !feature("split");
    let mut signed_in = false;
    for group in page_groups::parse(&std::fs::read_to_string("page-groups.txt")?)? {
        println!("cargo::rustc-check-cfg=cfg(island_{})", group.name);
        if every_island || feature(&format!("bundle-{}", group.name)) {
            println!("cargo::rustc-cfg=island_{}", group.name);
            signed_in |= group.signed_in;
        }
    }
    println!("cargo::rustc-check-cfg=cfg(island_signed_in)");
    if signed_in {
        println!("cargo::rustc-cfg=island_signed_in");
    }
    Ok(())
}

/// Rebuilds when a locale file changes, naming the files relative to the package as Cargo
/// allows. leptos_i18n_build's own `rerun_if_locales_changed` names them by absolute path,
/// which makes Cargo run this script and compile the crate again in every other checkout
/// that shares the build cache (scripts/cache.sh), even when nothing changed.
fn rerun_if_locales_changed(translations: &TranslationsInfos) -> Result<(), Box<dyn Error>> {
    let package = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?);
    for file in translations.files_paths().unwrap_or_default() {
        let file = Path::new(file);
        println!("cargo::rerun-if-changed={}", file.strip_prefix(&package).unwrap_or(file).display());
    }
    Ok(())
}
