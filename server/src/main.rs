//! `server`: runs the portal.

use app::staff::Role;
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
    /// Manage staff accounts and their roles (the only way to grant the integrity officer's role).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Shorthand for integrity officers: `officer add NAME` is `staff add NAME --role integrity-officer`.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// The audit log of staff actions.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Central Alerta incident data for the transparency portal.
    #[command(subcommand)]
    Incidents(IncidentsCommand),
    /// Checks a closed poll's published ballots (papeletas.json, from its results page): every token's
    /// signature, no token used twice, no more ballots than tokens issued, and the recount. Needs no
    /// database or configuration. Example: server verify-poll papeletas.json
    VerifyPoll {
        /// The poll's papeletas.json.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum IncidentsCommand {
    /// Writes a realistic data set as CSV (schema: statistics/INCIDENTS_CSV.md). The same seed gives the
    /// same records; the published 2023, 2024 and security-module figures hold exactly.
    Generate {
        /// The random seed: the same seed gives the same records.
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
    Import {
        /// The CSV file. Example: server incidents import central-alerta-2026-03.csv
        file: PathBuf,
    },
}

fn parse_month(text: &str) -> Result<statistics::Month, String> {
    statistics::Month::parse(text).ok_or_else(|| format!("{text:?} is not a month (YYYY-MM)"))
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Creates an account with one or more roles: asks for the password (or reads
    /// PORTAL_OFFICER_PASSWORD) and prints the TOTP secret to enrol in an authenticator app.
    #[command(after_long_help = "Example:\n  server staff add maria.quispe --role treasury --role civil-registry")]
    Add {
        /// The account's user name: 1 to 64 lower-case letters, digits, dots, dashes or underscores.
        username: String,
        /// A role the account holds; repeat for several. One of: integrity-officer, document-registry,
        /// treasury, civil-registry, participation, council-secretary, procurement-committee,
        /// transparency-editor, account-admin.
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
    },
    /// Replaces an account's roles.
    #[command(after_long_help = "Example:\n  server staff roles maria.quispe --role treasury")]
    Roles {
        /// The account to change.
        username: String,
        /// A role the account holds from now on; repeat for several.
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
    },
    /// Disables an account (its sessions end at once); `--enable` enables it again.
    #[command(
        after_long_help = "Examples:\n  server staff disable maria.quispe\n  server staff disable maria.quispe --enable"
    )]
    Disable {
        /// The account to disable (or enable).
        username: String,
        /// Enable the account again instead.
        #[arg(long)]
        enable: bool,
    },
    /// Lists every account with its roles, and when it was disabled.
    List,
    /// Replaces a lost or stolen authenticator: prints a new TOTP secret to enrol (shown once), the old
    /// codes stop working and the account's sessions end. The password stays.
    #[command(after_long_help = "Example:\n  server staff reset-authenticator maria.quispe")]
    ResetAuthenticator {
        /// The account whose authenticator was lost.
        username: String,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        let known: Vec<&str> = Role::ALL.iter().map(|role| role.code()).collect();
        format!("{text:?} is not a role; the roles are {}", known.join(", "))
    })
}

#[derive(Subcommand)]
enum OfficerCommand {
    /// Creates an officer account: asks for the password (or reads PORTAL_OFFICER_PASSWORD) and prints
    /// the TOTP secret to enrol in an authenticator app.
    Add {
        /// The officer's user name: 1 to 64 lower-case letters, digits, dots, dashes or underscores.
        username: String,
    },
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
    if let Some(Command::VerifyPoll { file }) = &args.command {
        return match portal_server::participation::verify_file(file) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(error) => {
                eprintln!("{error}");
                ExitCode::from(2)
            }
        };
    }
    if let Some(Command::Incidents(IncidentsCommand::Generate { seed, from, to, per_month, output })) = &args.command {
        return generate_incidents(
            statistics::generate::Plan { seed: *seed, from: *from, to: *to, per_month: *per_month },
            output.as_deref(),
        );
    }

    let mut config = match PortalConfig::load(&args.config) {
        Ok(config) => config,
        Err(error) => {
            eprintln!(
                "error: the configuration ({} and PORTAL_* variables) was refused: {error}",
                args.config.display()
            );
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    for moved in &config.moved_keys {
        tracing::warn!(%moved, "configuration: a [limits] key read in its new section; write it there");
    }

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
            Some(Command::Officer(OfficerCommand::Add { username })) => {
                add_staff(&config, &username, &[Role::IntegrityOfficer]).await
            }
            Some(Command::Staff(command)) => staff_command(&config, command).await,
            Some(Command::Audit(AuditCommand::Verify)) => verify_audit(&config).await,
            Some(Command::Incidents(IncidentsCommand::Import { file })) => import_incidents(&config, &file).await,
            Some(Command::Incidents(IncidentsCommand::Generate { .. }) | Command::VerifyPoll { .. }) => {
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

async fn staff_command(config: &PortalConfig, command: StaffCommand) -> Result<(), String> {
    use app::staff::storage as staff;
    let (actor, at) = ("system", app::platform::audit::now_utc());
    match command {
        StaffCommand::Add { username, roles } => add_staff(config, &username, &roles).await,
        StaffCommand::Roles { username, roles } => {
            let database = portal_server::open_database(config).await.map_err(|e| e.to_string())?;
            if !staff::set_roles(&database, &username, &roles).await.map_err(|e| e.to_string())? {
                return Err(format!("there is no account named {username:?}"));
            }
            let detail = format!("roles={}", accounts::role_list(&roles));
            let action = accounts::staff_action(actor, "set_roles", &username, &detail);
            app::platform::audit::append(&database, &action).await.map_err(|e| e.to_string())?;
            println!("{username}: {}", accounts::role_list(&roles));
            Ok(())
        }
        StaffCommand::Disable { username, enable } => {
            let database = portal_server::open_database(config).await.map_err(|e| e.to_string())?;
            let disabled_at = (!enable).then_some(at.as_str());
            if !staff::set_disabled(&database, &username, disabled_at).await.map_err(|e| e.to_string())? {
                return Err(format!("there is no account named {username:?}"));
            }
            let action = accounts::staff_action(actor, if enable { "enable" } else { "disable" }, &username, "");
            app::platform::audit::append(&database, &action).await.map_err(|e| e.to_string())?;
            println!("{username}: {}", if enable { "enabled" } else { "disabled; its sessions have ended" });
            Ok(())
        }
        StaffCommand::ResetAuthenticator { username } => {
            let database = portal_server::open_database(config).await.map_err(|e| e.to_string())?;
            let secret = accounts::reset_authenticator(&database, &username, actor).await.map_err(|e| e.to_string())?;
            let secret = secret.ok_or_else(|| format!("there is no account named {username:?}"))?;
            println!(
                "{username}: a new authenticator secret; the old codes no longer work and its sessions have ended."
            );
            print_secret(&username, &secret);
            Ok(())
        }
        StaffCommand::List => {
            let database = portal_server::open_database(config).await.map_err(|e| e.to_string())?;
            for account in staff::list_accounts(&database).await.map_err(|e| e.to_string())? {
                let state = account.disabled_at.map(|at| format!(" (disabled {at})")).unwrap_or_default();
                println!("{}\t{}{state}", account.username, accounts::role_list(&account.roles));
            }
            Ok(())
        }
    }
}

async fn add_staff(config: &PortalConfig, username: &str, roles: &[Role]) -> Result<(), String> {
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
    let secret =
        accounts::add_account(&database, username, &password, roles, "system").await.map_err(|e| e.to_string())?;
    println!("Account {username} created with the roles {}.", accounts::role_list(roles));
    print_secret(username, &secret);
    Ok(())
}

fn print_secret(username: &str, secret: &str) {
    println!("Enrol this TOTP secret in an authenticator app (it is not shown again):");
    println!("  secret: {secret}");
    println!("  uri:    {}", accounts::otpauth_uri("Portal Miraflores", username, secret));
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
        demo::seed_demo_taxes(&state.database).await?;
        let (taxpayer, check) = demo::DEMO_TAXPAYER;
        println!(" Demo taxpayer: {taxpayer}, check value {check} (statement at /tributos)");
        demo::seed_demo_records(&state.database).await?;
        println!(" Demo civil record: birth A-1042 of 2019-05-04 (request a copy at /tramites/partidas)");
        demo::seed_demo_participation(&state.database).await?;
        let (dni, birth) = demo::DEMO_RESIDENT;
        println!(" Demo resident: DNI {dni}, born {birth} (vote at /participacion)");
        demo::seed_demo_council(&state.database).await?;
        demo::seed_demo_integrity(&state.database).await?;
        demo::seed_demo_procurement(&state.database, &config.site.data_dir).await?;
    }
    let database = state.database.clone();
    // Load the incident counts now, so no visitor waits for the first load (~0.1-0.4 s at 2.5 million).
    state.cubes.cube(&state.database).await.map_err(|e| format!("loading incident statistics: {e}"))?;
    tokio::spawn(portal_server::platform::uploads::expire_idle(state.submissions.sealed.clone()));
    let restamper = portal_server::file_times::Restamper {
        store: state.submissions.sealed.store.clone(),
        database: state.database.clone(),
        sqlite_file: app::platform::database::sqlite_file(&config.database.url),
    };
    tokio::spawn(restamper.keep_stamping());
    portal_server::treasury::settle::spawn_reconciliation(state.clone());
    portal_server::participation::spawn_mixing(state.clone());
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

#[cfg(test)]
#[path = "../../tools/testing/cli_help.rs"]
mod cli_help;

#[cfg(test)]
mod help {
    use super::Args;
    use clap::CommandFactory;

    use super::cli_help;

    /// Every command's `--help` says what each subcommand does and what each option is for.
    #[test]
    fn every_command_and_option_is_described() {
        assert_eq!(cli_help::undescribed(&Args::command()), Vec::<String>::new());
    }
}
