//! The portal's server: configuration, database, demo data, then HTTP until a signal.

#![recursion_limit = "512"]

use std::process::ExitCode;

use clap::Parser as _;
use portal_core::store::Store;
use server::config::{Cli, Command, CreateCompanyArgs, LogFormat, ServeArgs};
use server::http;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(server::WORKER_STACK_BYTES).build() {
        Ok(runtime) => runtime.block_on(start()),
        Err(error) => {
            eprintln!("error: the async runtime does not start: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => error.exit(), // --help, --version
        Err(error) => {
            let rendered = error.to_string();
            eprintln!("{}", rendered.lines().next().unwrap_or("error: invalid arguments"));
            return ExitCode::from(2);
        }
    };
    init_logs(cli.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // One line that says what is wrong: operators read this, not a backtrace.
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let store = open_store(&cli.database_url).await?;
    match cli.command {
        Some(Command::Migrate) => Ok(()),
        Some(Command::SeedDemo) => seed_demo(&store).await,
        Some(Command::CreateCompany(args)) => create_company(&store, &args).await,
        Some(Command::Serve(args)) => serve(store, args, &cli.database_url).await,
        None => serve(store, cli.serve, &cli.database_url).await,
    }
}

async fn open_store(database_url: &str) -> Result<Store, String> {
    let store = Store::connect(database_url).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| format!("cannot migrate the database: {e}"))?;
    tracing::info!(backend = store.backend_name(), "database ready");
    Ok(store)
}

async fn seed_demo(store: &Store) -> Result<(), String> {
    let demo = portal_core::store::demo::seed_demo(store).await.map_err(|e| format!("cannot load the demo data: {e}"))?;
    // Demo passwords are printed on purpose: they are public, fixed and only loaded in demo mode.
    println!("Demo logins (password for all: {}):", portal_core::store::demo::DEMO_PASSWORD);
    for login in &demo.logins {
        println!("  {:<32} {:<22} {}", login.email, login.name, login.role);
    }
    Ok(())
}

async fn create_company(store: &Store, args: &CreateCompanyArgs) -> Result<(), String> {
    let mailer = server::mail::mailer(store.clone(), args.smtp_url.as_deref(), args.mail_from.as_deref())?;
    let created = server::operator::create_company(store, &mailer, args).await?;
    println!(
        "Company {} created (id {}); administrator {} ({}); set-password link sent (valid 72 hours).",
        args.name.trim(),
        created.company_id,
        args.admin_email.trim().to_lowercase(),
        if created.new_login { "new login" } else { "existing login" },
    );
    Ok(())
}

async fn serve(store: Store, args: ServeArgs, database_url: &str) -> Result<(), String> {
    let (key, previous) = server::config::secrets_keys(&args, database_url)?;
    let store = store.with_secrets_keys(key, previous);
    let resealed = store.reseal_secrets().await.map_err(|e| format!("cannot seal the two-step secrets with the current key: {e}"))?;
    if resealed > 0 {
        tracing::info!(resealed, "two-step secrets sealed with the current key");
    }
    if args.demo {
        seed_demo(&store).await?;
    }
    http::serve(store, &args).await
}

fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
