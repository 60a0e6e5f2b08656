//! Council sessions in the open: the calendar of sessions (ordinary, extraordinary, solemn), each with
//! its agenda, the attendance of each councillor, each councillor's vote on each item, the agreements
//! and ordinances that resulted, the approved minutes (PDF) and the video. Search by date, topic and
//! councillor; a page per councillor; open data shaped on Popolo and Open Civic Data (people,
//! memberships, events, vote events and votes). The council secretary enters sessions through forms and
//! CSV files. Every page is plain HTML: no WebAssembly.
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::i18n::{Locale, td_string};

/// The members file's header.
pub const MEMBERS_HEADER: &str = "id,nombre,partido,cargo,inicio,fin";
/// The votes file's header: one row a councillor and agenda item.
pub const VOTES_HEADER: &str = "sesion,fecha,tipo,punto,asunto,tema,acuerdo,regidor,voto";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionKind {
    Ordinary,
    Extraordinary,
    Solemn,
}

impl SessionKind {
    pub const ALL: [SessionKind; 3] = [SessionKind::Ordinary, SessionKind::Extraordinary, SessionKind::Solemn];

    pub fn code(self) -> &'static str {
        match self {
            SessionKind::Ordinary => "ordinaria",
            SessionKind::Extraordinary => "extraordinaria",
            SessionKind::Solemn => "solemne",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code.trim().to_lowercase())
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            SessionKind::Ordinary => td_string!(locale, council.kind.ordinary),
            SessionKind::Extraordinary => td_string!(locale, council.kind.extraordinary),
            SessionKind::Solemn => td_string!(locale, council.kind.solemn),
        }
    }
}

/// What a councillor did on an item: a vote (Popolo's `yes`, `no`, `abstain`), or not there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VoteOption {
    For,
    Against,
    Abstention,
    /// Not in the room for this item.
    Absent,
    /// On leave (licencia) for the session.
    Leave,
}

impl VoteOption {
    pub const ALL: [VoteOption; 5] =
        [VoteOption::For, VoteOption::Against, VoteOption::Abstention, VoteOption::Absent, VoteOption::Leave];

    pub fn code(self) -> &'static str {
        match self {
            VoteOption::For => "a-favor",
            VoteOption::Against => "en-contra",
            VoteOption::Abstention => "abstencion",
            VoteOption::Absent => "ausente",
            VoteOption::Leave => "licencia",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim().to_lowercase();
        let code = if code == "abstención" { "abstencion".to_string() } else { code };
        Self::ALL.into_iter().find(|option| option.code() == code)
    }

    /// Popolo's vote option, for the open data.
    pub fn popolo(self) -> &'static str {
        match self {
            VoteOption::For => "yes",
            VoteOption::Against => "no",
            VoteOption::Abstention => "abstain",
            VoteOption::Absent => "absent",
            VoteOption::Leave => "excused",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            VoteOption::For => td_string!(locale, council.vote.for_),
            VoteOption::Against => td_string!(locale, council.vote.against),
            VoteOption::Abstention => td_string!(locale, council.vote.abstention),
            VoteOption::Absent => td_string!(locale, council.vote.absent),
            VoteOption::Leave => td_string!(locale, council.vote.leave),
        }
    }
}

/// A councillor's attendance at a session, from their votes: present if they voted on any item (or the
/// session had none and they were marked present), on leave, or absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attendance {
    Present,
    Absent,
    Leave,
}

impl Attendance {
    pub fn code(self) -> &'static str {
        match self {
            Attendance::Present => "presente",
            Attendance::Absent => "ausente",
            Attendance::Leave => "licencia",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Attendance::Present, Attendance::Absent, Attendance::Leave].into_iter().find(|a| a.code() == code.trim())
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Attendance::Present => td_string!(locale, council.attendance.present),
            Attendance::Absent => td_string!(locale, council.attendance.absent),
            Attendance::Leave => td_string!(locale, council.attendance.leave),
        }
    }

    /// From a councillor's rows of one session.
    pub fn from_votes(options: impl IntoIterator<Item = VoteOption>) -> Self {
        let options: Vec<VoteOption> = options.into_iter().collect();
        if options.iter().any(|o| matches!(o, VoteOption::For | VoteOption::Against | VoteOption::Abstention)) {
            Attendance::Present
        } else if options.contains(&VoteOption::Leave) {
            Attendance::Leave
        } else {
            Attendance::Absent
        }
    }
}

/// A member of the council (Popolo's person with one membership).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// A short slug (`maria-paz`): the member's address and the files' key.
    pub id: String,
    pub name: String,
    /// The party or list they were elected on (Popolo's organisation).
    pub party: String,
    /// `alcalde` or `regidor`.
    pub role: String,
    pub start_date: String,
    pub end_date: Option<String>,
}

/// An agenda item and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub position: u32,
    pub title: String,
    /// Keywords for the search (`presupuesto`, `parques`).
    pub topic: String,
    /// The agreement or ordinance that resulted (`Ordenanza N.° 612/MM`), or empty.
    pub agreement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The session's number (`015-2026`): its address.
    pub number: String,
    pub kind: SessionKind,
    pub date: String,
    pub video_url: String,
    pub has_minutes: bool,
    pub items: Vec<Item>,
}

/// One councillor's vote on one item: a row of the session page's table and of `votos.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteRow {
    pub session: String,
    pub date: String,
    pub item: u32,
    pub item_title: String,
    pub member: String,
    pub member_name: String,
    pub option: VoteOption,
}

/// An item's result from its votes: approved when votes for outnumber votes against.
pub fn approved(votes: &[VoteRow], item: u32) -> bool {
    let count = |option| votes.iter().filter(|v| v.item == item && v.option == option).count();
    count(VoteOption::For) > count(VoteOption::Against)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_follows_the_votes() {
        use VoteOption::*;
        assert_eq!(Attendance::from_votes([Absent, For]), Attendance::Present);
        assert_eq!(Attendance::from_votes([Absent, Absent]), Attendance::Absent);
        assert_eq!(Attendance::from_votes([Leave, Leave]), Attendance::Leave);
        assert_eq!(VoteOption::parse(" Abstención "), Some(Abstention));
        assert_eq!(SessionKind::parse("Solemne"), Some(SessionKind::Solemn));
    }
}
