//! Neighbourhood participation: votes, consultations and participatory budgets whose ballots no one,
//! the database's administrator included, can link to a voter.
//!
//! The resident chooses first; the browser makes a token of a random nonce and the choices, blinds it,
//! and sends it with the resident's DNI and date of birth (as in the census): the server checks the
//! census and signs blindly (RSA, RFC 9474, RSABSSA-SHA384-PSS-Randomized) without seeing the token,
//! and stores only that this DNI took its token. The ballot is then cast in a separate request carrying
//! the unblinded token and its signature, and nothing else that identifies anyone. Since the signature
//! covers the choices, no one (the server included) can alter a ballot unnoticed. After the close every
//! ballot is published with its token, so each voter finds their ballot code and anyone recounts and
//! checks every signature ([`verify`]).
//!
//! Council sessions, the other half of participation, are their own capability (`council`).
#[cfg(feature = "ssr")]
pub mod fields;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(any(feature = "ssr", feature = "browser-participation"))]
pub mod island;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "ssr")]
pub mod verify;

use serde::{Deserialize, Serialize};

/// The blind-signature crate, for the server's key generation and signing.
#[cfg(feature = "ssr")]
pub use blind_rsa_signatures as blind_rsa;

/// The bits of each poll's RSA key (RFC 9474 allows 2048 to 4096; a poll's key lives for one poll).
pub const KEY_BITS: usize = 2048;
/// A token is this many random bytes, then the ballot's choices as JSON: the message the poll's key
/// signs blindly.
pub const NONCE_BYTES: usize = 32;
/// The longest token accepted (a nonce and the choices of a long poll).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// The census file's header.
pub const CSV_HEADER: &str = "dni,nombres,fecha_nacimiento,zona";

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    /// One option.
    Single,
    /// From one up to `max_choices` options.
    Multiple,
    /// Projects whose costs add up to at most the question's budget (participatory budgeting).
    Budget,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 3] = [QuestionKind::Single, QuestionKind::Multiple, QuestionKind::Budget];

    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Single => "unica",
            QuestionKind::Multiple => "varias",
            QuestionKind::Budget => "presupuesto",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code.trim())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollOption {
    pub label: String,
    /// A project's cost in céntimos (budget questions; 0 otherwise).
    pub cost_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub text: String,
    pub kind: QuestionKind,
    /// Multiple choice: the most options a voter may choose.
    pub max_choices: u32,
    /// Budget questions: the total the chosen projects may cost, in céntimos.
    pub budget_cents: i64,
    pub options: Vec<PollOption>,
}

/// Where a poll is in its life, by the server's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Upcoming,
    Open,
    Closed,
}

/// A poll as the public sees it (never its secret key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poll {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Only residents of this census zone may vote; `None`: the whole census.
    pub zone: Option<String>,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub opens_at: String,
    pub closes_at: String,
    pub questions: Vec<Question>,
    /// The poll's public key, SPKI PEM: what every token's signature is checked against.
    pub public_key_pem: String,
}

impl Poll {
    /// The phase at `now` (same format as the poll's times, which compare as text).
    pub fn phase(&self, now: &str) -> Phase {
        if now < self.opens_at.as_str() {
            Phase::Upcoming
        } else if now < self.closes_at.as_str() {
            Phase::Open
        } else {
            Phase::Closed
        }
    }
}

/// A ballot's choices: for each question in order, the positions of the options chosen.
pub type Choices = Vec<Vec<u32>>;

/// Why a ballot's choices are not a valid answer to the poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChoiceProblem {
    /// Not one answer per question.
    Shape,
    /// Nothing chosen in this question (its position).
    NoneChosen(usize),
    /// More options than the question allows.
    TooMany(usize),
    /// The chosen projects cost more than the budget.
    OverBudget(usize),
    /// An option that is not there, or chosen twice.
    UnknownOption(usize),
}

/// Checks `choices` against the poll's questions: what the server checks before storing a ballot, and
/// the verifier checks for every published ballot.
pub fn check_choices(questions: &[Question], choices: &Choices) -> Result<(), ChoiceProblem> {
    if questions.len() != choices.len() {
        return Err(ChoiceProblem::Shape);
    }
    for (at, (question, chosen)) in questions.iter().zip(choices).enumerate() {
        if chosen.is_empty() {
            return Err(ChoiceProblem::NoneChosen(at));
        }
        let mut seen = std::collections::BTreeSet::new();
        if chosen.iter().any(|&option| option as usize >= question.options.len() || !seen.insert(option)) {
            return Err(ChoiceProblem::UnknownOption(at));
        }
        match question.kind {
            QuestionKind::Single if chosen.len() > 1 => return Err(ChoiceProblem::TooMany(at)),
            QuestionKind::Multiple if chosen.len() > question.max_choices as usize => {
                return Err(ChoiceProblem::TooMany(at));
            }
            QuestionKind::Budget => {
                let cost: i64 = chosen.iter().map(|&option| question.options[option as usize].cost_cents).sum();
                if cost > question.budget_cents {
                    return Err(ChoiceProblem::OverBudget(at));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The token for `choices`: the nonce, then the choices as JSON (`[[1],[0,2]]`).
pub fn token_message(nonce: &[u8; NONCE_BYTES], choices: &Choices) -> Vec<u8> {
    let mut message = nonce.to_vec();
    message.extend(serde_json::to_vec(choices).expect("choices serialise"));
    message
}

/// The choices a token carries, if it is a nonce followed by choices as JSON.
pub fn choices_of_token(token: &[u8]) -> Option<Choices> {
    if token.len() <= NONCE_BYTES || token.len() > MAX_TOKEN_BYTES {
        return None;
    }
    serde_json::from_slice(&token[NONCE_BYTES..]).ok()
}

/// Votes for each option of each question.
pub type Tally = Vec<Vec<u64>>;

pub fn tally<'a>(questions: &[Question], ballots: impl IntoIterator<Item = &'a Choices>) -> Tally {
    let mut counts: Tally = questions.iter().map(|question| vec![0; question.options.len()]).collect();
    for choices in ballots {
        for (question, chosen) in counts.iter_mut().zip(choices) {
            for &option in chosen {
                if let Some(count) = question.get_mut(option as usize) {
                    *count += 1;
                }
            }
        }
    }
    counts
}

/// A budget question's result: projects by votes (ties by their order on the ballot), each funded if
/// it still fits in what is left of the budget (the usual greedy rule of participatory budgets).
pub fn funded(question: &Question, votes: &[u64]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..question.options.len()).collect();
    order.sort_by_key(|&at| (std::cmp::Reverse(votes.get(at).copied().unwrap_or(0)), at));
    let mut left = question.budget_cents;
    let mut funded = vec![false; question.options.len()];
    for at in order {
        let cost = question.options[at].cost_cents;
        if votes.get(at).copied().unwrap_or(0) > 0 && cost <= left {
            left -= cost;
            funded[at] = true;
        }
    }
    funded
}

/// `POST` to the poll's token address: the eligibility proof and the blinded token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenRequest {
    pub dni: String,
    /// `YYYY-MM-DD`, as in the census.
    pub birth_date: String,
    /// The blinded message, base64url.
    pub blinded: String,
}

/// The answer: the blind signature, base64url, which only the browser that blinded can unblind.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenAnswer {
    pub blind_signature: String,
}

/// `POST` to the poll's ballot address: a signed token and the choices, nothing about the voter.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CastRequest {
    /// base64url: [`NONCE_BYTES`] random bytes, then `choices` as JSON.
    pub token: String,
    /// The RFC 9474 message randomizer, base64url, 32 bytes.
    pub randomizer: String,
    /// The unblinded signature, base64url.
    pub signature: String,
    pub choices: Choices,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CastAnswer {
    pub ballot_code: String,
}

/// Why a token or a ballot was refused: the API's problem codes and the island's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteProblem {
    /// The DNI is not 8 digits or the date not a day.
    Invalid,
    /// No resident of the poll's census with this DNI and date of birth (one answer for both).
    NotInCensus,
    /// This DNI already took its token, with another blinded message.
    AlreadyTaken,
    /// The poll has not opened, or has closed.
    NotOpen,
    /// The signature does not check against the poll's key.
    BadToken,
    /// The token was used by another ballot.
    TokenUsed,
    /// The choices are not the ones the token carries.
    ChoicesNotInToken,
    Choices(ChoiceProblem),
    /// Too many wrong eligibility attempts portal-wide: wait a minute.
    TooMany,
    Unavailable,
}

impl VoteProblem {
    pub fn code(self) -> &'static str {
        match self {
            VoteProblem::Invalid => "invalid",
            VoteProblem::NotInCensus => "not-in-census",
            VoteProblem::AlreadyTaken => "token-already-taken",
            VoteProblem::NotOpen => "poll-not-open",
            VoteProblem::BadToken => "bad-token",
            VoteProblem::TokenUsed => "token-used",
            VoteProblem::ChoicesNotInToken => "choices-not-in-token",
            VoteProblem::Choices(_) => "invalid-choices",
            VoteProblem::TooMany => "too-many-attempts",
            VoteProblem::Unavailable => "unavailable",
        }
    }
}

/// One published ballot: everything anyone needs to check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedBallot {
    pub code: String,
    pub choices: Choices,
    pub token: String,
    pub randomizer: String,
    pub signature: String,
}

/// What the portal publishes after the close (`…/papeletas.json`): the poll, its public key, the
/// census, the tokens issued, every ballot and the tally. [`verify::check`] recounts it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub poll: Poll,
    /// Residents of the census who could vote (the zone's, if the poll has one), at the close.
    pub census_size: u64,
    pub tokens_issued: u64,
    pub tally: Tally,
    /// In the order of their codes, which are random.
    pub ballots: Vec<PublishedBallot>,
}

/// What the results page shows after the close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Results {
    pub census_size: u64,
    pub tokens_issued: u64,
    pub ballots: u64,
    pub tally: Tally,
}

/// Turnout in tenths of a percent (ballots against the census), for display without floats.
pub fn turnout_permille(ballots: u64, census: u64) -> u64 {
    (ballots * 1000).checked_div(census).unwrap_or(0)
}

/// Base64url without padding, as tokens and signatures travel; padding is accepted when read.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim().trim_end_matches('=')).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind, costs: &[i64]) -> Question {
        Question {
            text: "¿?".into(),
            kind,
            max_choices: 2,
            budget_cents: 100,
            options: costs.iter().map(|&cost_cents| PollOption { label: "x".into(), cost_cents }).collect(),
        }
    }

    #[test]
    fn choices_are_checked_per_question_kind() {
        let single = question(QuestionKind::Single, &[0, 0, 0]);
        let multiple = question(QuestionKind::Multiple, &[0, 0, 0]);
        let budget = question(QuestionKind::Budget, &[60, 50, 40]);
        let questions = [single, multiple, budget];
        assert_eq!(check_choices(&questions, &vec![vec![1], vec![0, 2], vec![0, 2]]), Ok(()));
        assert_eq!(check_choices(&questions, &vec![vec![1], vec![0, 2]]), Err(ChoiceProblem::Shape));
        assert_eq!(check_choices(&questions, &vec![vec![0, 1], vec![0], vec![0]]), Err(ChoiceProblem::TooMany(0)));
        assert_eq!(check_choices(&questions, &vec![vec![0], vec![0, 1, 2], vec![0]]), Err(ChoiceProblem::TooMany(1)));
        assert_eq!(check_choices(&questions, &vec![vec![0], vec![], vec![0]]), Err(ChoiceProblem::NoneChosen(1)));
        assert_eq!(check_choices(&questions, &vec![vec![3], vec![0], vec![0]]), Err(ChoiceProblem::UnknownOption(0)));
        assert_eq!(
            check_choices(&questions, &vec![vec![0], vec![1, 1], vec![0]]),
            Err(ChoiceProblem::UnknownOption(1))
        );
        assert_eq!(check_choices(&questions, &vec![vec![0], vec![1], vec![0, 1]]), Err(ChoiceProblem::OverBudget(2)));
    }

    #[test]
    fn budget_projects_are_funded_by_votes_while_they_fit() {
        let budget = question(QuestionKind::Budget, &[60, 50, 40]);
        // 50 has most votes and fits; 60 does not fit in the 50 left; 40 does.
        assert_eq!(funded(&budget, &[3, 5, 1]), [false, true, true]);
        // A project nobody chose is not funded even if money is left.
        assert_eq!(funded(&budget, &[0, 0, 2]), [false, false, true]);
        let ballots = [vec![vec![1u32]], vec![vec![1, 2]]];
        assert_eq!(tally(&[budget], ballots.iter()), vec![vec![0, 2, 1]]);
        assert_eq!(turnout_permille(2, 3), 666);
        assert_eq!(turnout_permille(1, 0), 0);
    }
}
