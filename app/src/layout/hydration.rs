//! Starts the WebAssembly after the page's first paint.
//!
//! Leptos' `HydrationScripts` preloads the WebAssembly from the `<head>`, so on a fast
//! connection it is fully downloaded before the first paint; on a slow phone the same download
//! competes with the page's own HTML and CSS, and Lighthouse (which projects the observed load
//! onto a slow network) then counts the whole download in the largest paint: 5.1 s instead of
//! 1.0 s. The page is readable and its forms post without JavaScript, so the download waits
//! until the first frame is painted.

use leptos::prelude::*;

/// The script that loads `pkg/<name>.<hash>.js` and hydrates once the page has painted: the
/// bundle of the page's group when scripts/bundles.sh built one, else cargo-leptos' own bundle
/// (in a release build the account pages' one, scripts/release.sh; under `cargo leptos
/// watch`, every island).
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = file_names(&options, page_bundle());
    let pkg = options.site_pkg_dir.to_string();
    // `start` runs once, whichever comes first: once the browser has reported the page's
    // largest paint after the `load` event (the normal case; the frame after `load` where that
    // report does not exist), half a second after `load` (no frame is painted in a background
    // tab, or when the renderer skips frames) or five seconds after the script ran (a `load`
    // held up by a slow stylesheet). Waiting for the report rather than for the next frame
    // matters: the frame's paint is timed when the screen shows it, which on a busy machine
    // comes after a download started in that frame, and Lighthouse then counts the whole
    // WebAssembly in the largest paint (2.4 s instead of 1.0 s on /admin/rights). It then hydrates every `<leptos-island>` in document order, as Leptos'
    // own island script does: an island inside another island's `<leptos-children>` first
    // takes that island's reactive owner (its i18n context, for one). `data-hydrated` on
    // `<html>` marks the moment the page reacts, which end-to-end tests wait for. A failure is
    // reported in the console instead of leaving a page that silently never reacts.
    let script = format!(
        "(function(js,wasm){{\
            var started=false;\
            function islands(m){{\
                var owners=[];\
                function walk(node){{for(var c=node.firstElementChild;c;c=c.nextElementSibling){{visit(c);}}}}\
                function visit(el){{\
                    if(el.tagName==='LEPTOS-ISLAND'){{\
                        var island=m[el.dataset.component];\
                        if(island){{var owner=owners[owners.length-1];if(owner){{owner();}}island(el);}}\
                        else{{console.error('no code for the island',el.dataset.component);}}\
                        walk(el);\
                    }}else if(el.tagName==='LEPTOS-CHILDREN'){{owners.push(el.$$on_hydrate);walk(el);owners.pop();}}\
                    else{{walk(el);}}\
                }}\
                walk(document.body);\
                document.documentElement.setAttribute('data-hydrated','true');\
            }}\
            function start(){{if(started)return;started=true;\
                import(js).then(function(m){{return m.default({{module_or_path:wasm}}).then(function(){{m.hydrate();islands(m);}});}})\
                .catch(function(e){{console.error('the page could not start',e);}});}}\
            function afterPaint(){{\
                var types=window.PerformanceObserver&&PerformanceObserver.supportedEntryTypes||[];\
                if(types.indexOf('largest-contentful-paint')>=0){{\
                    new PerformanceObserver(function(list,observer){{observer.disconnect();setTimeout(start,0);}})\
                    .observe({{type:'largest-contentful-paint',buffered:true}});\
                }}else{{requestAnimationFrame(function(){{setTimeout(start,0);}});}}\
                setTimeout(start,500);\
            }}\
            if(document.readyState==='complete'){{afterPaint();}}else{{addEventListener('load',afterPaint,{{once:true}});}}\
            setTimeout(start,5000);\
        }})({:?},{:?});",
        format!("/{pkg}/{js}.js"),
        format!("/{pkg}/{wasm}.wasm"),
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The group of pages a path belongs to, named as its bundle in scripts/bundles.sh; `None`
/// for a path outside the groups (an unknown page), which loads cargo-leptos' own bundle.
pub fn bundle_of(path: &str) -> Option<&'static str> {
    match path.trim_start_matches('/').split('/').next().unwrap_or_default() {
        "" | "login" | "register" | "password" | "email" | "select-company" => Some("public"),
        "portal" | "account" | "messages" | "invitations" => Some("account"),
        "services" => Some("services"),
        "admin" => Some("admin"),
        _ => None,
    }
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
    use std::sync::OnceLock;
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
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(file)))
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn full_bundle(options: &LeptosOptions) -> (String, String) {
    use std::sync::OnceLock;
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
    use super::bundle_of;

    #[test]
    fn every_page_of_the_portal_belongs_to_the_bundle_of_its_group() {
        for path in ["/", "/login", "/login/code", "/register", "/register/confirm", "/password/forgot", "/password/reset", "/email/confirm", "/select-company"] {
            assert_eq!(bundle_of(path), Some("public"), "{path}");
        }
        for path in ["/portal", "/account", "/messages", "/messages/12", "/invitations/7"] {
            assert_eq!(bundle_of(path), Some("account"), "{path}");
        }
        for path in ["/services/orders", "/services/invoices"] {
            assert_eq!(bundle_of(path), Some("services"), "{path}");
        }
        for path in ["/admin/rights", "/admin/rights/new", "/admin/rights/7", "/admin/rights/7/services", "/admin/audit"] {
            assert_eq!(bundle_of(path), Some("admin"), "{path}");
        }
    }

    #[test]
    fn an_unknown_page_loads_the_full_bundle() {
        assert_eq!(bundle_of("/nowhere"), None);
        assert_eq!(bundle_of("/loginx"), None);
    }
}
