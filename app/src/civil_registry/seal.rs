//! A certificate's seal: its data as a short signed text and an Ed25519 signature by the
//! municipality's key. The code a QR carries is `base64url(data).base64url(signature)` (RFC 4648 §5,
//! padded, so `basenc --base64url -d` reads it), after `<portal>/verificar?c=`. The data are the exact
//! bytes signed: nothing is re-serialised before checking, so no canonical form can go wrong.
//!
//! Offline, with the published public key (`/verificar/clave-publica.pem`):
//! `basenc --base64url -d` each half into `datos.txt` and `firma.bin`, then
//! `openssl pkeyutl -verify -pubin -inkey clave-publica.pem -rawin -in datos.txt -sigfile firma.bin`.

use super::RecordKind;
use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The first line of every certificate's data: the issuer and the format's version.
pub const HEADER: &str = "MUNICIPALIDAD DE MIRAFLORES - CERTIFICADO DE REGISTRO CIVIL v1";

/// What a certificate says, as signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateData {
    /// The request's number, which is the certificate's.
    pub number: String,
    pub kind: RecordKind,
    pub record_number: String,
    pub event_date: String,
    pub names: String,
    /// The day it was issued, `YYYY-MM-DD`.
    pub issued_on: String,
    /// Which key signed it: the first 8 bytes of the SHA-256 of the public key, hex.
    pub key_id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Not a certificate code at all (cut short, mistyped, another QR).
    #[error("not a certificate code")]
    Malformed,
    /// A code whose signature does not match its data under the municipality's key: altered, or not ours.
    #[error("the signature does not match")]
    BadSignature,
}

/// The key's id, as certificates name it.
pub fn key_id(key: &VerifyingKey) -> String {
    envelope::hex_lower(&Sha256::digest(key.as_bytes())[..8])
}

/// One line per field; a value never holds a line break (they are replaced by spaces).
fn text(data: &CertificateData) -> String {
    let clean = |value: &str| value.replace(['\n', '\r'], " ");
    format!(
        "{HEADER}\nnumero:{}\ntipo:{}\nacta:{}\nfecha:{}\nnombres:{}\nemitido:{}\nclave:{}\n",
        clean(&data.number),
        data.kind.code(),
        clean(&data.record_number),
        clean(&data.event_date),
        clean(&data.names),
        clean(&data.issued_on),
        clean(&data.key_id),
    )
}

/// Signs `data`: the code a QR carries.
pub fn seal(data: &CertificateData, key: &SigningKey) -> String {
    let text = text(data);
    let signature = key.sign(text.as_bytes());
    format!("{}.{}", URL_SAFE.encode(text.as_bytes()), URL_SAFE.encode(signature.to_bytes()))
}

/// The code in what was scanned or pasted: the code itself, or the `/verificar?c=…` address.
pub fn code_in(input: &str) -> String {
    let input = input.trim();
    let code = match input.find("c=") {
        Some(at) if input.contains("://") || input.starts_with('/') => &input[at + 2..],
        _ => input,
    };
    let code = code.split(['&', '#']).next().unwrap_or_default();
    code.replace("%3D", "=").replace("%3d", "=").chars().filter(|c| !c.is_whitespace()).collect()
}

/// Reads base64url with or without its padding (tools differ; the signature decides, not the form).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Checks a code against the municipality's key and reads its data.
pub fn open(code: &str, key: &VerifyingKey) -> Result<CertificateData, SealError> {
    let (data, signature) = code.split_once('.').ok_or(SealError::Malformed)?;
    let data = LENIENT.decode(data).map_err(|_| SealError::Malformed)?;
    let signature = LENIENT.decode(signature).map_err(|_| SealError::Malformed)?;
    let signature = Signature::from_slice(&signature).map_err(|_| SealError::Malformed)?;
    key.verify(&data, &signature).map_err(|_| SealError::BadSignature)?;
    // Signed by us, so it is in our format; a read that fails is still not a certificate.
    let text = String::from_utf8(data).map_err(|_| SealError::Malformed)?;
    parse(&text).ok_or(SealError::Malformed)
}

fn parse(text: &str) -> Option<CertificateData> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix(':').map(str::to_string);
    Some(CertificateData {
        number: field("numero")?,
        kind: RecordKind::parse(&field("tipo")?)?,
        record_number: field("acta")?,
        event_date: field("fecha")?,
        names: field("nombres")?,
        issued_on: field("emitido")?,
        key_id: field("clave")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> CertificateData {
        CertificateData {
            number: "RC-2026-000001".into(),
            kind: RecordKind::Birth,
            record_number: "A-1042".into(),
            event_date: "2019-05-04".into(),
            names: "Ana María\nQuispe Rojas".into(),
            issued_on: "2026-12-03".into(),
            key_id: "00".into(),
        }
    }

    #[test]
    fn a_sealed_code_opens_with_the_key_and_not_altered() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let code = seal(&data(), &key);
        let opened = open(&code, &key.verifying_key()).unwrap();
        assert_eq!(opened.names, "Ana María Quispe Rojas", "a line break in a value becomes a space");
        assert_eq!(opened.number, "RC-2026-000001");
        // One character of the data changed: the signature no longer matches.
        let (data, signature) = code.split_once('.').unwrap();
        let mut bytes = URL_SAFE.decode(data).unwrap();
        let at = bytes.iter().position(|b| *b == b'A').unwrap();
        bytes[at] = b'B';
        let altered = format!("{}.{signature}", URL_SAFE.encode(&bytes));
        assert_eq!(open(&altered, &key.verifying_key()), Err(SealError::BadSignature));
        // Another key's signature over the same data.
        let other = SigningKey::from_bytes(&[8; 32]);
        assert_eq!(open(&code, &other.verifying_key()), Err(SealError::BadSignature));
        assert_eq!(open("nonsense", &key.verifying_key()), Err(SealError::Malformed));
        // Without its padding (as some tools write base64url), the same code.
        assert!(open(&code.replace('=', ""), &key.verifying_key()).is_ok());
        assert_eq!(open(&code[..code.len() - 4], &key.verifying_key()), Err(SealError::Malformed));
    }

    #[test]
    fn the_code_is_found_in_a_scanned_address() {
        assert_eq!(code_in("https://portal.example/verificar?c=QUJD.REVG&x=1"), "QUJD.REVG");
        assert_eq!(code_in("/verificar?c=QUJD%3D.REVG"), "QUJD=.REVG");
        assert_eq!(code_in("  QUJD.RE\nVG "), "QUJD.REVG");
    }
}
