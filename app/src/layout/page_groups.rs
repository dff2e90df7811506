//! The rows of app/page-groups.txt. Plain Rust without dependencies: app/build.rs includes
//! this file too, so the build's island cfgs and the server's choice of bundle read the table
//! the same way, and a row the build cannot read fails the build.

/// A group of pages, one row of app/page-groups.txt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageGroup<'a> {
    pub name: &'a str,
    /// The one bundle cargo-leptos builds itself (the others: scripts/bundles.sh).
    pub built_by_cargo_leptos: bool,
    pub signed_in: bool,
    /// The starts of the pages' paths (`admin/rights`, `admin/rights/*`); "/" is the root.
    pub pages: Vec<&'a str>,
}

/// The table's rows, in order; an error names the first row it cannot read.
pub fn parse(table: &str) -> Result<Vec<PageGroup<'_>>, String> {
    table.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).map(parse_row).collect()
}

fn parse_row(row: &str) -> Result<PageGroup<'_>, String> {
    let words: Vec<&str> = row.split_whitespace().collect();
    let unreadable = || format!("page-groups.txt: a row is a group, `bundles.sh` or `cargo-leptos`, `yes` or `no`, then its pages: {row}");
    let [name, built_by, signed_in, pages @ ..] = words.as_slice() else { return Err(unreadable()) };
    let built_by_cargo_leptos = match *built_by {
        "cargo-leptos" => true,
        "bundles.sh" => false,
        _ => return Err(unreadable()),
    };
    let signed_in = match *signed_in {
        "yes" => true,
        "no" => false,
        _ => return Err(unreadable()),
    };
    Ok(PageGroup { name, built_by_cargo_leptos, signed_in, pages: pages.to_vec() })
}
