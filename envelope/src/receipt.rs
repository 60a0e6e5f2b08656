//! The reporter's receipt and the keys derived from it.
//!
//! A receipt is 27 random decimal digits (89.7 bits from the CSPRNG) plus one Damm check digit, shown as
//! seven groups of four: `4821-9021-7730-0158-2264-9913-5570`. Digits read aloud the same in Spanish and
//! English, type on any phone keypad, and the check digit catches every single mistyped digit and every
//! swap of two neighbouring digits before any network request is made.
//!
//! Argon2id (19 MiB, 2 passes, as OWASP recommends) turns the receipt into 64 bytes: the first 32 are the
//! lookup token (the server stores only its SHA-256), the last 32 the X25519 secret whose public key is
//! stored with the report so the integrity office can reply end to end.

use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::hex_lower;
use crate::keys::Identity;

pub const RANDOM_DIGITS: usize = 27;
pub const DIGITS: usize = RANDOM_DIGITS + 1;
pub const GROUP: usize = 4;
const SALT: &[u8] = b"miraflores-portal/receipt/v1";
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_PASSES: u32 = 2;

const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: &[u8]) -> u8 {
    digits.iter().fold(0, |interim, digit| DAMM[interim as usize][(digit - b'0') as usize])
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReceiptError {
    #[error("a receipt has {DIGITS} digits; this has {0}")]
    WrongLength(usize),
    #[error("a receipt holds only digits, spaces and dashes")]
    NotDigits,
    #[error("a digit is mistyped (the check digit does not match)")]
    CheckDigit,
}

/// A receipt. Its digits are wiped from memory when it is dropped and never appear in `Debug` output.
pub struct Receipt {
    digits: Zeroizing<Vec<u8>>,
}

/// Keys derived from a receipt.
pub struct ReceiptKeys {
    pub lookup_token: Zeroizing<[u8; 32]>,
    pub reply_identity: Identity,
}

impl ReceiptKeys {
    /// What the server stores and looks up: SHA-256 of the lookup token, lowercase hex.
    pub fn lookup_hash(&self) -> String {
        hex_lower(&Sha256::digest(self.lookup_token.as_ref()))
    }
}

impl Receipt {
    pub fn generate() -> Self {
        let mut digits = Zeroizing::new(Vec::with_capacity(DIGITS));
        let mut byte = [0u8; 1];
        while digits.len() < RANDOM_DIGITS {
            OsRng.fill_bytes(&mut byte);
            // Rejection sampling keeps every digit uniform: 250 is the largest multiple of 10 below 256.
            if byte[0] < 250 {
                digits.push(b'0' + byte[0] % 10);
            }
        }
        let check = damm(&digits);
        digits.push(b'0' + check);
        Self { digits }
    }

    /// Accepts the receipt as typed: spaces and dashes anywhere are ignored.
    pub fn parse(typed: &str) -> Result<Self, ReceiptError> {
        let mut digits = Zeroizing::new(Vec::with_capacity(DIGITS));
        for c in typed.chars() {
            match c {
                '0'..='9' => digits.push(c as u8),
                ' ' | '-' | '\u{2010}'..='\u{2015}' | '\u{a0}' | '\t' => {}
                _ => return Err(ReceiptError::NotDigits),
            }
        }
        if digits.len() != DIGITS {
            return Err(ReceiptError::WrongLength(digits.len()));
        }
        if damm(&digits) != 0 {
            return Err(ReceiptError::CheckDigit);
        }
        Ok(Self { digits })
    }

    /// The receipt in groups of four separated by dashes.
    pub fn grouped(&self) -> Zeroizing<String> {
        let groups: Vec<&str> =
            self.digits.chunks(GROUP).map(|group| std::str::from_utf8(group).expect("ASCII digits")).collect();
        Zeroizing::new(groups.join("-"))
    }

    /// Runs Argon2id over the receipt. Deliberately slow (hundreds of milliseconds).
    pub fn derive_keys(&self) -> ReceiptKeys {
        let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, Some(64)).expect("valid Argon2 parameters");
        let mut output = Zeroizing::new([0u8; 64]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(&self.digits, SALT, output.as_mut())
            .expect("the salt and output lengths are valid");
        let mut lookup_token = Zeroizing::new([0u8; 32]);
        lookup_token.copy_from_slice(&output[..32]);
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&output[32..]);
        ReceiptKeys { lookup_token, reply_identity: Identity::from_secret_bytes(*secret) }
    }
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receipt(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_receipts_are_grouped_and_parse_back() {
        let receipt = Receipt::generate();
        let grouped = receipt.grouped();
        assert_eq!(grouped.len(), DIGITS + DIGITS / GROUP - 1);
        assert_eq!(grouped.split('-').count(), 7);
        let typed = grouped.replace('-', " ");
        assert_eq!(*Receipt::parse(&typed).unwrap().grouped(), *grouped);
        assert_ne!(*Receipt::generate().grouped(), *grouped);
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let receipt = Receipt::generate();
        let digits: Vec<u8> = receipt.digits.to_vec();
        for position in 0..DIGITS {
            for replacement in b'0'..=b'9' {
                if replacement == digits[position] {
                    continue;
                }
                let mut typo = digits.clone();
                typo[position] = replacement;
                let typed = String::from_utf8(typo).unwrap();
                assert_eq!(Receipt::parse(&typed).err(), Some(ReceiptError::CheckDigit));
            }
            if position + 1 < DIGITS && digits[position] != digits[position + 1] {
                let mut swapped = digits.clone();
                swapped.swap(position, position + 1);
                assert_eq!(Receipt::parse(&String::from_utf8(swapped).unwrap()).err(), Some(ReceiptError::CheckDigit));
            }
        }
        assert_eq!(Receipt::parse("1234").err(), Some(ReceiptError::WrongLength(4)));
        assert_eq!(Receipt::parse("1234-abcd").err(), Some(ReceiptError::NotDigits));
    }

    #[test]
    fn derivation_is_deterministic_and_separates_receipts() {
        let receipt = Receipt::generate();
        let again = Receipt::parse(&receipt.grouped()).unwrap();
        let (first, second) = (receipt.derive_keys(), again.derive_keys());
        assert_eq!(first.lookup_hash(), second.lookup_hash());
        assert_eq!(first.reply_identity.to_public(), second.reply_identity.to_public());
        assert_eq!(first.lookup_hash().len(), 64);
        let other = Receipt::generate().derive_keys();
        assert_ne!(other.lookup_hash(), first.lookup_hash());
        assert_ne!(other.reply_identity.to_public(), first.reply_identity.to_public());
        assert!(!format!("{receipt:?}").chars().any(|c| c.is_ascii_digit()));
    }
}
