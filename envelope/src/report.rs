//! The report document: what the reporter wrote, as versioned JSON, padded to a size class before it is
//! encrypted so the ciphertext's length says little about how much was written.
//!
//! Format `miraflores-portal/report`, version 1 (documented in `envelope/REPORT_FORMAT.md`):
//!
//! ```json
//! {"format":"miraflores-portal/report","version":1,"language":"es-PE","category":"soborno",
//!  "description":"…","involved":"…","place":"…","approximate_date":"…",
//!  "identity":{"names":"…","surnames":"…","phone":"…","email":"…","lives_in_district":true},
//!  "attachments":[{"name":"acta.pdf","media_type":"application/pdf","size":123,"ciphertext_sha256":"…"}],
//!  "encrypted_in":"browser"}
//! ```
//!
//! Padding is ASCII spaces after the JSON, which every JSON parser ignores, so `age -d` output is still
//! readable and parseable.

use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "miraflores-portal/report";
pub const VERSION: u32 = 1;
/// The smallest size class; each next class doubles.
pub const MIN_PADDED_LEN: usize = 4 * 1024;

/// The categories the reporter can choose from (the integrity office may re-triage later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Soborno,
    Colusion,
    AbusoDeAutoridad,
    OmisionDeFunciones,
    UsoIndebidoDeBienes,
    Nepotismo,
    ConflictoDeIntereses,
    Otro,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Soborno,
        Category::Colusion,
        Category::AbusoDeAutoridad,
        Category::OmisionDeFunciones,
        Category::UsoIndebidoDeBienes,
        Category::Nepotismo,
        Category::ConflictoDeIntereses,
        Category::Otro,
    ];

    /// The stable identifier used in forms and in the JSON document.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Soborno => "soborno",
            Category::Colusion => "colusion",
            Category::AbusoDeAutoridad => "abuso_de_autoridad",
            Category::OmisionDeFunciones => "omision_de_funciones",
            Category::UsoIndebidoDeBienes => "uso_indebido_de_bienes",
            Category::Nepotismo => "nepotismo",
            Category::ConflictoDeIntereses => "conflicto_de_intereses",
            Category::Otro => "otro",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Who the reporter is, only if they chose to say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterIdentity {
    pub names: String,
    pub surnames: String,
    pub phone: String,
    pub email: String,
    pub lives_in_district: Option<bool>,
}

/// One attachment as listed inside the encrypted report. The name and type are only ever seen by the
/// integrity office; the digest binds the separately stored ciphertext to this report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentEntry {
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// SHA-256 of the attachment's age ciphertext, lowercase hex.
    pub ciphertext_sha256: String,
}

/// Where the plaintext was encrypted: in the reporter's browser, or on the server (no-JavaScript path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncryptedIn {
    Browser,
    Server,
}

impl EncryptedIn {
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptedIn::Browser => "browser",
            EncryptedIn::Server => "server",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub version: u32,
    pub language: String,
    pub category: Category,
    pub description: String,
    #[serde(default)]
    pub involved: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub approximate_date: String,
    #[serde(default)]
    pub identity: Option<ReporterIdentity>,
    #[serde(default)]
    pub attachments: Vec<AttachmentEntry>,
    pub encrypted_in: EncryptedIn,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report is {len} bytes, over the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    #[error("not a report document: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unsupported report format {format:?} version {version}")]
    UnsupportedVersion { format: String, version: u32 },
}

/// The size class a document of `len` bytes is padded to: 4 KiB, 8 KiB, 16 KiB, …
pub fn padded_len(len: usize) -> usize {
    len.max(MIN_PADDED_LEN).next_power_of_two()
}

/// Whether an age file of `len` bytes to `recipients` X25519 recipients can hold a padded document
/// (a report or a message): its plaintext must be exactly one size class. Every other length, a file
/// cut short or one never padded, is not something the office could open. Checked without a key.
pub fn is_document_ciphertext_len(len: u64, recipients: usize) -> bool {
    let mut class = MIN_PADDED_LEN as u64;
    loop {
        let expected = crate::age::encrypted_len(class, recipients);
        if expected >= len {
            return expected == len;
        }
        class *= 2;
    }
}

/// A document as JSON padded with spaces to its size class; refused if the class exceeds `limit`.
pub(crate) fn padded_json<T: Serialize>(document: &T, limit: usize) -> Result<Vec<u8>, ReportError> {
    let mut json = serde_json::to_vec(document)?;
    let target = padded_len(json.len());
    if target > limit {
        return Err(ReportError::TooLarge { len: json.len(), limit });
    }
    json.resize(target, b' ');
    Ok(json)
}

impl Report {
    pub fn new(language: &str, category: Category, description: String, encrypted_in: EncryptedIn) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            language: language.into(),
            category,
            description,
            involved: String::new(),
            place: String::new(),
            approximate_date: String::new(),
            identity: None,
            attachments: Vec::new(),
            encrypted_in,
        }
    }

    /// The JSON document padded with spaces to its size class; refused if the class exceeds `limit`.
    pub fn to_padded_json(&self, limit: usize) -> Result<Vec<u8>, ReportError> {
        padded_json(self, limit)
    }

    /// Parses a decrypted document (padding included) and checks its format and version.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReportError> {
        let report: Report = serde_json::from_slice(bytes)?;
        if report.format != FORMAT || report.version != VERSION {
            return Err(ReportError::UnsupportedVersion { format: report.format, version: report.version });
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(description: &str) -> Report {
        let mut report = Report::new("es-PE", Category::Soborno, description.into(), EncryptedIn::Browser);
        report.identity = Some(ReporterIdentity {
            names: "Rosa".into(),
            surnames: "Quispe Huamán".into(),
            phone: "+51 987 654 321".into(),
            email: "rosa@example.pe".into(),
            lives_in_district: Some(true),
        });
        report
    }

    #[test]
    fn padding_hides_the_length_within_a_class() {
        let short = report("Me pidieron dinero.").to_padded_json(1 << 20).unwrap();
        let longer =
            report(&"Me pidieron dinero para aprobar la licencia. ".repeat(40)).to_padded_json(1 << 20).unwrap();
        assert_eq!(short.len(), 4096);
        assert_eq!(longer.len(), 4096);
        let long = report(&"x".repeat(5000)).to_padded_json(1 << 20).unwrap();
        assert_eq!(long.len(), 8192);
        assert_eq!([0, 1, 4096, 4097, 9000, 70_000].map(padded_len), [4096, 4096, 4096, 8192, 16384, 131072]);
    }

    #[test]
    fn padded_documents_parse_back_unchanged() {
        let original = report("Cobro indebido en la ventanilla de licencias, 3 de marzo");
        let padded = original.to_padded_json(1 << 20).unwrap();
        assert_eq!(Report::from_json(&padded).unwrap(), original);
    }

    #[test]
    fn limits_and_versions_are_enforced() {
        assert!(matches!(report(&"x".repeat(10_000)).to_padded_json(8192), Err(ReportError::TooLarge { .. })));
        let mut future = report("x");
        future.version = 2;
        let json = serde_json::to_vec(&future).unwrap();
        assert!(matches!(Report::from_json(&json), Err(ReportError::UnsupportedVersion { .. })));
        assert!(Report::from_json(b"not json").is_err());
    }

    #[test]
    fn categories_round_trip_through_their_identifiers() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.as_str()));
        }
        assert_eq!(Category::parse("robo"), None);
    }

    #[test]
    fn only_whole_padded_documents_have_a_document_length() {
        let office = crate::Identity::generate().to_public();
        let reporter = crate::Identity::generate().to_public();
        for description in ["x", &"y".repeat(5000), &"z".repeat(70_000)] {
            let padded = report(description).to_padded_json(1 << 20).unwrap();
            for recipients in [vec![office], vec![office, reporter]] {
                let ciphertext = crate::encrypt(&recipients, &padded).unwrap();
                let len = ciphertext.len() as u64;
                assert!(is_document_ciphertext_len(len, recipients.len()));
                assert!(!is_document_ciphertext_len(len - 20, recipients.len()), "cut by 20 bytes");
                assert!(!is_document_ciphertext_len(len + 1, recipients.len()));
                assert!(!is_document_ciphertext_len(len, recipients.len() + 1), "another recipient count");
            }
        }
        let unpadded = crate::encrypt(&[office], b"{\"format\":\"report\"}").unwrap();
        assert!(!is_document_ciphertext_len(unpadded.len() as u64, 1));
    }
}
