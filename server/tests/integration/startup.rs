//! The server refuses a bad configuration with a message naming the key, and a non-zero exit code.

use crate::common;

use common::{OFFICE_KEY, server_command, valid_config, write_config};
use std::process::Output;

const EXIT_CONFIG: i32 = 2;

fn run_with(config_text: &str, envs: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), config_text);
    let mut command = server_command(&path);
    command.envs(envs.iter().copied());
    (command.output().expect("run the server"), dir)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_invalid_recipient_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = valid_config(dir.path(), "127.0.0.1:0").replace(OFFICE_KEY, "age1thisisnotakey");
    let (output, _dir) = run_with(&text, &[]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    assert!(message.contains("integrity_office.recipients[0].recipient"), "{message}");
    assert!(message.contains("age1thisisnotakey"), "{message}");
    assert!(message.contains("not a valid age X25519 recipient"), "{message}");
    assert!(!dir.path().join("data").exists(), "nothing is created before the configuration is valid");
}

#[test]
fn a_syntax_error_is_refused_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let text = valid_config(dir.path(), "127.0.0.1:0").replace("max_connections = 4", "max_connections = \"four\"");
    let (output, _dir) = run_with(&text, &[]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    assert!(message.contains("database.max_connections"), "{message}");
}

#[test]
fn an_unknown_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = valid_config(dir.path(), "127.0.0.1:0").replace("[reporting]", "[reporting]\nmax_reports_per_day = 3");
    let (output, _dir) = run_with(&text, &[]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    assert!(stderr(&output).contains("max_reports_per_day"), "{}", stderr(&output));
}

/// A deployment's `PORTAL_LIMITS__*` variables, from before `[limits]` was split by capability, still
/// apply: validated in their new place, and named there.
#[test]
fn an_older_limits_variable_still_applies_in_its_new_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = valid_config(dir.path(), "127.0.0.1:0");
    let (output, _dir) = run_with(&text, &[("PORTAL_LIMITS__FOLLOW_UP_LOOKUPS_PER_MINUTE", "0")]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    let named = "follow_up.lookups_per_minute (environment variable PORTAL_LIMITS__FOLLOW_UP_LOOKUPS_PER_MINUTE)";
    assert!(message.contains(&format!("{named}: must be greater than 0")), "{message}");
    // Set in both places, it is refused rather than one silently winning.
    let (output, _dir) = run_with(&text, &[("PORTAL_LIMITS__PROOF_OF_WORK_BITS", "16")]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    assert!(
        message
            .contains("limits.proof_of_work_bits (environment variable PORTAL_LIMITS__PROOF_OF_WORK_BITS): set twice"),
        "{message}"
    );
}

#[test]
fn an_environment_override_is_validated_like_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = valid_config(dir.path(), "127.0.0.1:0");
    let (output, _dir) = run_with(&text, &[("PORTAL_DATABASE__URL", "mysql://db.example/portal")]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    assert!(message.contains("database.url (environment variable PORTAL_DATABASE__URL)"), "{message}");
    assert!(message.contains("mysql://db.example/portal"), "{message}");
    // A value that is not even of the key's type is named by its variable too.
    let (output, _dir) = run_with(&text, &[("PORTAL_DATABASE__MAX_CONNECTIONS", "four")]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    assert!(message.contains("environment variable PORTAL_DATABASE__MAX_CONNECTIONS: invalid type"), "{message}");
}

#[test]
fn no_recipient_is_refused_unless_in_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let text = valid_config(dir.path(), "127.0.0.1:0");
    let start = text.find("recipients = [").unwrap();
    let end = start + text[start..].find(']').unwrap() + 1;
    let without = format!("{}recipients = []{}", &text[..start], &text[end..]);
    let (output, _dir) = run_with(&without, &[]);
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    let message = stderr(&output);
    assert!(message.contains("integrity_office.recipients"), "{message}");
    assert!(message.contains("--demo"), "{message}");
}

#[test]
fn a_missing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = server_command(&dir.path().join("nowhere.toml")).output().unwrap();
    assert_eq!(output.status.code(), Some(EXIT_CONFIG));
    assert!(stderr(&output).contains("not found"), "{}", stderr(&output));
}
