//! A server on port 0 over a fresh database (SQLite in a temp dir, or a Postgres database
//! created for the test and dropped afterwards), called over real HTTP.
//!
//! `REQUIRE_POSTGRES=1` turns "no Postgres, skipped" into a failure.

#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use leptos::prelude::LeptosOptions;
use portal_core::store::{demo, Store};
use portal_core::test_support::FreshPostgres;
use server::auth::Security;
use server::http::{router_with, AppState};

pub mod people;

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub const PASSWORD: &str = demo::DEMO_PASSWORD;
pub const ADMIN: &str = "admin@musterhans.example";
pub const PROVIDER: &str = "paul@fiduciaire.example";

#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A file of the site's `pkg` directory, where the built scripts and WebAssembly live.
pub const PKG_FILE: &str = "portal.wasm";
/// The site's one file besides the bundles, as `public/` gives it.
pub const FAVICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>";

/// What a test may change in the server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Its `public_url` is replaced by the test server's own address (or by `public_url`).
    pub security: Security,
    pub smtp_url: Option<String>,
    /// The portal's public address instead of the test server's, e.g. an `https` one to test
    /// an HTTPS deployment (requests that change data then send it as their `Origin`).
    pub public_url: Option<&'static str>,
}

#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
    pub demo: demo::DemoData,
    /// The server's housekeeping (what every instance runs every 10 minutes), to run a round.
    pub housekeeping: app::housekeeping::Housekeeping,
    /// The database's URL, for a second instance on it.
    pub database_url: String,
}

/// Runs the generated `#[tokio::test]`s of `$name` once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $options:expr, $case:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn on_sqlite() {
                auth_support::block_on(auth_support::run(auth_support::Db::Sqlite, stringify!($name), $options, $case));
            }
            #[test]
            fn on_postgres() {
                auth_support::block_on(auth_support::run(auth_support::Db::Postgres, stringify!($name), $options, $case));
            }
        }
    };
}

/// Runs a test on two workers with the server binary's stack size (pages rendered by an
/// unoptimized build need more than tokio's default).
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(server::WORKER_STACK_BYTES)
        .enable_all()
        .build()
        .expect("a test runtime")
        .block_on(future)
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("portal-auth-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    TempDir(dir)
}

/// Starts the server on `db`, seeds the demo data, runs `case`, then cleans up (also when
/// the case panics).
pub async fn run<F, Fut>(db: Db, name: &str, options: Options, case: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = temp_dir();
    let mut pg: Option<FreshPostgres> = None;
    let url = match db {
        Db::Sqlite => format!("sqlite://{}", dir.0.join("portal.db").display()),
        Db::Postgres => {
            let Some(database) = FreshPostgres::create("pa", name).await else { return };
            let url = database.url.clone();
            pg = Some(database);
            url
        }
    };

    let store = Store::connect(&url).await.expect("the test database opens").with_secrets_keys(portal_core::store::SecretsKey::generate(), vec![]);
    store.migrate().await.expect("migrations apply");
    let demo = demo::seed_demo(&store).await.expect("demo data loads");

    let site_root = dir.0.join("site");
    std::fs::create_dir_all(&site_root).unwrap();
    std::fs::write(site_root.join("favicon.svg"), FAVICON).unwrap();
    std::fs::create_dir_all(site_root.join("pkg")).unwrap();
    std::fs::write(site_root.join("pkg").join(PKG_FILE), FAVICON).unwrap();
    let leptos_options =
        LeptosOptions::builder().output_name(Arc::from("portal")).site_root(Arc::from(site_root.to_str().unwrap())).site_pkg_dir(Arc::from("pkg")).build();
    let mailer = server::mail::mailer(store.clone(), options.smtp_url.as_deref(), None).expect("mailer");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let housekeeping = app::housekeeping::Housekeeping { store: store.clone(), mailer: mailer.clone(), public_base: base.clone() };
    let public_url = options.public_url.unwrap_or(&base).parse().expect("the portal's public address");
    let security = Security { public_url, ..options.security.clone() };
    let app = router_with(AppState { leptos_options, store: store.clone() }, security, mailer);
    let server = tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap() });
    // A server that never answers fails the test that asked, with the request named, instead
    // of holding the whole run until CI's time is up.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(std::time::Duration::from_secs(120)).build().unwrap();

    let result = tokio::spawn(case(TestApp { base, store: store.clone(), client, demo, housekeeping, database_url: url })).await;
    server.abort();
    let _ = server.await;
    store.close().await;
    if let Some(database) = pg {
        let _ = database.drop_database().await;
    }
    drop(dir);
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// A response, read: status, headers and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The new value of the session cookie, if the response sets one (None when it removes it).
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie_lines().into_iter().find_map(|line| {
            let value = line.strip_prefix("portal_session=")?.split(';').next()?.to_string();
            (!value.is_empty() && !line.to_ascii_lowercase().contains("max-age=0")).then_some(value)
        })
    }

    /// True when the response removes the session cookie.
    pub fn removes_session_cookie(&self) -> bool {
        self.set_cookie_lines()
            .into_iter()
            .any(|line| line.starts_with("portal_session=") && (line.starts_with("portal_session=;") || line.to_ascii_lowercase().contains("max-age=0")))
    }

    pub fn set_cookie_lines(&self) -> Vec<String> {
        self.headers.get_all(reqwest::header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok().map(str::to_string)).collect()
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

/// The fields the authorizations form posts for `grants`, each a service with the debtors
/// chosen for it, or `None` for all its debtors (`GrantField`).
pub fn grants_form(grants: &[(i64, Option<Vec<i64>>)]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (service, chosen) in grants {
        fields.push((format!("grants[{service}][on]"), "on".to_string()));
        fields.push((format!("grants[{service}][scope]"), if chosen.is_some() { "chosen" } else { "all" }.to_string()));
        fields.extend(chosen.iter().flatten().map(|debtor| (format!("grants[{service}][debtors][{debtor}]"), "on".to_string())));
    }
    fields
}

impl TestApp {
    /// "Octroyer des autorisations de service" of `right_id`, sent as its page sends it.
    pub async fn save_grants(&self, cookie: &str, right_id: i64, grants: &[(i64, Option<Vec<i64>>)]) -> Answer {
        let mut fields = vec![("right_id".to_string(), right_id.to_string())];
        fields.extend(grants_form(grants));
        self.post_fields("/api/save_grants", &fields, cookie).await
    }

    /// A permission template saved as "Modèles d'autorisations" sends it (`template_id` 0: a new one).
    pub async fn save_template(&self, cookie: &str, template_id: i64, name: &str, grants: &[(i64, Option<Vec<i64>>)]) -> Answer {
        let mut fields = vec![("template_id".to_string(), template_id.to_string()), ("name".to_string(), name.to_string())];
        fields.extend(grants_form(grants));
        self.post_fields("/api/save_template", &fields, cookie).await
    }

    async fn post_fields(&self, path: &str, fields: &[(String, String)], cookie: &str) -> Answer {
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post(path, &form, Some(cookie)).await
    }

    /// POSTs a form to `path` as the portal's own page would (same `Origin`).
    pub async fn post(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        self.post_from(&self.base.clone(), path, form, cookie).await
    }

    /// POSTs a form to `path` with the given `Origin`.
    pub async fn post_from(&self, origin: &str, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        let mut request = self.client.post(format!("{}{path}", self.base)).form(form).header("origin", origin);
        if let Some(c) = cookie {
            request = request.header("cookie", format!("portal_session={c}"));
        }
        read(request.send().await.expect("the server answers")).await
    }

    /// POSTs a form to `path` as a browser sends it before the page woke up, or without
    /// JavaScript: asking for HTML, so the answer is a redirect to the page to show.
    pub async fn post_as_a_page(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        let mut request = self.client.post(format!("{}{path}", self.base)).form(form).header("origin", &self.base).header("accept", "text/html");
        if let Some(c) = cookie {
            request = request.header("cookie", format!("portal_session={c}"));
        }
        read(request.send().await.expect("the server answers")).await
    }

    /// POSTs `body` as JSON to `path` (the functions whose input is JSON), same `Origin`.
    pub async fn post_json(&self, path: &str, body: serde_json::Value, cookie: &str) -> Answer {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", self.base.clone())
            .header("cookie", format!("portal_session={cookie}"))
            .json(&body);
        read(request.send().await.expect("the server answers")).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            request = request.header("cookie", format!("portal_session={c}"));
        }
        read(request.send().await.expect("the server answers")).await
    }

    /// GETs a page as a browser opens it (asking for HTML, so redirects come as 302).
    pub async fn open(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut request = self.client.get(format!("{}{path}", self.base)).header("accept", "text/html");
        if let Some(c) = cookie {
            request = request.header("cookie", format!("portal_session={c}"));
        }
        read(request.send().await.expect("the server answers")).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.post("/api/sign_in", &[("email", email), ("password", password)], None).await
    }

    /// Signs in and returns the session cookie.
    pub async fn signed_in_cookie(&self, email: &str) -> String {
        let answer = self.sign_in(email, PASSWORD).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.session_cookie().expect("sign-in sets the session cookie")
    }

    /// Enters a technical user named `name` as the administrator signed in on `admin_cookie`
    /// ("Saisir un utilisateur"); answers its right id and its API key, shown this once.
    pub async fn enter_technical_user(&self, admin_cookie: &str, name: &str) -> (i64, String) {
        let form =
            [("right_type", "technical"), ("email", ""), ("first_name", ""), ("last_name", ""), ("name", name), ("remark", ""), ("assignment", "manual")];
        let entered = self.post("/api/enter_user", &form, Some(admin_cookie)).await;
        assert_eq!(entered.status, 200, "{entered:?}");
        let body = json_of(&entered);
        (body["right_id"].as_i64().unwrap(), body["api_key"].as_str().unwrap().to_string())
    }

    /// The e-mail of the signed-in user according to the server, or None.
    pub async fn who_is_signed_in(&self, cookie: &str) -> Option<String> {
        let answer = self.post("/api/current_user", &[], Some(cookie)).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        let value: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        value.get("email").and_then(|e| e.as_str()).map(str::to_string)
    }

    /// Every row of the `sessions` table, as (key, data).
    pub async fn session_table(&self) -> Vec<(String, String)> {
        let sql = "SELECT id, data FROM sessions";
        match self.store.backend() {
            portal_core::store::Backend::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await,
            portal_core::store::Backend::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await,
        }
        .unwrap()
    }

    /// Every session's expiry as stored, in key order.
    pub async fn session_expiries(&self) -> Vec<String> {
        let sql = "SELECT CAST(expires_at AS TEXT) FROM sessions ORDER BY id";
        match self.store.backend() {
            portal_core::store::Backend::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await,
            portal_core::store::Backend::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        }
        .unwrap()
    }

    pub async fn session_rows(&self) -> i64 {
        let counts = self.store.table_counts().await.unwrap();
        counts.into_iter().find(|(t, _)| *t == "sessions").map(|(_, n)| n).unwrap()
    }

    /// The newest e-mail to `to` that `matches`, waiting up to 5 s: e-mails are sent in the
    /// background, after the answer.
    pub async fn newest_mail(&self, to: &str, matches: impl Fn(&portal_core::store::OutboxEmail) -> bool) -> portal_core::store::OutboxEmail {
        for _ in 0..100 {
            let found = self.store.outbox(false).await.unwrap().into_iter().rev().find(|m| m.to_address == to && matches(m));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let all: Vec<(String, String)> = self.store.outbox(false).await.unwrap().into_iter().map(|m| (m.to_address, m.subject)).collect();
        panic!("no such e-mail to {to}; outbox: {all:?}");
    }

    pub async fn audit_actions(&self, user_id: i64) -> Vec<String> {
        self.store.audit_by_actor(user_id, 100).await.unwrap().into_iter().map(|r| r.action.to_string()).collect()
    }
}

/// Reads a response whole.
pub async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Answer { status, headers, body }
}

/// The answer's body as JSON; a test that expects JSON fails with the whole answer.
pub fn json_of(answer: &Answer) -> serde_json::Value {
    serde_json::from_str(&answer.body).unwrap_or_else(|e| panic!("JSON expected ({e}): {answer:?}"))
}
