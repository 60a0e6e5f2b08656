//! The public pages of the front desk: the catalogue, each service's sheet, the filing form (with its
//! receipt as the answer), and tracking. Plain HTML forms; the server's `tramites` module checks and
//! answers them.

use super::catalogue::{SERVICES, Service};
use super::fields::{CorrectionProblem, FilingProblem, FilingView, TrackProblem, TrackView};
use super::paths::{CORRECT_POST, DOCUMENT_POST, FILE_POST, TRACK_POST};
use super::{Deadline, Event, EventKind, Expediente, IdType, Silence, State, format_code};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::language_prefix;
use crate::ui::field_problems::FieldProblems;
use crate::ui::format::{format_day, format_size};
use crate::ui::page_link::use_localized_path;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

/// A problem of the filing form (or of a row of the desk's import), in the reader's language.
pub fn filing_problem(locale: Locale, problem: FilingProblem) -> &'static str {
    use FilingProblem::*;
    match problem {
        IdTypeMissing => td_string!(locale, tramites.problem.id_type_missing),
        DniInvalid => td_string!(locale, tramites.problem.dni_invalid),
        RucInvalid => td_string!(locale, tramites.problem.ruc_invalid),
        CeInvalid => td_string!(locale, tramites.problem.ce_invalid),
        NameMissing => td_string!(locale, tramites.problem.name_missing),
        NameTooLong => td_string!(locale, tramites.problem.name_too_long),
        AddressMissing => td_string!(locale, tramites.problem.address_missing),
        AddressTooLong => td_string!(locale, tramites.problem.address_too_long),
        EmailInvalid => td_string!(locale, tramites.problem.email_invalid),
        ProcedureMissing => td_string!(locale, tramites.problem.procedure_missing),
        SubjectMissing => td_string!(locale, tramites.problem.subject_missing),
        SubjectTooLong => td_string!(locale, tramites.problem.subject_too_long),
        DocumentMissing => td_string!(locale, tramites.problem.document_missing),
        DocumentNotPdf => td_string!(locale, tramites.problem.document_not_pdf),
        DocumentTooLarge => td_string!(locale, tramites.problem.document_too_large),
        TooManyDocuments => td_string!(locale, tramites.problem.too_many_documents),
    }
}

pub fn state_label(locale: Locale, state: State) -> &'static str {
    match state {
        State::Filed => td_string!(locale, tramites.state.filed),
        State::Received => td_string!(locale, tramites.state.received),
        State::InProcess => td_string!(locale, tramites.state.in_process),
        State::Observed => td_string!(locale, tramites.state.observed),
        State::Resolved => td_string!(locale, tramites.state.resolved),
        State::Archived => td_string!(locale, tramites.state.archived),
    }
}

pub fn event_label(locale: Locale, kind: EventKind) -> &'static str {
    match kind {
        EventKind::Filed => td_string!(locale, tramites.event.filed),
        EventKind::Received => td_string!(locale, tramites.event.received),
        EventKind::Forwarded => td_string!(locale, tramites.event.forwarded),
        EventKind::Observed => td_string!(locale, tramites.event.observed),
        EventKind::Corrected => td_string!(locale, tramites.event.corrected),
        EventKind::Resolved => td_string!(locale, tramites.event.resolved),
        EventKind::Archived => td_string!(locale, tramites.event.archived),
    }
}

pub fn silence_label(locale: Locale, silence: Silence) -> &'static str {
    match silence {
        Silence::Positive => td_string!(locale, tramites.silence.positive),
        Silence::Negative => td_string!(locale, tramites.silence.negative),
    }
}

pub(crate) fn id_type_label(locale: Locale, kind: IdType) -> &'static str {
    match kind {
        IdType::Dni => td_string!(locale, tramites.file.id_dni),
        IdType::Ruc => td_string!(locale, tramites.file.id_ruc),
        IdType::Ce => td_string!(locale, tramites.file.id_ce),
    }
}

/// `/tramites`: every service, each with its sheet.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let services = SERVICES
        .iter()
        .map(|service| {
            let href = use_localized_path(service.page);
            view! {
                <li class="service-card">
                    <h2><a href=href>{service.title.get(locale)}</a></h2>
                    <p>{service.purpose.get(locale)}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || td_string!(locale, tramites.catalogue.title) />
        <h1>{t!(i18n, tramites.catalogue.heading)}</h1>
        <p class="lead">{t!(i18n, tramites.catalogue.lead)}</p>
        <ul class="service-list">{services}</ul>
    }
}

/// A service's sheet, in the gob.pe order.
#[component]
pub fn ServicePage(service: Service) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let start = use_localized_path(service.start);
    let list = |items: &'static [super::catalogue::Text]| {
        items.iter().map(|item| view! { <li>{item.get(locale)}</li> }).collect_view()
    };
    let channels = service
        .channels
        .iter()
        .map(|channel| {
            view! {
                <h3>{channel.name.get(locale)}</h3>
                <ol>{list(channel.steps)}</ol>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || service.title.get(locale) />
        <h1>{service.title.get(locale)}</h1>
        <p class="lead">{service.purpose.get(locale)}</p>
        <p><a class="button" href=start>{td_string!(locale, tramites.service.start)}</a></p>
        <h2>{td_string!(locale, tramites.service.who)}</h2>
        <p>{service.who.get(locale)}</p>
        <h2>{td_string!(locale, tramites.service.requirements)}</h2>
        <ul>{list(service.requirements)}</ul>
        <h2>{td_string!(locale, tramites.service.cost)}</h2>
        <p>{service.cost.get(locale)}</p>
        <h2>{td_string!(locale, tramites.service.time_limit)}</h2>
        <p>{service.time_limit.get(locale)}</p>
        <h2>{td_string!(locale, tramites.service.channels)}</h2>
        {channels}
        <h2>{td_string!(locale, tramites.service.legal_basis)}</h2>
        <ul>{list(service.legal_basis)}</ul>
    }
}

/// The error summary of a form, GOV.UK style: each problem links to its field.
#[component]
pub fn ErrorSummary(id: &'static str, problems: Vec<(String, String)>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    (!problems.is_empty()).then(|| {
        let items = problems
            .into_iter()
            .map(|(field, text)| view! { <li><a href=format!("#{field}") target="_self">{text}</a></li> })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id=id autofocus>
                <h2 class="error-summary__title">{td_string!(locale, common.form.error_summary)}</h2>
                <ul>{items}</ul>
            </div>
        }
    })
}

/// `/tramites/mesa-de-partes`: the filing form, or (as the answer to it) the filing receipt.
#[component]
pub fn FilingPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let view_data = use_context::<FilingView>().unwrap_or_default();
    let title = move || td_string!(locale, tramites.file.title);
    if let Some(receipt) = view_data.receipt.clone() {
        let documents = receipt
            .documents
            .iter()
            .map(|document| view! { <li>{document.file_name.clone()} " (" {format_size(document.size)} ")"</li> })
            .collect_view();
        let track = use_localized_path(super::paths::TRACK);
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, tramites.receipt.heading)}</h1>
            <p class="notice notice--secure" role="status" id="filed">{t!(i18n, tramites.receipt.lead)}</p>
            <section class="receipt__box filing-receipt" aria-labelledby="receipt-heading" id="filing-receipt">
                <h2 id="receipt-heading">{t!(i18n, tramites.receipt.box_heading)}</h2>
                <dl class="facts">
                    <dt>{t!(i18n, tramites.receipt.number)}</dt>
                    <dd class="receipt__number" id="receipt-number">{receipt.number.clone()}</dd>
                    <dt>{t!(i18n, tramites.receipt.code)}</dt>
                    <dd class="receipt__number" id="receipt-code">{format_code(&receipt.code)}</dd>
                    <dt>{t!(i18n, tramites.receipt.procedure)}</dt>
                    <dd>{format!("{} — {}", receipt.procedure.code, receipt.procedure.name.get(locale))}</dd>
                    <dt>{t!(i18n, tramites.receipt.filed_on)}</dt>
                    <dd>{format_day(&receipt.filed_on, locale)}</dd>
                    <dt>{t!(i18n, tramites.receipt.due)}</dt>
                    <dd id="receipt-due" data-day=receipt.due.clone().unwrap_or_default()>
                        {receipt.due.as_deref().map(|day| format_day(day, locale)).unwrap_or_default()}
                        " (" {receipt.procedure.working_days} " " {td_string!(locale, tramites.working_days)} ")"
                    </dd>
                    <dt>{t!(i18n, tramites.receipt.silence)}</dt>
                    <dd>{silence_label(locale, receipt.procedure.silence)}</dd>
                    <dt>{t!(i18n, tramites.file.name)}</dt>
                    <dd>{receipt.applicant_name.clone()}</dd>
                    <dt>{t!(i18n, tramites.file.subject)}</dt>
                    <dd class="pre-wrap">{receipt.subject.clone()}</dd>
                    <dt>{t!(i18n, tramites.file.documents)}</dt>
                    <dd><ul>{documents}</ul></dd>
                </dl>
            </section>
            <p>{t!(i18n, tramites.receipt.keep)}</p>
            <p><a href=track>{t!(i18n, tramites.receipt.track)}</a></p>
        }
        .into_any();
    }
    let FilingView { procedures, fields, problems, files_chosen, busy, .. } = view_data;
    let prefix = language_prefix(locale);
    let problems = FieldProblems(
        problems.iter().map(|problem| (problem.field(), filing_problem(locale, *problem).to_string())).collect(),
    );
    let summary = problems.summary();
    let error_of = |field: &'static str| problems.error_of(field);
    let has_error = |field: &'static str| problems.has(field);
    let described = |field: &'static str, hint: bool| problems.described(field, hint);
    let id_options = IdType::ALL
        .into_iter()
        .map(|kind| {
            view! { <option value=kind.code() selected=fields.id_type == kind.code()>{id_type_label(locale, kind)}</option> }
        })
        .collect_view();
    let procedure_options = procedures
        .iter()
        .map(|procedure| {
            let label = format!(
                "{} — {} ({} {}; {})",
                procedure.code,
                procedure.name.get(locale),
                procedure.working_days,
                td_string!(locale, tramites.working_days),
                silence_label(locale, procedure.silence),
            );
            view! { <option value=procedure.code.clone() selected=fields.procedure == procedure.code>{label}</option> }
        })
        .collect_view();
    let text_input =
        |field: &'static str, label: &'static str, value: String, kind: &'static str, autocomplete: &'static str| {
            view! {
                <div class="form-group" class:form-group--error=has_error(field)>
                    <label for=field>{label}</label>
                    {error_of(field)}
                    <input
                        id=field
                        name=field
                        type=kind
                        autocomplete=autocomplete
                        value=value
                        class="input"
                        aria-describedby=described(field, false)
                    />
                </div>
            }
        };
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, tramites.file.heading)}</h1>
        <p class="lead">{t!(i18n, tramites.file.lead)}</p>
        {busy.then(|| view! { <p class="notice" role="alert" id="busy">{t!(i18n, tramites.file.busy)}</p> })}
        <ErrorSummary id="filing-errors" problems=summary />
        {(files_chosen && !problems.0.is_empty()).then(|| view! { <p class="notice">{t!(i18n, tramites.file.files_again)}</p> })}
        <form class="staff-form filing-form" method="post" action=FILE_POST.path() enctype="multipart/form-data" novalidate>
            <input type="hidden" name="prefix" value=prefix />
            <fieldset>
                <legend>{t!(i18n, tramites.file.applicant)}</legend>
                <div class="form-group" class:form-group--error=has_error("id_type")>
                    <label for="id_type">{t!(i18n, tramites.file.id_type)}</label>
                    {error_of("id_type")}
                    <select id="id_type" name="id_type" class="input">
                        <option value="">{t!(i18n, tramites.file.choose)}</option>
                        {id_options}
                    </select>
                </div>
                <div class="form-group" class:form-group--error=has_error("applicant_id")>
                    <label for="applicant_id">{t!(i18n, tramites.file.applicant_id)}</label>
                    <p class="hint" id="applicant_id-hint">{t!(i18n, tramites.file.applicant_id_hint)}</p>
                    {error_of("applicant_id")}
                    <input
                        id="applicant_id"
                        name="applicant_id"
                        type="text"
                        value=fields.applicant_id.clone()
                        class="input input--code"
                        aria-describedby=described("applicant_id", true)
                    />
                </div>
                {text_input("name", td_string!(locale, tramites.file.name), fields.name.clone(), "text", "name")}
                {text_input("address", td_string!(locale, tramites.file.address), fields.address.clone(), "text", "street-address")}
                {text_input("email", td_string!(locale, tramites.file.email), fields.email.clone(), "email", "email")}
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, tramites.file.request)}</legend>
                <div class="form-group" class:form-group--error=has_error("procedure")>
                    <label for="procedure">{t!(i18n, tramites.file.procedure)}</label>
                    <p class="hint" id="procedure-hint">{t!(i18n, tramites.file.procedure_hint)}</p>
                    {error_of("procedure")}
                    <select id="procedure" name="procedure" class="input" aria-describedby=described("procedure", true)>
                        <option value="">{t!(i18n, tramites.file.choose)}</option>
                        {procedure_options}
                    </select>
                </div>
                <div class="form-group" class:form-group--error=has_error("subject")>
                    <label for="subject">{t!(i18n, tramites.file.subject)}</label>
                    <p class="hint" id="subject-hint">{t!(i18n, tramites.file.subject_hint)}</p>
                    {error_of("subject")}
                    <textarea id="subject" name="subject" rows="5" class="input" aria-describedby=described("subject", true)>
                        {fields.subject.clone()}
                    </textarea>
                </div>
                <div class="form-group" class:form-group--error=has_error("documents")>
                    <label for="documents">{t!(i18n, tramites.file.documents)}</label>
                    <p class="hint" id="documents-hint">{t!(i18n, tramites.file.documents_hint)}</p>
                    {error_of("documents")}
                    <input
                        id="documents"
                        name="documents"
                        type="file"
                        accept="application/pdf,.pdf"
                        multiple
                        aria-describedby=described("documents", true)
                    />
                </div>
            </fieldset>
            <p class="hint">{t!(i18n, tramites.file.privacy)}</p>
            <button type="submit" class="button">{t!(i18n, tramites.file.submit)}</button>
        </form>
    }
    .into_any()
}

/// The deadline of an expediente, as the applicant and the staff read it.
#[component]
pub fn DeadlineFacts(expediente: Expediente) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let Deadline { limit, days_left, due, correct_by, correction_late, overdue } = expediente.deadline.clone();
    let state = expediente.state;
    let line = if !state.is_open() {
        td_string!(locale, tramites.deadline.closed).to_string()
    } else if let Some(day) = &correct_by {
        let text = if correction_late {
            td_string!(locale, tramites.deadline.correct_late)
        } else {
            td_string!(locale, tramites.deadline.correct_by)
        };
        text.replace("{day}", &format_day(day, locale))
    } else if overdue {
        match expediente.procedure.silence {
            Silence::Positive => td_string!(locale, tramites.deadline.overdue_positive).to_string(),
            Silence::Negative => td_string!(locale, tramites.deadline.overdue_negative).to_string(),
        }
    } else {
        td_string!(locale, tramites.deadline.days_left).replace("{days}", &days_left.to_string())
    };
    let status_class = if overdue || correction_late { "notice notice--warning" } else { "notice" };
    view! {
        <dl class="facts">
            <dt>{td_string!(locale, tramites.deadline.limit)}</dt>
            <dd>{format!("{limit} {}", td_string!(locale, tramites.working_days))} "; " {silence_label(locale, expediente.procedure.silence)}</dd>
            <dt>{td_string!(locale, tramites.deadline.due)}</dt>
            <dd id="deadline-due" data-day=due.clone().unwrap_or_default()>
                {match due.clone() {
                    Some(day) => format_day(&day, locale),
                    None => td_string!(locale, tramites.deadline.suspended).to_string(),
                }}
            </dd>
        </dl>
        <p class=status_class id="deadline-status">{line}</p>
    }
}

/// An expediente's timeline; `document_form` makes each document a download (the applicant's form
/// posts the number and code; the staff's links need their session).
#[component]
pub fn Timeline(events: Vec<Event>, #[prop(into)] download: Callback<(String, String), AnyView>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let items = events
        .into_iter()
        .map(|event| {
            let documents = event
                .documents
                .iter()
                .map(|document| {
                    download
                        .run((document.id.clone(), format!("{} ({})", document.file_name, format_size(document.size))))
                })
                .collect_view();
            let days = event
                .days
                .map(|days| td_string!(locale, tramites.event.days_to_correct).replace("{days}", &days.to_string()));
            view! {
                <li class="timeline__event" data-kind=event.kind.code()>
                    <p class="timeline__head">
                        <strong>{event_label(locale, event.kind)}</strong>
                        " · " {format_day(&event.on_day, locale)} " · " {event.office.name.get(locale).to_string()}
                    </p>
                    {(!event.note.is_empty()).then(|| view! { <p class="pre-wrap">{event.note.clone()}</p> })}
                    {days.map(|days| view! { <p>{days}</p> })}
                    {(!event.documents.is_empty()).then(|| view! { <ul class="timeline__documents">{documents}</ul> })}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline" id="timeline">{items}</ol> }
}

/// `/tramites/expediente`: the lookup form, and the expediente found.
#[component]
pub fn TrackPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let view_data = use_context::<TrackView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let TrackView { number, code, problem, expediente, corrected, correction_problem, correction_note } = view_data;
    let problem_text = problem.map(|problem| match problem {
        TrackProblem::Missing => td_string!(locale, tramites.track.missing),
        TrackProblem::NotFound => td_string!(locale, tramites.track.not_found),
        TrackProblem::TooMany => td_string!(locale, tramites.track.too_many),
    });
    let summary: Vec<(String, String)> =
        problem_text.map(|text| ("number".to_string(), text.to_string())).into_iter().collect();
    let form = view! {
        <ErrorSummary id="track-errors" problems=summary />
        <form class="staff-form" method="post" action=TRACK_POST.path()>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problem.is_some()>
                <label for="number">{t!(i18n, tramites.track.number)}</label>
                <p class="hint" id="number-hint">{t!(i18n, tramites.track.number_hint)}</p>
                <input id="number" name="number" type="text" value=number.clone() class="input input--receipt" aria-describedby="number-hint" />
            </div>
            <div class="form-group" class:form-group--error=problem.is_some()>
                <label for="code">{t!(i18n, tramites.track.code)}</label>
                <p class="hint" id="code-hint">{t!(i18n, tramites.track.code_hint)}</p>
                <input id="code" name="code" type="text" autocomplete="off" class="input input--receipt" aria-describedby="code-hint" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.track.submit)}</button>
        </form>
    };
    let found = expediente.map(|expediente| {
        let download_code = code.clone();
        let download_prefix = prefix.clone();
        let number_for_docs = expediente.number.clone();
        let download = Callback::new(move |(id, label): (String, String)| {
            view! {
                <li>
                    <form method="post" action=DOCUMENT_POST.path() class="inline-form">
                        <input type="hidden" name="number" value=number_for_docs.clone() />
                        <input type="hidden" name="code" value=download_code.clone() />
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="prefix" value=download_prefix.clone() />
                        <button type="submit" class="link-button">{label}</button>
                    </form>
                </li>
            }
            .into_any()
        });
        let correction = (expediente.state == State::Observed).then(|| {
            let problem = correction_problem.map(|problem| match problem {
                CorrectionProblem::NoteMissing => ("correction_note", td_string!(locale, tramites.correct.note_missing)),
                CorrectionProblem::NoteTooLong => ("correction_note", td_string!(locale, tramites.correct.note_too_long)),
                CorrectionProblem::Document(problem) => ("correction_documents", filing_problem(locale, problem)),
                CorrectionProblem::NotObserved => ("correction_note", td_string!(locale, tramites.correct.not_observed)),
            });
            let summary: Vec<(String, String)> =
                problem.map(|(field, text)| (field.to_string(), text.to_string())).into_iter().collect();
            view! {
                <section aria-labelledby="correct-heading" class="correction">
                    <h2 id="correct-heading">{t!(i18n, tramites.correct.heading)}</h2>
                    <p>{t!(i18n, tramites.correct.lead)}</p>
                    <ErrorSummary id="correct-errors" problems=summary />
                    <form class="staff-form" method="post" action=CORRECT_POST.path() enctype="multipart/form-data" novalidate>
                        <input type="hidden" name="prefix" value=prefix.clone() />
                        <input type="hidden" name="number" value=expediente.number.clone() />
                        <input type="hidden" name="code" value=code.clone() />
                        <div class="form-group">
                            <label for="correction_note">{t!(i18n, tramites.correct.note)}</label>
                            <textarea id="correction_note" name="note" rows="5" class="input">{correction_note.clone()}</textarea>
                        </div>
                        <div class="form-group">
                            <label for="correction_documents">{t!(i18n, tramites.correct.documents)}</label>
                            <p class="hint" id="correction_documents-hint">{t!(i18n, tramites.file.documents_hint)}</p>
                            <input
                                id="correction_documents"
                                name="documents"
                                type="file"
                                accept="application/pdf,.pdf"
                                multiple
                                aria-describedby="correction_documents-hint"
                            />
                        </div>
                        <button type="submit" class="button">{t!(i18n, tramites.correct.submit)}</button>
                    </form>
                </section>
            }
        });
        view! {
            <section aria-labelledby="expediente-heading" id="expediente">
                {corrected.then(|| view! { <p class="notice notice--secure" role="status" id="corrected">{t!(i18n, tramites.correct.done)}</p> })}
                <h2 id="expediente-heading">{td_string!(locale, tramites.track.expediente).replace("{number}", &expediente.number)}</h2>
                <dl class="facts">
                    <dt>{t!(i18n, tramites.receipt.procedure)}</dt>
                    <dd>{format!("{} — {}", expediente.procedure.code, expediente.procedure.name.get(locale))}</dd>
                    <dt>{t!(i18n, tramites.track.state)}</dt>
                    <dd id="expediente-state">{state_label(locale, expediente.state)}</dd>
                    <dt>{t!(i18n, tramites.track.office)}</dt>
                    <dd id="expediente-office">{expediente.office.name.get(locale).to_string()}</dd>
                    <dt>{t!(i18n, tramites.receipt.filed_on)}</dt>
                    <dd>{format_day(&expediente.filed_on, locale)}</dd>
                </dl>
                <DeadlineFacts expediente=expediente.clone() />
                {correction}
                <h2>{t!(i18n, tramites.track.timeline)}</h2>
                <Timeline events=expediente.events.clone() download=download />
            </section>
        }
    });
    let found_any = found.is_some();
    view! {
        <PageTitle text=move || td_string!(locale, tramites.track.title) />
        <h1>{t!(i18n, tramites.track.heading)}</h1>
        {(!found_any).then(|| view! { <p class="lead">{t!(i18n, tramites.track.lead)}</p> })}
        {found}
        {(!found_any).then_some(form)}
    }
}
