//! The report envelope shared by the reporter's browser (compiled to WASM), the portal server and the
//! integrity office's tool.
//!
//! - [`age`]: the age v1 file format (<https://age-encryption.org/v1>) for X25519 recipients, encrypting
//!   and decrypting in 64 KiB chunks so memory stays flat for large attachments. The reference `age` CLI
//!   opens everything written here and vice versa.
//! - [`inspect`]: checks that bytes are a well-formed age v1 file for a given set of recipients without
//!   any key, which is all the server can and may do.
//! - [`report`]: the versioned report document and its padding to size classes.
//! - [`attachment`]: attachments' Padmé padding, and the ciphertext lengths it allows.
//! - [`receipt`]: the reporter's receipt and the keys derived from it with Argon2id.
//! - [`message`]: replies and further messages on a case after the report.
//! - [`audit`]: the hash chain of the integrity office's audit log.
//! - [`pow`]: the proof of work that rate-limits submissions without knowing who sends them.

pub mod age;
pub mod attachment;
pub mod audit;
pub mod bid;
pub mod inspect;
pub mod keys;
pub mod message;
pub mod pow;
pub mod receipt;
pub mod report;

pub use crate::age::{DecryptError, Decryptor, Encryptor, decrypt, encrypt};
pub use crate::keys::{Identity, KeyError, Recipient};

/// Lowercase hexadecimal, the form every digest and id takes in the portal's files and database.
pub fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
