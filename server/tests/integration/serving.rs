//! The server over real HTTP: started on port 0 with a fresh SQLite database.

use std::{path::PathBuf, sync::Arc};

use leptos::prelude::LeptosOptions;
use portal_core::store::Store;
use server::http::{router, AppState};

struct TestApp {
    base: String,
    client: reqwest::Client,
    _dir: TempDir,
}

/// A directory removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("portal-http-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_suffix() -> u128 {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed) as u128;
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() * 1000 + n
}

async fn spawn_app(hash_files: bool) -> TestApp {
    let dir = TempDir::new();
    let site_root = dir.0.join("site");
    std::fs::create_dir_all(site_root.join("pkg")).unwrap();
    std::fs::write(site_root.join("pkg/portal.0123abcd.js"), "export function hydrate(){}\n".repeat(100)).unwrap();
    std::fs::write(site_root.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();

    let store = Store::connect(&format!("sqlite://{}", dir.0.join("portal.db").display())).await.expect("the test database opens");
    store.migrate().await.expect("migrations apply");

    let leptos_options = LeptosOptions::builder()
        .output_name(Arc::from("portal"))
        .site_root(Arc::from(site_root.to_str().unwrap()))
        .site_pkg_dir(Arc::from("pkg"))
        .hash_files(hash_files)
        .build();
    let app = router(AppState { leptos_options, store });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestApp { base, client: reqwest::Client::new(), _dir: dir }
}

impl TestApp {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }
}

#[tokio::test]
async fn the_health_check_answers_ok_when_the_database_answers() {
    let app = spawn_app(false).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "sqlite");
}

#[tokio::test]
async fn the_login_page_is_rendered_on_the_server_in_french_with_its_hydration_script() {
    let app = spawn_app(false).await;
    let response = app.get("/login").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr""#), "{html}");
    assert!(html.contains("<title>Connexion · Centre clientèle</title>"), "{html}");
    assert!(html.contains(r#"<label for="email""#));
    assert!(html.contains("Adresse e-mail"));
    assert!(html.contains("Se connecter"));
    assert!(html.contains("/pkg/portal.js"), "the page loads its hydration script");
    assert!(html.contains(r#"href="/pkg/portal.css""#), "the page loads its stylesheet");
}

#[tokio::test]
async fn an_unknown_address_answers_404_with_a_page_in_french() {
    let app = spawn_app(false).await;
    let response = app.get("/nulle-part").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page introuvable"));
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_brotli() {
    let app = spawn_app(false).await;
    let response = app.client.get(format!("{}/login", app.base)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "br");
}

#[tokio::test]
async fn hashed_assets_may_be_cached_for_a_year() {
    let app = spawn_app(true).await;
    let response = app.get("/pkg/portal.0123abcd.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
}

#[tokio::test]
async fn unhashed_assets_of_a_development_build_are_revalidated() {
    let app = spawn_app(false).await;
    let response = app.get("/pkg/portal.0123abcd.js").await;
    assert_eq!(response.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn a_missing_asset_answers_404() {
    let app = spawn_app(true).await;
    assert_eq!(app.get("/pkg/nothing.wasm").await.status(), 404);
}
