//! Participation's public pages: the polls, voting (an island: the page says why it needs JavaScript
//! and where to vote in person without it), and a closed poll's results with every ballot published.

use super::fields::utc_to_lima;
use super::island::{CastDelay, VoteIsland};
use super::paths::{self, POLLS, RESULTS, VOTE};
use super::{Phase, Poll, PublishedBallot, QuestionKind, Results, funded, turnout_permille};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::language_prefix;
use crate::treasury::format_soles;
use crate::ui::islands::{Bundle, IslandHost};
use crate::ui::page_title::{PageTitle, PageTitleText};
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollsView {
    pub polls: Vec<Poll>,
    pub now: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoteView {
    pub poll: Option<Poll>,
    pub now: String,
    pub delay: CastDelay,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultsView {
    pub poll: Option<Poll>,
    pub now: String,
    /// Only once the poll is sealed.
    pub results: Option<Results>,
    /// The ballot code searched for, and the ballot if it is published.
    pub search: Option<(String, Option<PublishedBallot>)>,
}

fn phase_label(locale: Locale, phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => td_string!(locale, participation.phase.upcoming),
        Phase::Open => td_string!(locale, participation.phase.open),
        Phase::Closed => td_string!(locale, participation.phase.closed),
    }
}

fn dates(locale: Locale, poll: &Poll) -> String {
    td_string!(locale, participation.dates)
        .replace("{opens}", &utc_to_lima(&poll.opens_at))
        .replace("{closes}", &utc_to_lima(&poll.closes_at))
}

fn who(locale: Locale, poll: &Poll) -> String {
    match &poll.zone {
        Some(zone) => td_string!(locale, participation.who_zone).replace("{zone}", zone),
        None => td_string!(locale, participation.who_all).to_string(),
    }
}

/// What the design protects, and what it does not: said plainly on the voting and results pages.
#[component]
fn Protection() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="protection">
            <h2 id="protection">{t!(i18n, participation.protection.title)}</h2>
            <p>{t!(i18n, participation.protection.how)}</p>
            <ul>
                <li>{t!(i18n, participation.protection.server)}</li>
                <li>{t!(i18n, participation.protection.database)}</li>
                <li>{t!(i18n, participation.protection.check)}</li>
            </ul>
            <h3>{t!(i18n, participation.protection.not_title)}</h3>
            <ul>
                <li>{t!(i18n, participation.protection.not_timing)}</li>
                <li>{t!(i18n, participation.protection.not_show)}</li>
                <li>{t!(i18n, participation.protection.not_device)}</li>
                <li>{t!(i18n, participation.protection.not_census)}</li>
            </ul>
        </section>
    }
}

/// `/participacion`.
#[component]
pub fn PollsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let PollsView { polls, now } = use_context::<PollsView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let items = |phase: Phase| {
        let list = polls
            .iter()
            .filter(|poll| poll.phase(&now) == phase)
            .map(|poll| {
                let (page, label) = match phase {
                    Phase::Closed => (RESULTS, td_string!(locale, participation.list.results)),
                    _ => (VOTE, td_string!(locale, participation.list.vote)),
                };
                let href = format!("{prefix}{page}?consulta={}", poll.id);
                view! {
                    <li class="poll" data-poll=poll.id.clone()>
                        <a href=href>{poll.title.clone()}</a>
                        <p class="hint">{format!("{} · {}", dates(locale, poll), who(locale, poll))}</p>
                        <p>{label}</p>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        if list.is_empty() {
            view! { <p>{td_string!(locale, participation.list.none)}</p> }.into_any()
        } else {
            view! { <ul class="poll-list">{list}</ul> }.into_any()
        }
    };
    view! {
        <PageTitle text=move || td_string!(locale, participation.list.title) />
        <h1>{t!(i18n, participation.list.title)}</h1>
        <p class="lead">{t!(i18n, participation.list.lead)}</p>
        <h2 id="open">{t!(i18n, participation.phase.open)}</h2>
        {items(Phase::Open)}
        <h2 id="upcoming">{t!(i18n, participation.phase.upcoming)}</h2>
        {items(Phase::Upcoming)}
        <h2 id="closed">{t!(i18n, participation.phase.closed)}</h2>
        {items(Phase::Closed)}
        <h2 id="council">{t!(i18n, participation.list.council_title)}</h2>
        <p>
            {t!(i18n, participation.list.council_lead)} " "
            <a href=format!("{prefix}{}", crate::council::paths::SESSIONS)>{t!(i18n, participation.list.council)}</a>
        </p>
    }
}

#[component]
fn PollMissing() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <PageTitle text=move || td_string!(locale, participation.missing) />
        <h1>{t!(i18n, participation.missing)}</h1>
        <p><a href=format!("{}{POLLS}", language_prefix(locale))>{t!(i18n, participation.list.title)}</a></p>
    }
}

/// `/participacion/votar?consulta=…`.
#[component]
pub fn VotePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let default_locale = use_context::<crate::locale::DefaultLocale>().unwrap_or_default().0;
    let VoteView { poll, now, delay } = use_context::<VoteView>().unwrap_or_default();
    let Some(poll) = poll else { return view! { <PollMissing /> }.into_any() };
    let prefix = language_prefix(locale);
    let phase = poll.phase(&now);
    let title = poll.title.clone();
    let line = format!("{} · {} · {}", phase_label(locale, phase), dates(locale, &poll), who(locale, &poll));
    let (heading, description) = (poll.title.clone(), poll.description.clone());
    let body = match phase {
        Phase::Open => view! {
            <IslandHost bundle=Bundle::Participation>
                <VoteIsland locale default_locale poll=poll delay />
            </IslandHost>
        }
        .into_any(),
        Phase::Upcoming => {
            view! { <p class="notice" id="not-open">{t!(i18n, participation.vote.upcoming)}</p> }.into_any()
        }
        Phase::Closed => view! {
            <p class="notice" id="not-open">
                {t!(i18n, participation.vote.closed)} " "
                <a href=format!("{prefix}{RESULTS}?consulta={}", poll.id)>{t!(i18n, participation.list.results)}</a>
            </p>
        }
        .into_any(),
    };
    view! {
        <PageTitleText text=title.clone() />
        <h1>{heading}</h1>
        <p class="lead">{description}</p>
        <p>{line}</p>
        {body}
        <Protection />
    }
    .into_any()
}

/// `/participacion/resultados?consulta=…[&codigo=…]`.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let ResultsView { poll, now, results, search } = use_context::<ResultsView>().unwrap_or_default();
    let Some(poll) = poll else { return view! { <PollMissing /> }.into_any() };
    let prefix = language_prefix(locale);
    let title = td_string!(locale, participation.results.title).replace("{title}", &poll.title);
    let Some(results) = results else {
        return view! {
            <PageTitleText text=title.clone() />
            <h1>{title.clone()}</h1>
            <p class="notice" id="results-hidden">
                {td_string!(locale, participation.results.hidden).replace("{closes}", &utc_to_lima(&poll.closes_at))}
            </p>
            <p>{phase_label(locale, poll.phase(&now))}</p>
        }
        .into_any();
    };
    let permille = turnout_permille(results.ballots, results.census_size);
    let turnout = td_string!(locale, participation.results.turnout)
        .replace("{ballots}", &results.ballots.to_string())
        .replace("{census}", &results.census_size.to_string())
        .replace(
            "{percent}",
            &format!("{}{}{}", permille / 10, if locale == Locale::en { "." } else { "," }, permille % 10),
        )
        .replace("{tokens}", &results.tokens_issued.to_string());
    let questions = poll
        .questions
        .iter()
        .enumerate()
        .map(|(at, question)| {
            let votes = results.tally.get(at).cloned().unwrap_or_default();
            let budget = question.kind == QuestionKind::Budget;
            let funded = budget.then(|| funded(question, &votes));
            let rows = question
                .options
                .iter()
                .enumerate()
                .map(|(position, option)| {
                    let count = votes.get(position).copied().unwrap_or(0);
                    let share = turnout_permille(count, results.ballots);
                    view! {
                        <tr>
                            <th scope="row">{option.label.clone()}</th>
                            <td class="number">{count.to_string()}</td>
                            <td class="number">{format!("{}{}{} %", share / 10, if locale == Locale::en { "." } else { "," }, share % 10)}</td>
                            {budget.then(|| view! { <td class="number">{format_soles(option.cost_cents, locale)}</td> })}
                            {funded.as_ref().map(|funded| view! {
                                <td>{if funded[position] { td_string!(locale, participation.results.funded) } else { "—" }}</td>
                            })}
                        </tr>
                    }
                })
                .collect_view();
            let caption = format!("{}. {}", at + 1, question.text);
            view! {
                <TableScroll label=caption.clone()>
                    <table class="data-table" id=format!("tally-{at}")>
                        <caption>{caption.clone()}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, participation.results.option)}</th>
                                <th scope="col">{t!(i18n, participation.results.votes)}</th>
                                <th scope="col">{t!(i18n, participation.results.share)}</th>
                                {budget.then(|| view! { <th scope="col">{t!(i18n, participation.results.cost)}</th> })}
                                {budget.then(|| view! { <th scope="col">{t!(i18n, participation.results.funded_column)}</th> })}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </TableScroll>
            }
        })
        .collect_view();
    let found = search.map(|(code, ballot)| match ballot {
        Some(ballot) => {
            let answers = poll
                .questions
                .iter()
                .zip(&ballot.choices)
                .map(|(question, chosen)| {
                    let labels = chosen
                        .iter()
                        .filter_map(|&option| question.options.get(option as usize).map(|o| o.label.clone()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! { <li>{format!("{}: {labels}", question.text)}</li> }
                })
                .collect_view();
            view! {
                <div class="notice notice--secure" role="status" id="ballot-found">
                    <p>{td_string!(locale, participation.results.found).replace("{code}", &ballot.code)}</p>
                    <ul>{answers}</ul>
                </div>
            }
            .into_any()
        }
        None => view! {
            <p class="notice" role="status" id="ballot-not-found">
                {td_string!(locale, participation.results.not_found).replace("{code}", &code)}
            </p>
        }
        .into_any(),
    });
    let json = paths::ballots_json(&poll.id);
    let csv = paths::ballots_csv(&poll.id);
    let key = paths::public_key(&poll.id);
    view! {
        <PageTitleText text=title.clone() />
        <h1>{title.clone()}</h1>
        <p class="lead" id="turnout">{turnout}</p>
        {questions}
        <h2 id="find">{t!(i18n, participation.results.find_title)}</h2>
        <p>{t!(i18n, participation.results.find_lead)}</p>
        <form class="staff-form" method="get" action=format!("{prefix}{RESULTS}")>
            <input type="hidden" name="consulta" value=poll.id.clone() />
            <div class="form-group">
                <label for="codigo">{t!(i18n, participation.results.code)}</label>
                <input id="codigo" name="codigo" type="text" class="input" autocomplete="off" spellcheck="false" />
            </div>
            <button type="submit" class="button">{t!(i18n, participation.results.find)}</button>
        </form>
        {found}
        <h2 id="files">{t!(i18n, participation.results.files_title)}</h2>
        <ul>
            <li><a href=json.clone() download>{t!(i18n, participation.results.json)}</a></li>
            <li><a href=csv download>{t!(i18n, participation.results.csv)}</a></li>
            <li><a href=key download>{t!(i18n, participation.results.key)}</a></li>
        </ul>
        <h2 id="check">{t!(i18n, participation.results.check_title)}</h2>
        <p>{t!(i18n, participation.results.check_lead)}</p>
        <pre class="code-block"><code>"server verify-poll papeletas.json"</code></pre>
        <p>{t!(i18n, participation.results.check_openssl)}</p>
        <pre class="code-block"><code>{"basenc --base64url -d <<< \"$ALEATORIZADOR=\" > entrada.bin\nbasenc --base64url -d <<< \"$FICHA=\" >> entrada.bin\nbasenc --base64url -d <<< \"$FIRMA==\" > firma.bin\nopenssl dgst -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 \\\n  -sigopt rsa_mgf1_md:sha384 -verify clave-publica.pem -signature firma.bin entrada.bin"}</code></pre>
        <Protection />
    }
    .into_any()
}
