//! The participation staff's page: the census import, creating a poll with its first question, and
//! adding questions until it opens. Staff see no count of tokens or ballots before the close: the
//! results page is the only place counts appear, and only after it.

use super::fields::{PollFields, PollProblem, QuestionFields, utc_to_lima};
use super::import::ResidentProblem;
use super::paths::{OFFICE_CENSUS_POST, OFFICE_POLL_POST, OFFICE_QUESTION_POST, RESULTS, VOTE};
use super::{Phase, Poll, QuestionKind};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::{SignOut, StaffPageRefused, import_outcome, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::field_problems::FieldProblems;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

/// What a staff action did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfficeDone {
    /// A poll was created (its title).
    Created(String),
    QuestionAdded,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParticipationView {
    pub username: String,
    pub census_size: u64,
    pub zones: Vec<String>,
    pub polls: Vec<Poll>,
    pub now: String,
    /// The poll form as typed, with its problems (after a refusal).
    pub poll_form: PollFields,
    pub poll_problems: Vec<PollProblem>,
    /// A question refused for a poll: the poll's id, the fields and the problems.
    pub question_form: Option<(String, QuestionFields, Vec<PollProblem>)>,
    /// What the last action did, said on the page.
    pub done: Option<OfficeDone>,
    pub import: Option<Result<usize, Vec<(usize, ResidentProblem)>>>,
}

pub fn poll_problem(locale: Locale, problem: PollProblem) -> &'static str {
    use PollProblem::*;
    match problem {
        TitleMissing => td_string!(locale, participation.office.problem_title),
        DescriptionMissing => td_string!(locale, participation.office.problem_description),
        OpensInvalid => td_string!(locale, participation.office.problem_opens),
        ClosesInvalid => td_string!(locale, participation.office.problem_closes),
        ClosesBeforeOpens => td_string!(locale, participation.office.problem_order),
        OpensInPast => td_string!(locale, participation.office.problem_past),
        QuestionMissing => td_string!(locale, participation.office.problem_question),
        KindMissing => td_string!(locale, participation.office.problem_kind),
        MaxChoicesInvalid => td_string!(locale, participation.office.problem_max),
        BudgetInvalid => td_string!(locale, participation.office.problem_budget),
        OptionsTooFew => td_string!(locale, participation.office.problem_options),
        CostInvalid => td_string!(locale, participation.office.problem_cost),
        AlreadyOpen => td_string!(locale, participation.office.problem_open),
    }
}

/// The fields of a question (in the poll form and the add-question form), ids prefixed by `scope`.
#[component]
fn QuestionInputs(scope: String, fields: QuestionFields, problems: Vec<PollProblem>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let problems = FieldProblems(
        problems.iter().map(|problem| (problem.field(), poll_problem(locale, *problem).to_string())).collect(),
    );
    let id = |field: &str| format!("{scope}{field}");
    let error_of = |field: &'static str| problems.error_of(field);
    let has = |field: &'static str| problems.has(field);
    let kinds = QuestionKind::ALL
        .into_iter()
        .map(|kind| {
            let radio = format!("{scope}kind-{}", kind.code());
            let label = match kind {
                QuestionKind::Single => td_string!(locale, participation.office.kind_single),
                QuestionKind::Multiple => td_string!(locale, participation.office.kind_multiple),
                QuestionKind::Budget => td_string!(locale, participation.office.kind_budget),
            };
            view! {
                <div class="radio">
                    <input type="radio" id=radio.clone() name="kind" value=kind.code() checked=fields.kind == kind.code() />
                    <label for=radio>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="form-group" class:form-group--error=has("question")>
            <label for=id("question")>{t!(i18n, participation.office.question)}</label>
            {error_of("question")}
            <input id=id("question") name="question" type="text" class="input" value=fields.text.clone() />
        </div>
        <div class="form-group" class:form-group--error=has("kind")>
            <fieldset id=id("kind")>
                <legend>{t!(i18n, participation.office.kind)}</legend>
                {error_of("kind")}
                {kinds}
            </fieldset>
        </div>
        <div class="form-group" class:form-group--error=has("max_choices")>
            <label for=id("max_choices")>{t!(i18n, participation.office.max_choices)}</label>
            {error_of("max_choices")}
            <input id=id("max_choices") name="max_choices" type="text" inputmode="numeric" class="input input--short" value=fields.max_choices.clone() />
        </div>
        <div class="form-group" class:form-group--error=has("budget")>
            <label for=id("budget")>{t!(i18n, participation.office.budget)}</label>
            {error_of("budget")}
            <input id=id("budget") name="budget" type="text" inputmode="decimal" class="input input--short" value=fields.budget.clone() />
        </div>
        <div class="form-group" class:form-group--error=has("options")>
            <label for=id("options")>{t!(i18n, participation.office.options)}</label>
            <p class="hint" id=id("options-hint")>{t!(i18n, participation.office.options_hint)}</p>
            {error_of("options")}
            <textarea id=id("options") name="options" rows="5" class="textarea" aria-describedby=id("options-hint")>{fields.options.clone()}</textarea>
        </div>
    }
}

/// `/oficina/participacion`.
#[component]
pub fn ParticipationOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, participation.office.heading);
    let Some(data) = use_context::<ParticipationView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let import = data.import.clone().map(|outcome| {
        outcome
            .map(|count| td_string!(locale, participation.office.imported).replace("{count}", &count.to_string()))
            .map_err(|errors| errors.iter().map(|(line, problem)| (*line, problem.message())).collect())
    });
    let import = import_outcome(locale, import, "census-file");
    let done = data.done.clone().map(|done| match done {
        OfficeDone::Created(title) => td_string!(locale, participation.office.created).replace("{title}", &title),
        OfficeDone::QuestionAdded => td_string!(locale, participation.office.question_added).to_string(),
    });
    let done = done.map(|text| view! { <p class="notice notice--secure" role="status" id="action-done">{text}</p> });
    let summary: Vec<(String, String)> = data
        .poll_problems
        .iter()
        .map(|problem| (problem.field().to_string(), poll_problem(locale, *problem).to_string()))
        .collect();
    let form = data.poll_form.clone();
    let problems = FieldProblems(
        data.poll_problems
            .iter()
            .map(|problem| (problem.field(), poll_problem(locale, *problem).to_string()))
            .collect(),
    );
    let zones = data
        .zones
        .iter()
        .map(|zone| view! { <option value=zone.clone() selected=form.zone == *zone>{zone.clone()}</option> })
        .collect_view();
    let polls = data
        .polls
        .iter()
        .map(|poll| {
            let phase = poll.phase(&data.now);
            let question_form = data
                .question_form
                .clone()
                .filter(|(id, _, _)| *id == poll.id)
                .map(|(_, fields, problems)| (fields, problems))
                .unwrap_or_default();
            let scope = format!("p-{}-", poll.id);
            let add = (phase == Phase::Upcoming).then(|| {
                let summary: Vec<(String, String)> = question_form
                    .1
                    .iter()
                    .map(|problem| (format!("{scope}{}", problem.field()), poll_problem(locale, *problem).to_string()))
                    .collect();
                view! {
                    <details open=!question_form.1.is_empty()>
                        <summary>{t!(i18n, participation.office.add_question)}</summary>
                        <ErrorSummary id="question-errors" problems=summary />
                        <form class="staff-form" method="post" action=OFFICE_QUESTION_POST.path() novalidate>
                            <input type="hidden" name="prefix" value=prefix.clone() />
                            <input type="hidden" name="poll" value=poll.id.clone() />
                            <QuestionInputs scope=scope.clone() fields=question_form.0.clone() problems=question_form.1.clone() />
                            <button type="submit" class="button">{t!(i18n, participation.office.add_question)}</button>
                        </form>
                    </details>
                }
            });
            let link = match phase {
                Phase::Closed => (RESULTS, td_string!(locale, participation.list.results)),
                _ => (VOTE, td_string!(locale, participation.office.page)),
            };
            let questions = poll
                .questions
                .iter()
                .map(|question| view! { <li>{format!("{} ({})", question.text, question.options.len())}</li> })
                .collect_view();
            view! {
                <li class="poll" data-poll=poll.id.clone()>
                    <h3>{poll.title.clone()}</h3>
                    <p class="hint">
                        {format!("{} – {} · {}", utc_to_lima(&poll.opens_at), utc_to_lima(&poll.closes_at), poll.zone.clone().unwrap_or_else(|| td_string!(locale, participation.office.all_zones).to_string()))}
                    </p>
                    <ol>{questions}</ol>
                    <p><a href=format!("{prefix}{}?consulta={}", link.0, poll.id)>{link.1}</a></p>
                    {add}
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
        <p class="notice">{t!(i18n, participation.office.no_counts)}</p>
        <h2 id="polls">{t!(i18n, participation.office.polls)}</h2>
        <ul class="poll-list">{polls}</ul>
        <h2 id="new-poll">{t!(i18n, participation.office.new_poll)}</h2>
        <ErrorSummary id="poll-errors" problems=summary />
        <form class="staff-form" method="post" action=OFFICE_POLL_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("title")>
                <label for="title">{t!(i18n, participation.office.title)}</label>
                {problems.error_of("title")}
                <input id="title" name="title" type="text" class="input" value=form.title.clone() />
            </div>
            <div class="form-group" class:form-group--error=problems.has("description")>
                <label for="description">{t!(i18n, participation.office.description)}</label>
                {problems.error_of("description")}
                <textarea id="description" name="description" rows="3" class="textarea">{form.description.clone()}</textarea>
            </div>
            <div class="form-group">
                <label for="zone">{t!(i18n, participation.office.zone)}</label>
                <select id="zone" name="zone" class="select">
                    <option value="">{t!(i18n, participation.office.all_zones)}</option>
                    {zones}
                </select>
            </div>
            <div class="form-group" class:form-group--error=problems.has("opens_at")>
                <label for="opens_at">{t!(i18n, participation.office.opens)}</label>
                {problems.error_of("opens_at")}
                <input id="opens_at" name="opens_at" type="datetime-local" class="input" value=form.opens_at.clone() />
            </div>
            <div class="form-group" class:form-group--error=problems.has("closes_at")>
                <label for="closes_at">{t!(i18n, participation.office.closes)}</label>
                {problems.error_of("closes_at")}
                <input id="closes_at" name="closes_at" type="datetime-local" class="input" value=form.closes_at.clone() />
            </div>
            <QuestionInputs scope=String::new() fields=form.question.clone() problems=data.poll_problems.clone() />
            <button type="submit" class="button">{t!(i18n, participation.office.create)}</button>
        </form>
        <h2 id="census">{t!(i18n, participation.office.census)}</h2>
        <p>{td_string!(locale, participation.office.census_lead).replace("{count}", &data.census_size.to_string())}</p>
        <p class="hint"><code>{super::CSV_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_CENSUS_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="census-file">{t!(i18n, tramites.import.file)}</label>
                <input id="census-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
    }
    .into_any()
}
