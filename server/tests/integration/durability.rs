//! Durability on SQLite: the real server binary is killed with SIGKILL in the middle of a
//! stream of writes, started again on the same database file, and every write it had
//! acknowledged to a client must be there.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portal_core::store::Store;

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(db: &str) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["serve", "--demo", "--database-url", db, "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env_remove("PORTAL_SMTP_URL")
        .env_remove("PORTAL_PUBLIC_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Server { child, base };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not answer /healthz within 30 s");
}

/// Signs in as the demo administrator; answers the session cookie.
async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let answer = client
        .post(format!("{base}/api/sign_in"))
        .header("origin", base)
        .form(&[("email", "admin@musterhans.example"), ("password", portal_core::store::demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portal_session="))
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    cookie
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_survives_a_sigkill_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("portal-durability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("portal.db").display());
    let mut server = start(&db).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(60)).build().unwrap();
    let cookie = sign_in(&client, &server.base).await;

    // Four clients enter technical users as fast as they can; each acknowledged entry's
    // right id is recorded.
    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, base, cookie, acknowledged) = (client.clone(), server.base.clone(), cookie.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("Lot {w}-{i}");
                let form = [
                    ("right_type", "technical"),
                    ("email", ""),
                    ("first_name", ""),
                    ("last_name", ""),
                    ("name", name.as_str()),
                    ("remark", ""),
                    ("assignment", "manual"),
                ];
                let sent = client.post(format!("{base}/api/enter_user")).header("origin", &base).header("cookie", &cookie).form(&form).send().await;
                let Ok(response) = sent else { break };
                if response.status() != 200 {
                    break;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else { break };
                acknowledged.lock().unwrap().push(body["right_id"].as_i64().expect("a right id"));
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 10, "the stream was under way when the server died ({} writes)", acknowledged.len());

    // Started again on the same file: every acknowledged write is there, with its key.
    let mut again = start(&db).await;
    let store = Store::connect(&db).await.unwrap();
    for id in &acknowledged {
        let right = store.right(*id).await.unwrap_or_else(|e| panic!("acknowledged right {id} lost: {e}"));
        assert_eq!(store.api_keys_of_right(right.id).await.unwrap().len(), 1, "right {id} kept its API key");
    }
    println!("durability: {} acknowledged writes before SIGKILL, all present after restart", acknowledged.len());
    store.close().await;
    again.child.kill().unwrap();
    again.child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
