//! The council's public pages: sessions searched by date, topic and councillor; a session with its
//! agenda, attendance and every vote; a councillor with their attendance and votes. Plain HTML.

use super::paths::{COUNCILLOR, SESSION, SESSIONS, minutes_url};
use super::{Attendance, Member, Session, VoteRow, approved};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::platform::text::fold;
use crate::staff::pages::language_prefix;
use crate::ui::format::format_day;
use crate::ui::page_title::{PageTitle, PageTitleText};
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

/// The search form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub from: String,
    pub to: String,
    pub topic: String,
    pub member: String,
}

impl Search {
    /// The sessions that match: dates within the range, an item whose subject, topic or agreement holds
    /// the topic, and the councillor present. Items that do not match the topic are left out.
    pub fn apply(&self, sessions: Vec<Session>, present: &[(String, String)]) -> Vec<Session> {
        let topic = fold(self.topic.trim());
        sessions
            .into_iter()
            .filter(|s| self.from.is_empty() || s.date >= self.from)
            .filter(|s| self.to.is_empty() || s.date <= self.to)
            .filter(|s| {
                self.member.is_empty()
                    || present.iter().any(|(session, member)| *session == s.number && *member == self.member)
            })
            .filter_map(|mut s| {
                if topic.is_empty() {
                    return Some(s);
                }
                s.items
                    .retain(|item| fold(&format!("{} {} {}", item.title, item.topic, item.agreement)).contains(&topic));
                (!s.items.is_empty()).then_some(s)
            })
            .collect()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionsView {
    pub sessions: Vec<Session>,
    pub members: Vec<Member>,
    pub search: Search,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionView {
    pub session: Option<Session>,
    /// (member id, name, attendance), by name.
    pub attendance: Vec<(String, String, Attendance)>,
    pub votes: Vec<VoteRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CouncillorView {
    pub member: Option<Member>,
    /// (session, date, attendance), the latest first.
    pub attendance: Vec<(String, String, Attendance)>,
    pub votes: Vec<VoteRow>,
}

/// `/concejo`.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let SessionsView { sessions, members, search } = use_context::<SessionsView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let options = members
        .iter()
        .map(|m| view! { <option value=m.id.clone() selected=search.member == m.id>{m.name.clone()}</option> })
        .collect_view();
    let people = members
        .iter()
        .map(|m| {
            view! {
                <li><a href=format!("{prefix}{COUNCILLOR}?id={}", m.id)>{m.name.clone()}</a> " — " {m.party.clone()}</li>
            }
        })
        .collect_view();
    let rows = sessions
        .iter()
        .map(|s| {
            let items = s
                .items
                .iter()
                .map(|item| view! { <li>{format!("{}. {}", item.position, item.title)}</li> })
                .collect_view();
            view! {
                <tr data-session=s.number.clone()>
                    <td class="nowrap">{format_day(&s.date, locale)}</td>
                    <th scope="row"><a href=format!("{prefix}{SESSION}?numero={}", s.number)>{s.number.clone()}</a></th>
                    <td>{s.kind.label(locale)}</td>
                    <td><ul class="plain-list">{items}</ul></td>
                </tr>
            }
        })
        .collect_view();
    let empty = sessions.is_empty().then(|| view! { <p id="no-sessions">{t!(i18n, council.sessions.none)}</p> });
    view! {
        <PageTitle text=move || td_string!(locale, council.sessions.title) />
        <h1>{t!(i18n, council.sessions.title)}</h1>
        <p class="lead">{t!(i18n, council.sessions.lead)}</p>
        <form class="staff-form" method="get" action=format!("{prefix}{SESSIONS}") role="search">
            <div class="form-group">
                <label for="desde">{t!(i18n, council.sessions.from)}</label>
                <input id="desde" name="desde" type="date" class="input" value=search.from.clone() />
            </div>
            <div class="form-group">
                <label for="hasta">{t!(i18n, council.sessions.to)}</label>
                <input id="hasta" name="hasta" type="date" class="input" value=search.to.clone() />
            </div>
            <div class="form-group">
                <label for="tema">{t!(i18n, council.sessions.topic)}</label>
                <input id="tema" name="tema" type="text" class="input" value=search.topic.clone() />
            </div>
            <div class="form-group">
                <label for="regidor">{t!(i18n, council.sessions.member)}</label>
                <select id="regidor" name="regidor" class="select">
                    <option value="">{t!(i18n, council.sessions.any_member)}</option>
                    {options}
                </select>
            </div>
            <button type="submit" class="button">{t!(i18n, council.sessions.search)}</button>
        </form>
        {empty}
        <TableScroll label=td_string!(locale, council.sessions.title)>
            <table class="data-table" id="sessions">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, council.session.date)}</th>
                        <th scope="col">{t!(i18n, council.session.number)}</th>
                        <th scope="col">{t!(i18n, council.session.kind)}</th>
                        <th scope="col">{t!(i18n, council.session.agenda)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <h2 id="councillors">{t!(i18n, council.sessions.councillors)}</h2>
        <ul>{people}</ul>
        <p><a href=format!("{prefix}{}", crate::transparency::paths::OPEN_DATA)>{t!(i18n, council.sessions.open_data)}</a></p>
    }
}

#[component]
fn Missing() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <PageTitle text=move || td_string!(locale, council.missing) />
        <h1>{t!(i18n, council.missing)}</h1>
        <p><a href=format!("{}{SESSIONS}", language_prefix(locale))>{t!(i18n, council.sessions.title)}</a></p>
    }
}

/// The table of votes, as `votos.csv` has them: item, subject, councillor, vote.
#[component]
fn VotesTable(id: &'static str, votes: Vec<VoteRow>, with_session: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let prefix = language_prefix(locale);
    let rows = votes
        .iter()
        .map(|v| {
            view! {
                <tr>
                    {with_session.then(|| view! {
                        <td class="nowrap">{format_day(&v.date, locale)}</td>
                        <td><a href=format!("{prefix}{SESSION}?numero={}", v.session)>{v.session.clone()}</a></td>
                    })}
                    <td class="number">{v.item.to_string()}</td>
                    <td>{v.item_title.clone()}</td>
                    {(!with_session).then(|| view! { <td><a href=format!("{prefix}{COUNCILLOR}?id={}", v.member)>{v.member_name.clone()}</a></td> })}
                    <td>{v.option.label(locale)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll label=td_string!(locale, council.session.votes)>
            <table class="data-table" id=id>
                <thead>
                    <tr>
                        {with_session.then(|| view! {
                            <th scope="col">{t!(i18n, council.session.date)}</th>
                            <th scope="col">{t!(i18n, council.session.number)}</th>
                        })}
                        <th scope="col">{t!(i18n, council.session.item)}</th>
                        <th scope="col">{t!(i18n, council.session.subject)}</th>
                        {(!with_session).then(|| view! { <th scope="col">{t!(i18n, council.session.councillor)}</th> })}
                        <th scope="col">{t!(i18n, council.session.vote)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

/// `/concejo/sesion?numero=…`.
#[component]
pub fn SessionPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let SessionView { session, attendance, votes } = use_context::<SessionView>().unwrap_or_default();
    let Some(session) = session else { return view! { <Missing /> }.into_any() };
    let prefix = language_prefix(locale);
    let title = td_string!(locale, council.session.title)
        .replace("{number}", &session.number)
        .replace("{kind}", session.kind.label(locale));
    let items = session
        .items
        .iter()
        .map(|item| {
            let result = if approved(&votes, item.position) {
                td_string!(locale, council.session.approved)
            } else {
                td_string!(locale, council.session.not_approved)
            };
            view! {
                <li id=format!("item-{}", item.position)>
                    <strong>{item.title.clone()}</strong>
                    <br />
                    <span class="hint">{format!("{result}{}", if item.agreement.is_empty() { String::new() } else { format!(" — {}", item.agreement) })}</span>
                </li>
            }
        })
        .collect_view();
    let present = attendance
        .iter()
        .map(|(id, name, status)| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("{prefix}{COUNCILLOR}?id={id}")>{name.clone()}</a></th>
                    <td>{status.label(locale)}</td>
                </tr>
            }
        })
        .collect_view();
    let video = (!session.video_url.is_empty()).then(|| {
        view! { <li><a href=session.video_url.clone() rel="external noopener">{t!(i18n, council.session.video)}</a></li> }
    });
    let minutes = session.has_minutes.then(
        || view! { <li><a href=minutes_url(&session.number) download>{t!(i18n, council.session.minutes)}</a></li> },
    );
    let heading = title.clone();
    view! {
        <PageTitleText text=title />
        <h1>{heading}</h1>
        <p class="lead">{format_day(&session.date, locale)}</p>
        <ul>{video}{minutes}</ul>
        <h2 id="agenda">{t!(i18n, council.session.agenda)}</h2>
        <ol>{items}</ol>
        <h2 id="attendance">{t!(i18n, council.session.attendance)}</h2>
        <TableScroll label=td_string!(locale, council.session.attendance)>
            <table class="data-table" id="attendance-table">
                <thead><tr><th scope="col">{t!(i18n, council.session.councillor)}</th><th scope="col">{t!(i18n, council.session.attendance)}</th></tr></thead>
                <tbody>{present}</tbody>
            </table>
        </TableScroll>
        <h2 id="votes">{t!(i18n, council.session.votes)}</h2>
        <VotesTable id="votes-table" votes with_session=false />
    }
    .into_any()
}

/// `/concejo/regidor?id=…`.
#[component]
pub fn CouncillorPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let CouncillorView { member, attendance, votes } = use_context::<CouncillorView>().unwrap_or_default();
    let Some(member) = member else { return view! { <Missing /> }.into_any() };
    let prefix = language_prefix(locale);
    let present = attendance.iter().filter(|(_, _, status)| *status == Attendance::Present).count();
    let summary = td_string!(locale, council.councillor.summary)
        .replace("{present}", &present.to_string())
        .replace("{sessions}", &attendance.len().to_string());
    let rows = attendance
        .iter()
        .map(|(session, date, status)| {
            view! {
                <tr>
                    <td class="nowrap">{format_day(date, locale)}</td>
                    <th scope="row"><a href=format!("{prefix}{SESSION}?numero={session}")>{session.clone()}</a></th>
                    <td>{status.label(locale)}</td>
                </tr>
            }
        })
        .collect_view();
    let role = if member.role == "alcalde" {
        td_string!(locale, council.councillor.mayor)
    } else {
        td_string!(locale, council.councillor.councillor)
    };
    let name = member.name.clone();
    view! {
        <PageTitleText text=member.name.clone() />
        <h1>{name}</h1>
        <p class="lead">{format!("{role} · {} · {}", member.party, format_day(&member.start_date, locale))}</p>
        <p id="attendance-summary">{summary}</p>
        <h2 id="attendance">{t!(i18n, council.session.attendance)}</h2>
        <TableScroll label=td_string!(locale, council.session.attendance)>
            <table class="data-table" id="attendance-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, council.session.date)}</th>
                        <th scope="col">{t!(i18n, council.session.number)}</th>
                        <th scope="col">{t!(i18n, council.session.attendance)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <h2 id="votes">{t!(i18n, council.session.votes)}</h2>
        <VotesTable id="votes-table" votes with_session=true />
    }
    .into_any()
}

/// The Spanish labels the open data uses for votes, so its rows read as the pages' tables.
pub fn vote_label_es(option: super::VoteOption) -> &'static str {
    option.label(Locale::es_PE)
}
