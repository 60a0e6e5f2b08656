//! The transparency editor's page for the visits registry (`/oficina/visitas`): the door's form (a
//! visitor's entry, and their exit later from the list of open visits), an agenda act, and the two
//! CSV imports.

use super::import::LineProblem;
use super::paths::{
    OFFICE_AGENDA_POST, OFFICE_EXIT_POST, OFFICE_IMPORT_AGENDA_POST, OFFICE_IMPORT_VISITS_POST, OFFICE_VISIT_POST,
    VISITS,
};
use super::{AGENDA_HEADER, NewAgendaEntry, NewVisit, VISITS_HEADER, Visit, VisitProblem};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::integrity::Official;
use crate::staff::pages::{SignOut, StaffPageRefused, import_outcome, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::field_problems::FieldProblems;
use crate::ui::form_field::{Control, Field};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use std::sync::Arc;

impl VisitProblem {
    /// The id of the field it belongs to, in the visit form or the agenda form.
    pub fn field(self, agenda: bool) -> &'static str {
        use VisitProblem::*;
        match (self, agenda) {
            (RegisteredOn | VisitDate | Future, _) => "visit_date",
            (Visitor, _) => "visitor",
            (Document, _) => "document",
            (Entity, _) => "entity",
            (Ruc, _) => "entity_ruc",
            (Official, false) => "official",
            (Official, true) => "agenda_official",
            (Position, _) => "position",
            (Place, false) => "place",
            (Place, true) => "agenda_place",
            (EntryTime, _) => "entry_time",
            (ExitTime, _) => "exit_time",
            (Reason, _) => "reason",
            (Remarks, _) => "remarks",
            (AgendaDate, _) => "agenda_date",
            (AgendaTime, _) => "agenda_time",
            (Subject, _) => "agenda_subject",
            (Participants, _) => "agenda_participants",
            (Represents, _) => "agenda_represents",
            (Lobbying, _) => "agenda_lobbying",
        }
    }

    pub fn message(self, locale: Locale) -> &'static str {
        use VisitProblem::*;
        match self {
            RegisteredOn => td_string!(locale, visits.problem.registered_on),
            VisitDate => td_string!(locale, visits.problem.visit_date),
            Future => td_string!(locale, visits.problem.future),
            Visitor => td_string!(locale, visits.problem.visitor),
            Document => td_string!(locale, visits.problem.document),
            Entity => td_string!(locale, visits.problem.entity),
            Ruc => td_string!(locale, visits.problem.ruc),
            Official => td_string!(locale, visits.problem.official),
            Position => td_string!(locale, visits.problem.position),
            Place => td_string!(locale, visits.problem.place),
            EntryTime => td_string!(locale, visits.problem.entry_time),
            ExitTime => td_string!(locale, visits.problem.exit_time),
            Reason => td_string!(locale, visits.problem.reason),
            Remarks => td_string!(locale, visits.problem.remarks),
            AgendaDate => td_string!(locale, visits.problem.agenda_date),
            AgendaTime => td_string!(locale, visits.problem.agenda_time),
            Subject => td_string!(locale, visits.problem.subject),
            Participants => td_string!(locale, visits.problem.participants),
            Represents => td_string!(locale, visits.problem.represents),
            Lobbying => td_string!(locale, visits.problem.lobbying),
        }
    }
}

impl LineProblem {
    pub fn message(self) -> &'static str {
        match self {
            LineProblem::Header => "the first line is not the expected header",
            LineProblem::Columns => "not the expected number of comma-separated columns",
            LineProblem::Empty => "the file has no rows",
            LineProblem::TooManyRows => "more than 50,000 rows: split the file",
            LineProblem::Field(problem) => problem.message(Locale::en),
        }
    }
}

/// What the last action did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VisitsDone {
    Visit(String),
    Exit(String),
    Agenda,
    ImportedVisits(usize),
    ImportedAgenda(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VisitsOfficeView {
    pub username: String,
    pub officials: Vec<Official>,
    /// Today's visits without an exit.
    pub open: Vec<Visit>,
    pub today: String,
    pub done: Option<VisitsDone>,
    pub import: Option<(&'static str, Vec<(usize, LineProblem)>)>,
    pub visit_form: NewVisit,
    pub agenda_form: NewAgendaEntry,
    /// The form the problems are of (`true`: the agenda's).
    pub agenda_problems: bool,
    pub problems: Vec<VisitProblem>,
}

fn official_options(officials: &[Official], chosen: &str) -> impl IntoView + use<> {
    let options = officials
        .iter()
        .filter(|o| o.end_date.is_none())
        .map(|o| view! { <option value=o.id.clone() selected=chosen == o.id>{format!("{} — {}", o.name, o.position)}</option> })
        .collect_view();
    view! { <option value="">""</option> {options} }
}

/// `/oficina/visitas`.
#[component]
pub fn VisitsOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, visits.office.heading);
    let Some(data) = use_context::<VisitsOfficeView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let done = data.done.clone().map(|done| {
        let text = match done {
            VisitsDone::Visit(visitor) => td_string!(locale, visits.office.visit_done).replace("{visitor}", &visitor),
            VisitsDone::Exit(visitor) => td_string!(locale, visits.office.exit_done).replace("{visitor}", &visitor),
            VisitsDone::Agenda => td_string!(locale, visits.office.agenda_done).to_string(),
            VisitsDone::ImportedVisits(count) => {
                td_string!(locale, visits.office.visits_imported).replace("{count}", &count.to_string())
            }
            VisitsDone::ImportedAgenda(count) => {
                td_string!(locale, visits.office.agenda_imported).replace("{count}", &count.to_string())
            }
        };
        view! { <p class="notice notice--secure" role="status" id="action-done">{text}</p> }
    });
    let import = data.import.clone().map(|(field, errors)| {
        let errors = errors.iter().map(|(line, problem)| (*line, problem.message())).collect();
        import_outcome(locale, Some(Err(errors)), field)
    });
    let agenda = data.agenda_problems;
    let problems = Arc::new(FieldProblems(
        data.problems.iter().map(|p| (p.field(agenda), p.message(locale).to_string())).collect(),
    ));
    let summary = problems.summary();
    let visit = data.visit_form.clone();
    let entry = data.agenda_form.clone();
    let p = || problems.clone();
    let open = data
        .open
        .iter()
        .map(|v| {
            let label = td_string!(locale, visits.office.exit_of).replace("{visitor}", &v.visitor);
            let time_id = format!("exit-{}", v.id);
            view! {
                <li>
                    <form class="inline-form" method="post" action=OFFICE_EXIT_POST.path()>
                        <input type="hidden" name="prefix" value=prefix.clone() />
                        <input type="hidden" name="visit" value=v.id.clone() />
                        {format!("{} · {} · {} · {} ", v.entry_time, v.visitor, v.entity, v.official_name)}
                        <label for=time_id.clone()>{label}</label>
                        <input id=time_id name="exit_time" type="time" class="input input--short" required />
                        <button type="submit" class="button button--secondary">{t!(i18n, visits.office.exit_submit)}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    let no_open = data.open.is_empty().then(|| view! { <p id="no-open-visits">{t!(i18n, visits.office.no_open)}</p> });
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {done}
        {import}
        <ErrorSummary id="visits-errors" problems=summary />
        <p><a href=format!("{prefix}{VISITS}")>{t!(i18n, visits.registry.title)}</a></p>
        <h2 id="door">{t!(i18n, visits.office.door)}</h2>
        <p>{t!(i18n, visits.office.door_lead)}</p>
        <form class="staff-form" method="post" action=OFFICE_VISIT_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <Field id="visit_date" label=td_string!(locale, visits.column.visit_date) value=visit.visit_date.clone() problems=p() control=Control::Date />
            <Field id="visitor" label=td_string!(locale, visits.column.visitor) value=visit.visitor.clone() problems=p() />
            <Field id="document" label=td_string!(locale, visits.column.document) value=visit.document.clone() problems=p() control=Control::Short hint=td_string!(locale, visits.office.document_hint) />
            <Field id="entity" label=td_string!(locale, visits.column.entity) value=visit.entity.clone() problems=p() />
            <Field id="entity_ruc" label=td_string!(locale, visits.column.entity_ruc) value=visit.entity_ruc.clone() problems=p() control=Control::Short hint=td_string!(locale, visits.office.ruc_hint) />
            <div class="form-group" class:form-group--error=problems.has("official")>
                <label for="official">{t!(i18n, visits.column.official)}</label>
                {problems.error_of("official")}
                <select id="official" name="official" class="select">{official_options(&data.officials, &visit.official)}</select>
            </div>
            <Field id="place" label=td_string!(locale, visits.column.place) value=visit.place.clone() problems=p() />
            <Field id="entry_time" label=td_string!(locale, visits.column.entry) value=visit.entry_time.clone() problems=p() control=Control::Time />
            <Field id="exit_time" label=td_string!(locale, visits.column.exit) value=visit.exit_time.clone() problems=p() control=Control::Time hint=td_string!(locale, visits.office.exit_hint) />
            <Field id="reason" label=td_string!(locale, visits.column.reason) value=visit.reason.clone() problems=p() />
            <Field id="remarks" label=td_string!(locale, visits.column.remarks) value=visit.remarks.clone() problems=p() />
            <button type="submit" class="button">{t!(i18n, visits.office.visit_submit)}</button>
        </form>
        <h2 id="open-visits">{t!(i18n, visits.office.open)}</h2>
        {no_open}
        <ul class="plain-list">{open}</ul>
        <h2 id="agenda">{t!(i18n, visits.office.agenda)}</h2>
        <form class="staff-form" method="post" action=OFFICE_AGENDA_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("agenda_official")>
                <label for="agenda_official">{t!(i18n, visits.column.official)}</label>
                {problems.error_of("agenda_official")}
                <select id="agenda_official" name="agenda_official" class="select">{official_options(&data.officials, &entry.official)}</select>
            </div>
            <Field id="agenda_date" label=td_string!(locale, visits.column.date) value=entry.date.clone() problems=p() control=Control::Date />
            <Field id="agenda_time" label=td_string!(locale, visits.column.time) value=entry.time.clone() problems=p() control=Control::Time />
            <Field id="agenda_place" label=td_string!(locale, visits.column.place) value=entry.place.clone() problems=p() />
            <Field id="agenda_subject" label=td_string!(locale, visits.column.subject) value=entry.subject.clone() problems=p() />
            <Field id="agenda_participants" label=td_string!(locale, visits.column.participants) value=entry.participants.clone() problems=p() />
            <Field id="agenda_represents" label=td_string!(locale, visits.column.represents) value=entry.represents.clone() problems=p() />
            <div class="form-group">
                <div class="checkbox">
                    <input type="checkbox" id="agenda_lobbying" name="agenda_lobbying" value="si" checked=entry.lobbying />
                    <label for="agenda_lobbying">{t!(i18n, visits.office.lobbying_label)}</label>
                </div>
            </div>
            <button type="submit" class="button">{t!(i18n, visits.office.agenda_submit)}</button>
        </form>
        <h2 id="imports">{t!(i18n, visits.office.imports)}</h2>
        <p>{t!(i18n, visits.office.visits_file_lead)}</p>
        <p class="hint"><code>{VISITS_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_IMPORT_VISITS_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="visits-file">{t!(i18n, visits.office.visits_file)}</label>
                <input id="visits-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
        <p class="hint"><code>{AGENDA_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_IMPORT_AGENDA_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="agenda-file">{t!(i18n, visits.office.agenda_file)}</label>
                <input id="agenda-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
    }
    .into_any()
}
