//! Bad configuration ends the server with one clear line, never a panic trace.

use std::process::{Command, Output};

fn run_server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PORTAL_LISTEN")
        .env_remove("PORTAL_PUBLIC_URL")
        .env_remove("PORTAL_SECRETS_KEY_FILE")
        .env_remove("PORTAL_DEMO")
        .env("RUST_LOG", "off")
        .output()
        .expect("the server binary runs")
}

/// A secrets key file for a server that must get past that check.
fn key_file() -> String {
    let path = std::env::temp_dir().join(format!("portal-config-errors-{}.key", std::process::id()));
    std::fs::write(&path, "0f".repeat(32)).unwrap();
    path.display().to_string()
}

/// The one `error:` line the server printed; fails the test on a panic or several lines.
fn the_error_line(output: &Output) -> String {
    assert!(!output.status.success(), "the server must fail");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "no backtrace hint: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "exactly one line: {stderr}");
    lines[0].to_string()
}

#[test]
fn an_unreachable_postgres_server_is_named_in_one_line() {
    let output = run_server(&["migrate", "--database-url", "postgres://portal@127.0.0.1:1/portal"]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains("127.0.0.1:1"), "{line}");
}

#[test]
fn an_unwritable_sqlite_path_is_named_in_one_line() {
    let output = run_server(&["migrate", "--database-url", "sqlite:///proc/no-such-dir/portal.db"]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains("/proc/no-such-dir/portal.db"), "{line}");
}

#[test]
fn an_unsupported_database_url_is_refused_in_one_line() {
    let output = run_server(&["migrate", "--database-url", "mysql://localhost/portal"]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: "), "{line}");
}

#[test]
fn a_malformed_listen_address_is_refused_in_one_line() {
    let output = run_server(&["--listen", "not-an-address", "--database-url", "sqlite::memory:"]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains("not-an-address"), "{line}");
}

#[test]
fn a_listen_address_already_in_use_is_refused_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let key = key_file();
    let output = run_server(&["--listen", &addr, "--database-url", "sqlite::memory:", "--public-url", "https://portal.example.ch", "--secrets-key-file", &key]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: cannot listen on"), "{line}");
    assert!(line.contains(&addr), "{line}");
}

#[test]
fn a_portal_without_its_public_address_does_not_start_outside_the_demo() {
    let key = key_file();
    let output = run_server(&["--listen", "127.0.0.1:0", "--database-url", "sqlite::memory:", "--secrets-key-file", &key]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: --public-url (or PORTAL_PUBLIC_URL) is required"), "{line}");
}

#[test]
fn a_portal_without_the_key_of_its_two_step_secrets_does_not_start_outside_the_demo() {
    let output = run_server(&["--listen", "127.0.0.1:0", "--database-url", "sqlite::memory:", "--public-url", "https://portal.example.ch"]);
    let line = the_error_line(&output);
    assert!(line.starts_with("error: --secrets-key-file (or PORTAL_SECRETS_KEY_FILE) is required"), "{line}");
}

#[test]
fn secure_cookies_with_a_plain_http_public_address_is_refused_in_one_line() {
    let key = key_file();
    let output = run_server(&[
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "sqlite::memory:",
        "--public-url",
        "http://portal.example.ch",
        "--secrets-key-file",
        &key,
        "--secure-cookies",
    ]);
    let line = the_error_line(&output);
    assert!(line.contains("--secure-cookies contradicts the public address http://portal.example.ch"), "{line}");
}

#[test]
fn the_shipped_server_has_no_test_clock() {
    // Built without the feature `test-clock` (only target/release/server-e2e has it), the
    // flag does not exist: the route cannot be switched on by a configuration mistake.
    let output = run_server(&["serve", "--demo", "--test-clock", "--database-url", "sqlite::memory:"]);
    assert!(!output.status.success(), "the server must refuse the flag");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unexpected argument '--test-clock'"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
