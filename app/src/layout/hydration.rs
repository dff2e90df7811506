//! Starts the WebAssembly after the page's first paint.
//!
//! Leptos' `HydrationScripts` preloads the WebAssembly from the `<head>`, so on a fast
//! connection it is fully downloaded before the first paint; on a slow phone the same download
//! competes with the page's own HTML and CSS, and Lighthouse (which projects the observed load
//! onto a slow network) then counts the whole download in the largest paint: 5.1 s instead of
//! 1.0 s. The page is readable and its forms post without JavaScript, so the download waits
//! until the first frame is painted.

use leptos::prelude::*;
use std::sync::OnceLock;

use super::page_groups::PageGroup;

/// The script that loads `pkg/<name>.<hash>.js` and hydrates once the page has painted
/// (`hydrate.js`, beside this file): the bundle of the page's group when scripts/bundles.sh
/// built one, else cargo-leptos' own bundle (in a release build the one of the group its row
/// in app/page-groups.txt says; under `cargo leptos watch`, every island).
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = file_names(&options, page_bundle());
    let pkg = options.site_pkg_dir.to_string();
    let script = format!("{}({:?},{:?});", loader(), format!("/{pkg}/{js}.js"), format!("/{pkg}/{wasm}.wasm"));
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// `hydrate.js` as every page carries it: without its comment lines and indentation.
fn loader() -> &'static str {
    static LOADER: OnceLock<String> = OnceLock::new();
    LOADER.get_or_init(|| {
        include_str!("hydrate.js").lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with("//")).collect::<Vec<_>>().join("\n")
    })
}

/// The rows of app/page-groups.txt, read once.
pub fn page_groups() -> &'static [PageGroup<'static>] {
    static GROUPS: OnceLock<Vec<PageGroup<'static>>> = OnceLock::new();
    // app/build.rs read this same text and fails the build on a row it cannot read.
    GROUPS.get_or_init(|| super::page_groups::parse(include_str!("../../page-groups.txt")).expect("app/build.rs read the table"))
}

/// The group of pages a path belongs to, named as its bundle: the group of the longest start
/// of the path, a named segment before `*`; `None` for a path outside the groups (an unknown
/// page), which loads cargo-leptos' own bundle.
pub fn bundle_of(path: &str) -> Option<&'static str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    page_groups()
        .iter()
        .flat_map(|group| group.pages.iter().filter_map(|page| start_length(page, &segments)).map(move |length| (length, group.name)))
        .max_by_key(|(length, _)| *length)
        .map(|(_, name)| name)
}

/// How well `page` (a start of a path from the table) matches a path's segments: its number of
/// segments, then of named ones; `None` when it is not a start of the path.
fn start_length(page: &str, segments: &[&str]) -> Option<(usize, usize)> {
    if page == "/" {
        return segments.is_empty().then_some((0, 0));
    }
    let parts: Vec<&str> = page.split('/').collect();
    let matches = parts.len() <= segments.len() && parts.iter().zip(segments).all(|(part, segment)| *part == "*" || part == segment);
    matches.then(|| (parts.len(), parts.iter().filter(|part| **part != "*").count()))
}

#[cfg(feature = "ssr")]
fn page_bundle() -> Option<&'static str> {
    use_context::<http::request::Parts>().and_then(|parts| bundle_of(parts.uri.path()))
}

#[cfg(not(feature = "ssr"))]
fn page_bundle() -> Option<&'static str> {
    None
}

/// The JS and WebAssembly file names without extension: the page group's bundle listed in
/// `bundles.txt` beside the server binary (when it was built beside cargo-leptos' current
/// bundle), else cargo-leptos' own bundle (with the content hashes of `hash.txt` beside the
/// server binary when hashing is on).
#[cfg(feature = "ssr")]
fn file_names(options: &LeptosOptions, bundle: Option<&str>) -> (String, String) {
    use std::collections::HashMap;
    static BUNDLES: OnceLock<HashMap<String, String>> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| {
        beside_server("bundles.txt")
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(group, name)| (group.trim().to_string(), name.trim().to_string()))
            .collect()
    });
    let full = full_bundle(options);
    // Bundles built beside another full bundle come from other code: their islands would not
    // match the page's.
    let current = bundles.get("full") == Some(&full.1);
    match bundle.and_then(|group| bundles.get(group)).filter(|_| current) {
        Some(name) => (name.clone(), name.clone()),
        None => full,
    }
}

/// A file beside the server binary, empty when there is none.
#[cfg(feature = "ssr")]
fn beside_server(file: &str) -> String {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(file))).and_then(|path| std::fs::read_to_string(path).ok()).unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn full_bundle(options: &LeptosOptions) -> (String, String) {
    static NAMES: OnceLock<(String, String)> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            let name = options.output_name.to_string();
            if !options.hash_files {
                // cargo-leptos names the files after the output name; a plain wasm-bindgen
                // build (no LEPTOS_OUTPUT_NAME) appends `_bg` to the WebAssembly.
                let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() { name.clone() } else { format!("{name}_bg") };
                return (name, wasm);
            }
            let hashes = beside_server(options.hash_file.as_ref());
            let hash_of = |kind: &str| {
                hashes.lines().find_map(|line| {
                    let (file, hash) = line.split_once(':')?;
                    (file.trim() == kind).then(|| hash.trim().to_string())
                })
            };
            let with_hash = |kind: &str| match hash_of(kind) {
                Some(hash) => format!("{name}.{hash}"),
                None => name.clone(),
            };
            (with_hash("js"), with_hash("wasm"))
        })
        .clone()
}

/// The browser never renders the document shell.
#[cfg(not(feature = "ssr"))]
fn file_names(options: &LeptosOptions, _bundle: Option<&str>) -> (String, String) {
    (options.output_name.to_string(), options.output_name.to_string())
}

#[cfg(test)]
mod tests {
    use super::{bundle_of, loader, page_groups};
    use crate::layout::page_groups::parse;

    #[test]
    fn every_page_of_the_portal_belongs_to_the_bundle_of_its_group() {
        for path in ["/", "/login", "/login/code", "/select-company"] {
            assert_eq!(bundle_of(path), Some("sign_in"), "{path}");
        }
        for path in ["/register", "/register/confirm", "/password/forgot", "/password/reset", "/email/confirm"] {
            assert_eq!(bundle_of(path), Some("public"), "{path}");
        }
        for path in ["/portal", "/account", "/messages", "/messages/12", "/invitations/7"] {
            assert_eq!(bundle_of(path), Some("account"), "{path}");
        }
        for path in ["/services/orders", "/services/invoices"] {
            assert_eq!(bundle_of(path), Some("services"), "{path}");
        }
        assert_eq!(bundle_of("/admin/rights/new"), Some("rights_entry"));
        assert_eq!(bundle_of("/admin/rights/templates"), Some("rights_entry"));
        for path in ["/admin/rights/7", "/admin/rights/7/services"] {
            assert_eq!(bundle_of(path), Some("right"), "{path}");
        }
    }

    #[test]
    fn the_pages_without_islands_of_their_own_load_the_bundle_of_the_account_pages() {
        for path in ["/admin/rights", "/admin/rights?search=anna&page=2", "/admin/audit", "/admin/audit?page=3"] {
            assert_eq!(bundle_of(path), Some("account"), "{path}");
        }
    }

    #[test]
    fn every_route_of_the_app_belongs_to_a_group() {
        let routes: Vec<&str> = include_str!("../lib.rs").split("<Route path=path!(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        assert!(routes.len() >= 20, "the routes of lib.rs were not found: {routes:?}");
        for route in routes {
            assert!(bundle_of(route).is_some(), "{route} is in no row of app/page-groups.txt");
        }
    }

    #[test]
    fn an_unknown_page_loads_the_bundle_cargo_leptos_builds() {
        assert_eq!(bundle_of("/nowhere"), None);
        assert_eq!(bundle_of("/loginx"), None);
        assert_eq!(bundle_of("/admin"), None);
        assert_eq!(bundle_of("/admin/other"), None);
    }

    #[test]
    fn cargo_leptos_builds_exactly_one_group_and_a_page_belongs_to_at_most_one() {
        let groups = page_groups();
        assert_eq!(groups.iter().filter(|group| group.built_by_cargo_leptos).count(), 1);
        let mut pages: Vec<_> = groups.iter().flat_map(|group| group.pages.iter()).collect();
        let all = pages.len();
        pages.sort();
        pages.dedup();
        assert_eq!(pages.len(), all, "a page is listed in two groups");
    }

    #[test]
    fn every_group_has_its_bundle_feature_in_the_app_and_its_words_are_known() {
        let manifest = include_str!("../../Cargo.toml");
        for group in page_groups() {
            assert!(manifest.contains(&format!("bundle-{} = [\"split\"]", group.name)), "app/Cargo.toml lacks bundle-{}", group.name);
            assert!(!group.pages.is_empty(), "{} has no page", group.name);
        }
        assert!(parse(include_str!("../../page-groups.txt")).is_ok());
        assert!(parse("admin  webpack       yes  admin").is_err(), "an unknown builder");
        assert!(parse("admin  bundles.sh    maybe  admin").is_err(), "neither yes nor no");
        assert!(parse("admin  bundles.sh").is_err(), "a row cut short");
        let read = parse("# a comment\n\nadmin  bundles.sh  yes  admin/rights admin/audit\n").unwrap();
        assert_eq!((read.len(), read[0].name, read[0].built_by_cargo_leptos, read[0].signed_in), (1, "admin", false, true));
        assert_eq!(read[0].pages, ["admin/rights", "admin/audit"]);
    }

    #[test]
    fn the_page_carries_the_loader_without_its_comments() {
        assert!(loader().starts_with("(function (js, wasm) {"));
        assert!(loader().ends_with("})"));
        assert!(!loader().contains("//"));
        assert!(loader().contains("data-hydrated"));
    }
}
