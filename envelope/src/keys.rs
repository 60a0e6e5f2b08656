//! age X25519 keys: `age1…` recipients and `AGE-SECRET-KEY-1…` identities (Bech32, as in the age spec).

use std::fmt;
use std::str::FromStr;

use bech32::{FromBase32, ToBase32, Variant};
use rand_core::OsRng;
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

const RECIPIENT_HRP: &str = "age";
const IDENTITY_HRP: &str = "age-secret-key-";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("not an age X25519 recipient (expected age1… in Bech32)")]
    InvalidRecipient,
    #[error("not an age X25519 identity (expected AGE-SECRET-KEY-1… in Bech32)")]
    InvalidIdentity,
    #[error("the identity file holds no AGE-SECRET-KEY-1… line")]
    NoIdentityInFile,
}

/// A public key that files are encrypted to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Recipient(pub(crate) PublicKey);

impl Recipient {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(PublicKey::from(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// A short, stable fingerprint that officers and reporters can compare by eye: the first 16 bytes of
    /// SHA-256 over the recipient string, as four groups of eight hex digits.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.to_string().as_bytes());
        digest[..16].chunks(4).map(crate::hex_lower).collect::<Vec<_>>().join(" ")
    }
}

impl FromStr for Recipient {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = decode_key(text, RECIPIENT_HRP, KeyCase::Lower).ok_or(KeyError::InvalidRecipient)?;
        Ok(Self::from_bytes(*bytes))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = bech32::encode(RECIPIENT_HRP, self.as_bytes().to_base32(), Variant::Bech32)
            .expect("a 32-byte key always encodes");
        f.write_str(&text)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({self})")
    }
}

/// A secret key that files can be decrypted with. Its `Debug` output never shows the secret.
#[derive(Clone)]
pub struct Identity(pub(crate) StaticSecret);

impl Identity {
    pub fn generate() -> Self {
        Self(StaticSecret::random_from_rng(OsRng))
    }

    /// Uses 32 bytes (for example derived from a receipt) as the secret scalar; X25519 clamps it.
    pub fn from_secret_bytes(bytes: [u8; 32]) -> Self {
        Self(StaticSecret::from(bytes))
    }

    pub fn to_public(&self) -> Recipient {
        Recipient(PublicKey::from(&self.0))
    }

    /// The `AGE-SECRET-KEY-1…` string, in a buffer that is wiped when dropped.
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let bytes = Zeroizing::new(self.0.to_bytes());
        let text =
            bech32::encode(IDENTITY_HRP, bytes.to_base32(), Variant::Bech32).expect("a 32-byte key always encodes");
        Zeroizing::new(text.to_ascii_uppercase())
    }

    /// Every identity in an age identity file: `#` comments and blank lines are skipped.
    pub fn from_file_text(text: &str) -> Result<Vec<Identity>, KeyError> {
        let identities = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::parse)
            .collect::<Result<Vec<Identity>, _>>()?;
        if identities.is_empty() {
            return Err(KeyError::NoIdentityInFile);
        }
        Ok(identities)
    }
}

impl FromStr for Identity {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let secret = decode_key(text, IDENTITY_HRP, KeyCase::Upper).ok_or(KeyError::InvalidIdentity)?;
        Ok(Self::from_secret_bytes(*secret))
    }
}

/// The one case an age key string is written in: recipients lower, identities upper. bech32 itself
/// accepts either; the age spec does not.
#[derive(Clone, Copy)]
enum KeyCase {
    Lower,
    Upper,
}

/// The 32 key bytes of a bech32 age key string with human-readable part `hrp`, or `None`. Wiped when
/// dropped: for an identity they are the secret.
fn decode_key(text: &str, hrp: &str, case: KeyCase) -> Option<Zeroizing<[u8; 32]>> {
    let (found, data, variant) = bech32::decode(text).ok()?;
    let wrong_case = match case {
        KeyCase::Lower => text.chars().any(|c| c.is_ascii_uppercase()),
        KeyCase::Upper => text.chars().any(|c| c.is_ascii_lowercase()),
    };
    if found != hrp || variant != Variant::Bech32 || wrong_case {
        return None;
    }
    let bytes = Zeroizing::new(Vec::<u8>::from_base32(&data).ok()?);
    Some(Zeroizing::new(bytes.as_slice().try_into().ok()?))
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identity(public: {})", self.to_public())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::age::secrecy::ExposeSecret;

    #[test]
    fn keys_round_trip_through_their_strings() {
        let identity = Identity::generate();
        let secret = identity.to_secret_string();
        assert!(secret.starts_with("AGE-SECRET-KEY-1"));
        let parsed: Identity = secret.parse().unwrap();
        assert_eq!(parsed.to_public(), identity.to_public());
        let recipient_text = identity.to_public().to_string();
        assert!(recipient_text.starts_with("age1"));
        assert_eq!(recipient_text.parse::<Recipient>().unwrap(), identity.to_public());
    }

    #[test]
    fn keys_match_the_reference_implementation() {
        let reference = ::age::x25519::Identity::generate();
        let ours: Identity = reference.to_string().expose_secret().parse().unwrap();
        assert_eq!(ours.to_public().to_string(), reference.to_public().to_string());
    }

    #[test]
    fn malformed_keys_are_refused() {
        let recipient = Identity::generate().to_public().to_string();
        assert_eq!("age1xyz".parse::<Recipient>(), Err(KeyError::InvalidRecipient));
        assert_eq!(recipient.to_uppercase().parse::<Recipient>(), Err(KeyError::InvalidRecipient));
        let mut flipped = recipient.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'q' { b'p' } else { b'q' };
        assert!(String::from_utf8(flipped).unwrap().parse::<Recipient>().is_err());
        assert!(recipient.parse::<Identity>().is_err());
        let secret = Identity::generate().to_secret_string();
        assert!(matches!(secret.to_lowercase().parse::<Identity>(), Err(KeyError::InvalidIdentity)));
        assert!(matches!(Identity::from_file_text("# only a comment\n"), Err(KeyError::NoIdentityInFile)));
    }

    #[test]
    fn identity_debug_output_hides_the_secret() {
        let identity = Identity::generate();
        let debug = format!("{identity:?}");
        assert!(!debug.contains("AGE-SECRET-KEY"));
    }
}
