//! `officer`: the integrity office's tool. The online machine signs in, pulls encrypted cases, sets
//! statuses and pushes replies; the air-gapped machine holds the identity file and opens cases and
//! prepares replies without any network. A folder (or a bundle file on removable media) carries
//! ciphertext between them; see `folder` for its layout.

mod bundle;
mod client;
mod folder;
mod keys;
mod open;
mod reply;

use clap::{Parser, Subcommand};
use client::Client;
use folder::{CaseSummary, Folder, read_json, write_json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "officer",
    about = "The integrity office's tool: keys, cases, offline decryption, replies, audit",
    after_long_help = "The online machine signs in, pulls and pushes; the air-gapped machine keeps the identity \
file and opens cases. A bundle file on removable media carries ciphertext between them.\n\n\
Examples:\n  officer --folder casos login --server https://denuncias.miraflores.gob.pe --username ana\n  \
officer pull --bundle /media/usb/casos.tar\n  officer import /media/usb/casos.tar      (on the air-gapped machine)\n  \
officer open --identity ana.key"
)]
struct Args {
    /// The case folder on this machine. Example: --folder /home/ana/casos
    #[arg(long, global = true, env = "OFFICER_FOLDER", default_value = "casos")]
    folder: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Creates an age identity file and prints the line to add to Leptos.toml.
    #[command(after_long_help = "Example:\n  officer keygen --out ana.key --passphrase --key-id integridad-2026-01 \
--name \"Jefa de la Oficina de Integridad\"")]
    Keygen {
        /// Where to write the identity file (the secret key); it must not exist yet. Example: --out ana.key
        #[arg(long)]
        out: PathBuf,
        /// Protect the file with a passphrase (asked for, or OFFICER_PASSPHRASE), as `age -p` does.
        #[arg(long)]
        passphrase: bool,
        /// The key id to store with reports (default: integridad-<fingerprint>).
        #[arg(long)]
        key_id: Option<String>,
        /// Who holds the key, for the configuration line.
        #[arg(long, default_value = "Oficina de Integridad Institucional")]
        name: String,
    },
    /// Signs in to the portal (password from OFFICER_PASSWORD or asked for; code from the authenticator).
    #[command(
        after_long_help = "Example:\n  officer login --server https://denuncias.miraflores.gob.pe --username ana\n\n\
The password is asked for without echo (or read from OFFICER_PASSWORD); the code is the 6 digits the \
authenticator app shows now. The session is kept in the folder and extended while in use."
    )]
    Login {
        /// The portal's public address, as citizens reach it. Example: --server https://denuncias.miraflores.gob.pe
        #[arg(long)]
        server: String,
        /// Your user name on the portal (asked for when left out). Example: --username ana
        #[arg(long)]
        username: Option<String>,
        /// The 6-digit code your authenticator app shows now (asked for when left out). Example: --code 492039
        #[arg(long)]
        code: Option<String>,
    },
    /// Ends the session.
    Logout,
    /// Downloads every case's encrypted files into the folder (resumes an interrupted pull).
    #[command(after_long_help = "Example:\n  officer pull --bundle /media/usb/casos.tar")]
    Pull {
        /// Also write the pulled cases into this bundle file, for the air-gapped machine.
        #[arg(long)]
        bundle: Option<PathBuf>,
    },
    /// Unpacks a bundle (cases, keys or prepared replies) into the folder.
    #[command(after_long_help = "Example:\n  officer import /media/usb/casos.tar")]
    Import {
        /// The bundle file to unpack, as `pull --bundle` or `export` wrote it.
        bundle: PathBuf,
    },
    /// Writes the folder's cases (or with --outbox, its prepared replies) into a bundle file.
    #[command(after_long_help = "Examples:\n  officer export --out /media/usb/casos.tar\n  \
officer export --outbox --out /media/usb/respuestas.tar      (replies, for the online machine to push)")]
    Export {
        /// The bundle file to write. Example: --out /media/usb/respuestas.tar
        #[arg(long)]
        out: PathBuf,
        /// Write the outbox's prepared replies instead of the cases.
        #[arg(long)]
        outbox: bool,
    },
    /// Lists the cases in the folder (or on the portal with --online) with deadlines and overdue flags.
    Cases {
        /// Ask the portal (signed in) instead of reading the folder.
        #[arg(long)]
        online: bool,
    },
    /// Decrypts cases offline into cases/<case>/opened/ (all cases when none is named).
    #[command(after_long_help = "Examples:\n  officer open --identity ana.key\n  \
officer open --identity ana.key --identity respaldo.key 3f9c2a1b")]
    Open {
        /// The identity file (plain or passphrase-protected); repeat for several keys.
        #[arg(long, short, required = true)]
        identity: Vec<PathBuf>,
        /// The cases to open, by id (all cases in the folder when none is named).
        cases: Vec<String>,
    },
    /// Prepares an encrypted reply in the outbox (works offline).
    #[command(after_long_help = "Examples:\n  officer reply 3f9c2a1b --text \"Recibimos su denuncia.\"\n  \
officer reply 3f9c2a1b --text-file respuesta.txt --attach oficio.pdf --attach acta.pdf")]
    Reply {
        /// The case to answer, by id.
        case: String,
        /// The reply's text. Example: --text "Recibimos su denuncia."
        #[arg(long, conflicts_with = "text_file")]
        text: Option<String>,
        /// A UTF-8 text file holding the reply. Example: --text-file respuesta.txt
        #[arg(long)]
        text_file: Option<PathBuf>,
        /// A file to send with the reply, encrypted; repeat for several. Example: --attach oficio.pdf
        #[arg(long)]
        attach: Vec<PathBuf>,
        /// The reply's language, es-PE or en.
        #[arg(long, default_value = "es-PE")]
        language: String,
    },
    /// Sends the outbox's replies (after importing this bundle, if given).
    #[command(after_long_help = "Example:\n  officer push --bundle /media/usb/respuestas.tar")]
    Push {
        /// A bundle of prepared replies from the air-gapped machine, imported before sending.
        #[arg(long)]
        bundle: Option<PathBuf>,
    },
    /// Sets a case's status, triaged category or feedback day.
    #[command(after_long_help = "Examples:\n  officer status 3f9c2a1b --set acknowledged\n  \
officer status 3f9c2a1b --category colusion --feedback-on 2026-12-01")]
    Status {
        /// The case, by id.
        case: String,
        /// received, acknowledged, under-investigation, referred or closed.
        #[arg(long)]
        set: Option<String>,
        /// The category the office has triaged the case into (soborno, colusion, abuso_de_autoridad,
        /// omision_de_funciones, uso_indebido_de_bienes, nepotismo, conflicto_de_intereses, otro).
        #[arg(long)]
        category: Option<String>,
        /// The day feedback was given outside the portal, YYYY-MM-DD.
        #[arg(long)]
        feedback_on: Option<String>,
    },
    /// Verifies the audit log's hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Fetches the log (or reads --file), checks every link, and checks it still holds the entry this
    /// folder verified last time; then remembers the new head.
    #[command(after_long_help = "Examples:\n  officer audit verify\n  officer audit verify --file audit.json")]
    Verify {
        /// An exported audit log (JSON) to check instead of fetching the portal's.
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

/// This machine's offset from UTC, read at start.
static LOCAL_OFFSET: std::sync::OnceLock<time::UtcOffset> = std::sync::OnceLock::new();

/// A Unix time as the officer reads it: `2026-12-02 18:41 (UTC-05:00)`, in this machine's time zone.
fn local_time(unix: i64) -> String {
    let offset = LOCAL_OFFSET.get().copied().unwrap_or(time::UtcOffset::UTC);
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix) else { return unix.to_string() };
    let at = at.to_offset(offset);
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] (UTC[offset_hour sign:mandatory]:[offset_minute])"
    );
    at.format(&format).unwrap_or_else(|_| unix.to_string())
}

fn main() -> ExitCode {
    // Read while the process has one thread: the C library's time-zone rules are not thread-safe.
    let _ = LOCAL_OFFSET.set(time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC));
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn secret(variable: &str, prompt: &str) -> Result<String, String> {
    match std::env::var(variable) {
        Ok(value) => Ok(value),
        Err(_) => rpassword::prompt_password(prompt).map_err(|e| format!("cannot read from the terminal: {e}")),
    }
}

fn ask(prompt: &str) -> Result<String, String> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
    Ok(line.trim().to_string())
}

fn run(args: Args) -> Result<(), String> {
    let e = |error: &dyn std::fmt::Display| error.to_string();
    let folder = || Folder::open(&args.folder).map_err(|error| e(&error));
    match args.command {
        Command::Keygen { out, passphrase, key_id, name } => {
            let passphrase = if passphrase { Some(secret("OFFICER_PASSPHRASE", "Passphrase: ")?) } else { None };
            let made = keys::keygen(&out, passphrase.as_deref(), key_id.as_deref()).map_err(|error| e(&error))?;
            println!("Identity written to {} (keep it offline).", out.display());
            println!("Public key: {}", made.recipient);
            println!("Key id:     {}", made.key_id);
            println!("Add to [integrity_office] recipients in Leptos.toml:");
            println!("  {{ name = \"{name}\", key_id = \"{}\", recipient = \"{}\" }},", made.key_id, made.recipient);
        }
        Command::Login { server, username, code } => {
            let folder = folder()?;
            let username = match username {
                Some(u) => u,
                None => ask("User name: ")?,
            };
            let password = secret("OFFICER_PASSWORD", "Password: ")?;
            let code = match code {
                Some(c) => c,
                None => ask("Authenticator code: ")?,
            };
            let session = client::login(&folder, &server, &username, &password, &code).map_err(|error| e(&error))?;
            let until = local_time(session.expires_at);
            println!("Signed in as {} until {until} (extended while in use).", session.username);
        }
        Command::Logout => {
            let folder = folder()?;
            Client::from_folder(&folder).and_then(|c| c.logout(&folder)).map_err(|error| e(&error))?;
            println!("Signed out.");
        }
        Command::Pull { bundle } => {
            let folder = folder()?;
            let fetched = Client::from_folder(&folder).and_then(|c| c.pull(&folder)).map_err(|error| e(&error))?;
            println!(
                "Pulled {fetched} new file(s); {} case(s) in {}.",
                folder.case_ids().map_err(|error| e(&error))?.len(),
                folder.root.display()
            );
            if let Some(bundle) = bundle {
                let count = bundle::export(&folder, bundle::Contents::Cases, &bundle).map_err(|error| e(&error))?;
                println!("Bundle {} written ({count} files).", bundle.display());
            }
        }
        Command::Import { bundle } => {
            let folder = folder()?;
            let count = bundle::import(&folder, &bundle).map_err(|error| e(&error))?;
            println!("Imported {count} file(s) into {}.", folder.root.display());
        }
        Command::Export { out, outbox } => {
            let folder = folder()?;
            let contents = if outbox { bundle::Contents::Outbox } else { bundle::Contents::Cases };
            let count = bundle::export(&folder, contents, &out).map_err(|error| e(&error))?;
            println!("Bundle {} written ({count} files).", out.display());
        }
        Command::Cases { online } => {
            let folder = folder()?;
            let cases: Vec<CaseSummary> = if online {
                Client::from_folder(&folder).and_then(|c| c.cases()).map_err(|error| e(&error))?
            } else {
                let mut list = Vec::new();
                for id in folder.case_ids().map_err(|error| e(&error))? {
                    list.push(folder.read_case(&id).map_err(|error| e(&error))?.summary);
                }
                list
            };
            print_cases(&cases);
        }
        Command::Open { identity, cases } => {
            let folder = folder()?;
            let mut identities = Vec::new();
            for path in &identity {
                let passphrase = || secret("OFFICER_PASSPHRASE", &format!("Passphrase for {}: ", path.display())).ok();
                identities.extend(keys::load_identities(path, passphrase).map_err(|error| e(&error))?);
            }
            let ids = if cases.is_empty() { folder.case_ids().map_err(|error| e(&error))? } else { cases };
            // Each case opens or is reported on its own: one hostile or damaged file must not keep the
            // office from reading the others.
            let mut unopened = Vec::new();
            for id in ids {
                match open::open_case(&folder, &id, &identities) {
                    Ok(opened) => println!(
                        "Case {id}: opened into {} ({} attachment(s), {} message(s)).",
                        opened.dir.display(),
                        opened.attachments,
                        opened.messages
                    ),
                    Err(error) => {
                        eprintln!("Case {id}: CANNOT BE OPENED: {error}");
                        unopened.push(id);
                    }
                }
            }
            if !unopened.is_empty() {
                return Err(format!("{} case(s) could not be opened: {}", unopened.len(), unopened.join(", ")));
            }
        }
        Command::Reply { case, text, text_file, attach, language } => {
            let folder = folder()?;
            let text = match (text, text_file) {
                (Some(text), _) => text,
                (None, Some(path)) => {
                    std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?
                }
                (None, None) => return Err("give the reply with --text or --text-file".into()),
            };
            let item = reply::prepare(&folder, &case, &text, &attach, &language).map_err(|error| e(&error))?;
            println!("Reply encrypted into {}; send it with `officer push`.", item.display());
        }
        Command::Push { bundle } => {
            let folder = folder()?;
            if let Some(bundle) = bundle {
                bundle::import(&folder, &bundle).map_err(|error| e(&error))?;
            }
            let client = Client::from_folder(&folder).map_err(|error| e(&error))?;
            let items = reply::pending(&folder).map_err(|error| e(&error))?;
            for (path, item) in &items {
                let id = client
                    .send_reply(&item.case, &path.join("message.age"), &reply::attachments_of(path, item.attachments))
                    .map_err(|error| format!("{}: {error}", path.display()))?;
                reply::mark_sent(&folder, path).map_err(|error| e(&error))?;
                println!("Reply to case {} sent (message {id}).", item.case);
            }
            if items.is_empty() {
                println!("Nothing to send.");
            }
        }
        Command::Status { case, set, category, feedback_on } => {
            let folder = folder()?;
            let update = serde_json::json!({ "status": set, "category": category, "feedback_on": feedback_on });
            let summary =
                Client::from_folder(&folder).and_then(|c| c.update(&case, &update)).map_err(|error| e(&error))?;
            print_cases(&[summary]);
        }
        Command::Audit(AuditCommand::Verify { file }) => {
            let folder = folder()?;
            let entries = match file {
                Some(path) => read_json(&path).map_err(|error| e(&error))?,
                None => Client::from_folder(&folder).and_then(|c| c.audit_log()).map_err(|error| e(&error))?,
            };
            verify_audit(&folder.path("audit-anchor.json"), &entries)?;
        }
    }
    Ok(())
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Anchor {
    seq: u64,
    hash: String,
}

fn verify_audit(anchor_path: &Path, entries: &[envelope::audit::AuditEntry]) -> Result<(), String> {
    let anchor: Option<Anchor> =
        if anchor_path.exists() { Some(read_json(anchor_path).map_err(|error| error.to_string())?) } else { None };
    let (seq, hash) = anchor.as_ref().map(|a| (a.seq, a.hash.as_str())).unwrap_or((0, ""));
    envelope::audit::verify_extends(entries, seq, hash).map_err(|broken| broken.to_string())?;
    match entries.last() {
        Some(last) => {
            write_json(anchor_path, &Anchor { seq: last.seq, hash: last.hash.clone() })
                .map_err(|error| error.to_string())?;
            println!("Audit log intact: {} entries, head {} {}.", entries.len(), last.seq, last.hash);
        }
        None => println!("Audit log intact: empty."),
    }
    Ok(())
}

fn print_cases(cases: &[CaseSummary]) {
    println!("{:<32}  {:<10}  {:<19}  {:<10}  {:<10}  flags", "case", "received", "status", "ack due", "feedback");
    for case in cases {
        let mut flags = Vec::new();
        if case.acknowledgement_overdue {
            flags.push("ACK OVERDUE");
        }
        if case.feedback_overdue {
            flags.push("FEEDBACK OVERDUE");
        }
        println!(
            "{:<32}  {:<10}  {:<19}  {:<10}  {:<10}  {}",
            case.id,
            case.received_on,
            case.status.as_str(),
            case.acknowledged_on
                .as_deref()
                .map(|d| format!("done {d}"))
                .unwrap_or_else(|| case.acknowledgement_due.clone()),
            case.feedback_on.as_deref().map(|d| format!("done {d}")).unwrap_or_else(|| case.feedback_due.clone()),
            flags.join(", ")
        );
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

    #[test]
    fn a_session_end_reads_as_a_date_and_time_with_its_offset() {
        // No offset was read (tests do not run main): UTC.
        assert_eq!(super::local_time(1_796_122_936), "2026-12-01 11:02 (UTC+00:00)");
    }
}
