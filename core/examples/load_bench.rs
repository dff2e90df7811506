//! The load command (`bash scripts/load.sh`): the release server on SQLite, then on Postgres,
//! each on a fresh database with the demo data, under 64 concurrent clients on loopback. For
//! each it prints requests per second and p50/p99 latency of:
//!
//! - the site's CSS file, the reference for a page (what the same server does with no work);
//! - two signed-in pages: the rights list (Anna, administrator) and the portal page of a
//!   provider acting for a company (Paul for Transports Rapides SA);
//! - `place_order` (Paul orders for Transports Rapides SA, every call a new order);
//! - single-row durable commits on the same database with the server's own connection
//!   settings, by one client (the disk's durable commit rate: the reference for a write) and
//!   by 64;
//!
//! then the ratios side by side: a signed-in page to the CSS file, an order to one client's
//! commits.
//! It prints numbers and judges none: they depend on the machine.
//!
//! `cargo run --release -p portal-core --example load_bench -- [sqlite] [postgres]`
//! (both when none is named). The server is `target/release/server` (`scripts/release.sh`),
//! or the binary `LOAD_SERVER` names (to compare two builds on this checkout's site);
//! Postgres is `TEST_POSTGRES_URL`'s server.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use portal_core::store::*;
use portal_core::test_support::FreshPostgres;

const CLIENTS: usize = 64;
const SECONDS: u64 = 6;
const ADMIN: &str = "admin@musterhans.example";
const PROVIDER: &str = "paul@fiduciaire.example";
const PASSWORD: &str = "Demo-2026!portal";
/// The company Paul works for in the demo data, with the orders service.
const PROVIDER_PRINCIPAL: &str = "Transports Rapides SA";

#[derive(Default)]
struct Figures {
    requests: usize,
    failures: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return 0.0;
        }
        let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[index].as_secs_f64() * 1e3
    }
}

/// One backend's figures, in the order they are printed.
struct Run {
    backend: &'static str,
    css: Figures,
    rights_list: Figures,
    portal: Figures,
    order: Figures,
    commits: Figures,
    commits_64: Figures,
}

/// `CLIENTS` clients repeat `request` for `SECONDS` seconds; `ok` judges an answer.
async fn for_a_while<F>(client: &reqwest::Client, request: F) -> Figures
where
    F: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let request = Arc::new(request);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let client = client.clone();
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while Instant::now() < deadline {
                let t = Instant::now();
                match request(&client).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    Ok(r) => {
                        if failures == 0 {
                            eprintln!("load: {} {}", r.status(), r.text().await.unwrap_or_default().chars().take(200).collect::<String>());
                        }
                        failures += 1;
                    }
                    Err(e) => {
                        if failures == 0 {
                            eprintln!("load: {e}");
                        }
                        failures += 1;
                    }
                }
            }
            (latencies, failures)
        }));
    }
    collect(tasks, start).await
}

async fn collect(tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, usize)>>, start: Instant) -> Figures {
    let (mut latencies, mut failures) = (Vec::new(), 0);
    for task in tasks {
        let (l, f) = task.await.unwrap();
        latencies.extend(l);
        failures += f;
    }
    Figures { requests: latencies.len() + failures, failures, elapsed: start.elapsed(), latencies }
}

/// Single-row commits on the server's database, `clients` at a time, each its own transaction:
/// what the disk and the database give a write, whatever the portal does around it. One
/// client measures the disk's durable commit rate (a commit waits for its flush); many let
/// Postgres flush several commits at once, which SQLite's one writer cannot.
async fn durable_commits(url: &str, clients: usize) -> Figures {
    let store = Store::connect(url).await.expect("the server's database");
    let create = "CREATE TABLE load_bench_commits (id BIGINT PRIMARY KEY, at BIGINT NOT NULL)";
    run(&store, create).await;
    let next = Arc::new(std::sync::atomic::AtomicI64::new(1));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (store, next) = (store.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0);
            while Instant::now() < deadline {
                let t = Instant::now();
                let id = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let sql = "INSERT INTO load_bench_commits (id, at) VALUES ($1, $2)";
                let done = match store.backend() {
                    Backend::Sqlite(p) => sqlx::query(sql).bind(id).bind(id).execute(p).await.map(|_| ()),
                    Backend::Postgres(p) => sqlx::query(sql).bind(id).bind(id).execute(p).await.map(|_| ()),
                };
                match done {
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(_) => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let figures = collect(tasks, start).await;
    run(&store, "DROP TABLE load_bench_commits").await;
    figures
}

async fn run(store: &Store, sql: &str) {
    match store.backend() {
        Backend::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Backend::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn session_cookie(answer: &reqwest::Response) -> Option<String> {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("portal_session=").map(|v| v.split(';').next().unwrap_or("").to_string()))
        .filter(|v| !v.is_empty())
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    let answer = client.post(format!("{base}/api/sign_in")).header("origin", base).form(&[("email", email), ("password", PASSWORD)]).send().await.unwrap();
    assert!(answer.status().is_success(), "sign-in of {email}: {}", answer.status());
    format!("portal_session={}", session_cookie(&answer).expect("a session cookie"))
}

async fn json(client: &reqwest::Client, base: &str, cookie: &str, function: &str, form: &[(&str, String)]) -> (serde_json::Value, Option<String>) {
    let answer = client.post(format!("{base}/api/{function}")).header("origin", base).header("cookie", cookie).form(form).send().await.unwrap();
    assert!(answer.status().is_success(), "{function}: {}", answer.status());
    let renewed = session_cookie(&answer).map(|c| format!("portal_session={c}"));
    (serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap(), renewed)
}

/// The release server on `database_url`, with the demo data, until dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(root: &std::path::Path, database_url: &str, log: &std::path::Path) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let binary = std::env::var_os("LOAD_SERVER").map(std::path::PathBuf::from).unwrap_or_else(|| root.join("target/release/server"));
    assert!(binary.exists(), "{} is missing: run `bash scripts/release.sh server` first", binary.display());
    let child = Command::new(binary)
        .args(["--demo", "--database-url", database_url, "--listen", &format!("127.0.0.1:{port}"), "--log-format", "text"])
        .current_dir(root)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("the server starts");
    let server = Server { child, base };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(format!("{}/healthz", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start: see {}", log.display());
}

async fn measure(backend: &'static str, root: &std::path::Path, database_url: &str, log: &std::path::Path) -> Run {
    let server = start_server(root, database_url, log).await;
    let base = server.base.clone();
    let client = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let login = client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let css = login.split('"').find(|s| s.starts_with("/pkg/") && s.ends_with(".css")).expect("the sign-in page links its CSS file").to_string();

    let admin = sign_in(&client, &base, ADMIN).await;
    // Paul chooses the company, as at the selector; the choice renews the session's id.
    let paul = sign_in(&client, &base, PROVIDER).await;
    let (choices, _) = json(&client, &base, &paul, "list_company_choices", &[]).await;
    let company = choices["third_party"].as_array().unwrap().iter().find(|c| c["name"] == PROVIDER_PRINCIPAL).expect("Paul works for the company");
    let company_id = company["company_id"].as_i64().unwrap();
    let (_, renewed) = json(&client, &base, &paul, "select_company", &[("company_id", company_id.to_string())]).await;
    let paul = renewed.unwrap_or(paul);

    let store = Store::connect(database_url).await.expect("the server's database");
    let product = store.products(company_id, true).await.unwrap().into_iter().next().expect("a contract product").id;
    let debtor = store.debtors(company_id).await.unwrap().into_iter().next().expect("a debtor").id;
    store.close().await;

    let url = format!("{base}{css}");
    let css = for_a_while(&client, move |c| c.get(&url)).await;
    let (url, cookie) = (format!("{base}/admin/rights"), admin.clone());
    let rights_list = for_a_while(&client, move |c| c.get(&url).header("cookie", &cookie)).await;
    let (url, cookie) = (format!("{base}/portal"), paul.clone());
    let portal = for_a_while(&client, move |c| c.get(&url).header("cookie", &cookie)).await;
    let (url, cookie, origin) = (format!("{base}/api/place_order"), paul.clone(), base.clone());
    let form = [("debtor_id".to_string(), debtor.to_string()), ("reference".into(), "Charge".into()), (format!("quantities[{product}]"), "2".into())];
    let order = for_a_while(&client, move |c| c.post(&url).header("origin", &origin).header("cookie", &cookie).form(&form)).await;
    drop(server);
    let commits = durable_commits(database_url, 1).await;
    let commits_64 = durable_commits(database_url, CLIENTS).await;
    Run { backend, css, rights_list, portal, order, commits, commits_64 }
}

fn print(runs: &[Run]) {
    println!("load: {CLIENTS} concurrent clients on loopback, {SECONDS} s per line, release server with the demo data");
    let mut header = format!("  {:<40}", "");
    for run in runs {
        header += &format!(" | {:^42}", run.backend);
    }
    println!("{header}");
    let mut header = format!("  {:<40}", "");
    for _ in runs {
        header += &format!(" | {:>8} {:>8} {:>8} {:>6} {:>8}", "req/s", "p50 ms", "p99 ms", "failed", "ratio");
    }
    println!("{header}");
    type Pick = fn(&Run) -> (&Figures, Option<&Figures>);
    let lines: [(&str, Pick); 6] = [
        ("static CSS file", |r| (&r.css, None)),
        ("rights list GET /admin/rights", |r| (&r.rights_list, Some(&r.css))),
        ("provider's portal GET /portal", |r| (&r.portal, Some(&r.css))),
        ("place_order POST (a new order each)", |r| (&r.order, Some(&r.commits))),
        ("durable single-row commits, 1 client", |r| (&r.commits, None)),
        ("durable single-row commits, 64 clients", |r| (&r.commits_64, None)),
    ];
    for (label, pick) in lines {
        let mut line = format!("  {label:<40}");
        for run in runs {
            let (f, reference) = pick(run);
            let ratio = reference.map(|r| format!("{:.2}x", f.rps() / r.rps())).unwrap_or_default();
            line += &format!(" | {:>8.0} {:>8.2} {:>8.2} {:>6} {:>8}", f.rps(), f.percentile(0.5), f.percentile(0.99), f.failures, ratio);
        }
        println!("{line}");
    }
    println!("  ratio: a signed-in page to the CSS file (aim >= 0.5x), an order to the durable commits of one client (aim >= 0.5x)");
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let named: Vec<String> = std::env::args().skip(1).collect();
    let wanted = |b: &str| named.is_empty() || named.iter().any(|n| n == b);
    let work = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    if wanted("sqlite") {
        let url = format!("sqlite://{}/load.db", work.path().display());
        runs.push(measure("SQLite", &root, &url, &work.path().join("sqlite.log")).await);
    }
    if wanted("postgres") {
        let Some(database) = FreshPostgres::create("load", "bench").await else {
            eprintln!("load: no Postgres at TEST_POSTGRES_URL");
            return std::process::ExitCode::FAILURE;
        };
        let run = measure("Postgres", &root, &database.url, &work.path().join("postgres.log")).await;
        database.drop_database().await.unwrap();
        runs.push(run);
    }
    print(&runs);
    let failed: usize =
        runs.iter().map(|r| r.css.failures + r.rights_list.failures + r.portal.failures + r.order.failures + r.commits.failures + r.commits_64.failures).sum();
    if failed > 0 {
        eprintln!("load: {failed} requests failed");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
