//! Form tickets: the cost the plain form (no JavaScript) pays instead of a proof of work.
//!
//! A browser without JavaScript cannot compute, but it can wait. Every render of the report form carries
//! a ticket in a hidden field, `hex(id ‖ issued_at).hex(mac)` under a key made at start (nothing is
//! written down, as with the proof-of-work challenges). A plain form is read in full, its files
//! encrypted and the plain-form budget touched, only with a ticket that is
//! - genuine: made by this server since it started;
//! - at least `min_age` old: a person needs longer than that to write a report, while a script must
//!   fetch a form and wait before each submission;
//! - at most [`MAX_AGE`] old; and
//! - unspent: a ticket is held while its report is being stored and spent once it is, so one ticket
//!   cannot be replayed, in sequence or in parallel.
//!
//! A form without such a ticket costs the server little: its typed fields are read (to show them
//! again, nothing typed is lost) and its files skipped unread. Only the ticket's id and expiry stay in
//! memory once spent, until it would have expired anyway; the time it was issued is never stored.

use crate::platform::proof_of_work::{SigningKey, Spent, now_secs};
use app::reporting::form::ReportProblem;
use std::sync::Mutex;
use std::time::Duration;

/// How long a form stays usable after it was opened: a long report may be written over a day.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

const PAYLOAD_LEN: usize = 24;

pub struct FormTickets {
    key: SigningKey,
    min_age: Duration,
    /// Tickets held or spent: id → the second after which they would be refused as too old anyway.
    spent: Mutex<Spent>,
}

/// A genuine ticket of the right age, not yet held or spent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidTicket {
    id: [u8; 16],
    expires: u64,
}

/// A ticket held for one submission: spent if the report is stored, given back (for the reporter to
/// send the same form again) if it is refused.
pub struct HeldTicket<'a> {
    tickets: &'a FormTickets,
    id: [u8; 16],
    spent: bool,
}

impl FormTickets {
    pub fn new(min_age: Duration) -> Self {
        Self { key: SigningKey::new(), min_age, spent: Mutex::default() }
    }

    /// The wait a ticket imposes, for the message that asks to wait.
    pub fn min_age(&self) -> Duration {
        self.min_age
    }

    /// A ticket for a form rendered now.
    pub fn issue(&self) -> String {
        self.issue_at(now_secs())
    }

    fn issue_at(&self, issued: u64) -> String {
        let mut payload = [0u8; PAYLOAD_LEN];
        getrandom::getrandom(&mut payload[..16]).expect("the operating system's random source works");
        payload[16..].copy_from_slice(&issued.to_be_bytes());
        self.key.seal(&payload)
    }

    /// Checks a ticket without holding it. Missing, forged, foreign (another server, or this one before
    /// a restart), too old or spent: `FormExpired`; genuine but younger than the minimum: `FormTooSoon`.
    pub fn check(&self, token: &str) -> Result<ValidTicket, ReportProblem> {
        let payload = self.key.open(token.trim(), PAYLOAD_LEN).ok_or(ReportProblem::FormExpired)?;
        let id: [u8; 16] = payload[..16].try_into().expect("16 bytes");
        let issued = u64::from_be_bytes(payload[16..].try_into().expect("8 bytes"));
        let now = now_secs();
        let expires = issued.saturating_add(MAX_AGE.as_secs());
        if now > expires {
            return Err(ReportProblem::FormExpired);
        }
        if now < issued.saturating_add(self.min_age.as_secs()) {
            return Err(ReportProblem::FormTooSoon);
        }
        if self.spent.lock().expect("not poisoned").contains(&id) {
            return Err(ReportProblem::FormExpired);
        }
        Ok(ValidTicket { id, expires })
    }

    /// Holds a checked ticket for one submission; `FormExpired` if another submission holds or spent it
    /// meanwhile.
    pub fn hold(&self, ticket: &ValidTicket) -> Result<HeldTicket<'_>, ReportProblem> {
        if !self.spent.lock().expect("not poisoned").insert(ticket.id, ticket.expires, now_secs()) {
            return Err(ReportProblem::FormExpired);
        }
        Ok(HeldTicket { tickets: self, id: ticket.id, spent: false })
    }
}

impl HeldTicket<'_> {
    /// The report is stored: the ticket can never be used again.
    pub fn spend(mut self) {
        self.spent = true;
    }
}

impl Drop for HeldTicket<'_> {
    fn drop(&mut self) {
        if !self.spent {
            self.tickets.spent.lock().expect("not poisoned").remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_valid_between_its_minimum_and_maximum_age() {
        let tickets = FormTickets::new(Duration::from_secs(10));
        let now = now_secs();
        assert_eq!(tickets.check(&tickets.issue()), Err(ReportProblem::FormTooSoon));
        assert_eq!(tickets.check(&tickets.issue_at(now - 5)), Err(ReportProblem::FormTooSoon));
        assert!(tickets.check(&tickets.issue_at(now - 11)).is_ok());
        assert!(tickets.check(&tickets.issue_at(now - MAX_AGE.as_secs() + 60)).is_ok());
        assert_eq!(tickets.check(&tickets.issue_at(now - MAX_AGE.as_secs() - 60)), Err(ReportProblem::FormExpired));
    }

    #[test]
    fn forged_altered_and_foreign_tickets_are_refused() {
        let tickets = FormTickets::new(Duration::ZERO);
        let ticket = tickets.issue_at(now_secs() - 60);
        assert!(tickets.check(&ticket).is_ok());
        // Backdating the issue time breaks the MAC.
        let (payload, tag) = ticket.split_once('.').unwrap();
        let backdated = format!("{}0000000000000000.{tag}", &payload[..32]);
        assert_eq!(tickets.check(&backdated), Err(ReportProblem::FormExpired));
        for forged in ["", "garbage", ".", "zz.zz", &format!("{payload}.")] {
            assert_eq!(tickets.check(forged), Err(ReportProblem::FormExpired), "{forged:?}");
        }
        assert_eq!(
            FormTickets::new(Duration::ZERO).check(&ticket),
            Err(ReportProblem::FormExpired),
            "another server's"
        );
    }

    #[test]
    fn a_ticket_is_held_by_one_submission_and_spent_once() {
        let tickets = FormTickets::new(Duration::ZERO);
        let token = tickets.issue();
        let ticket = tickets.check(&token).unwrap();
        let held = tickets.hold(&ticket).unwrap();
        assert_eq!(tickets.hold(&ticket).err(), Some(ReportProblem::FormExpired), "a parallel replay is refused");
        drop(held);
        let held = tickets.hold(&ticket).expect("a refused submission gives its ticket back");
        held.spend();
        assert_eq!(tickets.hold(&ticket).err(), Some(ReportProblem::FormExpired));
        assert_eq!(tickets.check(&token), Err(ReportProblem::FormExpired), "a spent ticket is refused as used");
    }
}
