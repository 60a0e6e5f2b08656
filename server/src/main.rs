//! `server`: runs the portal.

use clap::{Parser, Subcommand};
use portal_server::config::{PortalConfig, Problem};
use portal_server::staff::accounts;
use portal_server::{AppState, demo, router};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Runs the Miraflores citizen portal")]
struct Args {
    /// The portal's configuration file.
    #[arg(long, env = "PORTAL_CONFIG", default_value = "Leptos.toml")]
    config: PathBuf,
    /// Demo mode: when no integrity-office recipient is configured, generate (once) a demo key pair
    /// under the data directory and use it. Never for production.
    #[arg(long)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Manage the integrity office's officer accounts.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// The audit log of officer actions.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Central Alerta incident data for the transparency portal.
    #[command(subcommand)]
    Incidents(IncidentsCommand),
}

#[derive(Subcommand)]
enum IncidentsCommand {
    /// Writes a realistic data set as CSV (schema: statistics/INCIDENTS_CSV.md). The same seed gives the
    /// same records; the published 2023, 2024 and security-module figures hold exactly.
    Generate {
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// First month, YYYY-MM.
        #[arg(long, default_value = "2023-01", value_parser = parse_month)]
        from: statistics::Month,
        /// Last month, YYYY-MM.
        #[arg(long, default_value = "2026-02", value_parser = parse_month)]
        to: statistics::Month,
        /// Incidents a month outside the published windows (default: the 2023 and 2024 rates).
        #[arg(long)]
        per_month: Option<u64>,
        /// Where to write; standard output if omitted.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Imports a CSV file of incidents: every line is validated first (errors name their lines and
    /// nothing is imported), and importing the same records again changes nothing.
    Import { file: PathBuf },
}

fn parse_month(text: &str) -> Result<statistics::Month, String> {
    statistics::Month::parse(text).ok_or_else(|| format!("{text:?} is not a month (YYYY-MM)"))
}

#[derive(Subcommand)]
enum OfficerCommand {
    /// Creates an officer account: asks for the password (or reads PORTAL_OFFICER_PASSWORD) and prints
    /// the TOTP secret to enrol in an authenticator app.
    Add { username: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Checks the whole hash chain and names the first broken entry.
    Verify,
}

/// Exit code for a configuration the server refuses to run with.
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let args = Args::parse();
    if let Some(Command::Incidents(IncidentsCommand::Generate { seed, from, to, per_month, output })) = &args.command {
        return generate_incidents(
            statistics::generate::Plan { seed: *seed, from: *from, to: *to, per_month: *per_month },
            output.as_deref(),
        );
    }

    let mut config = match PortalConfig::load(&args.config) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {} refused: {error}", args.config.display());
            return ExitCode::from(EXIT_CONFIG);
        }
    };

    // Importing incidents touches nothing of the integrity office's.
    let needs_keys = !matches!(args.command, Some(Command::Incidents(_)));
    if needs_keys && config.integrity_office.recipients.is_empty() {
        if !args.demo {
            let problem = Problem {
                key: "integrity_office.recipients".into(),
                reason: "no recipient configured: add the integrity office's age1... public keys \
                         (see README), or run with --demo to try the portal with a demo key"
                    .into(),
            };
            eprintln!("error: {} refused: {problem}", args.config.display());
            return ExitCode::from(EXIT_CONFIG);
        }
        match demo::ensure_demo_key(&config.site.data_dir) {
            Ok(key) => {
                let path = std::fs::canonicalize(&key.identity_path).unwrap_or(key.identity_path.clone());
                println!("==================================================================");
                println!(" DEMO MODE: reports are encrypted to a DEMO integrity-office key.");
                println!(" Demo secret key file (never use in production): {}", path.display());
                println!(" Decrypt a stored report with: age -d -i {} FILE", path.display());
                println!("==================================================================");
                config.integrity_office.recipients.push(key.recipient);
            }
            Err(error) => {
                eprintln!("error: demo mode: {error}");
                return ExitCode::FAILURE;
            }
        }
    }

    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let demo_mode = args.demo;
    let work = async move {
        match args.command {
            Some(Command::Officer(OfficerCommand::Add { username })) => add_officer(&config, &username).await,
            Some(Command::Audit(AuditCommand::Verify)) => verify_audit(&config).await,
            Some(Command::Incidents(IncidentsCommand::Import { file })) => import_incidents(&config, &file).await,
            Some(Command::Incidents(IncidentsCommand::Generate { .. })) => {
                unreachable!("handled before the configuration is read")
            }
            None => serve(config, demo_mode).await,
        }
    };
    match runtime.block_on(work) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn add_officer(config: &PortalConfig, username: &str) -> Result<(), String> {
    let database = portal_server::open_database(config).await.map_err(|e| e.to_string())?;
    let password = match std::env::var("PORTAL_OFFICER_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let first = rpassword::prompt_password(format!("Password for {username}: ")).map_err(|e| e.to_string())?;
            let again = rpassword::prompt_password("Again: ").map_err(|e| e.to_string())?;
            if first != again {
                return Err("the two passwords differ".into());
            }
            first
        }
    };
    let secret = accounts::add_officer(&database, username, &password).await.map_err(|e| e.to_string())?;
    println!("Officer {username} created.");
    println!("Enrol this TOTP secret in an authenticator app (it is not shown again):");
    println!("  secret: {secret}");
    println!("  uri:    {}", accounts::otpauth_uri("Portal Miraflores", username, &secret));
    Ok(())
}

fn generate_incidents(plan: statistics::generate::Plan, output: Option<&std::path::Path>) -> ExitCode {
    let written = match output {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| portal_server::transparency::import::write_generated(&plan, file)),
        None => portal_server::transparency::import::write_generated(&plan, std::io::stdout().lock()),
    };
    match written {
        Ok(count) => {
            eprintln!("{count} incidents generated (seed {}, {} to {})", plan.seed, plan.from, plan.to);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn import_incidents(config: &PortalConfig, file: &std::path::Path) -> Result<(), String> {
    let database = app::platform::database::Database::open(&config.database.url, 2).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let summary = portal_server::transparency::import::import_file(&database, file).await?;
    println!(
        "{} records: {} new or changed, {} unchanged; {} month(s) recounted in {:.1} s",
        summary.records,
        summary.written,
        summary.unchanged,
        summary.months_recounted,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn verify_audit(config: &PortalConfig) -> Result<(), String> {
    let database = app::platform::database::Database::open(&config.database.url, 1).await.map_err(|e| e.to_string())?;
    let entries = app::platform::audit::entries_after(&database, 0).await.map_err(|e| e.to_string())?;
    match envelope::audit::verify(&entries) {
        Ok(()) => {
            let head = entries.last().map(|e| format!("{} {}", e.seq, e.hash)).unwrap_or_else(|| "empty".into());
            println!("audit log intact: {} entries; head {head}", entries.len());
            Ok(())
        }
        Err(broken) => Err(broken.to_string()),
    }
}

async fn serve(config: PortalConfig, demo_mode: bool) -> Result<(), String> {
    let state = AppState::open(&config).await?;
    if demo_mode {
        let officer =
            demo::ensure_demo_officer(&state.database, &config.site.data_dir).await.map_err(|e| e.to_string())?;
        println!(" Demo officer: {} (password and TOTP secret in {})", officer.username, officer.path.display());
        portal_server::transparency::import::seed_demo(&state.database, &config.site.data_dir).await?;
    }
    let database = state.database.clone();
    // Load the incident counts now, so no visitor waits for the first load (~0.1-0.4 s at 2.5 million).
    state.cubes.cube(&state.database).await.map_err(|e| format!("loading incident statistics: {e}"))?;
    tokio::spawn(portal_server::platform::uploads::expire_idle(state.submissions.clone()));
    let restamper = portal_server::file_times::Restamper {
        store: state.submissions.store.clone(),
        database: state.database.clone(),
        sqlite_file: app::platform::database::sqlite_file(&config.database.url),
    };
    tokio::spawn(restamper.keep_stamping());
    let app = router(&config, state);
    let listener = tokio::net::TcpListener::bind(config.site.address)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site.address))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Portal listening on http://{address}");
    axum::serve(portal_server::without_nagle(listener), app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    database.close().await;
    eprintln!("the portal has stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
    // Said on stderr: a portal that stops without a word cannot be told from one that crashed.
    tokio::select! {
        _ = interrupt => eprintln!("SIGINT received: stopping after the requests in progress"),
        _ = terminate.recv() => eprintln!("SIGTERM received: stopping after the requests in progress"),
    }
}
