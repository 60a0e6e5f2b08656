//! Proof-of-work challenges: stateless to issue (an HMAC under a key made at start), single-use and
//! expiring to redeem. Spent challenges are remembered in memory until they expire, so nothing about
//! a submission's timing is written to disk. Restarting the server invalidates outstanding challenges;
//! the browser simply asks for a new one.

use app::platform::problem::TransportProblem;
use envelope::hex_lower;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a challenge stays valid: enough to solve it on a slow phone and start the upload.
pub const CHALLENGE_TTL: Duration = Duration::from_secs(15 * 60);

pub struct ProofOfWork {
    key: SigningKey,
    bits: u32,
    spent: Mutex<Spent>,
}

pub use app::reporting::form::Challenge;

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The key of the server's self-verifying tokens (proof-of-work challenges, form tickets), made at start:
/// a token is `hex(payload).hex(HMAC-SHA-256(payload))`, so nothing about it needs storing.
pub(crate) struct SigningKey([u8; 32]);

impl SigningKey {
    pub(crate) fn new() -> Self {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).expect("the operating system's random source works");
        Self(key)
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(payload);
        mac
    }

    pub(crate) fn seal(&self, payload: &[u8]) -> String {
        format!("{}.{}", hex_lower(payload), hex_lower(&self.mac(payload).finalize().into_bytes()))
    }

    /// The payload of a token this key sealed, if it is `len` bytes long; `None` if forged or altered.
    pub(crate) fn open(&self, token: &str, len: usize) -> Option<Vec<u8>> {
        let (payload_hex, tag_hex) = token.split_once('.')?;
        let payload = unhex(payload_hex).filter(|p| p.len() == len)?;
        self.mac(&payload).verify_slice(&unhex(tag_hex)?).ok()?;
        Some(payload)
    }
}

impl ProofOfWork {
    pub fn new(bits: u32) -> Self {
        Self { key: SigningKey::new(), bits, spent: Mutex::default() }
    }

    /// A fresh challenge: `hex(id ‖ expiry ‖ bits).hex(mac)`.
    pub fn issue(&self) -> Challenge {
        let mut payload = [0u8; 28];
        getrandom::getrandom(&mut payload[..16]).expect("the operating system's random source works");
        payload[16..24].copy_from_slice(&(now_secs() + CHALLENGE_TTL.as_secs()).to_be_bytes());
        payload[24..].copy_from_slice(&self.bits.to_be_bytes());
        Challenge { token: self.key.seal(&payload), bits: self.bits }
    }

    /// Accepts a solved challenge once. A forged, altered or unsolved token is `ProofOfWorkFailed`; a
    /// genuine one that is too old or already used is `ProofOfWorkExpired` (the browser gets a new one).
    pub fn redeem(&self, token: &str, nonce: u64) -> Result<(), TransportProblem> {
        let payload = self.key.open(token, 28).ok_or(TransportProblem::ProofOfWorkFailed)?;
        let id: [u8; 16] = payload[..16].try_into().expect("16 bytes");
        let expires = u64::from_be_bytes(payload[16..24].try_into().expect("8 bytes"));
        let bits = u32::from_be_bytes(payload[24..].try_into().expect("4 bytes"));
        let now = now_secs();
        if expires < now {
            return Err(TransportProblem::ProofOfWorkExpired);
        }
        if !envelope::pow::is_solution(token.as_bytes(), bits, nonce) {
            return Err(TransportProblem::ProofOfWorkFailed);
        }
        if !self.spent.lock().expect("not poisoned").insert(id, expires, now) {
            return Err(TransportProblem::ProofOfWorkExpired);
        }
        Ok(())
    }
}

/// Ids of single-use tokens (redeemed challenges, held or spent form tickets) with the second after
/// which their token is refused as expired anyway, so they are forgotten then. The expired ones are
/// dropped at most once a second: a scan on every insertion made a flood quadratic (measured: 2.5% of
/// the server's time after 20 s of the ingest benchmark at 1,000/s).
#[derive(Default)]
pub(crate) struct Spent {
    ids: HashMap<[u8; 16], u64>,
    pruned_at: u64,
}

impl Spent {
    /// Records `id` (valid until `expires`); `false` if it was already there.
    pub(crate) fn insert(&mut self, id: [u8; 16], expires: u64, now: u64) -> bool {
        if now > self.pruned_at {
            self.ids.retain(|_, expiry| *expiry >= now);
            self.pruned_at = now;
        }
        self.ids.insert(id, expires).is_none()
    }

    pub(crate) fn contains(&self, id: &[u8; 16]) -> bool {
        self.ids.contains_key(id)
    }

    pub(crate) fn remove(&mut self, id: &[u8; 16]) {
        self.ids.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spent_ids_are_forgotten_once_expired_and_not_before() {
        let mut spent = Spent::default();
        for (expiry, byte) in [(30, 1u8), (10, 2), (20, 3)] {
            assert!(spent.insert([byte; 16], expiry, 5));
        }
        assert!(!spent.insert([1; 16], 30, 5), "a second insertion is refused");
        assert!(spent.insert([4; 16], 40, 20));
        assert!(
            spent.contains(&[1; 16]) && spent.contains(&[3; 16]) && !spent.contains(&[2; 16]),
            "expired at 10 only"
        );
        assert!(spent.insert([5; 16], 50, 41));
        assert_eq!(spent.ids.len(), 1, "only the new one is left");
    }

    fn solve(challenge: &Challenge) -> u64 {
        envelope::pow::solve(challenge.token.as_bytes(), challenge.bits, |_| {})
    }

    #[test]
    fn a_solved_challenge_is_accepted_once() {
        let pow = ProofOfWork::new(10);
        let challenge = pow.issue();
        let nonce = solve(&challenge);
        assert_eq!(pow.redeem(&challenge.token, nonce), Ok(()));
        assert_eq!(pow.redeem(&challenge.token, nonce), Err(TransportProblem::ProofOfWorkExpired));
    }

    #[test]
    fn unsolved_forged_and_foreign_challenges_are_refused() {
        let pow = ProofOfWork::new(10);
        let challenge = pow.issue();
        let nonce = solve(&challenge);
        let wrong = (0..).find(|n| !envelope::pow::is_solution(challenge.token.as_bytes(), 10, *n)).unwrap();
        assert_eq!(pow.redeem(&challenge.token, wrong), Err(TransportProblem::ProofOfWorkFailed));
        // Lowering the difficulty inside the token breaks its MAC.
        let (payload, tag) = challenge.token.split_once('.').unwrap();
        let easier = format!("{}00000001.{tag}", &payload[..payload.len() - 8]);
        assert_eq!(pow.redeem(&easier, 0), Err(TransportProblem::ProofOfWorkFailed));
        assert_eq!(pow.redeem("garbage", 0), Err(TransportProblem::ProofOfWorkFailed));
        // A token from another server (another key) is refused even when solved.
        assert_eq!(ProofOfWork::new(10).redeem(&challenge.token, nonce), Err(TransportProblem::ProofOfWorkFailed));
    }

    #[test]
    fn expired_challenges_are_refused() {
        let pow = ProofOfWork::new(8);
        let mut payload = [0u8; 28];
        payload[16..24].copy_from_slice(&(now_secs() - 1).to_be_bytes());
        payload[24..].copy_from_slice(&8u32.to_be_bytes());
        let token = pow.key.seal(&payload);
        let nonce = envelope::pow::solve(token.as_bytes(), 8, |_| {});
        assert_eq!(pow.redeem(&token, nonce), Err(TransportProblem::ProofOfWorkExpired));
    }
}
