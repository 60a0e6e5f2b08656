//! The committee's forms as typed: a new request (items one a line, `description; quantity; unit;
//! specification`), and the opening's results. Server-side checks; nothing typed is lost on a refusal.

use super::Item;
use crate::participation::fields::{lima_to_utc, parse_soles};
use crate::platform::text::{is_ruc, one_line};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TenderFields {
    /// The committee's own number for the request (`SC-2026-001`): `committee keygen` names it too.
    pub number: String,
    pub title: String,
    pub area: String,
    /// Soles.
    pub estimated: String,
    /// `YYYY-MM-DDTHH:MM` in Lima.
    pub deadline: String,
    pub recipient: String,
    pub threshold: String,
    pub committee: Vec<String>,
    pub items: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTender {
    pub number: String,
    pub title: String,
    pub area: String,
    pub estimated_cents: i64,
    pub deadline: String,
    pub recipient: String,
    pub threshold: u32,
    pub committee: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenderProblem {
    Number,
    /// A request with this number exists.
    Exists,
    Title,
    Area,
    Estimated,
    /// Not a time, or not in the future.
    Deadline,
    Recipient,
    /// Not 2 to the committee's size.
    Threshold,
    /// Fewer than two members, or someone not in the officials register.
    Committee,
    /// An item line, by number.
    Item(usize),
    NoItems,
}

impl TenderFields {
    /// `now`: UTC RFC 3339. `officials`: the register's ids.
    pub fn check(
        &self,
        officials: &std::collections::HashSet<String>,
        now: &str,
    ) -> Result<NewTender, Vec<TenderProblem>> {
        use TenderProblem::*;
        let mut problems = Vec::new();
        let number = self.number.trim().to_uppercase();
        if !is_tender_number(&number) {
            problems.push(Number);
        }
        let (title, area) = (self.title.trim(), self.area.trim());
        if title.is_empty() || !one_line(title, 300) {
            problems.push(Title);
        }
        if area.is_empty() || !one_line(area, 200) {
            problems.push(Area);
        }
        let estimated = parse_soles(&self.estimated).filter(|cents| *cents > 0);
        if estimated.is_none() {
            problems.push(Estimated);
        }
        let deadline = lima_to_utc(&self.deadline).filter(|utc| utc.as_str() > now);
        if deadline.is_none() {
            problems.push(Deadline);
        }
        let recipient = self.recipient.trim();
        if recipient.parse::<envelope::Recipient>().is_err() {
            problems.push(Recipient);
        }
        let mut committee: Vec<String> = self.committee.iter().map(|id| id.trim().to_string()).collect();
        committee.sort();
        committee.dedup();
        if committee.len() < 2 || committee.iter().any(|id| !officials.contains(id)) {
            problems.push(Committee);
        }
        let threshold =
            self.threshold.trim().parse::<u32>().ok().filter(|k| *k >= 2 && (*k as usize) <= committee.len().max(2));
        if threshold.is_none() {
            problems.push(Threshold);
        }
        let mut items = Vec::new();
        for (at, line) in self.items.lines().filter(|line| !line.trim().is_empty()).enumerate() {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let item = match parts[..] {
                [description, quantity, unit, specification]
                    if !description.is_empty()
                        && one_line(description, 300)
                        && !unit.is_empty()
                        && one_line(unit, 40)
                        && one_line(specification, 1000) =>
                {
                    quantity.parse::<u64>().ok().filter(|q| (1..=10_000_000).contains(q)).map(|quantity| super::Item {
                        position: at as u32 + 1,
                        description: description.into(),
                        quantity,
                        unit: unit.into(),
                        specification: specification.into(),
                    })
                }
                _ => None,
            };
            match item {
                Some(item) if at < 100 => items.push(item),
                _ => problems.push(Item(at + 1)),
            }
        }
        if items.is_empty() && !problems.iter().any(|p| matches!(p, Item(_))) {
            problems.push(NoItems);
        }
        match (problems.is_empty(), estimated, deadline, threshold) {
            (true, Some(estimated_cents), Some(deadline), Some(threshold)) => Ok(NewTender {
                number,
                title: title.into(),
                area: area.into(),
                estimated_cents,
                deadline,
                recipient: recipient.into(),
                threshold,
                committee,
                items,
            }),
            _ => Err(problems),
        }
    }
}

/// A request's number: 3 to 40 letters, digits, `.`, `_` or `-` (the committee tool's rule).
pub fn is_tender_number(text: &str) -> bool {
    (3..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The opening's results as typed by the committee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpeningFields {
    pub tender: String,
    /// The tender's key as `committee open` wrote it (`AGE-SECRET-KEY-1…`, comment lines allowed).
    pub secret_key: String,
    /// `cuadro-comparativo.csv`.
    pub comparison: String,
    pub award_ruc: String,
    pub award_name: String,
    pub award_amount: String,
    pub award_reasons: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpeningProblem {
    NoTender,
    /// Before the deadline: nothing may be opened.
    NotClosed,
    AlreadyOpened,
    /// Not an age key, or not the key of this tender's recipient.
    Key,
    Comparison,
    AwardRuc,
    AwardName,
    AwardAmount,
    AwardReasons,
}

/// The key line of what `committee open` wrote, if it is the secret key of `recipient`.
pub fn key_of(text: &str, recipient: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|line| line.starts_with("AGE-SECRET-KEY-1"))?;
    let identity: envelope::Identity = line.parse().ok()?;
    (identity.to_public().to_string() == recipient.trim()).then(|| line.to_string())
}

impl OpeningFields {
    pub fn check_award(&self) -> Vec<OpeningProblem> {
        use OpeningProblem::*;
        let mut problems = Vec::new();
        let table = self.comparison.trim();
        if !table.starts_with("orden,archivo,sha256,") || table.len() > 200_000 {
            problems.push(Comparison);
        }
        if !is_ruc(self.award_ruc.trim()) {
            problems.push(AwardRuc);
        }
        if self.award_name.trim().is_empty() || !one_line(self.award_name.trim(), 200) {
            problems.push(AwardName);
        }
        if parse_soles(&self.award_amount).filter(|c| *c > 0).is_none() {
            problems.push(AwardAmount);
        }
        let reasons = self.award_reasons.trim();
        if reasons.is_empty() || reasons.chars().count() > 4000 {
            problems.push(AwardReasons);
        }
        problems
    }
}
