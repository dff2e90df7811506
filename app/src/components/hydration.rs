//! Starts the WebAssembly after the page's first paint.
//!
//! Leptos' `HydrationScripts` preloads the WebAssembly from the `<head>`, so on a fast
//! connection it is fully downloaded before the first paint; on a slow phone the same download
//! competes with the page's own HTML and CSS, and Lighthouse (which projects the observed load
//! onto a slow network) then counts the whole download in the largest paint: 5.1 s instead of
//! 1.0 s. The page is readable and its forms post without JavaScript, so the download waits
//! until the first frame is painted.

use leptos::prelude::*;

/// The script that loads `pkg/<name>.<hash>.js` and hydrates once the page has painted.
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = file_names(&options);
    let pkg = options.site_pkg_dir.to_string();
    // `start` runs once, whichever comes first: the frame after the `load` event (the normal
    // case), half a second after `load` (no frame is painted in a background tab, or when the
    // renderer skips frames) or five seconds after the script ran (a `load` held up by a slow
    // stylesheet). A failure is reported in the console instead of leaving a page that
    // silently never reacts.
    let script = format!(
        "(function(js,wasm){{\
            var started=false;\
            function start(){{if(started)return;started=true;\
                import(js).then(function(m){{return m.default({{module_or_path:wasm}}).then(function(){{m.hydrate();}});}})\
                .catch(function(e){{console.error('the page could not start',e);}});}}\
            function afterPaint(){{requestAnimationFrame(function(){{setTimeout(start,0);}});setTimeout(start,500);}}\
            if(document.readyState==='complete'){{afterPaint();}}else{{addEventListener('load',afterPaint,{{once:true}});}}\
            setTimeout(start,5000);\
        }})({:?},{:?});",
        format!("/{pkg}/{js}.js"),
        format!("/{pkg}/{wasm}.wasm"),
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The JS and WebAssembly file names without extension, as cargo-leptos wrote them: with
/// the content hashes of `hash.txt` beside the server binary when hashing is on.
#[cfg(feature = "ssr")]
fn file_names(options: &LeptosOptions) -> (String, String) {
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
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
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
fn file_names(options: &LeptosOptions) -> (String, String) {
    (options.output_name.to_string(), options.output_name.to_string())
}
