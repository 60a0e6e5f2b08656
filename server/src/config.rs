//! The portal's configuration: `Leptos.toml`, the one file a deployer edits, where every key can be
//! overridden by an environment variable `PORTAL_<SECTION>__<KEY>` (for example
//! `PORTAL_DATABASE__URL=postgres://...`). The server validates all of it at start and refuses to
//! run with a message that names each bad key and why.

use app::i18n::Locale;
use app::reporting::storage::office_keys::ConfiguredKey;
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Prefix of the environment variables that override `Leptos.toml`.
pub const ENV_PREFIX: &str = "PORTAL_";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    pub site: SiteConfig,
    pub database: DatabaseConfig,
    pub integrity_office: IntegrityOfficeConfig,
    pub limits: LimitsConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The address and port the server listens on.
    pub address: SocketAddr,
    /// The address citizens use to reach the portal, e.g. `https://denuncias.miraflores.gob.pe`.
    pub public_url: String,
    /// The language of unprefixed pages: `es-PE` or `en`.
    pub default_language: String,
    /// Where the portal keeps its files (the SQLite database, the demo key).
    pub data_dir: PathBuf,
    /// Where the built site (`pkg/` and the public assets) is. Defaults to the build's own output.
    #[serde(default)]
    pub assets_dir: Option<PathBuf>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path/to/file.db` (default) or `postgres://user:password@host/database`.
    pub url: String,
    pub max_connections: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrityOfficeConfig {
    /// The office's age X25519 public keys; every report is encrypted to all of them.
    #[serde(default)]
    pub recipients: Vec<RecipientConfig>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientConfig {
    /// Who holds the key, e.g. "Jefa de la Oficina de Integridad".
    pub name: String,
    /// A short stable id stored with each report, e.g. `integridad-2026-01`.
    pub key_id: String,
    /// The age recipient, `age1...`.
    pub recipient: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest encrypted report document accepted, in bytes.
    pub max_report_bytes: u64,
    /// Largest encrypted attachment accepted, in bytes.
    pub max_attachment_bytes: u64,
    /// Most attachments in one report.
    pub max_attachments: u32,
    /// Reports accepted per minute across the whole portal through the browser path, which pays a
    /// proof of work for each (a global limit: no per-IP state).
    pub reports_per_minute: u32,
    /// Reports accepted per minute through the plain form (no JavaScript), which cannot pay a proof of
    /// work: a budget of its own, so a flood of plain forms cannot take the browser path's.
    #[serde(default = "default_plain_form_reports_per_minute")]
    pub plain_form_reports_per_minute: u32,
    /// Seconds a plain form must have been open before it is accepted (its ticket's minimum age): the
    /// cost a browser without JavaScript pays in place of a proof of work. A person takes longer than
    /// this to write a report; a script must fetch a form and wait before every submission.
    #[serde(default = "default_plain_form_wait_seconds")]
    pub plain_form_wait_seconds: u64,
    /// Proof-of-work difficulty in bits: a browser computes about 2^bits SHA-256 hashes per report.
    pub proof_of_work_bits: u32,
    /// Disk room for attachments still being uploaded, in bytes: the declared ciphertext lengths of all
    /// open uploads together. A new upload that would exceed it is asked to wait.
    pub max_pending_upload_bytes: u64,
    /// Receipt lookups on the follow-up page per minute across the whole portal (each also pays a
    /// proof of work), so receipts cannot be guessed quickly even by many clients together.
    #[serde(default = "default_lookups_per_minute")]
    pub follow_up_lookups_per_minute: u32,
}

fn default_lookups_per_minute() -> u32 {
    120
}

fn default_plain_form_reports_per_minute() -> u32 {
    10
}

fn default_plain_form_wait_seconds() -> u64 {
    10
}

/// A complete, valid configuration listening on `address`, keeping its data (an SQLite file and the
/// attachments) under `data_dir`, with `recipient` as the one office key and small limits for machines
/// rather than people (a 12-bit proof of work, no wait on the plain form): what the tests, the fuzz
/// targets and the benchmarks start from, each replacing what it needs.
pub fn sample(data_dir: &Path, address: &str, recipient: &str) -> String {
    format!(
        r#"
[site]
address = "{address}"
public_url = "http://{address}"
default_language = "es-PE"
data_dir = "{data}"

[database]
url = "sqlite://{data}/portal.db"
max_connections = 4

[integrity_office]
recipients = [
  {{ name = "Oficina de Integridad", key_id = "integridad-1", recipient = "{recipient}" }},
]

[limits]
max_report_bytes = 1048576
max_attachment_bytes = 104857600
max_attachments = 10
reports_per_minute = 30
proof_of_work_bits = 12
plain_form_wait_seconds = 0
max_pending_upload_bytes = 4294967296
"#,
        data = data_dir.display()
    )
}

/// One thing wrong with the configuration, tied to the key that has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} not found (set --config or PORTAL_CONFIG)")]
    NotFound(PathBuf),
    #[error("configuration could not be read: {0}")]
    Syntax(Box<figment::Error>),
    #[error("{}", format_problems(.0))]
    Invalid(Vec<Problem>),
}

fn format_problems(problems: &[Problem]) -> String {
    let mut out = format!("configuration has {} invalid value(s):", problems.len());
    for problem in problems {
        out.push_str(&format!("\n  - {}: {}", problem.key, problem.reason));
    }
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

impl PortalConfig {
    /// Reads `path`, applies `PORTAL_*` overrides from the environment, and validates the result.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        if !path.is_file() {
            return Err(ConfigError::NotFound(path.to_path_buf()));
        }
        let config: PortalConfig = Figment::new()
            .merge(Toml::file_exact(path))
            .merge(Env::prefixed(ENV_PREFIX).filter(|key| key.as_str().contains("__")).split("__"))
            .extract()
            .map_err(|error| ConfigError::Syntax(Box::new(error)))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value, collecting all problems so a deployer can fix them in one go.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, reason: String| problems.push(Problem { key: key.into(), reason });

        if !(self.site.public_url.starts_with("https://") || self.site.public_url.starts_with("http://")) {
            problem("site.public_url", format!("{:?} is not an http:// or https:// address", self.site.public_url));
        }
        if app::locale::parse_language(&self.site.default_language).is_none() {
            problem(
                "site.default_language",
                format!("{:?} is not a supported language (es-PE or en)", self.site.default_language),
            );
        }
        if self.site.data_dir.as_os_str().is_empty() {
            problem("site.data_dir", "must not be empty".into());
        }
        if let Err(error) = app::platform::database::Backend::from_url(&self.database.url) {
            problem("database.url", error.to_string());
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            problem("database.max_connections", format!("{} is outside 1..=1000", self.database.max_connections));
        }

        for (index, recipient) in self.integrity_office.recipients.iter().enumerate() {
            let key = |field: &str| format!("integrity_office.recipients[{index}].{field}");
            if recipient.name.trim().is_empty() || recipient.name.chars().count() > 100 {
                problem(&key("name"), "must be 1 to 100 characters".into());
            }
            if !is_valid_key_id(&recipient.key_id) {
                problem(
                    &key("key_id"),
                    format!(
                        "{:?} must be 1 to 64 characters of a-z, 0-9, '.', '-' or '_', starting with a letter or digit",
                        recipient.key_id
                    ),
                );
            }
            if let Err(reason) = age::x25519::Recipient::from_str(recipient.recipient.trim()) {
                problem(
                    &key("recipient"),
                    format!("{:?} is not a valid age X25519 recipient (age1...): {reason}", recipient.recipient),
                );
            } else if recipient.recipient.trim().parse::<envelope::Recipient>().is_err() {
                // Bech32 allows all capitals, which age accepts and the portal's envelope (as the age
                // spec's lower-case form) does not: caught here instead of failing at start.
                problem(
                    &key("recipient"),
                    format!("{:?} must be in lower case, as age-keygen prints it", recipient.recipient),
                );
            }
            let earlier = &self.integrity_office.recipients[..index];
            if earlier.iter().any(|other| other.key_id == recipient.key_id) {
                problem(&key("key_id"), format!("{:?} is used by more than one recipient", recipient.key_id));
            }
            if earlier.iter().any(|other| other.recipient.trim() == recipient.recipient.trim()) {
                problem(&key("recipient"), "the same key is listed twice".into());
            }
        }

        let limits = &self.limits;
        if limits.max_report_bytes == 0 {
            problem("limits.max_report_bytes", "must be greater than 0".into());
        }
        if limits.max_attachment_bytes == 0 {
            problem("limits.max_attachment_bytes", "must be greater than 0".into());
        }
        if limits.follow_up_lookups_per_minute == 0 {
            problem("limits.follow_up_lookups_per_minute", "must be greater than 0".into());
        }
        if limits.reports_per_minute == 0 {
            problem("limits.reports_per_minute", "must be greater than 0".into());
        }
        if limits.plain_form_reports_per_minute == 0 {
            problem("limits.plain_form_reports_per_minute", "must be greater than 0".into());
        }
        if limits.plain_form_wait_seconds > 3600 {
            // A ticket lives a day; an hour's wait would already turn reporters away.
            problem(
                "limits.plain_form_wait_seconds",
                format!("{} is more than 3600 (an hour)", limits.plain_form_wait_seconds),
            );
        }
        if !(8..=32).contains(&limits.proof_of_work_bits) {
            problem("limits.proof_of_work_bits", format!("{} is outside 8..=32", limits.proof_of_work_bits));
        }
        if limits.max_pending_upload_bytes < limits.max_attachment_bytes {
            problem(
                "limits.max_pending_upload_bytes",
                format!(
                    "must be at least max_attachment_bytes ({}), or no large attachment could ever be sent",
                    limits.max_attachment_bytes
                ),
            );
        }

        if problems.is_empty() { Ok(()) } else { Err(ConfigError::Invalid(problems)) }
    }

    pub fn default_locale(&self) -> Locale {
        app::locale::parse_language(&self.site.default_language).unwrap_or(Locale::es_PE)
    }

    /// The configured keys in the form the storage layer records.
    pub fn configured_keys(&self) -> Vec<ConfiguredKey> {
        self.integrity_office
            .recipients
            .iter()
            .map(|r| ConfiguredKey {
                key_id: r.key_id.clone(),
                name: r.name.trim().to_string(),
                recipient: r.recipient.trim().to_string(),
            })
            .collect()
    }
}

fn is_valid_key_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"
[site]
address = "127.0.0.1:3000"
public_url = "http://127.0.0.1:3000"
default_language = "es-PE"
data_dir = "data"

[database]
url = "sqlite://data/portal.db"
max_connections = 8

[integrity_office]
recipients = [
  { name = "Oficina de Integridad", key_id = "integridad-1", recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p" },
]

[limits]
max_report_bytes = 1048576
max_attachment_bytes = 104857600
max_attachments = 10
reports_per_minute = 30
proof_of_work_bits = 20
max_pending_upload_bytes = 4294967296
"#;

    fn parse(text: &str) -> PortalConfig {
        Figment::new().merge(Toml::string(text)).extract().expect("parses")
    }

    fn problems(config: &PortalConfig) -> Vec<Problem> {
        match config.validate() {
            Err(ConfigError::Invalid(problems)) => problems,
            other => panic!("expected validation problems, got {other:?}"),
        }
    }

    #[test]
    fn the_example_configuration_is_valid() {
        let config = parse(VALID);
        config.validate().expect("valid");
        assert_eq!(config.default_locale(), Locale::es_PE);
        assert_eq!(config.configured_keys()[0].key_id, "integridad-1");
    }

    #[test]
    fn a_bad_recipient_is_named_by_its_key() {
        let config =
            parse(&VALID.replace("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", "age1notakey"));
        let problems = problems(&config);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "integrity_office.recipients[0].recipient");
        assert!(problems[0].reason.contains("age1notakey"), "{}", problems[0].reason);
    }

    /// Found by fuzzing: age accepts a key in capitals, the server's envelope does not, and the server
    /// panicked at start on a configuration it had validated.
    #[test]
    fn a_recipient_in_capitals_is_refused_with_its_reason() {
        let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        let problems = problems(&parse(&VALID.replace(key, &key.to_uppercase())));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "integrity_office.recipients[0].recipient");
        assert!(problems[0].reason.contains("lower case"), "{}", problems[0].reason);
    }

    #[test]
    fn a_wait_longer_than_an_hour_is_refused() {
        let config =
            parse(&VALID.replace("proof_of_work_bits = 20", "proof_of_work_bits = 20\nplain_form_wait_seconds = 3601"));
        let keys: Vec<_> = problems(&config).into_iter().map(|p| p.key).collect();
        assert_eq!(keys, ["limits.plain_form_wait_seconds"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let config = parse(
            &VALID
                .replace("\"es-PE\"", "\"fr\"")
                .replace("sqlite://data/portal.db", "mysql://db")
                .replace("integridad-1", "Bad Id!")
                .replace("reports_per_minute = 30", "reports_per_minute = 0"),
        );
        let keys: Vec<_> = problems(&config).into_iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            [
                "site.default_language",
                "database.url",
                "integrity_office.recipients[0].key_id",
                "limits.reports_per_minute"
            ]
        );
    }

    #[test]
    fn upload_room_smaller_than_one_attachment_is_refused() {
        let config = parse(&VALID.replace("max_pending_upload_bytes = 4294967296", "max_pending_upload_bytes = 1000"));
        let problems = problems(&config);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "limits.max_pending_upload_bytes");
        assert!(problems[0].reason.contains("104857600"), "{}", problems[0].reason);
    }

    #[test]
    fn duplicate_key_ids_and_recipients_are_refused() {
        let line = r#"  { name = "Oficina de Integridad", key_id = "integridad-1", recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p" },"#;
        let config = parse(&VALID.replace(line, &format!("{line}\n{line}")));
        let keys: Vec<_> = problems(&config).into_iter().map(|p| p.key).collect();
        assert_eq!(keys, ["integrity_office.recipients[1].key_id", "integrity_office.recipients[1].recipient"]);
    }

    #[test]
    fn key_ids_follow_the_documented_alphabet() {
        assert!(is_valid_key_id("integridad-2026.01_a"));
        assert!(!is_valid_key_id(""));
        assert!(!is_valid_key_id("-lead"));
        assert!(!is_valid_key_id("Upper"));
        assert!(!is_valid_key_id(&"a".repeat(65)));
    }
}
