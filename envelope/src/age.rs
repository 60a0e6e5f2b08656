//! The age v1 file format for X25519 recipients, written and read in 64 KiB chunks.
//!
//! ```text
//! age-encryption.org/v1
//! -> X25519 <ephemeral share, base64>
//! <file key wrapped with ChaCha20-Poly1305, base64>
//! --- <HMAC-SHA-256 of the header, base64>
//! <16-byte payload nonce><STREAM chunks: 64 KiB of plaintext + 16-byte tag each>
//! ```
//!
//! Every primitive comes from RustCrypto or dalek; this module only arranges them as the specification
//! says. Interoperability with the reference implementations is tested in both directions.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use x25519_dalek::{EphemeralSecret, PublicKey};
use zeroize::{Zeroize, Zeroizing};

use crate::keys::{Identity, Recipient};

pub const VERSION_LINE: &[u8] = b"age-encryption.org/v1\n";
pub(crate) const X25519_LABEL: &[u8] = b"age-encryption.org/v1/X25519";
/// Plaintext bytes per STREAM chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;
pub const TAG_SIZE: usize = 16;
pub const PAYLOAD_NONCE_SIZE: usize = 16;
pub(crate) const FILE_KEY_SIZE: usize = 16;
/// Base64 columns per header body line.
pub(crate) const COLUMNS: usize = 64;

type FileKey = Zeroizing<[u8; FILE_KEY_SIZE]>;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EncryptError {
    #[error("a file must be encrypted to at least one recipient")]
    NoRecipients,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecryptError {
    #[error("not an age v1 file: {0}")]
    Malformed(&'static str),
    #[error("none of the identities can open this file")]
    NoMatchingIdentity,
    #[error("the header's MAC does not match: the header was altered")]
    HeaderMac,
    #[error("chunk {0} failed authentication: the file was altered or truncated")]
    Chunk(u64),
    #[error("the file ends before its last chunk: it was truncated")]
    Truncated,
    #[error("bytes follow the last chunk")]
    TrailingData,
}

fn hkdf_expand(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, okm.as_mut())
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    okm
}

fn header_mac(file_key: &[u8], header_without_mac: &[u8]) -> Hmac<Sha256> {
    let key = hkdf_expand(&[], file_key, b"header");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref()).expect("HMAC takes any key length");
    mac.update(header_without_mac);
    mac
}

fn push_wrapped_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    let text = STANDARD_NO_PAD.encode(bytes);
    let mut lines = text.as_bytes().chunks(COLUMNS).peekable();
    while let Some(line) = lines.next() {
        out.extend_from_slice(line);
        out.push(b'\n');
        // A body whose last line is full is ended by an empty line, so readers know it is over.
        if lines.peek().is_none() && line.len() == COLUMNS {
            out.push(b'\n');
        }
    }
    if text.is_empty() {
        out.push(b'\n');
    }
}

/// Wraps the file key for one recipient: the `-> X25519` stanza.
fn write_x25519_stanza(out: &mut Vec<u8>, recipient: &Recipient, file_key: &[u8]) {
    let ephemeral = EphemeralSecret::random_from_rng(OsRng);
    let share = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&recipient.0);
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share.as_bytes());
    salt[32..].copy_from_slice(recipient.as_bytes());
    let wrap_key = hkdf_expand(&salt, shared.as_bytes(), X25519_LABEL);
    let mut body = file_key.to_vec();
    let tag = ChaCha20Poly1305::new(Key::from_slice(wrap_key.as_ref()))
        .encrypt_in_place_detached(&Nonce::default(), &[], &mut body)
        .expect("a 16-byte file key is within the AEAD's limits");
    body.extend_from_slice(&tag);
    out.extend_from_slice(b"-> X25519 ");
    out.extend_from_slice(STANDARD_NO_PAD.encode(share.as_bytes()).as_bytes());
    out.push(b'\n');
    push_wrapped_base64(out, &body);
}

/// The STREAM construction: ChaCha20-Poly1305 with an 11-byte big-endian counter and a last-chunk flag.
struct Stream {
    aead: ChaCha20Poly1305,
    counter: u64,
}

impl Stream {
    fn new(file_key: &[u8], payload_nonce: &[u8]) -> Self {
        let key = hkdf_expand(payload_nonce, file_key, b"payload");
        Self { aead: ChaCha20Poly1305::new(Key::from_slice(key.as_ref())), counter: 0 }
    }

    fn nonce(&self, last: bool) -> Nonce {
        let mut nonce = Nonce::default();
        nonce[3..11].copy_from_slice(&self.counter.to_be_bytes());
        nonce[11] = u8::from(last);
        nonce
    }

    fn seal(&mut self, chunk: &mut [u8], last: bool) -> Tag {
        let tag = self
            .aead
            .encrypt_in_place_detached(&self.nonce(last), &[], chunk)
            .expect("a 64 KiB chunk is within the AEAD's limits");
        self.counter += 1;
        tag
    }

    fn open(&mut self, chunk: &mut [u8], tag: &[u8], last: bool) -> Result<(), DecryptError> {
        self.aead
            .decrypt_in_place_detached(&self.nonce(last), &[], chunk, Tag::from_slice(tag))
            .map_err(|_| DecryptError::Chunk(self.counter))?;
        self.counter += 1;
        Ok(())
    }
}

/// Encrypts one age file incrementally: feed plaintext in any pieces with [`Encryptor::update`], then
/// call [`Encryptor::finish`]. At most one chunk of plaintext is held at a time.
pub struct Encryptor {
    stream: Stream,
    pending: Vec<u8>,
    header: Option<Vec<u8>>,
}

impl Encryptor {
    pub fn new(recipients: &[Recipient]) -> Result<Self, EncryptError> {
        if recipients.is_empty() {
            return Err(EncryptError::NoRecipients);
        }
        let mut file_key: FileKey = Zeroizing::new([0; FILE_KEY_SIZE]);
        OsRng.fill_bytes(file_key.as_mut());
        let mut header = VERSION_LINE.to_vec();
        for recipient in recipients {
            write_x25519_stanza(&mut header, recipient, file_key.as_ref());
        }
        header.extend_from_slice(b"---");
        let mac = header_mac(file_key.as_ref(), &header).finalize().into_bytes();
        header.push(b' ');
        header.extend_from_slice(STANDARD_NO_PAD.encode(mac).as_bytes());
        header.push(b'\n');
        let mut payload_nonce = [0u8; PAYLOAD_NONCE_SIZE];
        OsRng.fill_bytes(&mut payload_nonce);
        header.extend_from_slice(&payload_nonce);
        Ok(Self {
            stream: Stream::new(file_key.as_ref(), &payload_nonce),
            pending: Vec::with_capacity(CHUNK_SIZE + TAG_SIZE),
            header: Some(header),
        })
    }

    fn take_header(&mut self, out: &mut Vec<u8>) {
        if let Some(header) = self.header.take() {
            out.extend_from_slice(&header);
        }
    }

    /// Appends ciphertext for `plaintext` to `out`. A full chunk is only sealed once more plaintext
    /// follows it, because the last chunk carries a different nonce.
    pub fn update(&mut self, mut plaintext: &[u8], out: &mut Vec<u8>) {
        self.take_header(out);
        // Whole chunks with more plaintext after them are sealed straight into `out`, saving a copy.
        while self.pending.is_empty() && plaintext.len() > CHUNK_SIZE {
            let start = out.len();
            out.extend_from_slice(&plaintext[..CHUNK_SIZE]);
            let tag = self.stream.seal(&mut out[start..], false);
            out.extend_from_slice(&tag);
            plaintext = &plaintext[CHUNK_SIZE..];
        }
        while !plaintext.is_empty() {
            if self.pending.len() == CHUNK_SIZE {
                self.seal_pending(false, out);
            }
            let take = (CHUNK_SIZE - self.pending.len()).min(plaintext.len());
            self.pending.extend_from_slice(&plaintext[..take]);
            plaintext = &plaintext[take..];
        }
    }

    fn seal_pending(&mut self, last: bool, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&self.pending);
        let tag = self.stream.seal(&mut out[start..], last);
        out.extend_from_slice(&tag);
        self.pending.zeroize();
        self.pending.clear();
    }

    /// Encrypts `count` zero bytes (an attachment's padding) without a buffer of that size.
    pub fn update_zeros(&mut self, mut count: u64, out: &mut Vec<u8>) {
        const ZEROS: [u8; 4096] = [0; 4096];
        while count > 0 {
            let step = count.min(ZEROS.len() as u64) as usize;
            self.update(&ZEROS[..step], out);
            count -= step as u64;
        }
    }

    /// Seals the last chunk (empty only if the whole plaintext was empty) and appends it to `out`.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        self.take_header(out);
        self.seal_pending(true, out);
    }
}

/// The exact size of the age file [`Encryptor`] writes for `plaintext_len` bytes and `recipients` X25519
/// recipients, so a limit on ciphertext can be checked before encrypting anything.
pub fn encrypted_len(plaintext_len: u64, recipients: usize) -> u64 {
    // Version line 22, each stanza 98 (two 43-character base64 lines), MAC line 48, payload nonce 16.
    let header = 22 + 98 * recipients as u64 + 48 + PAYLOAD_NONCE_SIZE as u64;
    let chunks = plaintext_len.div_ceil(CHUNK_SIZE as u64).max(1);
    header + plaintext_len + chunks * TAG_SIZE as u64
}

/// Encrypts `plaintext` to every recipient as one age file.
pub fn encrypt(recipients: &[Recipient], plaintext: &[u8]) -> Result<Vec<u8>, EncryptError> {
    let mut encryptor = Encryptor::new(recipients)?;
    let chunks = plaintext.len() / CHUNK_SIZE + 1;
    let mut out = Vec::with_capacity(plaintext.len() + chunks * TAG_SIZE + 256 * recipients.len());
    encryptor.update(plaintext, &mut out);
    encryptor.finish(&mut out);
    Ok(out)
}

/// One parsed header stanza: its type, arguments and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    pub tag: String,
    pub args: Vec<String>,
    pub body: Vec<u8>,
}

/// A parsed age header.
#[derive(Debug, Clone)]
pub struct Header {
    pub stanzas: Vec<Stanza>,
    /// The header bytes up to and including `---`, which the MAC covers.
    pub(crate) mac_input_len: usize,
    pub mac: [u8; 32],
    /// Length of the whole header including the MAC line (not the payload nonce).
    pub len: usize,
}

fn is_canonical_base64(text: &[u8]) -> bool {
    text.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

fn decode_base64(text: &[u8]) -> Result<Vec<u8>, DecryptError> {
    if !is_canonical_base64(text) {
        return Err(DecryptError::Malformed("a header value is not base64 without padding"));
    }
    STANDARD_NO_PAD.decode(text).map_err(|_| DecryptError::Malformed("a header value is not base64 without padding"))
}

fn is_visible_ascii(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(|b| (33..=126).contains(b))
}

/// Parses the header at the start of `bytes`. `Ok(None)` means more bytes are needed.
pub fn parse_header(bytes: &[u8]) -> Result<Option<Header>, DecryptError> {
    let mut lines = LineReader { bytes, position: 0 };
    let Some(version) = lines.next_line()? else { return Ok(None) };
    if version != &VERSION_LINE[..VERSION_LINE.len() - 1] {
        return Err(DecryptError::Malformed("the first line is not age-encryption.org/v1"));
    }
    let mut stanzas = Vec::new();
    loop {
        let line_start = lines.position;
        let Some(line) = lines.next_line()? else { return Ok(None) };
        if let Some(rest) = line.strip_prefix(b"---") {
            let encoded = rest.strip_prefix(b" ").ok_or(DecryptError::Malformed("the MAC line is malformed"))?;
            let mac: [u8; 32] =
                decode_base64(encoded)?.try_into().map_err(|_| DecryptError::Malformed("the MAC is not 32 bytes"))?;
            if stanzas.is_empty() {
                return Err(DecryptError::Malformed("the header has no recipient stanza"));
            }
            return Ok(Some(Header { stanzas, mac_input_len: line_start + 3, mac, len: lines.position }));
        }
        let rest = line
            .strip_prefix(b"-> ")
            .ok_or(DecryptError::Malformed("a header line is neither a stanza nor the MAC"))?;
        let mut words = rest.split(|b| *b == b' ');
        let tag =
            words.next().filter(|w| is_visible_ascii(w)).ok_or(DecryptError::Malformed("a stanza has no type"))?;
        let mut args = Vec::new();
        for word in words {
            if !is_visible_ascii(word) {
                return Err(DecryptError::Malformed("a stanza argument is empty or not printable"));
            }
            args.push(String::from_utf8(word.to_vec()).expect("visible ASCII is UTF-8"));
        }
        let mut body = Vec::new();
        loop {
            let Some(body_line) = lines.next_line()? else { return Ok(None) };
            if body_line.len() > COLUMNS {
                return Err(DecryptError::Malformed("a stanza body line is longer than 64 columns"));
            }
            body.extend_from_slice(&decode_base64(body_line)?);
            if body_line.len() < COLUMNS {
                break;
            }
        }
        stanzas.push(Stanza { tag: String::from_utf8(tag.to_vec()).expect("visible ASCII is UTF-8"), args, body });
    }
}

struct LineReader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> LineReader<'a> {
    /// The next `\n`-terminated line without its newline, or `None` if it is not complete yet.
    fn next_line(&mut self) -> Result<Option<&'a [u8]>, DecryptError> {
        let rest = &self.bytes[self.position..];
        // A header line is short; a long run without a newline is binary data, not a header.
        let window = &rest[..rest.len().min(1024)];
        match window.iter().position(|b| *b == b'\n') {
            Some(end) => {
                self.position += end + 1;
                Ok(Some(&rest[..end]))
            }
            None if rest.len() >= 1024 => Err(DecryptError::Malformed("a header line is too long")),
            None => Ok(None),
        }
    }
}

fn unwrap_x25519(stanza: &Stanza, identity: &Identity) -> Result<Option<FileKey>, DecryptError> {
    if stanza.tag != "X25519" {
        return Ok(None);
    }
    let [share] = stanza.args.as_slice() else {
        return Err(DecryptError::Malformed("an X25519 stanza needs exactly one argument"));
    };
    let share: [u8; 32] = decode_base64(share.as_bytes())?
        .try_into()
        .map_err(|_| DecryptError::Malformed("an X25519 share is not 32 bytes"))?;
    if stanza.body.len() != FILE_KEY_SIZE + TAG_SIZE {
        return Err(DecryptError::Malformed("an X25519 stanza body is not 32 bytes"));
    }
    let shared = identity.0.diffie_hellman(&PublicKey::from(share));
    if !shared.was_contributory() {
        return Err(DecryptError::Malformed("an X25519 share is a low-order point"));
    }
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(&share);
    salt[32..].copy_from_slice(identity.to_public().as_bytes());
    let wrap_key = hkdf_expand(&salt, shared.as_bytes(), X25519_LABEL);
    let mut file_key: FileKey = Zeroizing::new([0; FILE_KEY_SIZE]);
    file_key.copy_from_slice(&stanza.body[..FILE_KEY_SIZE]);
    let opened = ChaCha20Poly1305::new(Key::from_slice(wrap_key.as_ref())).decrypt_in_place_detached(
        &Nonce::default(),
        &[],
        file_key.as_mut(),
        Tag::from_slice(&stanza.body[FILE_KEY_SIZE..]),
    );
    Ok(opened.ok().map(|()| file_key))
}

/// Decrypts one age file incrementally: give it the header with [`Decryptor::new`], then ciphertext in
/// any pieces with [`Decryptor::update`], then [`Decryptor::finish`].
pub struct Decryptor {
    stream: Option<Stream>,
    file_key: FileKey,
    buffered: Vec<u8>,
}

impl Decryptor {
    /// Opens the header at the start of `bytes` with any of `identities`, checks its MAC, and returns the
    /// decryptor and how many bytes of `bytes` the header used.
    pub fn new(bytes: &[u8], identities: &[Identity]) -> Result<(Self, usize), DecryptError> {
        let header = parse_header(bytes)?.ok_or(DecryptError::Truncated)?;
        let mut file_key = None;
        'search: for stanza in &header.stanzas {
            for identity in identities {
                if let Some(key) = unwrap_x25519(stanza, identity)? {
                    file_key = Some(key);
                    break 'search;
                }
            }
        }
        let file_key = file_key.ok_or(DecryptError::NoMatchingIdentity)?;
        header_mac(file_key.as_ref(), &bytes[..header.mac_input_len])
            .verify_slice(&header.mac)
            .map_err(|_| DecryptError::HeaderMac)?;
        let decryptor = Self { stream: None, file_key, buffered: Vec::with_capacity(CHUNK_SIZE + TAG_SIZE) };
        Ok((decryptor, header.len))
    }

    /// Appends the plaintext of every complete chunk in `ciphertext` to `out`. The last complete chunk
    /// is held back until more bytes or [`Decryptor::finish`] show whether it is the final one.
    pub fn update(&mut self, mut ciphertext: &[u8], out: &mut Vec<u8>) -> Result<(), DecryptError> {
        if self.stream.is_none() {
            let need = PAYLOAD_NONCE_SIZE - self.buffered.len();
            let take = need.min(ciphertext.len());
            self.buffered.extend_from_slice(&ciphertext[..take]);
            ciphertext = &ciphertext[take..];
            if self.buffered.len() < PAYLOAD_NONCE_SIZE {
                return Ok(());
            }
            self.stream = Some(Stream::new(self.file_key.as_ref(), &self.buffered));
            self.buffered.clear();
        }
        while !ciphertext.is_empty() {
            if self.buffered.len() == CHUNK_SIZE + TAG_SIZE {
                self.open_buffered(false, out)?;
            }
            let take = (CHUNK_SIZE + TAG_SIZE - self.buffered.len()).min(ciphertext.len());
            self.buffered.extend_from_slice(&ciphertext[..take]);
            ciphertext = &ciphertext[take..];
        }
        Ok(())
    }

    fn open_buffered(&mut self, last: bool, out: &mut Vec<u8>) -> Result<(), DecryptError> {
        let stream = self.stream.as_mut().ok_or(DecryptError::Truncated)?;
        if self.buffered.len() < TAG_SIZE {
            return Err(DecryptError::Truncated);
        }
        let split = self.buffered.len() - TAG_SIZE;
        let (chunk, tag) = self.buffered.split_at_mut(split);
        stream.open(chunk, tag, last)?;
        out.extend_from_slice(chunk);
        self.buffered.zeroize();
        self.buffered.clear();
        Ok(())
    }

    /// Opens the final chunk. Fails if the file was cut short at a chunk boundary or has trailing bytes.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<(), DecryptError> {
        let first = self.stream.as_ref().ok_or(DecryptError::Truncated)?.counter == 0;
        if self.buffered.len() == TAG_SIZE && !first {
            return Err(DecryptError::Malformed("the last chunk is empty but is not the only one"));
        }
        let counter = self.stream.as_ref().map(|s| s.counter).unwrap_or(0);
        self.open_buffered(true, out).map_err(|error| match error {
            // A full chunk that does not open as the last one either is a truncation or an alteration.
            DecryptError::Chunk(_) => DecryptError::Chunk(counter),
            other => other,
        })
    }
}

/// Decrypts a whole age file held in memory.
pub fn decrypt(identities: &[Identity], ciphertext: &[u8]) -> Result<Vec<u8>, DecryptError> {
    let (mut decryptor, header_len) = Decryptor::new(ciphertext, identities)?;
    let mut out = Vec::with_capacity(ciphertext.len());
    decryptor.update(&ciphertext[header_len..], &mut out)?;
    decryptor.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::age::secrecy::ExposeSecret;
    use std::io::{Read, Write};

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        let identity = Identity::generate();
        for len in [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE + 7] {
            let plaintext = sample(len);
            let ciphertext = encrypt(&[identity.to_public()], &plaintext).unwrap();
            assert_eq!(decrypt(std::slice::from_ref(&identity), &ciphertext).unwrap(), plaintext, "length {len}");
        }
    }

    #[test]
    fn encrypted_len_is_exact() {
        for recipients in 1..4 {
            let office: Vec<Recipient> = (0..recipients).map(|_| Identity::generate().to_public()).collect();
            for len in [0, 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE - 1] {
                let ciphertext = encrypt(&office, &sample(len)).unwrap();
                assert_eq!(
                    encrypted_len(len as u64, recipients),
                    ciphertext.len() as u64,
                    "{recipients} recipients, {len} bytes"
                );
            }
        }
    }

    #[test]
    fn incremental_encryption_in_odd_pieces_equals_one_file() {
        let identity = Identity::generate();
        let plaintext = sample(5 * CHUNK_SIZE + 123);
        let mut encryptor = Encryptor::new(&[identity.to_public()]).unwrap();
        let mut ciphertext = Vec::new();
        for piece in plaintext.chunks(7_777) {
            encryptor.update(piece, &mut ciphertext);
        }
        encryptor.finish(&mut ciphertext);
        let (mut decryptor, header_len) = Decryptor::new(&ciphertext, &[identity]).unwrap();
        let mut opened = Vec::new();
        for piece in ciphertext[header_len..].chunks(10_001) {
            decryptor.update(piece, &mut opened).unwrap();
        }
        decryptor.finish(&mut opened).unwrap();
        assert_eq!(opened, plaintext);
    }

    #[test]
    fn every_recipient_can_open_and_others_cannot() {
        let office: Vec<Identity> = (0..3).map(|_| Identity::generate()).collect();
        let recipients: Vec<Recipient> = office.iter().map(Identity::to_public).collect();
        let ciphertext = encrypt(&recipients, b"denuncia").unwrap();
        for identity in &office {
            assert_eq!(decrypt(std::slice::from_ref(identity), &ciphertext).unwrap(), b"denuncia");
        }
        assert_eq!(decrypt(&[Identity::generate()], &ciphertext), Err(DecryptError::NoMatchingIdentity));
        assert_eq!(Encryptor::new(&[]).err(), Some(EncryptError::NoRecipients));
    }

    #[test]
    fn tampering_anywhere_is_detected() {
        let identity = Identity::generate();
        let ciphertext = encrypt(&[identity.to_public()], &sample(2 * CHUNK_SIZE + 10)).unwrap();
        let header_len = parse_header(&ciphertext).unwrap().unwrap().len;
        // Flip one bit in the header's stanza body, the MAC, the nonce, a middle chunk and the last tag.
        let stanza_body = ciphertext.iter().position(|b| *b == b'\n').unwrap() + 1;
        let stanza_body = stanza_body + ciphertext[stanza_body..].iter().position(|b| *b == b'\n').unwrap() + 3;
        for position in [stanza_body, header_len - 5, header_len + 3, header_len + 16 + 70_000, ciphertext.len() - 1] {
            let mut altered = ciphertext.clone();
            altered[position] ^= 0x04;
            assert!(decrypt(std::slice::from_ref(&identity), &altered).is_err(), "a flip at {position} went unnoticed");
        }
        // Cut at a chunk boundary, cut mid-chunk, and append a byte.
        let boundary = header_len + PAYLOAD_NONCE_SIZE + CHUNK_SIZE + TAG_SIZE;
        assert!(decrypt(std::slice::from_ref(&identity), &ciphertext[..boundary]).is_err());
        assert!(decrypt(std::slice::from_ref(&identity), &ciphertext[..ciphertext.len() - 20]).is_err());
        let mut longer = ciphertext.clone();
        longer.push(0);
        assert!(decrypt(&[identity], &longer).is_err());
    }

    #[test]
    fn the_reference_implementation_opens_ours() {
        let reference = ::age::x25519::Identity::generate();
        let recipient: Recipient = reference.to_public().to_string().parse().unwrap();
        let plaintext = sample(3 * CHUNK_SIZE + 99);
        let ciphertext = encrypt(&[recipient], &plaintext).unwrap();
        let decryptor = ::age::Decryptor::new(&ciphertext[..]).unwrap();
        let mut reader = decryptor.decrypt(std::iter::once(&reference as &dyn ::age::Identity)).unwrap();
        let mut opened = Vec::new();
        reader.read_to_end(&mut opened).unwrap();
        assert_eq!(opened, plaintext);
    }

    #[test]
    fn we_open_the_reference_implementations_files() {
        let reference = ::age::x25519::Identity::generate();
        let identity: Identity = reference.to_string().expose_secret().parse().unwrap();
        for len in [0, 10, CHUNK_SIZE, 2 * CHUNK_SIZE + 5] {
            let plaintext = sample(len);
            let encryptor =
                ::age::Encryptor::with_recipients(std::iter::once(&reference.to_public() as &dyn ::age::Recipient))
                    .unwrap();
            let mut ciphertext = Vec::new();
            let mut writer = encryptor.wrap_output(&mut ciphertext).unwrap();
            writer.write_all(&plaintext).unwrap();
            writer.finish().unwrap();
            assert_eq!(decrypt(std::slice::from_ref(&identity), &ciphertext).unwrap(), plaintext, "length {len}");
        }
    }
}
