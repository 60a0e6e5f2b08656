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
#[command(name = "officer", about = "The integrity office's tool: keys, cases, offline decryption, replies, audit")]
struct Args {
    /// The case folder.
    #[arg(long, global = true, env = "OFFICER_FOLDER", default_value = "casos")]
    folder: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Creates an age identity file and prints the line to add to Leptos.toml.
    Keygen {
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
    Login {
        #[arg(long)]
        server: String,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        code: Option<String>,
    },
    /// Ends the session.
    Logout,
    /// Downloads every case's encrypted files into the folder (resumes an interrupted pull).
    Pull {
        /// Also write the pulled cases into this bundle file, for the air-gapped machine.
        #[arg(long)]
        bundle: Option<PathBuf>,
    },
    /// Unpacks a bundle (cases, keys or prepared replies) into the folder.
    Import { bundle: PathBuf },
    /// Writes the folder's cases (or with --outbox, its prepared replies) into a bundle file.
    Export {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        outbox: bool,
    },
    /// Lists the cases in the folder (or on the portal with --online) with deadlines and overdue flags.
    Cases {
        #[arg(long)]
        online: bool,
    },
    /// Decrypts cases offline into cases/<case>/opened/ (all cases when none is named).
    Open {
        /// The identity file (plain or passphrase-protected); repeat for several keys.
        #[arg(long, short, required = true)]
        identity: Vec<PathBuf>,
        cases: Vec<String>,
    },
    /// Prepares an encrypted reply in the outbox (works offline).
    Reply {
        case: String,
        #[arg(long, conflicts_with = "text_file")]
        text: Option<String>,
        #[arg(long)]
        text_file: Option<PathBuf>,
        #[arg(long)]
        attach: Vec<PathBuf>,
        #[arg(long, default_value = "es-PE")]
        language: String,
    },
    /// Sends the outbox's replies (after importing this bundle, if given).
    Push {
        #[arg(long)]
        bundle: Option<PathBuf>,
    },
    /// Sets a case's status, triaged category or feedback day.
    Status {
        case: String,
        /// received, acknowledged, under-investigation, referred or closed.
        #[arg(long)]
        set: Option<String>,
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
    Verify {
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
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
            println!("Signed in as {} until {} (extended while in use).", session.username, session.expires_at);
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
