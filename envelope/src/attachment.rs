//! Attachment padding. An attachment's ciphertext length, which the server and anyone on the network
//! see, would otherwise identify a leaked document by its exact size. Before encryption each file gets
//! zero bytes appended up to its Padmé length (Nikitin et al., "Reducing Metadata Leakage from Encrypted
//! Files and Communication with PURBs", PETS 2019): at most 12% more bytes, and the length then leaks
//! O(log log n) bits instead of O(log n). Files under [`MIN_PADDED_LEN`] are all padded to it, where
//! Padmé alone would hide almost nothing.
//!
//! The real size is inside the encrypted report (`AttachmentEntry::size`); the officer tool cuts the
//! padding off, and `head -c SIZE` does the same after `age -d` (`REPORT_FORMAT.md`).

use crate::age::{CHUNK_SIZE, EncryptError, Encryptor, TAG_SIZE, encrypted_len};
use crate::keys::Recipient;

/// Every attachment is at least this long once padded (4 KiB).
pub const MIN_PADDED_LEN: u64 = 4 * 1024;

/// Padmé: `len` rounded up so that, with `e = ⌊log₂ len⌋`, only its top `⌊log₂ e⌋ + 1` bits may be
/// non-zero.
pub fn padme(len: u64) -> u64 {
    if len < 2 {
        return len;
    }
    let e = u64::from(63 - len.leading_zeros());
    let s = u64::from(64 - e.leading_zeros());
    let mask = (1u64 << (e - s)) - 1;
    // Rounding up cannot pass u64::MAX for any length an attachment limit allows; saturate anyway.
    len.checked_add(mask).map_or(u64::MAX, |sum| sum & !mask)
}

/// The plaintext length an attachment of `size` bytes is padded to.
pub fn padded_len(size: u64) -> u64 {
    padme(size.max(MIN_PADDED_LEN))
}

/// How many zero bytes follow an attachment of `size` bytes.
pub fn padding_len(size: u64) -> u64 {
    padded_len(size) - size
}

/// The padding of an attachment of `size` bytes cut into steps of at most `step` bytes, for encrypting
/// it a slice at a time with [`crate::age::Encryptor::update_zeros`].
pub fn padding_steps(size: u64, step: u64) -> impl Iterator<Item = u64> {
    let total = padding_len(size);
    let step = step.max(1);
    (0..total.div_ceil(step)).map(move |i| step.min(total - i * step))
}

/// Whether `len` is a length [`padded_len`] produces.
pub fn is_padded_len(len: u64) -> bool {
    len >= MIN_PADDED_LEN && padme(len) == len
}

/// The exact length of the age file of a padded attachment of `size` bytes to `recipients` X25519
/// recipients: what the browser declares before sending and what every limit is checked against.
pub fn ciphertext_len(size: u64, recipients: usize) -> u64 {
    encrypted_len(padded_len(size), recipients)
}

/// The plaintext length an age file of `len` bytes to `recipients` X25519 recipients holds, if `len`
/// is one a whole sequence of chunks can give.
pub fn plaintext_len(len: u64, recipients: usize) -> Option<u64> {
    let header = encrypted_len(0, recipients) - TAG_SIZE as u64;
    let payload = len.checked_sub(header)?;
    let sealed_chunk = (CHUNK_SIZE + TAG_SIZE) as u64;
    let chunks = payload.div_ceil(sealed_chunk).max(1);
    let plaintext = payload.checked_sub(chunks * TAG_SIZE as u64)?;
    (encrypted_len(plaintext, recipients) == len).then_some(plaintext)
}

/// Whether an age file of `len` bytes can hold a padded attachment: checked by the server, without a
/// key, before it reserves room for an upload. Any other length was cut, or never padded.
pub fn is_ciphertext_len(len: u64, recipients: usize) -> bool {
    plaintext_len(len, recipients).is_some_and(is_padded_len)
}

/// Pads and encrypts a whole attachment held in memory (tests, small files). The browser and the
/// server stream instead: [`Encryptor::update`] over the file, then [`Encryptor::update_zeros`] with
/// [`padding_len`].
pub fn encrypt(recipients: &[Recipient], file: &[u8]) -> Result<Vec<u8>, EncryptError> {
    let mut encryptor = Encryptor::new(recipients)?;
    let mut out = Vec::with_capacity(ciphertext_len(file.len() as u64, recipients.len()) as usize);
    encryptor.update(file, &mut out);
    encryptor.update_zeros(padding_len(file.len() as u64), &mut out);
    encryptor.finish(&mut out);
    Ok(out)
}

/// What the end of a decrypted attachment says about its padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaddingCheck {
    /// Exactly the declared size followed by its padding, all zero bytes.
    Padded,
    /// Exactly the declared size and no padding: written before attachments were padded.
    Unpadded,
    /// Anything else: the length or the padding's bytes do not match what the report declares.
    Mismatch,
}

/// Cuts a decrypted attachment to its declared size as it streams by, and checks the rest is its
/// padding. Feed every decrypted slice to [`Unpadder::take`], then call [`Unpadder::finish`].
#[derive(Debug)]
pub struct Unpadder {
    size: u64,
    seen: u64,
    nonzero_padding: bool,
}

impl Unpadder {
    pub fn new(size: u64) -> Self {
        Self { size, seen: 0, nonzero_padding: false }
    }

    /// Returns the part of `slice` that belongs to the file (the rest is padding).
    pub fn take<'a>(&mut self, slice: &'a [u8]) -> &'a [u8] {
        let keep = self.size.saturating_sub(self.seen).min(slice.len() as u64) as usize;
        self.seen += slice.len() as u64;
        self.nonzero_padding |= slice[keep..].iter().any(|b| *b != 0);
        &slice[..keep]
    }

    pub fn finish(self) -> PaddingCheck {
        if self.seen == self.size {
            PaddingCheck::Unpadded
        } else if self.seen == padded_len(self.size) && !self.nonzero_padding {
            PaddingCheck::Padded
        } else {
            PaddingCheck::Mismatch
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_steps_add_up_to_the_padding() {
        for (size, step) in [(0, 1000), (1, 4096), (5000, 64), (10_000_000, 65_536), (4096, 10)] {
            let steps: Vec<u64> = padding_steps(size, step).collect();
            assert_eq!(steps.iter().sum::<u64>(), padding_len(size), "{size}/{step}");
            assert!(steps.iter().all(|&s| s > 0 && s <= step), "{size}/{step}: {steps:?}");
        }
    }

    #[test]
    fn padme_matches_the_papers_examples_and_bounds() {
        // Examples from the PURBs paper's definition: 9 bits of length keep the top 4 bits.
        assert_eq!(padme(0), 0);
        assert_eq!(padme(1), 1);
        assert_eq!(padme(3), 3);
        assert_eq!(padme(9), 10);
        assert_eq!(padme(1000), 1024);
        assert_eq!(padme(1025), 1088);
        assert_eq!(padme(4096), 4096);
        assert_eq!(padme(4097), 4352);
        // Every length up to 1 MiB, and a sample up to 2 GiB: never shorter, never idempotence broken,
        // never more than 12% longer.
        let sample = (1..(1u64 << 20)).chain((1u64 << 20..1u64 << 31).step_by(999_983));
        for len in sample {
            let padded = padme(len);
            assert!(padded >= len, "{len}");
            assert_eq!(padme(padded), padded, "{len}");
            assert!((padded - len) as f64 <= 0.12 * len as f64, "{len} -> {padded}");
        }
    }

    #[test]
    fn padme_leaves_few_lengths() {
        // A file of 1 MiB to 2 MiB can only take 33 lengths (1 MiB to 2 MiB in steps of 32 KiB), not
        // 1,048,576.
        let lengths: std::collections::BTreeSet<u64> = (1u64 << 20..1u64 << 21).map(padme).collect();
        assert_eq!(lengths.len(), 33);
    }

    #[test]
    fn ciphertext_lengths_are_recognised_and_cut_ones_refused() {
        for recipients in [1, 2, 5] {
            for size in [0, 1, 4095, 4096, 4097, 65_536, 65_537, 10 * 1024 * 1024 + 3, 99 * 1024 * 1024] {
                let len = ciphertext_len(size, recipients);
                assert!(is_ciphertext_len(len, recipients), "{size} to {recipients}");
                assert_eq!(plaintext_len(len, recipients), Some(padded_len(size)));
                // Size classes are at least 256 bytes apart, so a shorter cut never lands on one.
                for cut in [1, 16, 17, 20, 255] {
                    assert!(!is_ciphertext_len(len - cut, recipients), "{size} cut by {cut}");
                }
                assert!(!is_ciphertext_len(len, recipients + 1));
            }
            // An unpadded file's exact length is refused unless it happens to be a padded length.
            assert!(!is_ciphertext_len(encrypted_len(48_213, recipients), recipients));
            assert!(!is_ciphertext_len(0, recipients));
        }
    }

    #[test]
    fn padded_encryption_has_the_declared_length_and_opens_to_file_then_zeros() {
        let identity = crate::Identity::generate();
        let recipients = [identity.to_public()];
        for size in [0usize, 10, 4096, 70_001] {
            let file: Vec<u8> = (0..size).map(|i| (i % 200) as u8 + 1).collect();
            let sealed = encrypt(&recipients, &file).expect("encrypts");
            assert_eq!(sealed.len() as u64, ciphertext_len(size as u64, 1));
            let opened = crate::decrypt(std::slice::from_ref(&identity), &sealed).expect("opens");
            assert_eq!(&opened[..size], &file[..]);
            assert_eq!(opened.len() as u64, padded_len(size as u64));
            assert!(opened[size..].iter().all(|b| *b == 0));
        }
    }

    #[test]
    fn unpadder_cuts_at_the_declared_size_and_checks_the_padding() {
        let size = 70_000u64;
        let mut plain: Vec<u8> = (0..size).map(|i| (i % 251) as u8 + 1).collect();
        plain.resize(padded_len(size) as usize, 0);
        let mut unpadder = Unpadder::new(size);
        let mut kept = Vec::new();
        for slice in plain.chunks(4_000) {
            kept.extend_from_slice(unpadder.take(slice));
        }
        assert_eq!(kept.len() as u64, size);
        assert_eq!(unpadder.finish(), PaddingCheck::Padded);

        let mut unpadded = Unpadder::new(size);
        unpadded.take(&plain[..size as usize]);
        assert_eq!(unpadded.finish(), PaddingCheck::Unpadded);

        let mut tampered = plain.clone();
        *tampered.last_mut().expect("bytes") = 1;
        let mut unpadder = Unpadder::new(size);
        unpadder.take(&tampered);
        assert_eq!(unpadder.finish(), PaddingCheck::Mismatch);

        let mut short = Unpadder::new(size);
        short.take(&plain[..size as usize - 1]);
        assert_eq!(short.finish(), PaddingCheck::Mismatch);

        let mut long = Unpadder::new(size);
        long.take(&plain);
        long.take(&[0]);
        assert_eq!(long.finish(), PaddingCheck::Mismatch);
    }
}
