//! Budget check: the rights list of a company with 10,000 rights, on SQLite (a temp file)
//! and on Postgres (when `TEST_POSTGRES_URL` answers). Prints the median and worst time of
//! each query shape and exits non-zero when a median exceeds the budget.
//!
//! `cargo run --release -p portal-core --example rights_list_bench`

use std::time::{Duration, Instant};

use portal_core::domain::*;
use portal_core::store::*;
use portal_core::test_support::FreshPostgres;

const RIGHTS: usize = 10_000;
const RUNS: usize = 15;
/// Per query, median: a page of the list must come back well within a human's patience.
const BUDGET: Duration = Duration::from_millis(150);

async fn seed(store: &Store) -> CompanyId {
    let company = store
        .create_company(&NewCompany { customer_number: CustomerNumber::parse("10000001").unwrap(), name: "Musterhans SA".into(), language: Language::Fr })
        .await
        .unwrap();
    let other = store
        .create_company(&NewCompany {
            customer_number: CustomerNumber::parse("20000002").unwrap(),
            name: "Fiduciaire Exemple Sàrl".into(),
            language: Language::Fr,
        })
        .await
        .unwrap();
    for i in 0..RIGHTS {
        let home = if i % 5 == 0 { Some(other.id) } else { Some(company.id) };
        let user = store
            .create_user(&NewUser {
                email: EmailAddress::parse(&format!("user{i:05}@example{}.ch", i % 7)).unwrap(),
                first_name: PersonName::parse(&format!("Prénom{}", i % 97)).unwrap(),
                last_name: PersonName::parse(&format!("Nom{i:05}")).unwrap(),
                password_hash: None,
                language: Language::Fr,
                home_company_id: home,
            })
            .await
            .unwrap();
        let provider = home == Some(other.id);
        store
            .create_right(
                &NewRight {
                    company_id: company.id,
                    user_id: user.id,
                    right_type: if provider { RightType::Provider } else { RightType::Employee },
                    is_admin: i % 50 == 0,
                    origin: if provider { RightOrigin::Invitation } else { RightOrigin::Direct },
                    remark: Remark::default(),
                    end_date: None,
                    created_by_user_id: None,
                },
                &Actor::system(),
            )
            .await
            .unwrap();
    }
    company.id
}

async fn measure(store: &Store, company: CompanyId, label: &str, query: RightQuery) -> bool {
    let mut times = Vec::with_capacity(RUNS);
    let mut total = 0;
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let page = store.list_company_rights(company, &query).await.unwrap();
        times.push(t0.elapsed());
        total = page.total;
    }
    times.sort();
    let median = times[RUNS / 2];
    let worst = times[RUNS - 1];
    let ok = median <= BUDGET;
    println!(
        "  {label:<42} median {:>7.2} ms  worst {:>7.2} ms  matches {total:>6}  {}",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        if ok { "ok" } else { "OVER BUDGET" }
    );
    ok
}

async fn run(store: Store, backend: &str) -> bool {
    store.migrate().await.unwrap();
    let t0 = Instant::now();
    let company = seed(&store).await;
    println!("{backend}: {RIGHTS} rights seeded in {:.1} s (budget {} ms per median)", t0.elapsed().as_secs_f64(), BUDGET.as_millis());
    // A portal's database has its planner statistics (autovacuum gathers them within a minute
    // of a bulk change); measured right after the bulk insert, Postgres plans without them.
    match store.backend() {
        portal_core::store::Backend::Postgres(p) => sqlx::query("ANALYZE").execute(p).await.map(|_| ()).unwrap(),
        portal_core::store::Backend::Sqlite(p) => sqlx::query("ANALYZE").execute(p).await.map(|_| ()).unwrap(),
    }
    let base = RightQuery { limit: 25, ..RightQuery::default() };
    let mut ok = true;
    ok &= measure(&store, company, "first page, by last name", base.clone()).await;
    ok &= measure(&store, company, "page 200, by e-mail descending", RightQuery { sort: RightSort::Email, descending: true, offset: 199 * 25, ..base.clone() })
        .await;
    ok &= measure(&store, company, "search \"nom0042\" (substring)", RightQuery { search: Some("nom0042".into()), ..base.clone() }).await;
    ok &= measure(
        &store,
        company,
        "search \"fiduciaire\" (company), by role",
        RightQuery { search: Some("fiduciaire".into()), sort: RightSort::Role, ..base.clone() },
    )
    .await;
    ok &=
        measure(&store, company, "providers only, by company", RightQuery { right_type: Some(RightType::Provider), sort: RightSort::Company, ..base.clone() })
            .await;
    ok
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let dir = std::env::temp_dir().join(format!("rights-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Store::connect(&format!("sqlite://{}", dir.join("bench.db").display())).await.unwrap();
    let mut ok = run(sqlite, "sqlite").await;
    let _ = std::fs::remove_dir_all(&dir);

    match FreshPostgres::create("rights_bench", "list").await {
        Some(database) => {
            let pg = Store::connect(&database.url).await.unwrap();
            ok &= run(pg.clone(), "postgres").await;
            pg.close().await;
            let _ = database.drop_database().await;
        }
        None => println!("postgres: skipped"),
    }
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
