//! Load figures of a running portal (`scripts/budget.sh` starts it): requests per second and
//! latency percentiles of the rights-list page and of the accept server function under 64
//! concurrent clients on loopback, next to the same server's throughput for a static file of
//! the same size as the rights-list page. It prints numbers; it asserts nothing about them.
//!
//! `LOAD_BASE=http://127.0.0.1:3471 DATABASE_URL=sqlite://… LOAD_STATIC_DIR=target/site/pkg \
//!  cargo run --release -p portal-core --example load_bench`
//!
//! The database is the running server's (SQLite in WAL mode or Postgres): the bench adds
//! 64 provider logins and the invitations they accept, directly through the store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use portal_core::domain::*;
use portal_core::store::*;

const CLIENTS: usize = 64;
/// Invitations per client: every accept call answers a different invitation.
const ACCEPTS_PER_CLIENT: usize = 40;
const SECONDS: u64 = 6;
const ADMIN: &str = "admin@musterhans.example";
const PASSWORD: &str = "Demo-2026!portal";

struct Figures {
    requests: usize,
    failures: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[index]
    }

    fn line(&self, what: &str) -> String {
        format!(
            "  {what:<44} {:>7} req {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   failed {}",
            self.requests,
            self.rps(),
            self.percentile(0.50).as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
            self.failures
        )
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set (see the comment at the top)"))
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    let answer = client
        .post(format!("{base}/api/sign_in"))
        .header("origin", base)
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .expect("the server answers");
    assert!(answer.status().is_success(), "sign-in of {email}: {}", answer.status());
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("portal_session=").map(|v| v.split(';').next().unwrap_or("").to_string()))
        .expect("a session cookie")
}

/// `CLIENTS` clients repeat `request` for `SECONDS` seconds.
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
                    _ => failures += 1,
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

/// 64 provider logins, each invited by `ACCEPTS_PER_CLIENT` companies.
async fn seed_invitations(store: &Store) -> Vec<(String, Vec<UserRight>)> {
    let password = Password::parse(PASSWORD).unwrap();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await.unwrap().unwrap();
    let home = store
        .create_company(&NewCompany {
            customer_number: CustomerNumber::parse("70000000").unwrap(),
            name: "Charge Prestataires SA".into(),
            language: Language::Fr,
        })
        .await
        .unwrap();
    let mut principals = Vec::new();
    for c in 0..ACCEPTS_PER_CLIENT {
        let number = CustomerNumber::parse(&format!("7100{c:04}")).unwrap();
        principals.push(store.create_company(&NewCompany { customer_number: number, name: format!("Mandant {c} SA"), language: Language::Fr }).await.unwrap());
    }
    let mut providers = Vec::new();
    for p in 0..CLIENTS {
        let email = format!("charge{p:02}@prestataires.example");
        let user = store
            .create_user(&NewUser {
                email: EmailAddress::parse(&email).unwrap(),
                first_name: PersonName::parse("Charge").unwrap(),
                last_name: PersonName::parse(&format!("Client{p:02}")).unwrap(),
                password_hash: Some(hash.clone()),
                language: Language::Fr,
                home_company_id: Some(home.id),
            })
            .await
            .unwrap();
        let mut rights = Vec::new();
        for principal in &principals {
            let new = NewRight {
                company_id: principal.id,
                user_id: user.id,
                right_type: RightType::Provider,
                is_admin: false,
                origin: RightOrigin::Invitation,
                remark: Remark::default(),
                end_date: None,
                created_by_user_id: None,
            };
            rights.push(store.create_right(&new, &Actor::system()).await.unwrap());
        }
        providers.push((email, rights));
    }
    providers
}

#[tokio::main]
async fn main() {
    let base = env("LOAD_BASE");
    let static_dir = std::path::PathBuf::from(env("LOAD_STATIC_DIR"));
    let store = Store::connect(&env("DATABASE_URL")).await.expect("the server's database");
    let client = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).build().unwrap();

    let admin = sign_in(&client, &base, ADMIN).await;
    let page = client.get(format!("{base}/admin/rights")).header("cookie", format!("portal_session={admin}")).send().await.unwrap();
    assert!(page.status().is_success(), "the rights list answers {}", page.status());
    let size = page.bytes().await.unwrap().len();
    let static_name = format!("load-static-{size}.html");
    std::fs::write(static_dir.join(&static_name), "x".repeat(size)).expect("the static file is written");

    println!("load: {CLIENTS} concurrent clients on loopback, {} backend, {SECONDS} s per measure", store.backend_name());
    let cookie = format!("portal_session={admin}");
    let url = format!("{base}/admin/rights");
    let rights_list = for_a_while(&client, move |c| c.get(&url).header("cookie", &cookie)).await;
    let url = format!("{base}/pkg/{static_name}");
    let static_file = for_a_while(&client, move |c| c.get(&url)).await;

    let providers = seed_invitations(&store).await;
    let mut sessions = Vec::new();
    for (email, rights) in providers {
        sessions.push((sign_in(&client, &base, &email).await, rights));
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (session, rights) in sessions {
        let client = client.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0);
            for right in rights {
                let t = Instant::now();
                let answer = client
                    .post(format!("{base}/api/answer_right"))
                    .header("origin", &base)
                    .header("cookie", format!("portal_session={session}"))
                    .form(&[("right_id", right.id.to_string()), ("version", right.version.to_string()), ("answer", "accept".into())])
                    .send()
                    .await;
                match answer {
                    Ok(r) if r.status().is_success() => latencies.push(t.elapsed()),
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let accept = collect(tasks, start).await;
    let _ = std::fs::remove_file(static_dir.join(&static_name));

    println!("{}", rights_list.line("rights-list page GET /admin/rights"));
    println!("{}", static_file.line(&format!("static file of the same size ({size} B)")));
    println!("{}", accept.line("accept POST /api/answer_right (each a new right)"));
    println!("  ratio to the static file: rights-list page {:.3}, accept {:.3}", rights_list.rps() / static_file.rps(), accept.rps() / static_file.rps());
    let failed = rights_list.failures + static_file.failures + accept.failures;
    if failed > 0 {
        eprintln!("load: {failed} requests failed");
        std::process::exit(1);
    }
}
