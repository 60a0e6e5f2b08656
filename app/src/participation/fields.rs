//! The staff's poll and question forms as typed, their server-side checks, and times in Lima.

use super::storage::NewPoll;
use super::{PollOption, Question, QuestionKind};

/// Lima keeps UTC−5 all year.
fn lima() -> time::UtcOffset {
    time::UtcOffset::from_hms(-5, 0, 0).expect("valid offset")
}

/// `YYYY-MM-DDTHH:MM` typed in Lima (a `datetime-local` input) as a poll's UTC time.
pub fn lima_to_utc(text: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = time::PrimitiveDateTime::parse(text.trim(), format).ok()?;
    Some(super::storage::format_utc(local.assume_offset(lima())))
}

/// A poll's UTC time as Lima's `YYYY-MM-DD HH:MM`.
pub fn utc_to_lima(utc: &str) -> String {
    time::OffsetDateTime::parse(utc, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|at| {
            at.to_offset(lima()).format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]")).ok()
        })
        .unwrap_or_else(|| utc.to_string())
}

/// A question as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionFields {
    pub text: String,
    pub kind: String,
    pub max_choices: String,
    /// Soles, `150000` or `150000.50`.
    pub budget: String,
    /// One option a line; for a budget, `label | cost in soles`.
    pub options: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollFields {
    pub title: String,
    pub description: String,
    pub zone: String,
    pub opens_at: String,
    pub closes_at: String,
    pub question: QuestionFields,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollProblem {
    TitleMissing,
    DescriptionMissing,
    OpensInvalid,
    ClosesInvalid,
    ClosesBeforeOpens,
    OpensInPast,
    QuestionMissing,
    KindMissing,
    MaxChoicesInvalid,
    BudgetInvalid,
    OptionsTooFew,
    CostInvalid,
    /// The poll opened: questions can no longer be added.
    AlreadyOpen,
}

impl PollProblem {
    /// The field the problem is shown at.
    pub fn field(self) -> &'static str {
        use PollProblem::*;
        match self {
            TitleMissing => "title",
            DescriptionMissing => "description",
            OpensInvalid | OpensInPast => "opens_at",
            ClosesInvalid | ClosesBeforeOpens => "closes_at",
            QuestionMissing => "question",
            KindMissing => "kind",
            MaxChoicesInvalid => "max_choices",
            BudgetInvalid => "budget",
            OptionsTooFew | CostInvalid => "options",
            AlreadyOpen => "question",
        }
    }
}

/// Soles typed with an optional point and up to two decimals, as céntimos.
pub fn parse_soles(text: &str) -> Option<i64> {
    let text: String = text.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    let text = text.strip_prefix("S/").unwrap_or(&text).trim().to_string();
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || cents.len() > 2
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents = format!("{cents:0<2}").parse::<i64>().ok()?;
    whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)
}

fn clip(text: &str, most: usize) -> String {
    text.trim().chars().take(most).collect()
}

impl QuestionFields {
    pub fn check(&self, problems: &mut Vec<PollProblem>) -> Option<Question> {
        let text = clip(&self.text, 500);
        if text.is_empty() {
            problems.push(PollProblem::QuestionMissing);
        }
        let kind = QuestionKind::parse(&self.kind);
        if kind.is_none() {
            problems.push(PollProblem::KindMissing);
        }
        let lines: Vec<&str> = self.options.lines().map(str::trim).filter(|line| !line.is_empty()).take(50).collect();
        let mut options = Vec::new();
        for line in &lines {
            let (label, cost) = match (kind, line.rsplit_once('|')) {
                (Some(QuestionKind::Budget), Some((label, cost))) => (label.trim(), parse_soles(cost)),
                (Some(QuestionKind::Budget), None) => (*line, None),
                _ => (*line, Some(0)),
            };
            match cost {
                Some(cost_cents) if cost_cents > 0 || kind != Some(QuestionKind::Budget) => {
                    options.push(PollOption { label: clip(label, 300), cost_cents })
                }
                _ => {
                    if !problems.contains(&PollProblem::CostInvalid) {
                        problems.push(PollProblem::CostInvalid);
                    }
                }
            }
        }
        if lines.len() < 2 {
            problems.push(PollProblem::OptionsTooFew);
        }
        let max_choices = match kind {
            Some(QuestionKind::Multiple) => match self.max_choices.trim().parse::<u32>() {
                Ok(n) if n >= 1 && (n as usize) <= lines.len().max(1) => n,
                _ => {
                    problems.push(PollProblem::MaxChoicesInvalid);
                    0
                }
            },
            _ => 1,
        };
        let budget_cents = match kind {
            Some(QuestionKind::Budget) => match parse_soles(&self.budget) {
                Some(cents) if cents > 0 => cents,
                _ => {
                    problems.push(PollProblem::BudgetInvalid);
                    0
                }
            },
            _ => 0,
        };
        let kind = kind?;
        (problems.is_empty()).then_some(Question { text, kind, max_choices, budget_cents, options })
    }
}

impl PollFields {
    /// The poll, or every problem found. `now` is UTC as polls store it.
    pub fn check(&self, now: &str) -> Result<NewPoll, Vec<PollProblem>> {
        let mut problems = Vec::new();
        let title = clip(&self.title, 200);
        if title.is_empty() {
            problems.push(PollProblem::TitleMissing);
        }
        let description = clip(&self.description, 4000);
        if description.is_empty() {
            problems.push(PollProblem::DescriptionMissing);
        }
        let opens_at = lima_to_utc(&self.opens_at);
        let closes_at = lima_to_utc(&self.closes_at);
        match &opens_at {
            None => problems.push(PollProblem::OpensInvalid),
            Some(opens) if opens.as_str() <= now => problems.push(PollProblem::OpensInPast),
            _ => {}
        }
        match (&opens_at, &closes_at) {
            (_, None) => problems.push(PollProblem::ClosesInvalid),
            (Some(opens), Some(closes)) if closes <= opens => problems.push(PollProblem::ClosesBeforeOpens),
            _ => {}
        }
        let question = self.question.check(&mut problems);
        match (question, opens_at, closes_at) {
            (Some(question), Some(opens_at), Some(closes_at)) if problems.is_empty() => Ok(NewPoll {
                title,
                description,
                zone: Some(clip(&self.zone, 60)).filter(|zone| !zone.is_empty()),
                opens_at,
                closes_at,
                question,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_typed_in_lima_and_stored_in_utc() {
        assert_eq!(lima_to_utc("2026-12-03T18:30").as_deref(), Some("2026-12-03T23:30:00Z"));
        assert_eq!(utc_to_lima("2026-12-03T23:30:00Z"), "2026-12-03 18:30");
        assert_eq!(lima_to_utc("2026-12-03 18:30"), None);
    }

    #[test]
    fn soles_are_read_as_centimos() {
        assert_eq!(parse_soles("150000"), Some(15_000_000));
        assert_eq!(parse_soles("S/ 1,500.5"), Some(150_050));
        assert_eq!(parse_soles("12.345"), None);
        assert_eq!(parse_soles("-3"), None);
    }

    #[test]
    fn a_poll_form_names_each_problem() {
        let fields = PollFields {
            title: " ".into(),
            description: "d".into(),
            opens_at: "2026-12-01T10:00".into(),
            closes_at: "2026-12-01T09:00".into(),
            question: QuestionFields {
                text: "¿Qué obra?".into(),
                kind: "presupuesto".into(),
                budget: "100".into(),
                options: "Parque | 60\nPista".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        use PollProblem::*;
        assert_eq!(
            fields.check("2026-12-02T00:00:00Z").unwrap_err(),
            [TitleMissing, OpensInPast, ClosesBeforeOpens, CostInvalid]
        );
        let good = PollFields {
            title: "Presupuesto 2027".into(),
            opens_at: "2026-12-10T08:00".into(),
            closes_at: "2026-12-12T20:00".into(),
            question: QuestionFields { options: "Parque | 60\nPista | 50.50".into(), ..fields.question.clone() },
            ..fields
        };
        let poll = good.check("2026-12-02T00:00:00Z").unwrap();
        assert_eq!(poll.question.options[1].cost_cents, 5050);
        assert_eq!(poll.question.budget_cents, 10_000);
        assert_eq!(poll.closes_at, "2026-12-13T01:00:00Z");
    }
}
