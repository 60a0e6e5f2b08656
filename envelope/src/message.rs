//! A message on a case after the report: the office's replies (encrypted to the reporter's reply key
//! and to the office keys) and the reporter's further messages (encrypted to the office keys and to the
//! reporter's own reply key, so the follow-up page can show the whole conversation). Padded to the same
//! size classes as reports, so a message's length says as little as a report's.

use serde::{Deserialize, Serialize};

use crate::report::{AttachmentEntry, ReportError, padded_json};

pub const FORMAT: &str = "miraflores-portal/message";
pub const VERSION: u32 = 1;

/// Who wrote a message. The server stores the same word next to the ciphertext; the document repeats
/// it so a decrypted message cannot be passed off as the other party's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Office,
    Reporter,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Office => "office",
            Author::Reporter => "reporter",
        }
    }

    pub fn parse(text: &str) -> Option<Author> {
        [Author::Office, Author::Reporter].into_iter().find(|author| author.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub format: String,
    pub version: u32,
    pub author: Author,
    pub language: String,
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentEntry>,
}

impl Message {
    pub fn new(author: Author, language: &str, text: String) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            author,
            language: language.into(),
            text,
            attachments: Vec::new(),
        }
    }

    /// The JSON document padded with spaces to its size class; refused if the class exceeds `limit`.
    pub fn to_padded_json(&self, limit: usize) -> Result<Vec<u8>, ReportError> {
        padded_json(self, limit)
    }

    /// Parses a decrypted document (padding included) and checks its format and version.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReportError> {
        let message: Message = serde_json::from_slice(bytes)?;
        if message.format != FORMAT || message.version != VERSION {
            return Err(ReportError::UnsupportedVersion { format: message.format, version: message.version });
        }
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_padded_and_parse_back() {
        let mut message = Message::new(Author::Office, "es-PE", "Recibimos su denuncia.".into());
        message.attachments.push(AttachmentEntry {
            name: "oficio.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1234,
            ciphertext_sha256: "ab".repeat(32),
        });
        let padded = message.to_padded_json(1 << 20).unwrap();
        assert_eq!(padded.len(), 4096);
        assert_eq!(Message::from_json(&padded).unwrap(), message);
    }

    #[test]
    fn a_report_is_not_a_message() {
        let report = crate::report::Report::new(
            "es-PE",
            crate::report::Category::Otro,
            "x".into(),
            crate::report::EncryptedIn::Browser,
        );
        let json = serde_json::to_vec(&report).unwrap();
        assert!(Message::from_json(&json).is_err());
        assert_eq!(Author::parse("office"), Some(Author::Office));
        assert_eq!(Author::parse("officer"), None);
    }
}
