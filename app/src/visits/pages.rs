//! The public pages of the visits registry and the official agendas: a search form (words, dates,
//! official), the table of what it found with the official registry's columns, and the same rows as
//! CSV and JSON. Plain HTML.

use super::paths::{AGENDAS, VISITS, download};
use super::{AgendaEntry, Search, Visit};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::integrity::Official;
use crate::staff::pages::language_prefix;
use crate::ui::page_title::PageTitle;
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

/// The most rows a page shows; the downloads hold every row found.
pub const PAGE_ROWS: u32 = 200;

/// The visits' columns, as the page's table and the files have them.
pub const VISIT_COLUMNS: [&str; 14] = [
    "fecha_registro",
    "fecha_visita",
    "visitante",
    "documento",
    "entidad",
    "ruc_entidad",
    "funcionario",
    "cargo",
    "lugar",
    "hora_ingreso",
    "hora_salida",
    "motivo",
    "observacion",
    "registro_tardio",
];

/// The columns the page's table shows (indexes into [`VISIT_COLUMNS`]): fourteen do not fit a screen,
/// so the date registered, the entity's RUC, the place and the remarks are in the downloads only (the
/// page says so), and a late registration is the last column.
pub const PAGE_VISIT_COLUMNS: [usize; 10] = [1, 2, 3, 4, 6, 7, 9, 10, 11, 13];

/// A visit's cells, in [`VISIT_COLUMNS`]' order: the page and the files write the same text.
pub fn visit_cells(visit: &Visit) -> [String; 14] {
    [
        visit.registered_on.clone(),
        visit.visit_date.clone(),
        visit.visitor.clone(),
        visit.document.clone(),
        visit.entity.clone(),
        visit.entity_ruc.clone(),
        visit.official_name.clone(),
        visit.position.clone(),
        visit.place.clone(),
        visit.entry_time.clone(),
        visit.exit_time.clone(),
        visit.reason.clone(),
        visit.remarks.clone(),
        if visit.late { "sí" } else { "no" }.to_string(),
    ]
}

pub const AGENDA_COLUMNS: [&str; 8] =
    ["funcionario", "fecha", "hora", "lugar", "asunto", "participantes", "representa", "gestion_intereses"];

pub fn agenda_cells(entry: &AgendaEntry) -> [String; 8] {
    [
        entry.official_name.clone(),
        entry.date.clone(),
        entry.time.clone(),
        entry.place.clone(),
        entry.subject.clone(),
        entry.participants.clone(),
        entry.represents.clone(),
        if entry.lobbying { "sí" } else { "no" }.to_string(),
    ]
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VisitsView {
    pub visits: Vec<Visit>,
    pub total: u64,
    pub officials: Vec<Official>,
    pub search: Search,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgendasView {
    pub entries: Vec<AgendaEntry>,
    pub total: u64,
    pub officials: Vec<Official>,
    pub search: Search,
}

fn column_heading(locale: Locale, key: &str) -> &'static str {
    match key {
        "fecha_registro" => td_string!(locale, visits.column.registered_on),
        "fecha_visita" => td_string!(locale, visits.column.visit_date),
        "visitante" => td_string!(locale, visits.column.visitor),
        "documento" => td_string!(locale, visits.column.document),
        "entidad" => td_string!(locale, visits.column.entity),
        "ruc_entidad" => td_string!(locale, visits.column.entity_ruc),
        "funcionario" => td_string!(locale, visits.column.official),
        "cargo" => td_string!(locale, visits.column.position),
        "lugar" => td_string!(locale, visits.column.place),
        "hora_ingreso" => td_string!(locale, visits.column.entry),
        "hora_salida" => td_string!(locale, visits.column.exit),
        "motivo" => td_string!(locale, visits.column.reason),
        "observacion" => td_string!(locale, visits.column.remarks),
        "registro_tardio" => td_string!(locale, visits.column.late),
        "fecha" => td_string!(locale, visits.column.date),
        "hora" => td_string!(locale, visits.column.time),
        "asunto" => td_string!(locale, visits.column.subject),
        "participantes" => td_string!(locale, visits.column.participants),
        "representa" => td_string!(locale, visits.column.represents),
        _ => td_string!(locale, visits.column.lobbying),
    }
}

/// The search form both registers use.
#[component]
fn SearchForm(action: String, search: Search, officials: Vec<Official>) -> impl IntoView {
    let i18n = use_i18n();
    let options = officials
        .iter()
        .map(|o| {
            view! { <option value=o.id.clone() selected=search.official == o.id>{format!("{} — {}", o.name, o.position)}</option> }
        })
        .collect_view();
    view! {
        <form class="staff-form" method="get" action=action role="search">
            <div class="form-group">
                <label for="q">{t!(i18n, visits.search.words)}</label>
                <p class="hint" id="q-hint">{t!(i18n, visits.search.words_hint)}</p>
                <input id="q" name="q" type="search" class="input" aria-describedby="q-hint" value=search.query.clone() />
            </div>
            <div class="form-group">
                <label for="desde">{t!(i18n, visits.search.from)}</label>
                <input id="desde" name="desde" type="date" class="input" value=search.from.clone() />
            </div>
            <div class="form-group">
                <label for="hasta">{t!(i18n, visits.search.to)}</label>
                <input id="hasta" name="hasta" type="date" class="input" value=search.to.clone() />
            </div>
            <div class="form-group">
                <label for="funcionario">{t!(i18n, visits.search.official)}</label>
                <select id="funcionario" name="funcionario" class="select">
                    <option value="">{t!(i18n, visits.search.any_official)}</option>
                    {options}
                </select>
            </div>
            <button type="submit" class="button">{t!(i18n, visits.search.submit)}</button>
        </form>
    }
}

/// What was found, the downloads of exactly that, and a word when the page shows only the first rows.
#[component]
fn Found(total: u64, shown: usize, table: &'static str, search: Search) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let query = search.query_string();
    let found = td_string!(locale, visits.search.found).replace("{count}", &total.to_string());
    let more = (total > shown as u64).then(|| {
        let text = td_string!(locale, visits.search.more).replace("{shown}", &shown.to_string());
        view! { <p class="notice" id="more-rows">{text}</p> }
    });
    view! {
        <p id="found" role="status">{found}</p>
        {more}
        <p id="downloads">
            {t!(i18n, visits.search.download)} " "
            <a href=download(table, "csv", &query) rel="external" download="">"CSV"</a> " · "
            <a href=download(table, "json", &query) rel="external">"JSON"</a>
        </p>
    }
}

/// Rows of cells; `shown` picks and orders the cells a row shows, `late_column` (of the shown ones)
/// flags a row.
fn table_rows<const N: usize>(rows: Vec<[String; N]>, shown: &[usize], late_column: Option<usize>) -> impl IntoView {
    let shown = shown.to_vec();
    rows.into_iter()
        .map(move |cells| {
            let cells: Vec<String> = shown.iter().map(|at| cells[*at].clone()).collect();
            let late = late_column.is_some_and(|at| cells[at] == "sí");
            let cells = cells.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view();
            view! { <tr class:row--flagged=late>{cells}</tr> }
        })
        .collect_view()
}

/// `/integridad/visitas`.
#[component]
pub fn VisitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let VisitsView { visits, total, officials, search } = use_context::<VisitsView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let headings = PAGE_VISIT_COLUMNS
        .iter()
        .map(|at| view! { <th scope="col">{column_heading(locale, VISIT_COLUMNS[*at])}</th> })
        .collect_view();
    let shown = visits.len();
    let rows = table_rows(visits.iter().map(visit_cells).collect(), &PAGE_VISIT_COLUMNS, Some(9));
    view! {
        <PageTitle text=move || td_string!(locale, visits.registry.title) />
        <h1>{t!(i18n, visits.registry.title)}</h1>
        <p class="lead">{t!(i18n, visits.registry.lead)}</p>
        <p>{t!(i18n, visits.registry.not_registered)}</p>
        <p>{t!(i18n, visits.registry.late_rule)}</p>
        <SearchForm action=format!("{prefix}{VISITS}") search=search.clone() officials />
        <Found total shown table="visitas" search />
        <p class="hint" id="more-columns">{t!(i18n, visits.registry.more_columns)}</p>
        <TableScroll label=td_string!(locale, visits.registry.title)>
            <table class="data-table" id="visits-table">
                <thead><tr>{headings}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <p><a href=format!("{prefix}{AGENDAS}")>{t!(i18n, visits.agendas.title)}</a></p>
    }
}

/// `/integridad/agendas`.
#[component]
pub fn AgendasPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let AgendasView { entries, total, officials, search } = use_context::<AgendasView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let headings =
        AGENDA_COLUMNS.iter().map(|key| view! { <th scope="col">{column_heading(locale, key)}</th> }).collect_view();
    let shown = entries.len();
    let rows = table_rows(entries.iter().map(agenda_cells).collect(), &[0, 1, 2, 3, 4, 5, 6, 7], None);
    view! {
        <PageTitle text=move || td_string!(locale, visits.agendas.title) />
        <h1>{t!(i18n, visits.agendas.title)}</h1>
        <p class="lead">{t!(i18n, visits.agendas.lead)}</p>
        <p>{t!(i18n, visits.agendas.lobbying_rule)}</p>
        <SearchForm action=format!("{prefix}{AGENDAS}") search=search.clone() officials />
        <Found total shown table="agendas" search />
        <TableScroll label=td_string!(locale, visits.agendas.title)>
            <table class="data-table" id="agenda-table">
                <thead><tr>{headings}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <p><a href=format!("{prefix}{VISITS}")>{t!(i18n, visits.registry.title)}</a></p>
    }
}
