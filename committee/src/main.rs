//! `committee`: the procurement committee's offline tool. `keygen` makes a tender's key and splits it
//! among the members (the key itself is never written); `open` rebuilds it from k shares after the
//! deadline, checks the downloaded bids against the hashes the portal published, opens them and writes
//! the comparison table and the key to publish, so that anyone can redo the opening.

use age::secrecy::ExposeSecret;
use clap::{Parser, Subcommand};
use committee::{opening, shares};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "committee",
    about = "The procurement committee's offline tool: a tender's key split among the members, the opening of sealed bids",
    after_long_help = "Examples:\n  committee keygen --tender SC-2026-001 --threshold 2 --members 3 --out llaves\n  \
committee open --tender SC-2026-001 --recipient age1… --share ana.txt --share luis.txt --bids ofertas \
--hashes ofertas/sha256.txt --out apertura"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Makes the tender's key, prints its recipient (to publish with the tender) and writes one share
    /// file a member. The key is not written anywhere: only k shares together rebuild it.
    Keygen {
        /// The tender's number, as the portal shows it. Example: --tender SC-2026-001
        #[arg(long)]
        tender: String,
        /// How many members must come together to open the bids (k). Example: --threshold 2
        #[arg(long)]
        threshold: usize,
        /// How many members hold a share (n). Example: --members 3
        #[arg(long)]
        members: usize,
        /// A new folder for `recipient.txt` and `share-1.txt` … `share-n.txt`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rebuilds the key from k shares, checks each bid against the published hashes, opens them and
    /// writes each bid (JSON), `cuadro-comparativo.csv` and `clave-<tender>.txt` (the key to publish).
    Open {
        #[arg(long)]
        tender: String,
        /// The tender's recipient as published (age1…).
        #[arg(long)]
        recipient: String,
        /// A member's share file; give at least k. Example: --share ana.txt --share luis.txt
        #[arg(long = "share", required = true)]
        shares: Vec<PathBuf>,
        /// The folder of downloaded ciphertexts.
        #[arg(long)]
        bids: PathBuf,
        /// The published list of SHA-256 (`sha256sum` format).
        #[arg(long)]
        hashes: PathBuf,
        /// A new folder for what the opening writes.
        #[arg(long)]
        out: PathBuf,
    },
}

fn new_folder(path: &Path) -> Result<(), String> {
    if path.exists() {
        return Err(format!("{} exists already: name a new folder", path.display()));
    }
    std::fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn keygen(tender: &str, threshold: usize, members: usize, out: &Path) -> Result<(), String> {
    let (recipient, shares) = shares::split_new_key(tender, threshold, members).map_err(|e| e.to_string())?;
    new_folder(out)?;
    write_private(&out.join("recipient.txt"), &format!("{recipient}\n"))?;
    for share in &shares {
        let text = format!(
            "# Share {} of {} of the key of tender {tender} ({} needed to open the bids). Keep it offline.\n{}\n",
            share.index,
            share.n,
            share.k,
            share.line()
        );
        write_private(&out.join(format!("share-{}.txt", share.index)), &text)?;
    }
    println!("Tender {tender}: key split {threshold}-of-{members}. Publish this recipient with the tender:");
    println!("{recipient}");
    println!("Give each member one share file from {} and delete the copies here.", out.display());
    Ok(())
}

/// A share file's line: the first line that is not a comment.
fn share_line(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .ok_or_else(|| format!("{} holds no share", path.display()))
}

fn open(args: (&str, &str, &[PathBuf], &Path, &Path, &Path)) -> Result<(), String> {
    let (tender, recipient, share_files, bids, hashes, out) = args;
    let lines = share_files.iter().map(|path| share_line(path)).collect::<Result<Vec<_>, _>>()?;
    let identity = shares::rebuild(&lines, recipient).map_err(|e| e.to_string())?;
    let list = std::fs::read_to_string(hashes).map_err(|e| format!("cannot read {}: {e}", hashes.display()))?;
    let listed = opening::read_hash_list(&list).map_err(|e| e.to_string())?;
    let opened = opening::open_bids(bids, &listed, &identity, tender).map_err(|e| e.to_string())?;
    new_folder(out)?;
    for bid in &opened {
        if let Ok(document) = &bid.outcome {
            let stem = bid.file.trim_end_matches(".age");
            // The files are written as files; the document keeps their names, sizes and SHA-256.
            let mut listed = document.clone();
            listed.attachments.iter_mut().for_each(|attachment| attachment.content.clear());
            let json = serde_json::to_string_pretty(&listed).expect("a document serialises");
            std::fs::write(out.join(format!("{stem}.json")), json).map_err(|e| format!("cannot write: {e}"))?;
            let files = opening::attachment_files(document);
            if !files.is_empty() {
                let folder = out.join(format!("{stem}-archivos"));
                std::fs::create_dir(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
                for (name, bytes) in files {
                    std::fs::write(folder.join(name), bytes).map_err(|e| format!("cannot write: {e}"))?;
                }
            }
        }
    }
    std::fs::write(out.join("cuadro-comparativo.csv"), opening::comparison_csv(&opened))
        .map_err(|e| format!("cannot write the table: {e}"))?;
    let key = identity.to_string();
    let text = format!(
        "# The key of tender {tender}, published after the opening: anyone can decrypt the published bids with\n\
         # age -d -i clave-{tender}.txt <bid>.age\n{}\n",
        key.expose_secret()
    );
    write_private(&out.join(format!("clave-{tender}.txt")), &text)?;
    let readable = opened.iter().filter(|bid| bid.outcome.is_ok()).count();
    println!("Tender {tender}: {} bids on the published list, {readable} opened.", opened.len());
    for bid in opened.iter().filter(|bid| bid.outcome.is_err()) {
        println!("  {}: {}", bid.file, bid.outcome.as_ref().err().cloned().unwrap_or_default());
    }
    println!(
        "Written to {}: each bid (its files in <bid>-archivos/), cuadro-comparativo.csv, clave-{tender}.txt.",
        out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.command {
        Command::Keygen { tender, threshold, members, out } => keygen(tender, *threshold, *members, out),
        Command::Open { tender, recipient, shares, bids, hashes, out } => {
            open((tender, recipient, shares, bids, hashes, out))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("committee: {message}");
            ExitCode::FAILURE
        }
    }
}
