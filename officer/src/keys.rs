//! The officer's age identity file: made by `keygen` in the format of `age-keygen` (so the stock `age`
//! CLI reads it), optionally encrypted with a passphrase the way `age -p` does (scrypt).

use age::secrecy::{ExposeSecret, SecretString};
use std::io::{Read, Write};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0} exists already; choose another file (an identity is never overwritten)")]
    Exists(String),
    #[error("the passphrase does not open {0}")]
    Passphrase(String),
    #[error("{0} holds no age identity (AGE-SECRET-KEY-1...)")]
    NoIdentity(String),
}

/// A new identity and what to paste into `Leptos.toml`.
pub struct Generated {
    pub recipient: String,
    pub key_id: String,
}

/// A key id that says when the key was made and which key it is: `integridad-<fingerprint prefix>`.
pub fn default_key_id(recipient: &envelope::Recipient) -> String {
    format!("integridad-{}", &recipient.fingerprint().replace(':', "")[..12].to_lowercase())
}

pub fn keygen(out: &Path, passphrase: Option<&str>, key_id: Option<&str>) -> Result<Generated, KeyFileError> {
    let shown = out.display().to_string();
    let io = |source| KeyFileError::Io { path: shown.clone(), source };
    if out.exists() {
        return Err(KeyFileError::Exists(shown));
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let parsed: envelope::Recipient = recipient.parse().expect("age makes valid recipients");
    let key_id = key_id.map(str::to_string).unwrap_or_else(|| default_key_id(&parsed));
    let text = format!(
        "# integrity office key {key_id}, made by the officer tool\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    );
    let bytes = match passphrase {
        None => text.into_bytes(),
        Some(passphrase) => {
            let encryptor = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_string()));
            let mut out = Vec::new();
            let mut writer = encryptor.wrap_output(&mut out).map_err(io)?;
            writer.write_all(text.as_bytes()).map_err(io)?;
            writer.finish().map_err(io)?;
            out
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(out).map_err(io)?;
    file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io)?;
    Ok(Generated { recipient, key_id })
}

/// Reads identities from a file: plain (`age-keygen` format) or passphrase-protected, in which case
/// `passphrase` is asked for.
pub fn load_identities(
    path: &Path,
    passphrase: impl FnOnce() -> Option<String>,
) -> Result<Vec<envelope::Identity>, KeyFileError> {
    let shown = path.display().to_string();
    let io = |source| KeyFileError::Io { path: shown.clone(), source };
    let bytes = std::fs::read(path).map_err(io)?;
    let text = if bytes.starts_with(envelope::age::VERSION_LINE) {
        let passphrase = passphrase().ok_or_else(|| KeyFileError::Passphrase(shown.clone()))?;
        let decryptor = age::Decryptor::new(&bytes[..]).map_err(|_| KeyFileError::Passphrase(shown.clone()))?;
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase));
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|_| KeyFileError::Passphrase(shown.clone()))?;
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(io)?;
        text
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let identities = envelope::Identity::from_file_text(&text).map_err(|_| KeyFileError::NoIdentity(shown.clone()))?;
    if identities.is_empty() {
        return Err(KeyFileError::NoIdentity(shown));
    }
    Ok(identities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_plain_and_with_a_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.txt");
        let made = keygen(&plain, None, Some("integridad-test")).unwrap();
        assert_eq!(made.key_id, "integridad-test");
        let loaded = load_identities(&plain, || None).unwrap();
        assert_eq!(loaded[0].to_public().to_string(), made.recipient);
        assert!(matches!(keygen(&plain, None, None), Err(KeyFileError::Exists(_))));

        let locked = dir.path().join("locked.age");
        let made = keygen(&locked, Some("correct horse"), None).unwrap();
        assert!(made.key_id.starts_with("integridad-"));
        assert!(std::fs::read(&locked).unwrap().starts_with(b"age-encryption.org/v1"));
        assert!(matches!(load_identities(&locked, || Some("wrong".into())), Err(KeyFileError::Passphrase(_))));
        let loaded = load_identities(&locked, || Some("correct horse".into())).unwrap();
        assert_eq!(loaded[0].to_public().to_string(), made.recipient);
    }
}
