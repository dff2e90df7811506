//! Command line and environment: every setting has a flag and an environment variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use portal_core::store::SecretsKey;

use clap::{Parser, Subcommand, ValueEnum};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/portal.db";

#[derive(Debug, Parser)]
#[command(name = "portal", version, about = "Centre clientèle: provider access portal")]
pub struct Cli {
    /// Database: `sqlite://path/to/file.db` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Log lines as plain text or JSON objects.
    #[arg(long, env = "PORTAL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on (overrides LEPTOS_SITE_ADDR).
    #[arg(long, env = "PORTAL_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Load the demo companies and logins at start-up and print their passwords.
    #[arg(long, env = "PORTAL_DEMO")]
    pub demo: bool,

    /// End-to-end tests only, with `--demo`, in a server built with the feature `test-clock`:
    /// `POST /test-clock?days=N` moves the portal's clock N days ahead and runs the
    /// housekeeping, so that a test sees an invitation lapse without waiting for it; and
    /// `POST /test-fixtures/provider-company` makes a company and its administrator (demo
    /// password) that no other test uses.
    #[cfg(feature = "test-clock")]
    #[arg(long, env = "PORTAL_TEST_CLOCK", requires = "demo")]
    pub test_clock: bool,

    /// Kept for deployments that set it: an `https` public address alone makes the session
    /// cookie `Secure` (named `__Host-portal_session`) and adds HSTS; with an `http` one this
    /// flag is an error, since the two would contradict each other.
    #[arg(long, env = "PORTAL_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// The portal's public address (e.g. `https://portal.example.ch`): links in e-mails start
    /// with it and requests that change data must come from it. Required, except with `--demo`
    /// (then the listen address).
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// SMTP server for e-mails: `smtp://host:port`, `smtp://user:pass@host?tls=required`,
    /// `smtps://host`. Without it, e-mails are written to the outbox table and the log.
    #[arg(long, env = "PORTAL_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender of the portal's e-mails, e.g. `Centre clientèle <no-reply@example.ch>`.
    #[arg(long, env = "PORTAL_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// A file holding the key that seals two-step login secrets in the database: 64 hex digits
    /// (`openssl rand -hex 32`). Required, except with `--demo` (then a key kept beside the
    /// SQLite database, made at its first start, or with Postgres a key for this run).
    #[arg(long, env = "PORTAL_SECRETS_KEY_FILE")]
    pub secrets_key_file: Option<std::path::PathBuf>,

    /// During a key rotation, the file of the previous key: secrets sealed with it are opened
    /// and sealed again with the current key at start-up.
    #[arg(long, env = "PORTAL_PREVIOUS_SECRETS_KEY_FILE")]
    pub previous_secrets_key_file: Option<std::path::PathBuf>,

    /// A session unused for this many minutes ends.
    #[arg(long, env = "PORTAL_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_idle_minutes: u64,

    /// Questions a second one client address may ask the access-decision API (bursts of twice
    /// that); beyond, it answers 429 with Retry-After.
    #[arg(long, env = "PORTAL_API_REQUESTS_PER_SECOND", default_value_t = crate::auth::DEFAULT_API_REQUESTS_PER_SECOND, value_parser = clap::value_parser!(std::num::NonZeroU32))]
    pub api_requests_per_second: std::num::NonZeroU32,

    /// Where the client's address is read, for sign-in throttling and the access API's rate
    /// limit: `ConnectInfo` (the connection's peer: the default, right when clients connect
    /// directly) or, behind the portal's own reverse proxy or load balancer, the header it
    /// sets: `RightmostXForwardedFor`, `XRealIp`, `CfConnectingIp`, `TrueClientIp`,
    /// `FlyClientIp`, `CloudFrontViewerAddress` or `XEnvoyExternalAddress`. Behind a proxy
    /// the peer is the proxy, so every client would share one address and one throttle.
    /// Choose a header only if every request goes through that proxy: a client could set it
    /// otherwise.
    #[arg(long, env = "PORTAL_CLIENT_IP_SOURCE", default_value_t = axum_client_ip::ClientIpSource::ConnectInfo, value_parser = clap::value_parser!(axum_client_ip::ClientIpSource))]
    pub client_ip_source: axum_client_ip::ClientIpSource,

    /// A session ends this many hours after sign-in, however active.
    #[arg(long, env = "PORTAL_SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_max_hours: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo data (idempotent), print the demo logins and exit.
    SeedDemo,
    /// After a contract: create a company and its first administrator, who gets an e-mail
    /// with a link to set their password (valid 72 hours).
    CreateCompany(CreateCompanyArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct CreateCompanyArgs {
    /// The company's customer number.
    #[arg(long)]
    pub customer_number: String,
    /// The company's name.
    #[arg(long)]
    pub name: String,
    /// The company's language, also the administrator's: fr, de, it or en.
    #[arg(long, default_value = "fr")]
    pub language: String,
    /// The first administrator's e-mail (a new login, or an existing one without a company).
    #[arg(long)]
    pub admin_email: String,
    /// The first administrator's first name.
    #[arg(long)]
    pub first_name: String,
    /// The first administrator's last name.
    #[arg(long)]
    pub last_name: String,
    /// The portal's public address, for the link in the e-mail (required).
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// SMTP server for the e-mail (see `serve --smtp-url`); without it, the outbox table.
    #[arg(long, env = "PORTAL_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of the e-mail.
    #[arg(long, env = "PORTAL_MAIL_FROM")]
    pub mail_from: Option<String>,
}

/// The portal's public address: `--public-url`, or with `--demo` the address it listens on
/// (`127.0.0.1` for an unspecified one). Links in e-mails must never follow a request's
/// `Host`, so a portal serving real users cannot start without it.
pub fn public_url(args: &ServeArgs, listening: SocketAddr) -> Result<url::Url, String> {
    match &args.public_url {
        Some(url) => checked_public_url(url),
        None if args.demo => {
            let ip = match listening.ip() {
                ip if ip.is_unspecified() && ip.is_ipv4() => std::net::IpAddr::from([127, 0, 0, 1]),
                ip if ip.is_unspecified() => std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                ip => ip,
            };
            url::Url::parse(&format!("http://{}/", SocketAddr::new(ip, listening.port()))).map_err(|e| e.to_string())
        }
        None => Err(MISSING_PUBLIC_URL.to_string()),
    }
}

/// `--secure-cookies` asks for HTTPS; an `http` public address says the opposite, and a
/// `Secure` cookie would then never come back (signing in would silently fail).
pub fn check_secure_cookies(args: &ServeArgs, public_url: &url::Url) -> Result<(), String> {
    if args.secure_cookies && public_url.scheme() != "https" {
        return Err(format!(
            "--secure-cookies contradicts the public address {public_url}: an https:// --public-url makes the session cookie Secure by itself"
        ));
    }
    Ok(())
}

pub const MISSING_PUBLIC_URL: &str = "--public-url (or PORTAL_PUBLIC_URL) is required: the portal's public address, \
     e.g. https://portal.example.ch, starts the links in its e-mails (only --demo may do without it)";

/// An `http` or `https` address with a host: the only kind a browser can open from an e-mail.
pub fn checked_public_url(url: &url::Url) -> Result<url::Url, String> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("--public-url {url}: expected http:// or https:// and a host, e.g. https://portal.example.ch"));
    }
    Ok(url.clone())
}

/// The key that seals two-step secrets and the previous one of a rotation, read from their
/// files. With `--demo` and no file, the demo's own key: a demo database whose logins turned
/// two-step login on must open again after a restart, so the key lives beside its SQLite file
/// (made at the first start); a demo on Postgres or in memory gets a key for this run.
pub fn secrets_keys(args: &ServeArgs, database_url: &str) -> Result<(SecretsKey, Vec<SecretsKey>), String> {
    let current = match &args.secrets_key_file {
        Some(path) => read_key(path)?,
        None if args.demo => match demo_key_file(database_url) {
            Some(path) if path.exists() => read_key(&path)?,
            Some(path) => {
                let key = SecretsKey::generate();
                write_new_key(&path, &key)?;
                key
            }
            None => SecretsKey::generate(),
        },
        None => return Err(MISSING_SECRETS_KEY.to_string()),
    };
    let previous = args.previous_secrets_key_file.as_deref().map(read_key).transpose()?.into_iter().collect();
    Ok((current, previous))
}

fn read_key(path: &Path) -> Result<SecretsKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the secrets key file {}: {e}", path.display()))?;
    SecretsKey::parse_hex(&text).map_err(|e| format!("secrets key file {}: {e}", path.display()))
}

/// Readable by the portal's own user only.
fn write_new_key(path: &Path, key: &SecretsKey) -> Result<(), String> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("cannot write the demo's secrets key file {}: {e}", path.display()))?;
    writeln!(file, "{}", key.to_hex()).map_err(|e| format!("cannot write the demo's secrets key file {}: {e}", path.display()))
}

/// `sqlite://data/portal.db` keeps its demo key in `data/portal.db.secrets-key`.
fn demo_key_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or_default();
    (!file.is_empty() && !file.contains(":memory:")).then(|| PathBuf::from(format!("{file}.secrets-key")))
}

pub const MISSING_SECRETS_KEY: &str = "--secrets-key-file (or PORTAL_SECRETS_KEY_FILE) is required: the key that seals \
     two-step login secrets in the database, 64 hex digits, e.g. from `openssl rand -hex 32` (only --demo may do without it)";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_access_api_answers_twenty_questions_a_second_unless_told_otherwise() {
        let cli = Cli::try_parse_from(["portal"]).unwrap();
        assert_eq!(cli.serve.api_requests_per_second.get(), 20);
        let cli = Cli::try_parse_from(["portal", "--api-requests-per-second", "5"]).unwrap();
        assert_eq!(cli.serve.api_requests_per_second.get(), 5);
    }

    #[test]
    fn the_client_address_is_the_peer_unless_a_proxy_header_is_named() {
        use axum_client_ip::ClientIpSource;
        assert_eq!(Cli::try_parse_from(["portal"]).unwrap().serve.client_ip_source, ClientIpSource::ConnectInfo);
        let cli = Cli::try_parse_from(["portal", "--client-ip-source", "RightmostXForwardedFor"]).unwrap();
        assert_eq!(cli.serve.client_ip_source, ClientIpSource::RightmostXForwardedFor);
        assert!(Cli::try_parse_from(["portal", "--client-ip-source", "X-Forwarded-For"]).is_err());
    }

    #[test]
    fn without_a_public_url_only_the_demo_starts_and_it_uses_the_listen_address() {
        let listening: SocketAddr = "0.0.0.0:3007".parse().unwrap();
        let plain = Cli::try_parse_from(["portal"]).unwrap();
        assert_eq!(public_url(&plain.serve, listening).unwrap_err(), MISSING_PUBLIC_URL);
        let demo = Cli::try_parse_from(["portal", "--demo"]).unwrap();
        assert_eq!(public_url(&demo.serve, listening).unwrap().as_str(), "http://127.0.0.1:3007/");
        let named = Cli::try_parse_from(["portal", "--public-url", "https://portal.example.ch"]).unwrap();
        assert_eq!(public_url(&named.serve, listening).unwrap().as_str(), "https://portal.example.ch/");
        let mail = Cli::try_parse_from(["portal", "--public-url", "mailto:a@b.example"]).unwrap();
        assert!(public_url(&mail.serve, listening).is_err());
    }

    #[test]
    fn two_step_secrets_need_a_key_file_outside_the_demo() {
        let plain = Cli::try_parse_from(["portal"]).unwrap();
        assert_eq!(secrets_keys(&plain.serve, DEFAULT_DATABASE_URL).unwrap_err(), MISSING_SECRETS_KEY);
        let demo = Cli::try_parse_from(["portal", "--demo"]).unwrap();
        assert!(secrets_keys(&demo.serve, "postgres://postgres@127.0.0.1/portal").is_ok());
        let dir = std::env::temp_dir().join(format!("portal-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("good.key"), format!("{}\n", "0f".repeat(32))).unwrap();
        std::fs::write(dir.join("bad.key"), "not a key").unwrap();
        let good = Cli::try_parse_from(["portal", "--secrets-key-file", dir.join("good.key").to_str().unwrap()]).unwrap();
        assert_eq!(secrets_keys(&good.serve, DEFAULT_DATABASE_URL).unwrap().1.len(), 0);
        let bad = Cli::try_parse_from(["portal", "--secrets-key-file", dir.join("bad.key").to_str().unwrap()]).unwrap();
        assert!(secrets_keys(&bad.serve, DEFAULT_DATABASE_URL).unwrap_err().contains("64 hexadecimal digits"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_demo_database_keeps_its_secrets_key_across_restarts() {
        let dir = std::env::temp_dir().join(format!("portal-demo-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/portal.db", dir.display());
        let demo = Cli::try_parse_from(["portal", "--demo"]).unwrap();
        let (first, _) = secrets_keys(&demo.serve, &url).unwrap();
        let (after_a_restart, _) = secrets_keys(&demo.serve, &url).unwrap();
        assert_eq!(first.fingerprint(), after_a_restart.fingerprint());
        let file = dir.join("portal.db.secrets-key");
        #[cfg(unix)]
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions()) & 0o777, 0o600);
        let (in_memory, _) = secrets_keys(&demo.serve, "sqlite::memory:").unwrap();
        assert_ne!(in_memory.fingerprint(), first.fingerprint());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn zero_or_negative_limits_are_refused_at_start_up() {
        for bad in [["--api-requests-per-second", "0"], ["--api-requests-per-second", "-3"], ["--session-idle-minutes", "0"], ["--session-max-hours", "0"]] {
            let args = ["portal", bad[0], bad[1]];
            assert!(Cli::try_parse_from(args).is_err(), "{args:?} was accepted");
        }
    }
}
