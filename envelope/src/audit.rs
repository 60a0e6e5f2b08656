//! The integrity office's audit log as a hash chain: each entry's hash covers its own fields and the
//! previous entry's hash, so changing, removing or reordering any entry breaks every hash after it.
//! The server appends entries; the server and the officer tool both verify a chain with [`verify`], and
//! the tool also checks that a chain still extends the head it verified last time ([`verify_extends`]),
//! which catches a rewrite of the whole history by someone who can write the database.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hex_lower;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const DOMAIN: &[u8] = b"miraflores-portal/audit/v1";

/// One officer action. `at` is UTC, RFC 3339, to the second: officers' actions are timed, reporters'
/// never are (no reporter action is audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: String,
    /// The officer's user name, or `system` for what the server does by itself (key changes).
    pub actor: String,
    pub action: String,
    /// What the action was about: a case id, a key id, an account; empty when nothing.
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry with these fields: SHA-256 over a domain string and every field length-prefixed,
/// so no two different entries can serialise to the same bytes.
pub fn entry_hash(
    prev_hash: &str,
    seq: u64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(seq.to_be_bytes());
    for field in [prev_hash, at, actor, action, subject, detail] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex_lower(&hasher.finalize())
}

impl AuditEntry {
    /// The entry that follows `previous` (or starts the chain), with its hash computed.
    pub fn next(
        previous: Option<&AuditEntry>,
        at: String,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Self {
        let (seq, prev_hash) = match previous {
            Some(entry) => (entry.seq + 1, entry.hash.clone()),
            None => (1, GENESIS.to_string()),
        };
        let hash = entry_hash(&prev_hash, seq, &at, actor, action, subject, detail);
        Self {
            seq,
            at,
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            detail: detail.into(),
            prev_hash,
            hash,
        }
    }

    fn computed_hash(&self) -> String {
        entry_hash(&self.prev_hash, self.seq, &self.at, &self.actor, &self.action, &self.subject, &self.detail)
    }
}

/// Where and why a chain is broken. `seq` is the first entry that cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: u64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BreakReason {
    #[error("its contents do not match its hash (the entry was changed)")]
    HashMismatch,
    #[error("it does not follow the previous entry's hash (an entry was changed, removed or inserted before it)")]
    NotLinked,
    #[error("its number is out of sequence (an entry was removed or inserted)")]
    OutOfSequence,
    #[error("it differs from the entry verified earlier (history was rewritten)")]
    Rewritten,
    #[error("the log is shorter than the one verified earlier (entries were removed)")]
    Truncated,
}

/// Checks a whole chain from its first entry, in order.
pub fn verify(entries: &[AuditEntry]) -> Result<(), ChainBreak> {
    let mut previous: Option<&AuditEntry> = None;
    for entry in entries {
        let (expected_seq, expected_prev) = match previous {
            Some(p) => (p.seq + 1, p.hash.as_str()),
            None => (1, GENESIS),
        };
        let broken = |reason| Err(ChainBreak { seq: entry.seq, reason });
        if entry.seq != expected_seq {
            return Err(ChainBreak { seq: expected_seq, reason: BreakReason::OutOfSequence });
        }
        if entry.computed_hash() != entry.hash {
            return broken(BreakReason::HashMismatch);
        }
        if entry.prev_hash != expected_prev {
            return broken(BreakReason::NotLinked);
        }
        previous = Some(entry);
    }
    Ok(())
}

/// Checks a chain and that it still holds the entry `(seq, hash)` verified earlier (an anchor kept
/// outside the server).
pub fn verify_extends(entries: &[AuditEntry], anchor_seq: u64, anchor_hash: &str) -> Result<(), ChainBreak> {
    verify(entries)?;
    if anchor_seq == 0 {
        return Ok(());
    }
    match entries.iter().find(|entry| entry.seq == anchor_seq) {
        Some(entry) if entry.hash == anchor_hash => Ok(()),
        Some(_) => Err(ChainBreak { seq: anchor_seq, reason: BreakReason::Rewritten }),
        None => Err(ChainBreak { seq: entries.len() as u64 + 1, reason: BreakReason::Truncated }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let entry = AuditEntry::next(
                entries.last(),
                format!("2026-11-24T10:00:{i:02}Z"),
                "ana",
                "status",
                "case1",
                "acknowledged",
            );
            entries.push(entry);
        }
        entries
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let entries = chain(5);
        assert_eq!(verify(&entries), Ok(()));
        assert_eq!(entries[0].prev_hash, GENESIS);
        assert_eq!(verify_extends(&entries, 3, &entries[2].hash), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn changing_any_field_of_any_entry_is_found_at_that_entry() {
        for index in 0..5 {
            for field in 0..5 {
                let mut entries = chain(5);
                let entry = &mut entries[index];
                match field {
                    0 => entry.at.push('x'),
                    1 => entry.actor = "eve".into(),
                    2 => entry.action = "login".into(),
                    3 => entry.subject = "case2".into(),
                    _ => entry.detail = "closed".into(),
                }
                let seq = entries[index].seq;
                assert_eq!(verify(&entries), Err(ChainBreak { seq, reason: BreakReason::HashMismatch }));
            }
        }
    }

    #[test]
    fn a_rehashed_entry_breaks_the_link_to_the_next() {
        let mut entries = chain(4);
        entries[1].detail = "closed".into();
        entries[1].hash = entries[1].computed_hash();
        assert_eq!(verify(&entries), Err(ChainBreak { seq: 3, reason: BreakReason::NotLinked }));
    }

    #[test]
    fn removed_entries_and_rewritten_history_are_found() {
        let mut entries = chain(4);
        entries.remove(1);
        assert_eq!(verify(&entries), Err(ChainBreak { seq: 2, reason: BreakReason::OutOfSequence }));

        let original = chain(4);
        let anchor = original[3].hash.clone();
        assert_eq!(
            verify_extends(&original[..2], 4, &anchor),
            Err(ChainBreak { seq: 3, reason: BreakReason::Truncated })
        );
        // A whole chain recomputed by someone with database access verifies alone, not against the anchor.
        let mut forged: Vec<AuditEntry> = Vec::new();
        for (i, entry) in original.iter().enumerate() {
            let detail = if i == 1 { "closed" } else { entry.detail.as_str() };
            forged.push(AuditEntry::next(
                forged.last(),
                entry.at.clone(),
                &entry.actor,
                &entry.action,
                &entry.subject,
                detail,
            ));
        }
        assert_eq!(verify(&forged), Ok(()));
        assert_eq!(verify_extends(&forged, 4, &anchor), Err(ChainBreak { seq: 4, reason: BreakReason::Rewritten }));
    }
}
