//! The rights list of one company at scale, on SQLite (a temp file) and on Postgres (when
//! `TEST_POSTGRES_URL` answers): the median (p50) and p99 of each query shape, and the plan of
//! the slowest shape per database and size in `rights-list-plans/` of the target directory.
//!
//! Without arguments it is the budget check CI runs: 10,000 rights, and a non-zero exit when
//! a median exceeds 150 ms. With sizes it measures each of them, the budget still printed;
//! `spread=N` measures N rights over N / 100 companies of realistic sizes (the data of
//! `portal_core::generate`): pages and searches over 200 of them, p99 within 50 ms, and
//! 2,000 access decisions, p99 within 10 ms:
//!
//! `cargo run --release -p portal-core --example rights_list_bench -- 10000 100000 1000000 spread=1000000`

use std::time::{Duration, Instant};

use portal_core::domain::*;
use portal_core::store::*;
use portal_core::test_support::FreshPostgres;

const RUNS: usize = 21;
/// Per query, median: a page of the list must come back well within a human's patience.
const BUDGET: Duration = Duration::from_millis(150);
/// Over many companies of one database, p99: a page, and an access decision.
const PAGE_P99: Duration = Duration::from_millis(50);
const DECISION_P99: Duration = Duration::from_millis(10);
struct Measured {
    label: String,
    query: RightQuery,
    median: Duration,
}

async fn measure(store: &Store, company: CompanyId, label: &str, query: RightQuery) -> Measured {
    let mut times = Vec::with_capacity(RUNS);
    let mut total = 0;
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let page = store.list_company_rights(company, &query).await.unwrap();
        times.push(t0.elapsed());
        total = page.total;
    }
    let (median, p99) = percentiles(&mut times);
    println!(
        "  {label:<44} p50 {:>8.2} ms  p99 {:>8.2} ms  matches {total:>8}  {}",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        if median <= BUDGET { "ok" } else { "OVER BUDGET" }
    );
    Measured { label: label.to_string(), query, median }
}

async fn run(store: Store, backend: &str, rights: i64) -> bool {
    store.migrate().await.unwrap();
    let t0 = Instant::now();
    let seeded = portal_core::generate::one_company(&store, rights).await.unwrap();
    analyze(&store).await;
    let company = seeded.company;
    println!("{backend}: {rights} rights seeded in {:.1} s (budget {} ms per median)", t0.elapsed().as_secs_f64(), BUDGET.as_millis());
    let base = RightQuery { limit: 25, ..RightQuery::default() };
    let mut shapes = vec![
        ("first page, by last name".to_string(), base.clone()),
        ("page 200, by e-mail descending".to_string(), RightQuery { sort: RightSort::Email, descending: true, offset: 199 * 25, ..base.clone() }),
        (format!("search \"{}\" (substring)", seeded.rare_search), RightQuery { search: Some(seeded.rare_search.clone()), ..base.clone() }),
        ("search \"fiduciaire\" (company), by role".to_string(), RightQuery { search: Some("fiduciaire".into()), sort: RightSort::Role, ..base.clone() }),
        ("search \"om\" (two letters)".to_string(), RightQuery { search: Some("om".into()), ..base.clone() }),
        ("providers only, by company".to_string(), RightQuery { right_type: Some(RightType::Provider), sort: RightSort::Company, ..base.clone() }),
    ];
    for (name, sort) in [("first name", RightSort::FirstName), ("company", RightSort::Company), ("role", RightSort::Role), ("status", RightSort::Status)] {
        shapes.push((format!("first page, by {name} descending"), RightQuery { sort, descending: true, ..base.clone() }));
    }
    let mut measured = Vec::new();
    for (label, query) in shapes {
        measured.push(measure(&store, company, &label, query).await);
    }
    // The rights list page also lists the provider companies to offboard.
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t0 = Instant::now();
        store.provider_companies_of(company).await.unwrap();
        times.push(t0.elapsed());
    }
    let (p50, p99) = percentiles(&mut times);
    println!("  {:<44} p50 {}  p99 {}  {}", "provider companies to offboard (same page)", ms(p50), ms(p99), if p50 <= BUDGET { "ok" } else { "OVER BUDGET" });
    print_index_sizes(&store).await;
    let slowest = measured.iter().max_by_key(|m| m.median).unwrap();
    let plan = store.explain_company_rights(company, &slowest.query).await.unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR").map(std::path::PathBuf::from);
    let dir = target.unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")).join("rights-list-plans");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{backend}-{rights}.txt"));
    std::fs::write(&file, format!("{} ({:.2} ms median)\n\n{plan}\n", slowest.label, slowest.median.as_secs_f64() * 1e3)).unwrap();
    println!("  plan of the slowest ({}): {}", slowest.label, file.display());
    measured.iter().all(|m| m.median <= BUDGET)
}

/// What the list's indexes cost on disk: each index of user_rights on Postgres; on SQLite
/// the trigram index (FTS5's blocks) and the whole database file.
async fn print_index_sizes(store: &Store) {
    let sizes: Vec<(String, i64)> = match store.backend() {
        Backend::Postgres(p) => sqlx::query_as(
            "SELECT c.relname::text, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid = 'user_rights'::regclass ORDER BY pg_relation_size(c.oid) DESC",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Backend::Sqlite(p) => {
            let fts: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(length(block)), 0) FROM right_search_data").fetch_one(p).await.unwrap();
            let file: i64 = sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").fetch_one(p).await.unwrap();
            vec![("right_search (FTS5 trigram blocks)".into(), fts), ("the whole database file".into(), file)]
        }
    };
    let shown: Vec<String> = sizes.iter().map(|(name, bytes)| format!("{name} {:.1} MB", *bytes as f64 / 1e6)).collect();
    println!("  sizes: {}", shown.join(", "));
}

/// Nearest-rank percentiles of `times` (sorted here): (p50, p99).
fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let rank = |p: usize| times[((times.len() * p).div_ceil(100)).max(1) - 1];
    (rank(50), rank(99))
}

fn ms(d: Duration) -> String {
    format!("{:>8.2} ms", d.as_secs_f64() * 1e3)
}

/// The national operator's shape: `rights` rights over `rights / 100` companies of Zipf's
/// sizes ([`portal_core::generate`]). A page of 200 companies from the largest to the
/// smallest, the same companies searched, and 2,000 access decisions, each with its p50 and p99.
async fn run_spread(store: Store, backend: &str, rights: i64) -> bool {
    store.migrate().await.unwrap();
    let t0 = Instant::now();
    let made = portal_core::generate::generate(&store, rights, 42).await.unwrap();
    analyze(&store).await;
    println!(
        "{backend}: {} rights of {} logins over {} companies (largest {}, median {}), {} debtors, {} grants, generated in {:.1} s",
        made.rights,
        made.users,
        made.companies.len(),
        made.companies[0].rights,
        made.companies[made.companies.len() / 2].rights,
        made.debtors,
        made.grants,
        t0.elapsed().as_secs_f64()
    );
    let step = (made.companies.len() / 200).max(1);
    let sampled: Vec<_> = made.companies.iter().step_by(step).collect();
    let base = RightQuery { limit: 25, ..RightQuery::default() };
    let mut ok = true;
    for (label, query) in [("first page, by last name", base.clone()), ("search \"müller\"", RightQuery { search: Some("müller".into()), ..base.clone() })] {
        let mut times = Vec::new();
        for company in &sampled {
            let t = Instant::now();
            store.list_company_rights(company.id, &query).await.unwrap();
            times.push(t.elapsed());
        }
        let (p50, p99) = percentiles(&mut times);
        let fits = p99 <= PAGE_P99;
        ok &= fits;
        println!("  {label:<44} p50 {}  p99 {}  over {} companies  {}", ms(p50), ms(p99), sampled.len(), if fits { "ok" } else { "OVER BUDGET" });
    }
    let sql = format!(
        "SELECT r.user_id, r.company_id, d.id FROM user_rights r JOIN debtors d ON d.company_id = r.company_id \
         WHERE r.id % {} = 0 AND d.debtor_number = '100001' ORDER BY r.id",
        (rights / 2000).max(1)
    );
    let asked: Vec<(i64, i64, i64)> = match store.backend() {
        Backend::Postgres(p) => sqlx::query_as(&sql).fetch_all(p).await.unwrap(),
        Backend::Sqlite(p) => sqlx::query_as(&sql).fetch_all(p).await.unwrap(),
    };
    let mut times = Vec::new();
    let mut allowed = 0;
    for &(user, company, debtor) in &asked {
        let t = Instant::now();
        allowed += store.may_act(user, company, "orders", Some(debtor)).await.unwrap() as usize;
        times.push(t.elapsed());
    }
    let (p50, p99) = percentiles(&mut times);
    let fits = p99 <= DECISION_P99;
    println!(
        "  {:<44} p50 {}  p99 {}  {} asked, {allowed} allowed  {}",
        "access decision (may act, one debtor)",
        ms(p50),
        ms(p99),
        asked.len(),
        if fits { "ok" } else { "OVER BUDGET" }
    );
    ok && fits
}

/// A portal's database has its planner statistics (autovacuum gathers them within a minute
/// of a bulk change); measured right after the bulk insert, Postgres plans without them.
async fn analyze(store: &Store) {
    match store.backend() {
        Backend::Postgres(p) => sqlx::query("VACUUM ANALYZE").execute(p).await.map(|_| ()),
        Backend::Sqlite(p) => sqlx::query("ANALYZE").execute(p).await.map(|_| ()),
    }
    .unwrap();
}

/// What to measure: `N` rights in one company, or `spread=N` rights over `N / 100` companies.
enum Shape {
    OneCompany(i64),
    Spread(i64),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let shapes: Vec<Shape> = std::env::args()
        .skip(1)
        .map(|a| match a.strip_prefix("spread=") {
            Some(n) => Shape::Spread(n.parse().expect("spread=<number of rights>")),
            None => Shape::OneCompany(a.parse().expect("a number of rights, or spread=<number>")),
        })
        .collect();
    let shapes = if shapes.is_empty() { vec![Shape::OneCompany(10_000)] } else { shapes };
    let mut ok = true;
    for shape in shapes {
        let dir = std::env::temp_dir().join(format!("rights-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sqlite = Store::connect(&format!("sqlite://{}", dir.join("bench.db").display())).await.unwrap();
        ok &= match shape {
            Shape::OneCompany(rights) => run(sqlite.clone(), "sqlite", rights).await,
            Shape::Spread(rights) => run_spread(sqlite.clone(), "sqlite", rights).await,
        };
        sqlite.close().await;
        let _ = std::fs::remove_dir_all(&dir);

        match FreshPostgres::create("rights_bench", "list").await {
            Some(database) => {
                let pg = Store::connect(&database.url).await.unwrap();
                ok &= match shape {
                    Shape::OneCompany(rights) => run(pg.clone(), "postgres", rights).await,
                    Shape::Spread(rights) => run_spread(pg.clone(), "postgres", rights).await,
                };
                pg.close().await;
                let _ = database.drop_database().await;
            }
            None => println!("postgres: skipped"),
        }
    }
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
