//! The shape of the code: the shared layers of `app/src` import no feature, no two features
//! import each other, and inside every folder of `app/src`, `core/src` and `server/src` no two
//! files import each other, directly or through others. Read from the source, so that a new
//! `use` that breaks the shape fails here with the files named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The layers under the features, each with what it may import besides itself.
const LAYERS: &[(&str, &[&str])] = &[("shared", &["i18n"]), ("access", &["shared", "i18n"]), ("layout", &["shared", "access", "i18n"])];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir).into_iter().map(Result::unwrap).map(|e| e.into_path()).filter(|p| p.extension().is_some_and(|e| e == "rs")).collect()
}

/// Every top-level module of `app/src` each top-level module names with `crate::…`, with the
/// file that does.
fn imports() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative.components().count() < 2 {
            continue; // lib.rs: the routes name every feature
        }
        let module = relative.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let named = graph.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            let target: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !target.is_empty() && target != module {
                named.entry(target).or_insert_with(|| relative.display().to_string());
            }
        }
        // `use crate::{a::…, b::…}`
        for (i, _) in text.match_indices("crate::{") {
            let group = &text[i + "crate::{".len()..];
            let group = &group[..group.find("};").unwrap_or(group.len())];
            for line in group.lines() {
                let target: String = line.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !target.is_empty() && target != module {
                    named.entry(target).or_insert_with(|| relative.display().to_string());
                }
            }
        }
    }
    graph
}

/// A way from `from` back to `to` through what each names, depth first.
fn path_back<'a>(graph: &'a BTreeMap<String, BTreeMap<String, String>>, from: &'a str, to: &str, seen: &mut BTreeSet<&'a str>) -> Option<Vec<&'a str>> {
    for next in graph.get(from).into_iter().flat_map(|named| named.keys()) {
        if next == to {
            return Some(vec![from]);
        }
        if seen.insert(next) {
            if let Some(mut path) = path_back(graph, next, to, seen) {
                path.insert(0, from);
                return Some(path);
            }
        }
    }
    None
}

/// The identifiers right after each `prefix` in `text` that no `::` precedes (so `super::` is
/// not read inside `super::super::`), with the members of a `prefix{a, b::c}` group.
fn named_after(text: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String { s.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut out = Vec::new();
    for (i, _) in text.match_indices(prefix) {
        if text[..i].ends_with("::") || text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(ident));
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|name| !name.is_empty() && name != "super" && name != "self");
    out
}

/// The folder's code without its line comments, which name modules in prose.
fn code_of(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap().lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// For the folder `dir` of a crate whose sources start at `src`: each of its children (its
/// files but `mod.rs`, `lib.rs` and `main.rs`, and its sub-folders) with the siblings it
/// names and the file that names each. A file names a sibling `x` as `super::x`, as
/// `crate::<folder>::x`, or as a bare `x::` after a top-level `use super::*;`.
fn siblings_named(src: &Path, dir: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let parents = ["mod.rs", "lib.rs", "main.rs"];
    let mut children: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            children.insert(name, rust_files(&path));
        } else if let Some(stem) = name.strip_suffix(".rs").filter(|_| !parents.contains(&name.as_str())) {
            children.insert(stem.to_string(), vec![path]);
        }
    }
    let in_crate = dir.strip_prefix(src).unwrap().components().map(|c| format!("{}::", c.as_os_str().to_string_lossy())).collect::<String>();
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (child, files) in &children {
        let named = graph.entry(child.clone()).or_default();
        for file in files {
            let text = code_of(file);
            let mut names = named_after(&text, &format!("crate::{in_crate}"));
            if file.parent() == Some(dir) {
                names.extend(named_after(&text, "super::"));
                if text.lines().any(|line| line == "use super::*;") {
                    names.extend(children.keys().filter(|sibling| text.contains(&format!(" {sibling}::")) || text.contains(&format!("({sibling}::"))).cloned());
                }
            }
            for name in names.into_iter().filter(|name| name != child && children.contains_key(name)) {
                named.entry(name).or_insert_with(|| file.strip_prefix(src.parent().unwrap().parent().unwrap()).unwrap().display().to_string());
            }
        }
    }
    graph
}

/// Every folder of the crates' sources, with where its crate's sources start.
fn folders() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    ["app/src", "core/src", "server/src"]
        .iter()
        .map(|src| root.join(src))
        .flat_map(|src| WalkDir::new(&src).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_dir()).map(move |e| (src.clone(), e.into_path())))
        .collect()
}

#[test]
fn no_two_files_of_a_folder_import_each_other_even_through_others() {
    let folders = folders();
    assert!(folders.len() >= 20, "the folders are found: {}", folders.len());
    let mut circles = Vec::new();
    for (src, dir) in &folders {
        let graph = siblings_named(src, dir);
        for child in graph.keys() {
            if let Some(circle) = path_back(&graph, child, child, &mut BTreeSet::new()) {
                let files: Vec<_> = circle.iter().map(|from| graph[*from].values().next().cloned().unwrap_or_default()).collect();
                let folder = dir.strip_prefix(src.parent().unwrap().parent().unwrap()).unwrap();
                circles.push(format!("{}: {} → {child} ({})", folder.display(), circle.join(" → "), files.join(", ")));
                break;
            }
        }
    }
    assert!(circles.is_empty(), "import circles between the files of a folder: {circles:#?}");
}

#[test]
fn the_reader_of_a_folder_sees_each_way_a_file_names_its_sibling() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rights = siblings_named(&src, &src.join("rights"));
    assert!(rights["service"].contains_key("choices"), "`use super::choices::…`: {rights:#?}");
    assert!(rights["listing"].contains_key("choices"), "`super::choices::company_templates(…)`: {rights:#?}");
    assert!(rights["right_page"].contains_key("list_page"), "`crate::rights::list_page`: {rights:#?}");
    assert!(!rights.contains_key("mod"), "the folder's mod.rs is their parent, not a sibling");
    let top = siblings_named(&src, &src);
    assert!(top["rights"].contains_key("access"), "a sub-folder names what any of its files names");
    assert_eq!(named_after("use super::{a, b::c};\nsuper::super::d();\nx::super::e", "super::"), ["a", "b"]);
}

#[test]
fn the_shared_layers_import_no_feature() {
    let graph = imports();
    for (layer, allowed) in LAYERS {
        let named = graph.get(*layer).unwrap_or_else(|| panic!("app/src/{layer} exists"));
        for (target, file) in named {
            assert!(allowed.contains(&target.as_str()), "{file} imports crate::{target}: {layer} may import only {allowed:?}");
        }
    }
}

#[test]
fn no_two_features_import_each_other_even_through_others() {
    let graph = imports();
    let layers: BTreeSet<&str> = LAYERS.iter().map(|(l, _)| *l).collect();
    let features: BTreeSet<&String> = graph.keys().filter(|m| !layers.contains(m.as_str())).collect();
    assert!(features.len() >= 10, "the features are found: {features:?}");
    for feature in features {
        if let Some(cycle) = path_back(&graph, feature, feature, &mut BTreeSet::new()) {
            panic!("import cycle: {} → {feature}", cycle.join(" → "));
        }
    }
}

/// What only a server function may touch: the request's context and the response.
const REQUEST_ONLY: &[&str] = &[
    "use_context",
    "expect_context",
    "leptos_axum::",
    "context::{",
    "context::store",
    "context::session",
    "context::settings",
    "context::client_address",
    "request_locale()",
    "show_a_plain_post",
    "refused_back_to",
    "is_plain_form_post",
    "say_after_a_plain_post",
    "take_done_note",
    "Deps::of_request",
];

/// The service code of `app/src`: every `service.rs` but the guards' (`access` reads the
/// request by design), the services named by topic, and the `mod service { … }` a feature
/// keeps at the end of a file; each with its file.
fn service_code() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let by_topic = [
        "rights/entry.rs",
        "rights/listing.rs",
        "rights/offboarding.rs",
        "rights/templates.rs",
        "rights/choices.rs",
        "housekeeping/lapse.rs",
        "housekeeping/reminders.rs",
        "messages/mail.rs",
    ];
    let mut code = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap().display().to_string();
        let text = code_of(&file);
        if relative.starts_with("access/") {
            continue;
        }
        if relative.ends_with("/service.rs") || by_topic.contains(&relative.as_str()) {
            code.push((relative, text));
        } else if let Some(at) = text.find("mod service {") {
            code.push((relative, text[at..].to_string()));
        }
    }
    code
}

#[test]
fn no_service_reads_the_request_or_writes_the_response() {
    let code = service_code();
    assert!(code.len() >= 15, "the service code was not found: {:?}", code.iter().map(|(file, _)| file).collect::<Vec<_>>());
    let found: Vec<String> =
        code.iter().flat_map(|(file, text)| REQUEST_ONLY.iter().filter(|word| text.contains(*word)).map(move |word| format!("{file}: {word}"))).collect();
    assert_eq!(found, Vec::<String>::new(), "a service takes what it needs as arguments; its server function reads the request and writes the answer");
}
