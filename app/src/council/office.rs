//! The council secretary's page: the members and votes files, a new session (with its video link and
//! approved minutes), and an agenda item with each councillor's vote.

use super::import::LineProblem;
use super::paths::{OFFICE_ITEM_POST, OFFICE_MEMBERS_POST, OFFICE_SESSION_POST, OFFICE_VOTES_POST, SESSION};
use super::{MEMBERS_HEADER, Member, Session, SessionKind, VOTES_HEADER, VoteOption};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::{SignOut, StaffPageRefused, import_outcome, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::field_problems::FieldProblems;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

/// The session form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionFields {
    pub number: String,
    pub kind: String,
    pub date: String,
    pub video_url: String,
}

/// The item form as typed: its session, texts, and each councillor's vote code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFields {
    pub session: String,
    pub title: String,
    pub topic: String,
    pub agreement: String,
    pub votes: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouncilProblem {
    Number,
    Kind,
    Date,
    Video,
    Minutes,
    Exists,
    NoSession,
    Title,
    Votes,
}

impl CouncilProblem {
    pub fn field(self) -> &'static str {
        use CouncilProblem::*;
        match self {
            Number | Exists => "number",
            Kind => "kind",
            Date => "date",
            Video => "video_url",
            Minutes => "minutes",
            NoSession => "item-session",
            Title => "item-title",
            Votes => "item-votes",
        }
    }

    pub fn message(self, locale: Locale) -> &'static str {
        use CouncilProblem::*;
        match self {
            Number => td_string!(locale, council.office.problem_number),
            Kind => td_string!(locale, council.office.problem_kind),
            Date => td_string!(locale, council.office.problem_date),
            Video => td_string!(locale, council.office.problem_video),
            Minutes => td_string!(locale, council.office.problem_minutes),
            Exists => td_string!(locale, council.office.problem_exists),
            NoSession => td_string!(locale, council.office.problem_session),
            Title => td_string!(locale, council.office.problem_title),
            Votes => td_string!(locale, council.office.problem_votes),
        }
    }
}

impl SessionFields {
    pub fn check(&self) -> Vec<CouncilProblem> {
        let mut problems = Vec::new();
        if !super::import::is_session_number(self.number.trim()) {
            problems.push(CouncilProblem::Number);
        }
        if SessionKind::parse(&self.kind).is_none() {
            problems.push(CouncilProblem::Kind);
        }
        if crate::tramites::calendar::parse_day(&self.date).is_none() {
            problems.push(CouncilProblem::Date);
        }
        let video = self.video_url.trim();
        if !video.is_empty()
            && (!video.starts_with("https://") || video.len() > 500 || video.contains(char::is_whitespace))
        {
            problems.push(CouncilProblem::Video);
        }
        problems
    }
}

/// What the last action did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CouncilDone {
    Members(usize),
    Votes { sessions: usize, items: usize, votes: usize },
    Session(String),
    Item(String, u32),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CouncilOfficeView {
    pub username: String,
    pub members: Vec<Member>,
    pub sessions: Vec<Session>,
    pub done: Option<CouncilDone>,
    /// The last import: each refused line, or nothing.
    pub import: Option<(&'static str, Vec<(usize, LineProblem)>)>,
    pub session_form: SessionFields,
    pub item_form: ItemFields,
    pub problems: Vec<CouncilProblem>,
}

/// `/oficina/concejo`.
#[component]
pub fn CouncilOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, council.office.heading);
    let Some(data) = use_context::<CouncilOfficeView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let done = data.done.clone().map(|done| {
        let text = match done {
            CouncilDone::Members(count) => {
                td_string!(locale, council.office.members_done).replace("{count}", &count.to_string())
            }
            CouncilDone::Votes { sessions, items, votes } => td_string!(locale, council.office.votes_done)
                .replace("{sessions}", &sessions.to_string())
                .replace("{items}", &items.to_string())
                .replace("{votes}", &votes.to_string()),
            CouncilDone::Session(number) => {
                td_string!(locale, council.office.session_done).replace("{number}", &number)
            }
            CouncilDone::Item(number, item) => td_string!(locale, council.office.item_done)
                .replace("{number}", &number)
                .replace("{item}", &item.to_string()),
        };
        view! { <p class="notice notice--secure" role="status" id="action-done">{text}</p> }
    });
    let import = data.import.clone().map(|(field, errors)| {
        let errors: Vec<(usize, &'static str)> =
            errors.iter().map(|(line, problem)| (*line, problem.message())).collect();
        import_outcome(locale, Some(Err(errors)), field)
    });
    let problems = FieldProblems(data.problems.iter().map(|p| (p.field(), p.message(locale).to_string())).collect());
    let summary = problems.summary();
    let form = data.session_form.clone();
    let item = data.item_form.clone();
    let kinds = SessionKind::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("kind-{}", kind.code());
            view! {
                <div class="radio">
                    <input type="radio" id=id.clone() name="kind" value=kind.code() checked=form.kind == kind.code() />
                    <label for=id>{kind.label(locale)}</label>
                </div>
            }
        })
        .collect_view();
    let session_options = data
        .sessions
        .iter()
        .map(|s| view! { <option value=s.number.clone() selected=item.session == s.number>{format!("{} ({})", s.number, s.date)}</option> })
        .collect_view();
    let member_votes = data
        .members
        .iter()
        .filter(|m| m.end_date.is_none())
        .map(|m| {
            let id = format!("vote-{}", m.id);
            let chosen =
                item.votes.iter().find(|(member, _)| *member == m.id).map(|(_, code)| code.clone()).unwrap_or_default();
            // Nothing chosen by default: a councillor left unrecorded gets no row (and no attendance).
            let options = VoteOption::ALL
                .into_iter()
                .map(|o| view! { <option value=o.code() selected=chosen == o.code()>{o.label(locale)}</option> })
                .collect_view();
            let options = view! { <option value="">{td_string!(locale, council.office.unrecorded)}</option> {options} };
            view! {
                <div class="form-group">
                    <label for=id.clone()>{m.name.clone()}</label>
                    <select id=id.clone() name=id class="select">{options}</select>
                </div>
            }
        })
        .collect_view();
    let sessions = data
        .sessions
        .iter()
        .map(|s| {
            view! {
                <li>
                    <a href=format!("{prefix}{SESSION}?numero={}", s.number)>{format!("{} — {} — {}", s.number, s.date, s.kind.label(locale))}</a>
                    {format!(" ({})", s.items.len())}
                </li>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {done}
        {import}
        <ErrorSummary id="council-errors" problems=summary />
        <h2 id="sessions">{t!(i18n, council.office.sessions)}</h2>
        <ul>{sessions}</ul>
        <h2 id="new-session">{t!(i18n, council.office.new_session)}</h2>
        <p>{t!(i18n, council.office.new_session_lead)}</p>
        <form class="staff-form" method="post" action=OFFICE_SESSION_POST.path() enctype="multipart/form-data" novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("number")>
                <label for="number">{t!(i18n, council.session.number)}</label>
                {problems.error_of("number")}
                <input id="number" name="number" type="text" class="input input--short" value=form.number.clone() />
            </div>
            <div class="form-group" class:form-group--error=problems.has("kind")>
                <fieldset id="kind">
                    <legend>{t!(i18n, council.session.kind)}</legend>
                    {problems.error_of("kind")}
                    {kinds}
                </fieldset>
            </div>
            <div class="form-group" class:form-group--error=problems.has("date")>
                <label for="date">{t!(i18n, council.session.date)}</label>
                {problems.error_of("date")}
                <input id="date" name="date" type="date" class="input" value=form.date.clone() />
            </div>
            <div class="form-group" class:form-group--error=problems.has("video_url")>
                <label for="video_url">{t!(i18n, council.office.video)}</label>
                {problems.error_of("video_url")}
                <input id="video_url" name="video_url" type="url" class="input" value=form.video_url.clone() />
            </div>
            <div class="form-group" class:form-group--error=problems.has("minutes")>
                <label for="minutes">{t!(i18n, council.office.minutes)}</label>
                {problems.error_of("minutes")}
                <input id="minutes" name="document" type="file" accept="application/pdf,.pdf" />
            </div>
            <button type="submit" class="button">{t!(i18n, council.office.save_session)}</button>
        </form>
        <h2 id="new-item">{t!(i18n, council.office.new_item)}</h2>
        <form class="staff-form" method="post" action=OFFICE_ITEM_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("item-session")>
                <label for="item-session">{t!(i18n, council.office.item_session)}</label>
                {problems.error_of("item-session")}
                <select id="item-session" name="session" class="select">{session_options}</select>
            </div>
            <div class="form-group" class:form-group--error=problems.has("item-title")>
                <label for="item-title">{t!(i18n, council.session.subject)}</label>
                {problems.error_of("item-title")}
                <input id="item-title" name="title" type="text" class="input" value=item.title.clone() />
            </div>
            <div class="form-group">
                <label for="item-topic">{t!(i18n, council.office.topic)}</label>
                <input id="item-topic" name="topic" type="text" class="input" value=item.topic.clone() />
            </div>
            <div class="form-group">
                <label for="item-agreement">{t!(i18n, council.office.agreement)}</label>
                <input id="item-agreement" name="agreement" type="text" class="input" value=item.agreement.clone() />
            </div>
            <fieldset id="item-votes" class="form-group" class:form-group--error=problems.has("item-votes")>
                <legend>{t!(i18n, council.session.votes)}</legend>
                {problems.error_of("item-votes")}
                {member_votes}
            </fieldset>
            <button type="submit" class="button">{t!(i18n, council.office.save_item)}</button>
        </form>
        <h2 id="imports">{t!(i18n, council.office.imports)}</h2>
        <p>{t!(i18n, council.office.members_lead)}</p>
        <p class="hint"><code>{MEMBERS_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_MEMBERS_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="members-file">{t!(i18n, council.office.members_file)}</label>
                <input id="members-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
        <p>{t!(i18n, council.office.votes_lead)}</p>
        <p class="hint"><code>{VOTES_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_VOTES_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="votes-file">{t!(i18n, council.office.votes_file)}</label>
                <input id="votes-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
    }
    .into_any()
}
