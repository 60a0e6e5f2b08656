//! The `server incidents …` commands: generate a realistic data set from a seed, and import a CSV file
//! of incidents (validated, idempotent, with progress on large files). Demo mode seeds an empty
//! portal with the generated data set.

use app::platform::database::Database;
use app::transparency::storage::{self as incidents, ImportError, ImportProgress, ImportSummary};
use statistics::Month;
use statistics::generate::{Plan, generate};
use std::io::{BufWriter, Write};
use std::path::Path;

/// The demo data set: from January 2023 (the year before the published 2024 figures) to February 2026
/// (the end of the published module figures).
pub fn demo_plan() -> Plan {
    Plan {
        seed: 2024,
        from: Month::new(2023, 1).expect("month"),
        to: Month::new(2026, 2).expect("month"),
        per_month: None,
    }
}

/// Writes `plan`'s records as CSV to `out` and returns how many there were.
pub fn write_generated(plan: &Plan, out: impl Write) -> std::io::Result<u64> {
    let mut out = BufWriter::new(out);
    writeln!(out, "{}", statistics::record::CSV_HEADER.join(","))?;
    let mut line = String::with_capacity(96);
    let mut count = 0u64;
    let mut result = Ok(());
    generate(plan, |record| {
        if result.is_ok() {
            line.clear();
            record.write_csv(&mut line).expect("writing to a String");
            result = out.write_all(line.as_bytes());
            count += 1;
        }
    });
    result?;
    out.flush()?;
    Ok(count)
}

/// Imports the CSV file at `path`, printing progress to standard error.
pub async fn import_file(database: &Database, path: &Path) -> Result<ImportSummary, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let started = std::time::Instant::now();
    let progress = |p: ImportProgress| {
        let percent = (p.bytes_read * 100).checked_div(size).unwrap_or(100);
        eprintln!("  {} records read ({percent} %, {:.1} s)", p.records, started.elapsed().as_secs_f64());
    };
    match incidents::import_csv(database, std::io::BufReader::with_capacity(1 << 20, file), progress).await {
        Ok(summary) => Ok(summary),
        Err(ImportError::Invalid { count, errors }) => {
            let mut message = format!("{} refused, nothing imported: {count} problem(s)", path.display());
            for error in &errors {
                message.push_str(&format!("\n  {error}"));
            }
            if count as usize > errors.len() {
                message.push_str(&format!("\n  … and {} more", count as usize - errors.len()));
            }
            Err(message)
        }
        Err(error) => Err(format!("{}: {error}", path.display())),
    }
}

/// Demo mode: an empty portal gets the generated data set (written under the data directory, then
/// imported like any file), so the transparency pages have something to show.
pub async fn seed_demo(database: &Database, data_dir: &Path) -> Result<(), String> {
    if incidents::dataset_version(database).await.map_err(|e| e.to_string())? > 0 {
        return Ok(());
    }
    let path = data_dir.join("demo-incidents.csv");
    let file = std::fs::File::create(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let count = write_generated(&demo_plan(), file).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(" Demo incidents: importing {count} generated records from {}", path.display());
    let summary = import_file(database, &path).await?;
    println!(" Demo incidents: {} imported", summary.written);
    Ok(())
}
