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

pub use crate::cases::FollowUpConfig;
pub use crate::civil_registry::CivilRegistryConfig;
pub use crate::participation::ParticipationConfig;
pub use crate::platform::SealedUploadsConfig;
pub use crate::reporting::ReportingConfig;
pub use crate::tramites::TramitesConfig;
pub use crate::treasury::PaymentsConfig;

/// Prefix of the environment variables that override `Leptos.toml`.
pub const ENV_PREFIX: &str = "PORTAL_";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    pub site: SiteConfig,
    pub database: DatabaseConfig,
    pub integrity_office: IntegrityOfficeConfig,
    pub sealed_uploads: SealedUploadsConfig,
    pub reporting: ReportingConfig,
    #[serde(default)]
    pub follow_up: FollowUpConfig,
    #[serde(default)]
    pub tramites: TramitesConfig,
    #[serde(default)]
    pub payments: PaymentsConfig,
    #[serde(default)]
    pub civil_registry: CivilRegistryConfig,
    #[serde(default)]
    pub participation: ParticipationConfig,
    /// `[limits]`: where these capabilities' keys were before each got its section. Read only to move
    /// its keys ([`LEGACY_LIMITS`]); a configuration written for an older portal keeps working.
    #[serde(default, rename = "limits")]
    _legacy_limits: serde::de::IgnoredAny,
    /// Keys of `[limits]` (or `PORTAL_LIMITS__*`) that were moved, for a warning at start.
    #[serde(skip)]
    pub moved_keys: Vec<String>,
    #[serde(skip)]
    legacy_problems: Vec<Problem>,
}

/// Where each key of the old `[limits]` section lives now.
pub const LEGACY_LIMITS: [(&str, &str); 9] = [
    ("max_report_bytes", "reporting.max_report_bytes"),
    ("plain_form_reports_per_minute", "reporting.plain_form_reports_per_minute"),
    ("plain_form_wait_seconds", "reporting.plain_form_wait_seconds"),
    ("reports_per_minute", "sealed_uploads.submissions_per_minute"),
    ("max_attachment_bytes", "sealed_uploads.max_attachment_bytes"),
    ("max_attachments", "sealed_uploads.max_attachments"),
    ("proof_of_work_bits", "sealed_uploads.proof_of_work_bits"),
    ("max_pending_upload_bytes", "sealed_uploads.max_pending_upload_bytes"),
    ("follow_up_lookups_per_minute", "follow_up.lookups_per_minute"),
];

/// Moves the keys of `[limits]` to their sections, unless a key is also set in its new place (then
/// that is a problem to fix, not a guess to make). Unknown `[limits]` keys are problems too.
fn move_legacy_limits(figment: Figment) -> (Figment, Vec<String>, Vec<Problem>) {
    let Ok(figment::value::Value::Dict(_, limits)) = figment.find_value("limits") else {
        return (figment, Vec::new(), Vec::new());
    };
    let (mut moved, mut problems) = (Vec::new(), Vec::new());
    let mut figment = figment;
    for (key, value) in limits {
        let old = format!("limits.{key}");
        let Some((_, new)) = LEGACY_LIMITS.iter().find(|(legacy, _)| *legacy == key) else {
            problems.push(Problem { key: old, reason: "unknown key".into() });
            continue;
        };
        if figment.find_value(new).is_ok() {
            problems.push(Problem { key: old, reason: format!("set twice: also as {new}, its place now; keep one") });
            continue;
        }
        figment = figment.merge(figment::providers::Serialized::default(new, value));
        moved.push(format!("{old} -> {new}"));
    }
    (figment, moved, problems)
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

[sealed_uploads]
max_attachment_bytes = 104857600
max_attachments = 10
submissions_per_minute = 30
proof_of_work_bits = 12
max_pending_upload_bytes = 4294967296

[reporting]
max_report_bytes = 1048576
plain_form_wait_seconds = 0

[tramites]
wrong_lookups_per_minute = 60
"#,
        data = data_dir.display()
    )
}

/// `text` (a configuration such as [`sample`]'s) with `section.key` set to `value` (TOML as written):
/// the key's line replaced, or added under its section's header. Panics if the section is missing, so
/// a test or benchmark never runs quietly with the value it meant to change.
pub fn set_key(text: &str, path: &str, value: &str) -> String {
    let (section, key) = path.split_once('.').expect("a key path is section.key");
    let header = format!("[{section}]\n");
    let start = text.find(&header).unwrap_or_else(|| panic!("no [{section}] section")) + header.len();
    let end = text[start..].find("\n[").map_or(text.len(), |at| start + at + 1);
    let mut lines: Vec<String> = text[start..end].lines().map(str::to_string).collect();
    let line = format!("{key} = {value}");
    match lines.iter_mut().find(|l| l.split('=').next().is_some_and(|name| name.trim() == key)) {
        Some(existing) => *existing = line,
        None => lines.insert(0, line),
    }
    format!("{}{}\n{}", &text[..start], lines.join("\n"), &text[end..])
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
    #[error("configuration could not be read: {}", describe_read_error(.0))]
    Syntax(Box<figment::Error>),
    #[error("{}", format_problems(.0))]
    Invalid(Vec<Problem>),
}

/// The environment variable that sets key path `path` (`database.url` is `PORTAL_DATABASE__URL`).
pub fn variable_for(path: &[&str]) -> String {
    format!("{ENV_PREFIX}{}", path.iter().map(|part| part.to_uppercase()).collect::<Vec<_>>().join("__"))
}

/// The variable a deployer set for `key` (`database.url`, `limits.x`, or a moved key by its old name),
/// if one is set: a refused value is then named by the variable, which is where it must be fixed.
fn variable_setting(key: &str) -> Option<String> {
    let mut names = vec![key.to_string()];
    names.extend(LEGACY_LIMITS.iter().filter(|(_, new)| *new == key).map(|(old, _)| format!("limits.{old}")));
    names
        .iter()
        .map(|name| variable_for(&name.split('.').collect::<Vec<_>>()))
        .find(|variable| std::env::var_os(variable).is_some())
}

/// Each of figment's errors, named by the variable or file the bad value came from.
fn describe_read_error(error: &figment::Error) -> String {
    let described: Vec<String> = error
        .clone()
        .into_iter()
        .map(|error| {
            let path: Vec<&str> = error.path.iter().map(String::as_str).collect();
            let from_environment = error.metadata.as_ref().is_some_and(|m| m.name.contains("environment"));
            let key = path.join(".").to_lowercase();
            match (&error.metadata, from_environment) {
                (_, true) => format!("environment variable {}: {}", variable_for(&path), error.kind),
                (Some(metadata), false) if !key.is_empty() => match &metadata.source {
                    Some(source) => format!("{key} in {source}: {}", error.kind),
                    None => format!("{key}: {}", error.kind),
                },
                _ => error.to_string(),
            }
        })
        .collect();
    described.join("; ")
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
        let figment = Figment::new()
            .merge(Toml::file_exact(path))
            .merge(Env::prefixed(ENV_PREFIX).filter(|key| key.as_str().contains("__")).split("__"));
        Self::extract(figment)
    }

    /// The configuration in `figment`, its old `[limits]` keys moved, validated.
    pub fn extract(figment: Figment) -> Result<Self, ConfigError> {
        let (figment, moved_keys, legacy_problems) = move_legacy_limits(figment);
        let mut config: PortalConfig = figment.extract().map_err(|error| ConfigError::Syntax(Box::new(error)))?;
        config.moved_keys = moved_keys;
        config.legacy_problems = legacy_problems;
        config.validate().map_err(|error| match error {
            ConfigError::Invalid(problems) => ConfigError::Invalid(
                problems
                    .into_iter()
                    .map(|problem| match variable_setting(&problem.key) {
                        Some(variable) => {
                            Problem { key: format!("{} (environment variable {variable})", problem.key), ..problem }
                        }
                        None => problem,
                    })
                    .collect(),
            ),
            other => other,
        })?;
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

        self.sealed_uploads.check(&mut problem);
        self.reporting.check(&mut problem);
        self.follow_up.check(&mut problem);
        self.tramites.check(&mut problem);
        self.payments.check(&mut problem);
        self.participation.check(&mut problem);
        problems.extend(self.legacy_problems.iter().cloned());

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

[sealed_uploads]
max_attachment_bytes = 104857600
max_attachments = 10
submissions_per_minute = 30
proof_of_work_bits = 20
max_pending_upload_bytes = 4294967296

[reporting]
max_report_bytes = 1048576
"#;

    /// The same limits in the one `[limits]` section of earlier portals.
    const LEGACY: &str = r#"
[limits]
max_report_bytes = 1048576
max_attachment_bytes = 104857600
max_attachments = 10
reports_per_minute = 30
proof_of_work_bits = 20
max_pending_upload_bytes = 4294967296
follow_up_lookups_per_minute = 60
"#;

    fn head() -> &'static str {
        &VALID[..VALID.find("[sealed_uploads]").unwrap()]
    }

    fn parse(text: &str) -> PortalConfig {
        Figment::new().merge(Toml::string(text)).extract().expect("parses")
    }

    fn problems(config: &PortalConfig) -> Vec<Problem> {
        match config.validate() {
            Err(ConfigError::Invalid(problems)) => problems,
            other => panic!("expected validation problems, got {other:?}"),
        }
    }

    fn load(text: &str) -> Result<PortalConfig, ConfigError> {
        PortalConfig::extract(Figment::new().merge(Toml::string(text)))
    }

    #[test]
    fn an_older_limits_section_is_moved_to_each_capability() {
        let config = load(&format!("{}{LEGACY}", head())).expect("valid");
        assert_eq!(config.reporting.max_report_bytes, 1_048_576);
        assert_eq!(config.sealed_uploads.submissions_per_minute, 30);
        assert_eq!(config.sealed_uploads.max_pending_upload_bytes, 4_294_967_296);
        assert_eq!(config.follow_up.lookups_per_minute, 60);
        assert_eq!(config.moved_keys.len(), 7);
        assert!(
            config.moved_keys.contains(&"limits.reports_per_minute -> sealed_uploads.submissions_per_minute".into())
        );
    }

    #[test]
    fn an_older_key_beside_its_new_place_or_unknown_is_refused() {
        let text = format!("{VALID}{}", LEGACY.replace("follow_up_lookups_per_minute = 60", "max_reports_per_day = 3"));
        let Err(ConfigError::Invalid(problems)) = load(&text) else { panic!("refused") };
        let keys: Vec<_> = problems.iter().map(|p| p.key.as_str()).collect();
        assert!(keys.contains(&"limits.max_report_bytes"), "{keys:?}");
        assert!(keys.contains(&"limits.max_reports_per_day"), "{keys:?}");
        assert_eq!(problems.len(), 7, "{problems:?}");
        assert!(problems[0].reason.contains("set twice"), "{}", problems[0].reason);
    }

    #[test]
    fn the_example_configuration_is_valid() {
        let config = parse(VALID);
        config.validate().expect("valid");
        assert_eq!(config.default_locale(), Locale::es_PE);
        assert_eq!(config.configured_keys()[0].key_id, "integridad-1");
    }

    #[test]
    fn set_key_replaces_or_adds_within_its_section() {
        let text = set_key(VALID, "sealed_uploads.max_attachments", "2");
        let text = set_key(&text, "reporting.plain_form_wait_seconds", "3");
        let config = parse(&text);
        assert_eq!((config.sealed_uploads.max_attachments, config.reporting.plain_form_wait_seconds), (2, 3));
        assert_eq!(config.reporting.max_report_bytes, 1_048_576);
        assert_eq!(text.lines().count(), VALID.lines().count() + 1);
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
        let config = parse(
            &VALID.replace("max_report_bytes = 1048576", "max_report_bytes = 1048576\nplain_form_wait_seconds = 3601"),
        );
        let keys: Vec<_> = problems(&config).into_iter().map(|p| p.key).collect();
        assert_eq!(keys, ["reporting.plain_form_wait_seconds"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let config = parse(
            &VALID
                .replace("\"es-PE\"", "\"fr\"")
                .replace("sqlite://data/portal.db", "mysql://db")
                .replace("integridad-1", "Bad Id!")
                .replace("submissions_per_minute = 30", "submissions_per_minute = 0"),
        );
        let keys: Vec<_> = problems(&config).into_iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            [
                "site.default_language",
                "database.url",
                "integrity_office.recipients[0].key_id",
                "sealed_uploads.submissions_per_minute"
            ]
        );
    }

    #[test]
    fn upload_room_smaller_than_one_attachment_is_refused() {
        let config = parse(&VALID.replace("max_pending_upload_bytes = 4294967296", "max_pending_upload_bytes = 1000"));
        let problems = problems(&config);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "sealed_uploads.max_pending_upload_bytes");
        assert!(problems[0].reason.contains("104857600"), "{}", problems[0].reason);
    }

    #[test]
    fn duplicate_key_ids_and_recipients_are_refused() {
        let key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        let line = format!(r#"  {{ name = "Oficina de Integridad", key_id = "integridad-1", recipient = "{key}" }},"#);
        let config = parse(&VALID.replace(&line, &format!("{line}\n{line}")));
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
