//! A tender's key, split among the committee: an age X25519 identity whose 32 secret bytes are shared
//! k-of-n with Shamir's scheme over GF(256) (`vsss-rs`), one line of text a member.
//!
//! A share line: `COMITE-1:<tender>:<k>:<n>:<i>:<set>:<fingerprint>:<share>:<check>`, where `set` is
//! random for each split (shares of two splits of one tender never mix), `fingerprint` is the first 8
//! bytes of SHA-256 of the tender's recipient (a share of another tender is refused before anything is
//! combined), `share` is vsss-rs's 33 bytes in hex (the member's index, then the 32 bytes), and `check`
//! is the first 4 bytes of SHA-256 of everything before it (a mistyped line is named).
//!
//! Fewer than k shares combine into 32 wrong bytes without any error; so the rebuilt identity is always
//! checked against the tender's published recipient, and that check is what refuses k−1 shares (or
//! an edited `k`).

use age::secrecy::ExposeSecret;
use bech32::{FromBase32, ToBase32, Variant};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

const PREFIX: &str = "COMITE-1";
const SECRET_HRP: &str = "age-secret-key-";

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShareError {
    #[error("a committee needs 2 <= k <= n <= 255 (k = {k}, n = {n})")]
    Threshold { k: usize, n: usize },
    #[error("the tender number must be 1 to 40 letters, digits, '.', '_' or '-'")]
    Tender,
    #[error("share {0}: not a share line (COMITE-1:…), or its check does not match: mistyped or cut")]
    Malformed(usize),
    #[error("share {0} belongs to another tender, another split or another key than share 1")]
    Mixed(usize),
    #[error("shares {0} and {1} are the same member's ({2}) with different contents")]
    Conflict(usize, usize, u8),
    #[error("{have} different shares given; this tender's key needs {need}")]
    TooFew { have: usize, need: usize },
    #[error("the shares do not rebuild this tender's key: too few, wrong or mixed shares")]
    WrongKey,
    #[error("the recipient is not an age X25519 public key (age1…)")]
    Recipient,
    #[error("secret sharing failed: {0}")]
    Sharing(String),
}

/// One member's share, as read from its line.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    pub tender: String,
    pub k: usize,
    pub n: usize,
    pub index: u8,
    pub set: String,
    pub fingerprint: String,
    bytes: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Share({} {}-of-{} #{})", self.tender, self.k, self.n, self.index)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok()).collect()
}

/// The first 8 bytes of SHA-256 of the recipient's text, in hex.
pub fn fingerprint(recipient: &str) -> String {
    hex(&Sha256::digest(recipient.trim().as_bytes())[..8])
}

fn check_of(body: &str) -> String {
    hex(&Sha256::digest(body.as_bytes())[..4])
}

fn valid_tender(tender: &str) -> bool {
    (1..=40).contains(&tender.len()) && tender.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

impl Share {
    /// The share as one line of text.
    pub fn line(&self) -> String {
        let body = format!(
            "{PREFIX}:{}:{}:{}:{}:{}:{}:{}",
            self.tender,
            self.k,
            self.n,
            self.index,
            self.set,
            self.fingerprint,
            hex(&self.bytes)
        );
        let check = check_of(&body);
        format!("{body}:{check}")
    }

    /// Reads a line (`position`: its place among the shares given, for the messages).
    pub fn parse(line: &str, position: usize) -> Result<Share, ShareError> {
        let malformed = ShareError::Malformed(position);
        let line = line.trim();
        let (body, check) = line.rsplit_once(':').ok_or(malformed.clone())?;
        if check_of(body) != check.to_ascii_lowercase() {
            return Err(malformed);
        }
        let parts: Vec<&str> = body.split(':').collect();
        let [prefix, tender, k, n, index, set, fingerprint, bytes] = parts[..] else { return Err(malformed) };
        let (Ok(k), Ok(n), Ok(index), Some(bytes)) = (k.parse(), n.parse(), index.parse::<u8>(), unhex(bytes)) else {
            return Err(malformed);
        };
        let ok = prefix == PREFIX
            && valid_tender(tender)
            && (2..=n).contains(&k)
            && n <= 255
            && index >= 1
            && usize::from(index) <= n
            && bytes.len() == 33
            && bytes[0] == index;
        if !ok {
            return Err(malformed);
        }
        Ok(Share {
            tender: tender.into(),
            k,
            n,
            index,
            set: set.into(),
            fingerprint: fingerprint.into(),
            bytes: Zeroizing::new(bytes),
        })
    }
}

fn identity_bytes(identity: &age::x25519::Identity) -> Zeroizing<Vec<u8>> {
    let text = identity.to_string();
    let (_, data, _) = bech32::decode(text.expose_secret()).expect("age writes valid bech32");
    Zeroizing::new(Vec::<u8>::from_base32(&data).expect("age writes 32 bytes"))
}

fn identity_from_bytes(bytes: &[u8]) -> Option<age::x25519::Identity> {
    let text = Zeroizing::new(bech32::encode(SECRET_HRP, bytes.to_base32(), Variant::Bech32).ok()?.to_uppercase());
    text.parse().ok()
}

/// A new key for `tender`: its recipient (to publish with the tender) and one share a member. The
/// identity itself is never written anywhere.
pub fn split_new_key(tender: &str, k: usize, n: usize) -> Result<(String, Vec<Share>), ShareError> {
    if !(2..=255).contains(&n) || k < 2 || k > n {
        return Err(ShareError::Threshold { k, n });
    }
    if !valid_tender(tender) {
        return Err(ShareError::Tender);
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let secret = identity_bytes(&identity);
    let mut rng = rand::rand_core::UnwrapErr(rand::rngs::SysRng);
    let mut set = [0u8; 4];
    rand::rand_core::Rng::fill_bytes(&mut rng, &mut set);
    let shares = vsss_rs::Gf256::split_bytes(k, n, secret.as_slice(), rng)
        .map_err(|error| ShareError::Sharing(format!("{error:?}")))?;
    let (set, fingerprint) = (hex(&set), fingerprint(&recipient));
    let shares = shares
        .into_iter()
        .map(|bytes| Share {
            tender: tender.into(),
            k,
            n,
            index: bytes[0],
            set: set.clone(),
            fingerprint: fingerprint.clone(),
            bytes: Zeroizing::new(bytes),
        })
        .collect();
    Ok((recipient, shares))
}

/// Rebuilds the tender's identity from share lines, or says why not: a mistyped line, a share of
/// another tender or split, two different shares of one member, fewer than `k`, or a rebuilt key that
/// is not the published `recipient`.
pub fn rebuild(lines: &[String], recipient: &str) -> Result<age::x25519::Identity, ShareError> {
    let expected: age::x25519::Recipient = recipient.trim().parse().map_err(|_| ShareError::Recipient)?;
    let shares =
        lines.iter().enumerate().map(|(at, line)| Share::parse(line, at + 1)).collect::<Result<Vec<_>, _>>()?;
    let Some(first) = shares.first() else { return Err(ShareError::TooFew { have: 0, need: 2 }) };
    let mut by_member: BTreeMap<u8, (usize, &Share)> = BTreeMap::new();
    for (at, share) in shares.iter().enumerate() {
        let same_split = share.tender == first.tender
            && (share.k, share.n) == (first.k, first.n)
            && share.set == first.set
            && share.fingerprint == first.fingerprint;
        if !same_split || share.fingerprint != fingerprint(recipient) {
            return Err(ShareError::Mixed(at + 1));
        }
        match by_member.get(&share.index) {
            Some((earlier, known)) if known.bytes != share.bytes => {
                return Err(ShareError::Conflict(*earlier, at + 1, share.index));
            }
            Some(_) => {}
            None => {
                by_member.insert(share.index, (at + 1, share));
            }
        }
    }
    if by_member.len() < first.k {
        return Err(ShareError::TooFew { have: by_member.len(), need: first.k });
    }
    let chosen: Vec<Vec<u8>> = by_member.values().map(|(_, share)| share.bytes.to_vec()).collect();
    let chosen = Zeroizing::new(chosen);
    let secret = Zeroizing::new(vsss_rs::Gf256::combine_bytes(chosen.as_slice()).map_err(|_| ShareError::WrongKey)?);
    let identity = identity_from_bytes(&secret).ok_or(ShareError::WrongKey)?;
    if identity.to_public() != expected {
        return Err(ShareError::WrongKey);
    }
    Ok(identity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(shares: &[&Share]) -> Vec<String> {
        shares.iter().map(|s| s.line()).collect()
    }

    #[test]
    fn every_k_subset_rebuilds_the_key_and_k_minus_one_does_not() {
        for (k, n) in [(2, 3), (3, 5), (5, 5)] {
            let (recipient, shares) = split_new_key("SC-2026-001", k, n).unwrap();
            assert_eq!(shares.len(), n);
            // Every subset of k (by bit mask) rebuilds the key.
            for mask in 0u32..(1 << n) {
                let chosen: Vec<&Share> =
                    shares.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, s)| s).collect();
                let result = rebuild(&lines(&chosen), &recipient);
                if chosen.len() >= k {
                    assert_eq!(result.unwrap().to_public().to_string(), recipient, "{k}-of-{n} mask {mask:b}");
                } else {
                    assert!(result.is_err(), "{k}-of-{n} mask {mask:b}");
                }
            }
        }
    }

    #[test]
    fn an_edited_threshold_is_caught_by_the_recipient() {
        let (recipient, shares) = split_new_key("SC-2026-001", 3, 4).unwrap();
        // A member lowers k to 2 in two lines (and fixes their checks): the count passes, the key does not.
        let edited: Vec<String> = shares[..2]
            .iter()
            .map(|share| {
                let mut share = share.clone();
                share.k = 2;
                share.line()
            })
            .collect();
        assert_eq!(rebuild(&edited, &recipient).map(drop).unwrap_err(), ShareError::WrongKey);
        assert_eq!(
            rebuild(&lines(&[&shares[0], &shares[1]]), &recipient).map(drop).unwrap_err(),
            ShareError::TooFew { have: 2, need: 3 }
        );
    }

    #[test]
    fn mistyped_mixed_and_conflicting_shares_are_named() {
        let (recipient, shares) = split_new_key("SC-2026-001", 2, 3).unwrap();
        let (other_recipient, other) = split_new_key("SC-2026-001", 2, 3).unwrap();
        let mut typo = shares[1].line();
        let at = typo.len() - 12;
        typo.replace_range(at..at + 1, if &typo[at..at + 1] == "0" { "1" } else { "0" });
        assert_eq!(rebuild(&[shares[0].line(), typo], &recipient).map(drop).unwrap_err(), ShareError::Malformed(2));
        assert_eq!(rebuild(&lines(&[&shares[0], &other[1]]), &recipient).map(drop).unwrap_err(), ShareError::Mixed(2));
        assert_eq!(rebuild(&lines(&[&other[0], &other[1]]), &recipient).map(drop).unwrap_err(), ShareError::Mixed(1));
        assert!(rebuild(&lines(&[&other[0], &other[1]]), &other_recipient).is_ok());
        // The same share twice counts once; another member's bytes under the same index conflict.
        assert_eq!(
            rebuild(&lines(&[&shares[0], &shares[0]]), &recipient).map(drop).unwrap_err(),
            ShareError::TooFew { have: 1, need: 2 }
        );
        let mut forged = shares[1].clone();
        forged.index = 1;
        forged.bytes[0] = 1;
        assert_eq!(
            rebuild(&lines(&[&shares[0], &forged]), &recipient).map(drop).unwrap_err(),
            ShareError::Conflict(1, 2, 1)
        );
        assert_eq!(
            rebuild(&lines(&[&shares[0], &shares[2]]), "age1nope").map(drop).unwrap_err(),
            ShareError::Recipient
        );
        assert_eq!(split_new_key("SC", 1, 3).unwrap_err(), ShareError::Threshold { k: 1, n: 3 });
        assert_eq!(split_new_key("SC:1", 2, 3).unwrap_err(), ShareError::Tender);
    }

    #[test]
    fn a_share_line_round_trips_and_never_shows_the_key() {
        let (recipient, shares) = split_new_key("SC-2026-001", 2, 2).unwrap();
        let line = shares[0].line();
        assert!(line.starts_with("COMITE-1:SC-2026-001:2:2:1:"));
        assert_eq!(Share::parse(&line, 1).unwrap(), shares[0]);
        assert!(!format!("{:?}", shares[0]).contains(&line[40..60]));
        assert!(recipient.starts_with("age1"));
    }
}
