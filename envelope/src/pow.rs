//! Proof of work: find a nonce so that SHA-256(label ‖ challenge ‖ nonce) starts with `difficulty` zero
//! bits. The expected work doubles with each bit: 2^difficulty hashes on average. It costs a reporter a
//! second or two once, and a flood of submissions the same per message, without knowing who anyone is.

use sha2::{Digest, Sha256};

const LABEL: &[u8] = b"miraflores-portal/pow/v1";

fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

fn prefix(challenge: &[u8]) -> Sha256 {
    let mut hasher = Sha256::new();
    hasher.update(LABEL);
    hasher.update(challenge);
    hasher
}

pub fn is_solution(challenge: &[u8], difficulty: u32, nonce: u64) -> bool {
    let mut hasher = prefix(challenge);
    hasher.update(nonce.to_le_bytes());
    leading_zero_bits(&hasher.finalize()) >= difficulty
}

/// Tries the nonces `start..start + count`; the first that solves the challenge, if any. Browsers call
/// it in slices so the page stays responsive and can show progress.
pub fn search(challenge: &[u8], difficulty: u32, start: u64, count: u64) -> Option<u64> {
    let base = prefix(challenge);
    (start..start.saturating_add(count)).find(|nonce| {
        let mut hasher = base.clone();
        hasher.update(nonce.to_le_bytes());
        leading_zero_bits(&hasher.finalize()) >= difficulty
    })
}

/// Searches nonces from 0 upwards. `on_progress` is called every 65,536 attempts with the count so far.
pub fn solve(challenge: &[u8], difficulty: u32, mut on_progress: impl FnMut(u64)) -> u64 {
    let mut start = 0;
    loop {
        if let Some(nonce) = search(challenge, difficulty, start, 65_536) {
            return nonce;
        }
        start += 65_536;
        on_progress(start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_finds_the_first_nonce_that_meets_the_difficulty() {
        let challenge = b"challenge-1";
        let nonce = solve(challenge, 12, |_| {});
        assert!(is_solution(challenge, 12, nonce));
        assert!((0..nonce).all(|n| !is_solution(challenge, 12, n)));
        // The same nonce checked against a harder difficulty or with a different label fails unless it
        // happens to carry more zero bits, which the hash itself tells us.
        let mut hasher = prefix(challenge);
        hasher.update(nonce.to_le_bytes());
        let zeros = leading_zero_bits(&hasher.finalize());
        assert!(zeros >= 12);
        assert!(!is_solution(challenge, zeros + 1, nonce));
    }

    #[test]
    fn counts_leading_zero_bits() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10, 0xff]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        assert_eq!(leading_zero_bits(&[0, 0]), 16);
    }
}
