//! Checks, without any key, that bytes are a well-formed age v1 file for a known number of X25519
//! recipients: the version line, one X25519 stanza per recipient and nothing else, the MAC line, the
//! payload nonce, and a payload whose length can only be a sequence of sealed 64 KiB chunks.
//!
//! This is what the server runs on every upload while streaming it to disk. It cannot tell whether the
//! stanzas were made for the right keys (that needs a secret key), so clients also declare the key ids
//! they encrypted to.

use crate::age::{CHUNK_SIZE, DecryptError, PAYLOAD_NONCE_SIZE, TAG_SIZE, VERSION_LINE, parse_header};

/// Headers larger than this are refused; ten recipients take about 1.3 KiB.
pub const MAX_HEADER_LEN: usize = 16 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InspectError {
    #[error("not an age v1 file: {0}")]
    NotAge(String),
    #[error("the file is encrypted to {found} recipients, the integrity office has {expected}")]
    RecipientCount { expected: usize, found: usize },
    #[error("the file has a stanza of type {0}; only X25519 recipients are accepted")]
    UnexpectedStanza(String),
    #[error("the file ends before its last chunk: it was truncated")]
    Truncated,
}

/// What a successful check learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub total_len: u64,
    pub header_len: usize,
    pub chunks: u64,
}

/// Feed an upload through [`ObjectCheck::update`] as it arrives, then call [`ObjectCheck::finish`].
#[derive(Debug)]
pub struct ObjectCheck {
    expected_recipients: usize,
    header: Vec<u8>,
    header_len: Option<usize>,
    total_len: u64,
}

impl ObjectCheck {
    pub fn new(expected_recipients: usize) -> Self {
        Self { expected_recipients, header: Vec::new(), header_len: None, total_len: 0 }
    }

    /// Checks the header as soon as it is complete, so a non-age upload is refused at its first bytes.
    pub fn update(&mut self, bytes: &[u8]) -> Result<(), InspectError> {
        self.total_len += bytes.len() as u64;
        if self.header_len.is_some() {
            return Ok(());
        }
        let room = MAX_HEADER_LEN.saturating_sub(self.header.len());
        self.header.extend_from_slice(&bytes[..bytes.len().min(room)]);
        // Refuse at the first byte that departs from the version line, even before a newline arrives.
        let start = &self.header[..self.header.len().min(VERSION_LINE.len())];
        if !VERSION_LINE.starts_with(start) {
            return Err(InspectError::NotAge("the first line is not age-encryption.org/v1".into()));
        }
        match parse_header(&self.header) {
            Ok(Some(header)) => {
                for stanza in &header.stanzas {
                    if stanza.tag != "X25519" {
                        return Err(InspectError::UnexpectedStanza(stanza.tag.clone()));
                    }
                    if stanza.args.len() != 1 || stanza.body.len() != 32 {
                        return Err(InspectError::NotAge("an X25519 stanza is malformed".into()));
                    }
                }
                if header.stanzas.len() != self.expected_recipients {
                    return Err(InspectError::RecipientCount {
                        expected: self.expected_recipients,
                        found: header.stanzas.len(),
                    });
                }
                self.header_len = Some(header.len);
                self.header = Vec::new();
                Ok(())
            }
            Ok(None) if self.header.len() >= MAX_HEADER_LEN => {
                Err(InspectError::NotAge("the header is too long".into()))
            }
            Ok(None) => Ok(()),
            Err(DecryptError::Malformed(reason)) => Err(InspectError::NotAge(reason.into())),
            Err(other) => Err(InspectError::NotAge(other.to_string())),
        }
    }

    pub fn finish(self) -> Result<Summary, InspectError> {
        let header_len = self.header_len.ok_or(InspectError::Truncated)?;
        let payload = self.total_len - header_len as u64;
        let sealed = payload.checked_sub(PAYLOAD_NONCE_SIZE as u64).ok_or(InspectError::Truncated)?;
        let sealed_chunk = (CHUNK_SIZE + TAG_SIZE) as u64;
        let (full, rest) = (sealed / sealed_chunk, sealed % sealed_chunk);
        let plausible = (rest == 0 && full >= 1) || (rest == TAG_SIZE as u64 && full == 0) || rest > TAG_SIZE as u64;
        if !plausible {
            return Err(InspectError::Truncated);
        }
        Ok(Summary { total_len: self.total_len, header_len, chunks: full + u64::from(rest > 0) })
    }
}

/// Checks a whole object held in memory.
pub fn check(bytes: &[u8], expected_recipients: usize) -> Result<Summary, InspectError> {
    let mut check = ObjectCheck::new(expected_recipients);
    check.update(bytes)?;
    check.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Identity, encrypt};

    fn office(n: usize) -> Vec<crate::Recipient> {
        (0..n).map(|_| Identity::generate().to_public()).collect()
    }

    #[test]
    fn accepts_well_formed_files_fed_in_pieces() {
        for len in [0, 5, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE] {
            let ciphertext = encrypt(&office(2), &vec![7; len]).unwrap();
            let mut check = ObjectCheck::new(2);
            for piece in ciphertext.chunks(13) {
                check.update(piece).unwrap();
            }
            let summary = check.finish().unwrap();
            assert_eq!(summary.total_len, ciphertext.len() as u64);
            assert_eq!(summary.chunks, (len.max(1) as u64).div_ceil(CHUNK_SIZE as u64));
        }
    }

    #[test]
    fn refuses_what_is_not_age() {
        assert!(matches!(check(b"%PDF-1.7\n...", 1), Err(InspectError::NotAge(_))));
        assert!(matches!(check(br#"{"description":"texto"}"#, 1), Err(InspectError::NotAge(_))));
        assert_eq!(check(b"age-encryption.org/", 1), Err(InspectError::Truncated));
        assert!(matches!(check(&[0u8; 20_000], 1), Err(InspectError::NotAge(_))));
        let armored = b"-----BEGIN AGE ENCRYPTED FILE-----\n";
        assert!(matches!(check(armored, 1), Err(InspectError::NotAge(_))));
        let scrypt =
            b"age-encryption.org/v1\n-> scrypt c2FsdA 18\nAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
        assert_eq!(check(scrypt, 1), Err(InspectError::UnexpectedStanza("scrypt".into())));
    }

    #[test]
    fn refuses_the_wrong_number_of_recipients() {
        let ciphertext = encrypt(&office(1), b"x").unwrap();
        assert_eq!(check(&ciphertext, 2), Err(InspectError::RecipientCount { expected: 2, found: 1 }));
    }

    #[test]
    fn refuses_truncated_files() {
        let ciphertext = encrypt(&office(1), &vec![1; 2 * CHUNK_SIZE + 100]).unwrap();
        let header_len = check(&ciphertext, 1).unwrap().header_len;
        for cut in [10, header_len - 1, header_len + 10, header_len + PAYLOAD_NONCE_SIZE + 5] {
            assert!(check(&ciphertext[..cut], 1).is_err(), "cut at {cut} accepted");
        }
        // Cut 50 bytes into the last chunk: the remainder is shorter than a tag and cannot be a chunk.
        let last_chunk = header_len + PAYLOAD_NONCE_SIZE + 2 * (CHUNK_SIZE + TAG_SIZE);
        assert_eq!(check(&ciphertext[..last_chunk + 10], 1), Err(InspectError::Truncated));
    }
}
