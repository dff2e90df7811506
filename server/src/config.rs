//! Command line and environment: every setting has a flag and an environment variable.

use std::net::SocketAddr;

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

    /// Mark the session cookie `Secure`: set this when the portal is served over HTTPS.
    #[arg(long, env = "PORTAL_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// The portal's public address (e.g. `https://portal.example.ch`); requests that change
    /// data must come from this origin. Without it, from the origin of the request's `Host`.
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// SMTP server for e-mails: `smtp://host:port`, `smtp://user:pass@host?tls=required`,
    /// `smtps://host`. Without it, e-mails are written to the outbox table and the log.
    #[arg(long, env = "PORTAL_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender of the portal's e-mails, e.g. `Centre clientèle <no-reply@example.ch>`.
    #[arg(long, env = "PORTAL_MAIL_FROM")]
    pub mail_from: Option<String>,

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
    /// The portal's public address, for the link in the e-mail.
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// SMTP server for the e-mail (see `serve --smtp-url`); without it, the outbox table.
    #[arg(long, env = "PORTAL_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of the e-mail.
    #[arg(long, env = "PORTAL_MAIL_FROM")]
    pub mail_from: Option<String>,
}

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
    fn zero_or_negative_limits_are_refused_at_start_up() {
        for bad in [["--api-requests-per-second", "0"], ["--api-requests-per-second", "-3"], ["--session-idle-minutes", "0"], ["--session-max-hours", "0"]] {
            let args = ["portal", bad[0], bad[1]];
            assert!(Cli::try_parse_from(args).is_err(), "{args:?} was accepted");
        }
    }
}
