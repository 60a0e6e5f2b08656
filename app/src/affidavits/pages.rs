//! The affidavits' public pages: the list (every version with its date, searched by name and office)
//! and one affidavit's public sections. Plain HTML.

use super::paths::{AFFIDAVIT, AFFIDAVITS};
use super::{Affidavit, Kind, Section, Summary, format_share};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::integrity::Official;
use crate::staff::pages::language_prefix;
use crate::ui::page_title::{PageTitle, PageTitleText};
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AffidavitsView {
    pub affidavits: Vec<Summary>,
    pub officials: Vec<Official>,
    pub query: String,
    pub official: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AffidavitView {
    pub affidavit: Option<Affidavit>,
    /// The official's other versions, the latest first.
    pub versions: Vec<Summary>,
}

fn kind_label(code: &str, locale: Locale) -> &'static str {
    Kind::parse(code).map_or("", |kind| kind.label(locale))
}

/// `/integridad/declaraciones`.
#[component]
pub fn AffidavitsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let AffidavitsView { affidavits, officials, query, official } = use_context::<AffidavitsView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let options = officials
        .iter()
        .map(|o| view! { <option value=o.id.clone() selected=official == o.id>{o.name.clone()}</option> })
        .collect_view();
    let rows = affidavits
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("{prefix}{AFFIDAVIT}?id={}", a.id)>{a.official_name.clone()}</a></th>
                    <td>{a.position.clone()}</td>
                    <td>{a.area.clone()}</td>
                    <td>{kind_label(&a.kind, locale)}</td>
                    <td class="nowrap">{a.presented_on.clone()}</td>
                    <td class="number">{a.version.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let none = affidavits.is_empty().then(|| view! { <p id="no-affidavits">{t!(i18n, affidavits.list.none)}</p> });
    view! {
        <PageTitle text=move || td_string!(locale, affidavits.list.title) />
        <h1>{t!(i18n, affidavits.list.title)}</h1>
        <p class="lead">{t!(i18n, affidavits.list.lead)}</p>
        <p>{t!(i18n, affidavits.list.private_rule)}</p>
        <form class="staff-form" method="get" action=format!("{prefix}{AFFIDAVITS}") role="search">
            <div class="form-group">
                <label for="q">{t!(i18n, affidavits.list.words)}</label>
                <input id="q" name="q" type="search" class="input" value=query />
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
        {none}
        <TableScroll label=td_string!(locale, affidavits.list.title)>
            <table class="data-table" id="affidavits-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, integrity.hub.name)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.position)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.area)}</th>
                        <th scope="col">{t!(i18n, affidavits.list.kind)}</th>
                        <th scope="col">{t!(i18n, affidavits.list.presented_on)}</th>
                        <th scope="col">{t!(i18n, affidavits.list.version)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <p>
            {t!(i18n, integrity.hub.open_data)} " "
            <a href=format!("{}/declaraciones.csv", crate::integrity::paths::OPEN_DATA) rel="external" download="">"CSV"</a> " · "
            <a href=format!("{}/declaraciones.json", crate::integrity::paths::OPEN_DATA) rel="external">"JSON"</a>
        </p>
    }
}

/// The columns of a section's table, by section.
fn section_headings(section: Section, locale: Locale) -> Vec<&'static str> {
    let name = td_string!(locale, affidavits.column.name);
    let ruc = td_string!(locale, affidavits.column.ruc);
    match section {
        Section::Companies => vec![name, ruc, td_string!(locale, affidavits.column.share)],
        Section::Boards => vec![name, ruc, td_string!(locale, affidavits.column.role)],
        Section::Jobs => vec![
            name,
            ruc,
            td_string!(locale, affidavits.column.role),
            td_string!(locale, affidavits.column.from),
            td_string!(locale, affidavits.column.to),
        ],
        Section::Organisations | Section::Parties => vec![name, td_string!(locale, affidavits.column.role)],
        Section::Relatives => vec![
            name,
            td_string!(locale, affidavits.column.relationship),
            td_string!(locale, affidavits.column.employer),
            ruc,
        ],
    }
}

fn section_cells(section: Section, entry: &super::Entry) -> Vec<String> {
    match section {
        Section::Companies => {
            vec![entry.name.clone(), entry.ruc.clone(), entry.share_bp.map(format_share).unwrap_or_default()]
        }
        Section::Boards => vec![entry.name.clone(), entry.ruc.clone(), entry.detail.clone()],
        Section::Jobs => vec![
            entry.name.clone(),
            entry.ruc.clone(),
            entry.detail.clone(),
            entry.start_date.clone(),
            entry.end_date.clone(),
        ],
        Section::Organisations | Section::Parties => vec![entry.name.clone(), entry.detail.clone()],
        Section::Relatives => {
            vec![entry.name.clone(), entry.relationship.clone(), entry.detail.clone(), entry.ruc.clone()]
        }
    }
}

/// `/integridad/declaracion?id=…`.
#[component]
pub fn AffidavitPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let AffidavitView { affidavit, versions } = use_context::<AffidavitView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let Some(Affidavit { summary, sections }) = affidavit else {
        return view! {
            <PageTitle text=move || td_string!(locale, affidavits.missing) />
            <h1>{t!(i18n, affidavits.missing)}</h1>
            <p><a href=format!("{prefix}{AFFIDAVITS}")>{t!(i18n, affidavits.list.title)}</a></p>
        }
        .into_any();
    };
    let title = td_string!(locale, affidavits.one.title)
        .replace("{name}", &summary.official_name)
        .replace("{version}", &summary.version.to_string());
    let sections = sections
        .into_iter()
        .map(|(section, entries)| {
            let body = if entries.is_empty() {
                view! { <p class="hint">{t!(i18n, affidavits.one.nothing)}</p> }.into_any()
            } else {
                let headings = section_headings(section, locale)
                    .into_iter()
                    .map(|h| view! { <th scope="col">{h}</th> })
                    .collect_view();
                let rows = entries
                    .iter()
                    .map(|entry| {
                        let cells =
                            section_cells(section, entry).into_iter().map(|c| view! { <td>{c}</td> }).collect_view();
                        view! { <tr>{cells}</tr> }
                    })
                    .collect_view();
                view! {
                    <TableScroll label=section.label(locale)>
                        <table class="data-table" id=format!("section-{}", section.code())>
                            <thead><tr>{headings}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </TableScroll>
                }
                .into_any()
            };
            view! { <h2 id=section.code()>{section.label(locale)}</h2> {body} }
        })
        .collect_view();
    let versions = versions
        .iter()
        .map(|v| {
            let text = format!("{} — {} ({})", v.version, kind_label(&v.kind, locale), v.presented_on);
            let current = v.id == summary.id;
            view! {
                <li>
                    {if current {
                        view! { <strong aria-current="page">{text}</strong> }.into_any()
                    } else {
                        view! { <a href=format!("{prefix}{AFFIDAVIT}?id={}", v.id)>{text}</a> }.into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let heading = title.clone();
    view! {
        <PageTitleText text=title />
        <h1>{heading}</h1>
        <p class="lead">
            {format!("{} · {} · {} · {}", summary.position, summary.area, kind_label(&summary.kind, locale), summary.presented_on)}
        </p>
        <p>{t!(i18n, affidavits.list.private_rule)}</p>
        {sections}
        <h2 id="versions">{t!(i18n, affidavits.one.versions)}</h2>
        <ul>{versions}</ul>
    }
    .into_any()
}
