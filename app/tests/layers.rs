//! The shape of `app/src`: the shared layers import no feature, and no two features import
//! each other, directly or through others. Read from the source, so that a new `use` that
//! breaks the shape fails here with the files named.

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
    // Depth-first search for a way back to where it started.
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
    for feature in features {
        if let Some(cycle) = path_back(&graph, feature, feature, &mut BTreeSet::new()) {
            panic!("import cycle: {} → {feature}", cycle.join(" → "));
        }
    }
}
