//! The document registry's pages: the expedientes with their deadlines (and the desk's CSV import),
//! one expediente with its actions, and the holiday calendar. Plain HTML forms, for staff holding the
//! document registry role.

use super::fields::{
    ActionRefusal, HolidayDone, HolidayRefusal, HolidaysView, ImportProblem, RegistryAction, RegistryCaseView,
    RegistryListView,
};
use super::pages::{DeadlineFacts, ErrorSummary, Timeline, event_label, filing_problem, state_label};
use super::paths::{HOLIDAYS_POST, REGISTRY_ACTION_POST, REGISTRY_CASE, REGISTRY_DOCUMENT, REGISTRY_IMPORT_POST};
use super::{ExpedienteSummary, format_code};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::{SignOut, language_prefix};
use crate::staff::{MissingRole, role_label};
use crate::ui::format::format_day;
use crate::ui::page_title::PageTitle;
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

/// What a staff page shows before its data: the missing role, or a link to sign in.
fn without_data(locale: Locale, heading: &'static str) -> AnyView {
    let i18n = use_i18n();
    if let Some(missing) = use_context::<MissingRole>() {
        return view! {
            <PageTitle text=move || heading />
            <h1>{heading}</h1>
            <p class="notice" id="missing-role">
                {t!(i18n, staff.missing_role, username = missing.username.clone(), role = role_label(locale, missing.role))}
            </p>
        }
        .into_any();
    }
    let sign_in = crate::ui::page_link::use_localized_path(crate::staff::paths::SIGN_IN);
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p><a href=sign_in>{t!(i18n, staff.sign_in)}</a></p>
    }
    .into_any()
}

fn import_problem(locale: Locale, problem: ImportProblem) -> String {
    match problem {
        ImportProblem::Header => td_string!(locale, tramites.import.header).to_string(),
        ImportProblem::Columns => td_string!(locale, tramites.import.columns).to_string(),
        ImportProblem::Date => td_string!(locale, tramites.import.date).to_string(),
        ImportProblem::Empty => td_string!(locale, tramites.import.empty).to_string(),
        ImportProblem::TooManyRows => td_string!(locale, tramites.import.too_many).to_string(),
        ImportProblem::Field(problem) => filing_problem(locale, problem).to_string(),
    }
}

fn deadline_cell(locale: Locale, summary: &ExpedienteSummary) -> String {
    let deadline = &summary.deadline;
    if !summary.state.is_open() {
        return td_string!(locale, tramites.deadline.closed).to_string();
    }
    if let Some(day) = &deadline.correct_by {
        let late = if deadline.correction_late { td_string!(locale, tramites.registry.late) } else { "" };
        return format!("{} {}{late}", td_string!(locale, tramites.registry.waiting_until), format_day(day, locale));
    }
    let due = deadline.due.as_deref().map(|day| format_day(day, locale)).unwrap_or_default();
    if deadline.overdue {
        format!("{} ({due})", td_string!(locale, tramites.registry.overdue))
    } else {
        format!(
            "{} · {due}",
            td_string!(locale, tramites.deadline.days_left).replace("{days}", &deadline.days_left.to_string())
        )
    }
}

fn summary_rows(locale: Locale, summaries: &[ExpedienteSummary], prefix: &str) -> impl IntoView + use<> {
    summaries
        .iter()
        .map(|summary| {
            let href = format!("{prefix}{REGISTRY_CASE}?numero={}", summary.number);
            let flagged = summary.deadline.overdue || summary.deadline.correction_late;
            view! {
                <tr class:row--flagged=flagged>
                    <th scope="row" class="nowrap"><a href=href>{summary.number.clone()}</a></th>
                    <td>{format!("{} — {}", summary.procedure.code, summary.procedure.name.get(locale))}</td>
                    <td>{summary.applicant_name.clone()}</td>
                    <td class="nowrap">{format_day(&summary.filed_on, locale)}</td>
                    <td>{state_label(locale, summary.state)}</td>
                    <td>{summary.office.name.get(locale).to_string()}</td>
                    <td>{deadline_cell(locale, summary)}</td>
                </tr>
            }
        })
        .collect_view()
}

fn summary_table(
    locale: Locale,
    id: &'static str,
    caption: &'static str,
    rows: &[ExpedienteSummary],
    prefix: &str,
) -> AnyView {
    if rows.is_empty() {
        return view! { <p id=id>{td_string!(locale, tramites.registry.none)}</p> }.into_any();
    }
    let body = summary_rows(locale, rows, prefix);
    view! {
        <TableScroll label=caption>
            <table class="data-table" id=id>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, tramites.registry.number)}</th>
                        <th scope="col">{td_string!(locale, tramites.receipt.procedure)}</th>
                        <th scope="col">{td_string!(locale, tramites.registry.applicant)}</th>
                        <th scope="col">{td_string!(locale, tramites.receipt.filed_on)}</th>
                        <th scope="col">{td_string!(locale, tramites.track.state)}</th>
                        <th scope="col">{td_string!(locale, tramites.track.office)}</th>
                        <th scope="col">{td_string!(locale, tramites.deadline.limit)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// `/oficina/expedientes`.
#[component]
pub fn RegistryPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, tramites.registry.heading);
    let Some(data) = use_context::<RegistryListView>() else { return without_data(locale, heading) };
    let prefix = language_prefix(locale);
    let holidays = format!("{prefix}{}", super::paths::HOLIDAYS);
    let import = data.import.clone().map(|outcome| {
        if outcome.errors.is_empty() {
            let rows = outcome
                .created
                .iter()
                .map(|created| {
                    view! {
                        <tr>
                            <td class="numeric">{created.line}</td>
                            <th scope="row" class="nowrap">{created.number.clone()}</th>
                            <td class="nowrap receipt__number">{format_code(&created.code)}</td>
                            <td>{created.applicant_name.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="receipt__box" id="import-done" aria-labelledby="import-done-heading">
                    <h2 id="import-done-heading">
                        {td_string!(locale, tramites.import.done).replace("{count}", &outcome.created.len().to_string())}
                    </h2>
                    <p>{t!(i18n, tramites.import.codes_once)}</p>
                    <TableScroll label=td_string!(locale, tramites.import.created_table)>
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col" class="numeric">{t!(i18n, tramites.import.line)}</th>
                                    <th scope="col">{t!(i18n, tramites.registry.number)}</th>
                                    <th scope="col">{t!(i18n, tramites.receipt.code)}</th>
                                    <th scope="col">{t!(i18n, tramites.registry.applicant)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </TableScroll>
                </section>
            }
            .into_any()
        } else {
            let problems = outcome
                .errors
                .iter()
                .map(|error| {
                    let text = td_string!(locale, tramites.import.line_problem)
                        .replace("{line}", &error.line.to_string())
                        .replace("{problem}", &import_problem(locale, error.problem));
                    ("import-file".to_string(), text)
                })
                .collect();
            view! {
                <ErrorSummary id="import-errors" problems=problems />
                <p class="notice">{t!(i18n, tramites.import.nothing_created)}</p>
            }
            .into_any()
        }
    });
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        <p><a href=holidays>{t!(i18n, tramites.holidays.heading)}</a></p>
        {import}
        <h2>{t!(i18n, tramites.registry.open)}</h2>
        {summary_table(locale, "open-expedientes", td_string!(locale, tramites.registry.open_caption), &data.open, &prefix)}
        <h2>{t!(i18n, tramites.registry.closed)}</h2>
        {summary_table(locale, "closed-expedientes", td_string!(locale, tramites.registry.closed_caption), &data.closed, &prefix)}
        <h2 id="import-heading">{t!(i18n, tramites.import.heading)}</h2>
        <p>{t!(i18n, tramites.import.lead)}</p>
        <p class="hint"><code>{super::CSV_HEADER}</code></p>
        <form class="staff-form" method="post" action=REGISTRY_IMPORT_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="import-file">{t!(i18n, tramites.import.file)}</label>
                <input id="import-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
    }
    .into_any()
}

fn refusal_text(locale: Locale, refusal: ActionRefusal) -> &'static str {
    match refusal {
        ActionRefusal::UnknownAction => td_string!(locale, tramites.action.refused_unknown),
        ActionRefusal::NotAllowedNow => td_string!(locale, tramites.action.refused_state),
        ActionRefusal::UnknownOffice => td_string!(locale, tramites.action.refused_office),
        ActionRefusal::NoteMissing => td_string!(locale, tramites.action.refused_note),
        ActionRefusal::NoteTooLong => td_string!(locale, tramites.action.refused_note_long),
        ActionRefusal::DaysInvalid => td_string!(locale, tramites.action.refused_days),
        ActionRefusal::Document(problem) => filing_problem(locale, problem),
    }
}

fn action_label(locale: Locale, action: RegistryAction) -> &'static str {
    match action {
        RegistryAction::Receive => td_string!(locale, tramites.action.receive),
        RegistryAction::Forward => td_string!(locale, tramites.action.forward),
        RegistryAction::Observe => td_string!(locale, tramites.action.observe),
        RegistryAction::Resolve => td_string!(locale, tramites.action.resolve),
        RegistryAction::Archive => td_string!(locale, tramites.action.archive),
    }
}

/// `/oficina/expedientes/detalle?numero=…`.
#[component]
pub fn RegistryCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, tramites.registry.case_heading);
    let Some(data) = use_context::<RegistryCaseView>() else { return without_data(locale, heading) };
    let prefix = language_prefix(locale);
    let RegistryCaseView { username, expediente, offices, done, refused, note } = data;
    let number = expediente.number.clone();
    let document_prefix = prefix.clone();
    let download = Callback::new(move |(id, label): (String, String)| {
        let href = format!("{document_prefix}{REGISTRY_DOCUMENT}?numero={number}&id={id}");
        view! { <li><a href=href>{label}</a></li> }.into_any()
    });
    let summary: Vec<(String, String)> = refused
        .map(|(action, refusal)| (format!("action-{}", action.code()), refusal_text(locale, refusal).to_string()))
        .into_iter()
        .collect();
    let actions = RegistryAction::ALL
        .into_iter()
        .filter(|action| action.allowed_in(expediente.state))
        .map(|action| {
            let id = format!("action-{}", action.code());
            let typed = if refused.is_some_and(|(refused, _)| refused == action) { note.clone() } else { String::new() };
            let office_select = (action == RegistryAction::Forward).then(|| {
                let options = offices
                    .iter()
                    .filter(|office| office.code != expediente.office.code)
                    .map(|office| view! { <option value=office.code.clone()>{office.name.get(locale).to_string()}</option> })
                    .collect_view();
                view! {
                    <div class="form-group">
                        <label for="forward-office">{t!(i18n, tramites.action.office)}</label>
                        <select id="forward-office" name="office" class="input">{options}</select>
                    </div>
                }
            });
            let days = (action == RegistryAction::Observe).then(|| {
                view! {
                    <div class="form-group">
                        <label for="observe-days">{t!(i18n, tramites.action.days)}</label>
                        <p class="hint" id="observe-days-hint">{t!(i18n, tramites.action.days_hint)}</p>
                        <input id="observe-days" name="days" type="text" inputmode="numeric" value="2" class="input input--code" aria-describedby="observe-days-hint" />
                    </div>
                }
            });
            let document = matches!(action, RegistryAction::Resolve | RegistryAction::Observe).then(|| {
                let input_id = format!("{id}-document");
                view! {
                    <div class="form-group">
                        <label for=input_id.clone()>{t!(i18n, tramites.action.document)}</label>
                        <input id=input_id name="document" type="file" accept="application/pdf,.pdf" />
                    </div>
                }
            });
            let note_id = format!("{id}-note");
            let heading_id = format!("{id}-heading");
            let labelled_by = heading_id.clone();
            let form_id = id.clone();
            view! {
                <section class="registry-action" aria-labelledby=labelled_by>
                    <h3 id=heading_id>{action_label(locale, action)}</h3>
                    <form class="staff-form" method="post" action=REGISTRY_ACTION_POST.path() enctype="multipart/form-data" id=form_id>
                        <input type="hidden" name="prefix" value=prefix.clone() />
                        <input type="hidden" name="number" value=expediente.number.clone() />
                        <input type="hidden" name="action" value=action.code() />
                        {office_select}
                        {days}
                        <div class="form-group">
                            <label for=note_id.clone()>{t!(i18n, tramites.action.note)}</label>
                            <textarea id=note_id name="note" rows="3" class="input">{typed}</textarea>
                        </div>
                        {document}
                        <button type="submit" class="button">{action_label(locale, action)}</button>
                    </form>
                </section>
            }
        })
        .collect_view();
    let done = done.map(|kind| {
        view! { <p class="notice notice--secure" role="status" id="action-done">{td_string!(locale, tramites.action.done).replace("{event}", event_label(locale, kind))}</p> }
    });
    let back = format!("{prefix}{}", super::paths::REGISTRY);
    view! {
        <PageTitle text=move || heading />
        <p><a href=back>{t!(i18n, tramites.registry.back)}</a></p>
        <h1>{td_string!(locale, tramites.track.expediente).replace("{number}", &expediente.number)}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = username.clone())}</p>
        {done}
        <ErrorSummary id="action-errors" problems=summary />
        <dl class="facts">
            <dt>{t!(i18n, tramites.receipt.procedure)}</dt>
            <dd>{format!("{} — {}", expediente.procedure.code, expediente.procedure.name.get(locale))}</dd>
            <dt>{t!(i18n, tramites.track.state)}</dt>
            <dd id="expediente-state">{state_label(locale, expediente.state)}</dd>
            <dt>{t!(i18n, tramites.track.office)}</dt>
            <dd id="expediente-office">{expediente.office.name.get(locale).to_string()}</dd>
            <dt>{t!(i18n, tramites.registry.applicant)}</dt>
            <dd>
                {format!("{} ({} {})", expediente.applicant_name, expediente.id_type.code().to_uppercase(), expediente.applicant_id)}
                <br />
                {expediente.applicant_address.clone()}
                <br />
                {expediente.applicant_email.clone()}
            </dd>
            <dt>{t!(i18n, tramites.file.subject)}</dt>
            <dd class="pre-wrap">{expediente.subject.clone()}</dd>
            <dt>{t!(i18n, tramites.registry.channel)}</dt>
            <dd>{if expediente.online { td_string!(locale, tramites.registry.online) } else { td_string!(locale, tramites.registry.desk) }}</dd>
        </dl>
        <DeadlineFacts expediente=expediente.clone() />
        <h2>{t!(i18n, tramites.registry.actions)}</h2>
        {actions}
        <h2>{t!(i18n, tramites.track.timeline)}</h2>
        <Timeline events=expediente.events.clone() download=download />
    }
    .into_any()
}

/// `/oficina/feriados`: the holiday calendar deadlines count with.
#[component]
pub fn HolidaysPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, tramites.holidays.heading);
    let Some(data) = use_context::<HolidaysView>() else { return without_data(locale, heading) };
    let prefix = language_prefix(locale);
    let summary: Vec<(String, String)> = data
        .refused
        .map(|refusal| {
            let (field, text) = match refusal {
                HolidayRefusal::DayInvalid => ("holiday-day", td_string!(locale, tramites.holidays.refused_day)),
                HolidayRefusal::NameMissing => ("holiday-name", td_string!(locale, tramites.holidays.refused_name)),
                HolidayRefusal::Exists => ("holiday-day", td_string!(locale, tramites.holidays.refused_exists)),
                HolidayRefusal::NotFound => ("holiday-day", td_string!(locale, tramites.holidays.refused_missing)),
            };
            (field.to_string(), text.to_string())
        })
        .into_iter()
        .collect();
    let done = data.done.clone().map(|(done, day)| {
        let text = match done {
            HolidayDone::Added => td_string!(locale, tramites.holidays.added),
            HolidayDone::Removed => td_string!(locale, tramites.holidays.removed),
        };
        let text = text.replace("{day}", &format_day(&day, locale)).replace("{count}", &data.moved.to_string());
        view! { <p class="notice notice--secure" role="status" id="holiday-done">{text}</p> }
    });
    let rows = data
        .holidays
        .iter()
        .map(|holiday| {
            let kind = if holiday.national {
                td_string!(locale, tramites.holidays.national)
            } else {
                td_string!(locale, tramites.holidays.local)
            };
            view! {
                <tr>
                    <th scope="row" class="nowrap">{format_day(&holiday.day, locale)}</th>
                    <td>{holiday.name.clone()}</td>
                    <td>{kind}</td>
                    <td>
                        <form method="post" action=HOLIDAYS_POST.path() class="inline-form">
                            <input type="hidden" name="prefix" value=prefix.clone() />
                            <input type="hidden" name="action" value="remove" />
                            <input type="hidden" name="day" value=holiday.day.clone() />
                            <button type="submit" class="link-button">
                                {td_string!(locale, tramites.holidays.remove)}
                                <span class="visually-hidden">{format!(" {}", format_day(&holiday.day, locale))}</span>
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, tramites.holidays.lead)}</p>
        {done}
        <ErrorSummary id="holiday-errors" problems=summary />
        <h2>{t!(i18n, tramites.holidays.add_heading)}</h2>
        <form class="staff-form" method="post" action=HOLIDAYS_POST.path()>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <input type="hidden" name="action" value="add" />
            <div class="form-group">
                <label for="holiday-day">{t!(i18n, tramites.holidays.day)}</label>
                <p class="hint" id="holiday-day-hint">{t!(i18n, tramites.holidays.day_hint)}</p>
                <input id="holiday-day" name="day" type="date" value=data.typed_day.clone() class="input input--code" aria-describedby="holiday-day-hint" />
            </div>
            <div class="form-group">
                <label for="holiday-name">{t!(i18n, tramites.holidays.name)}</label>
                <input id="holiday-name" name="name" type="text" value=data.typed_name.clone() class="input" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.holidays.add)}</button>
        </form>
        <h2>{t!(i18n, tramites.holidays.list)}</h2>
        <TableScroll label=td_string!(locale, tramites.holidays.list)>
            <table class="data-table" id="holidays">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, tramites.holidays.day)}</th>
                        <th scope="col">{t!(i18n, tramites.holidays.name)}</th>
                        <th scope="col">{t!(i18n, tramites.holidays.kind)}</th>
                        <th scope="col">{t!(i18n, tramites.holidays.action)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
