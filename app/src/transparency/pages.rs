//! The transparency portal: incident statistics (`/transparencia`), the security modules
//! (`/transparencia/modulos`), complaint handling (`/transparencia/denuncias`) and open data
//! (`/transparencia/datos`). Everything is rendered on the server from data the server loads before
//! rendering; filters are a plain GET form, so every view is a URL and nothing needs JavaScript (the
//! site script only swaps the next page in without a full load). No WebAssembly: these pages have no
//! island. Links to files (CSV, JSON) are `rel="external"`: the browser downloads or shows them.

use super::paths;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::paths::Page;
use crate::transparency::{
    ComplaintsView, LANGUAGE_PARAMETER, StatisticsKind, StatisticsView, TransparencyPage, TransparencyView,
    language_code, language_of,
};
use crate::ui::chart::{Bar, BarChart, MonthChart};
use crate::ui::page_link::use_localized_path;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use statistics::{
    Channel, DataTable, FilterProblem, IncidentType, Language, Module, Month, Overview, View, Zone, format,
};

/// The sections of the transparency portal.
#[component]
fn SectionNav(current: Page) -> impl IntoView {
    let i18n = use_i18n();
    let link = |page: Page, label: &'static str| {
        let current = (page == current).then_some("page");
        view! {
            <li>
                <a href=use_localized_path(page) aria-current=current>{label}</a>
            </li>
        }
    };
    view! {
        <nav class="section-nav" aria-label=t_string!(i18n, transparency.sections_label)>
            <ul>
                {link(paths::STATISTICS, t_string!(i18n, transparency.nav_incidents))}
                {link(paths::MODULES, t_string!(i18n, transparency.nav_modules))}
                {link(paths::COMPLAINTS, t_string!(i18n, transparency.nav_complaints))}
                {link(paths::OPEN_DATA, t_string!(i18n, transparency.nav_open_data))}
            </ul>
        </nav>
    }
}

fn view_context() -> Option<TransparencyView> {
    use_context::<TransparencyView>()
}

/// The data are loaded with the page; reached any other way, offer the full load.
#[component]
fn NotLoaded() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p>{t!(i18n, transparency.no_data)}</p> }
}

/// A table as on the page: codes stay in the files, labels and localised numbers are shown.
#[component]
pub fn TableView(table: DataTable, caption: String, language: Language) -> impl IntoView {
    let shown: Vec<usize> = table.columns.iter().enumerate().filter(|(_, c)| c.on_page).map(|(i, _)| i).collect();
    // A column of numbers has its heading over the numbers, on the right.
    let numeric = |i: usize| table.rows.iter().any(|row| row[i].is_numeric());
    let headings = shown
        .iter()
        .enumerate()
        .map(|(position, i)| {
            let is_number = position > 0 && numeric(*i);
            view! { <th scope="col" class:num=is_number>{table.columns[*i].heading.clone()}</th> }
        })
        .collect_view();
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let cells = shown
                .iter()
                .enumerate()
                .map(|(position, i)| {
                    let value = &row[*i];
                    let text = value.display(language);
                    if position == 0 {
                        view! { <th scope="row">{text}</th> }.into_any()
                    } else {
                        view! { <td class:num=value.is_numeric()>{text}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    // The scrolling region's name must differ from its section's (axe: landmark-unique).
    let region_label = match language {
        Language::Spanish => format!("Tabla: {caption}"),
        Language::English => format!("Table: {caption}"),
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=region_label>
            <table class="data-table" data-view=table.view.clone()>
                <caption>{caption}</caption>
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// CSV and JSON links for a table: `base` is the endpoint without extension, `query` its filters.
#[component]
fn Downloads(base: String, query: String, language: Language, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let query = if query.is_empty() {
        format!("{LANGUAGE_PARAMETER}={}", language_code(language))
    } else {
        format!("{query}&{LANGUAGE_PARAMETER}={}", language_code(language))
    };
    let csv = format!("{base}.csv?{query}");
    let json = format!("{base}.json?{query}");
    view! {
        <p class="downloads">
            {t!(i18n, transparency.download)} " "
            <a href=csv rel="external" download="" data-format="csv">
                {t!(i18n, transparency.download_csv)}
                <span class="visually-hidden">" · " {name.clone()}</span>
            </a>
            " · "
            <a href=json rel="external" data-format="json">
                {t!(i18n, transparency.download_json)}
                <span class="visually-hidden">" · " {name}</span>
            </a>
        </p>
    }
}

/// A `<select>` of a filter: `options` are (value, label); the first is "all" with an empty value.
fn select(
    id: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: String,
    error: bool,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="form-group filter" class:form-group--error=error>
            <label for=id>{label}</label>
            <select id=id name=id class="select">{options}</select>
        </div>
    }
}

#[component]
fn Filters(view: StatisticsView, overview: Overview, language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let action = use_localized_path(view.kind.page()).get_untracked();
    let filter = overview.filter;
    let (first, last) = overview.data_range.unwrap_or((filter.from, filter.to));
    let months: Vec<(String, String)> =
        (0..first.span_to(last)).map(|i| first.plus(i as i32)).map(|m| (m.to_string(), m.label(language))).collect();
    let has = |problem: &[FilterProblem]| view.problems.iter().any(|p| problem.contains(p));
    let with_all = |all: &'static str, rest: Vec<(String, String)>| {
        std::iter::once((String::new(), all.to_string())).chain(rest).collect::<Vec<_>>()
    };
    let zones = with_all(
        t_string!(i18n, transparency.all_zones),
        Zone::all().map(|z| (z.0.to_string(), z.label(language))).collect(),
    );
    let types = with_all(
        t_string!(i18n, transparency.all_types),
        IncidentType::ALL.iter().map(|t| (t.code().to_string(), t.label(language).to_string())).collect(),
    );
    let channels = with_all(
        t_string!(i18n, transparency.all_channels),
        Channel::ALL.iter().map(|c| (c.code().to_string(), c.label(language).to_string())).collect(),
    );
    let modules = with_all(
        t_string!(i18n, transparency.all_modules),
        Module::ALL.iter().map(|m| (m.code().to_string(), m.label(language).to_string())).collect(),
    );
    // The lists show the filter the figures are for: a refused value (which no option could show)
    // gives way to what was used instead, and the error summary says why.
    let selected = |resolved: Option<String>| resolved.unwrap_or_default();
    let is_incidents = view.kind == StatisticsKind::Incidents;
    let clear = action.clone();
    view! {
        <form method="get" action=action class="filters" aria-labelledby="filters-heading">
            <h2 id="filters-heading" class="filters__heading">{t!(i18n, transparency.filters)}</h2>
            <div class="filters__fields">
                {select(
                    "desde",
                    t_string!(i18n, transparency.from),
                    months.clone(),
                    filter.from.to_string(),
                    has(&[FilterProblem::From, FilterProblem::Reversed, FilterProblem::TooLong]),
                )}
                {select(
                    "hasta",
                    t_string!(i18n, transparency.to),
                    months,
                    filter.to.to_string(),
                    has(&[FilterProblem::To, FilterProblem::Reversed, FilterProblem::TooLong]),
                )}
                {select(
                    "zona",
                    t_string!(i18n, transparency.zone),
                    zones,
                    selected(filter.zone.map(|z| z.0.to_string())),
                    has(&[FilterProblem::Zone]),
                )}
                {select(
                    "tipo",
                    t_string!(i18n, transparency.incident_type),
                    types,
                    selected(filter.incident_type.map(|t| t.code().to_string())),
                    has(&[FilterProblem::IncidentType]),
                )}
                {is_incidents.then(|| select(
                    "canal",
                    t_string!(i18n, transparency.channel),
                    channels.clone(),
                    selected(filter.channel.map(|c| c.code().to_string())),
                    has(&[FilterProblem::Channel]),
                ))}
                {(!is_incidents).then(|| select(
                    "modulo",
                    t_string!(i18n, transparency.module),
                    modules.clone(),
                    selected(filter.module.map(|m| m.code().to_string())),
                    has(&[FilterProblem::Module]),
                ))}
            </div>
            <div class="filters__actions">
                <button type="submit" class="button">{t!(i18n, transparency.apply)}</button>
                <a href=clear class="filters__clear">{t!(i18n, transparency.clear)}</a>
            </div>
        </form>
    }
}

#[component]
fn ProblemSummary(problems: Vec<FilterProblem>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    (!problems.is_empty()).then(|| {
        let items = problems
            .iter()
            .map(|p| view! { <li><a href=format!("#{}", p.field()) target="_self">{super::filter_problem_text(locale, *p)}</a></li> })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="filter-errors">
                <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
                <ul>{items}</ul>
                <p>{t!(i18n, transparency.problems_note)}</p>
            </div>
        }
    })
}

/// JSON-LD for harvesters: a schema.org `Dataset` that is also a DCAT `dcat:Dataset`.
fn dataset_json_ld(
    site_url: &str,
    name: &str,
    description: &str,
    distributions: &[(&str, &str)],
    temporal: Option<(Month, Month)>,
    page: &str,
) -> String {
    let distribution: Vec<serde_json::Value> = distributions
        .iter()
        .map(|(format, path)| {
            serde_json::json!({
                "@type": ["DataDownload", "dcat:Distribution"],
                "encodingFormat": format,
                "dcat:mediaType": format,
                "contentUrl": format!("{site_url}{path}"),
                "dcat:downloadURL": format!("{site_url}{path}"),
            })
        })
        .collect();
    let mut dataset = serde_json::json!({
        "@context": {"@vocab": "https://schema.org/", "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@type": ["Dataset", "dcat:Dataset"],
        "name": name,
        "dct:title": name,
        "description": description,
        "dct:description": description,
        "url": format!("{site_url}{page}"),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isAccessibleForFree": true,
        "inLanguage": ["es-PE", "en"],
        "spatialCoverage": {"@type": "Place", "name": "Miraflores, Lima, Perú"},
        "creator": {"@type": "GovernmentOrganization", "name": "Municipalidad de Miraflores"},
        "publisher": {"@type": "GovernmentOrganization", "name": "Municipalidad de Miraflores"},
        "distribution": distribution,
    });
    if let Some((from, to)) = temporal {
        dataset["temporalCoverage"] = serde_json::Value::String(format!("{from}/{to}"));
    }
    // `</` must not appear inside a script element.
    dataset.to_string().replace("</", "<\\/")
}

#[component]
fn JsonLd(json: String) -> impl IntoView {
    view! { <script type="application/ld+json" inner_html=json></script> }
}

#[component]
fn KeyFigures(overview: Overview, kind: StatisticsKind, language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let count_label = match kind {
        StatisticsKind::Incidents => t_string!(i18n, transparency.figure_incidents),
        StatisticsKind::Modules => t_string!(i18n, transparency.figure_attentions),
    };
    let period = format!("{} – {}", overview.filter.from.label(language), overview.filter.to.label(language));
    let previous = if overview.comparable {
        format::count(overview.previous, language)
    } else {
        t_string!(i18n, transparency.no_comparison).to_string()
    };
    let change = overview.change_tenths().map(|t| format::percent(t, language, true)).unwrap_or_else(|| "—".into());
    view! {
        <dl class="key-figures">
            <div class="key-figure">
                <dt>{t!(i18n, transparency.period)}</dt>
                <dd id="figure-period">{period}</dd>
            </div>
            <div class="key-figure">
                <dt>{count_label}</dt>
                <dd id="figure-incidents" class="key-figure__number">{format::count(overview.incidents, language)}</dd>
            </div>
            <div class="key-figure">
                <dt>{t!(i18n, transparency.figure_previous)}</dt>
                <dd id="figure-previous">{previous}</dd>
            </div>
            <div class="key-figure">
                <dt>{t!(i18n, transparency.figure_change)}</dt>
                <dd id="figure-change">{change}</dd>
            </div>
        </dl>
    }
}

/// One breakdown: heading, chart and table side by side, downloads.
#[component]
fn Breakdown(
    overview: Overview,
    view: View,
    heading: &'static str,
    language: Language,
    query: String,
) -> impl IntoView {
    let table = overview.table(view, language);
    let id = format!("vista-{}", view.code());
    let chart = if view == View::Month {
        let months: Vec<Bar> = overview
            .by_month
            .iter()
            .map(|c| Bar {
                label: c.key.label(language),
                value: c.incidents,
                text: format::count(c.incidents, language),
            })
            .collect();
        let previous = overview.comparable.then(|| overview.by_month.iter().map(|c| c.previous).collect());
        let i18n = use_i18n();
        let legend = (
            t_string!(i18n, transparency.legend_current).to_string(),
            t_string!(i18n, transparency.legend_previous).to_string(),
        );
        view! { <MonthChart id=format!("{id}-chart") title=heading.to_string() legend months previous /> }.into_any()
    } else {
        // Bars from the table itself: label column 1, count column 2, share (if any) column 3.
        let bars = table
            .rows
            .iter()
            .map(|row| {
                let value = match row[2] {
                    statistics::Value::Count(n) => n,
                    _ => 0,
                };
                let share = row
                    .get(3)
                    .filter(|v| matches!(v, statistics::Value::Percent(_)))
                    .map(|v| format!(" ({})", v.display(language)))
                    .unwrap_or_default();
                Bar { label: row[1].display(language), value, text: format!("{}{share}", row[2].display(language)) }
            })
            .collect();
        view! { <BarChart id=format!("{id}-chart") title=heading.to_string() bars /> }.into_any()
    };
    let heading_id = id.clone();
    view! {
        <section class="breakdown" aria-labelledby=heading_id>
            <h2 id=id>{heading}</h2>
            <div class="breakdown__body">
                <div class="breakdown__chart">{chart}</div>
                <div class="breakdown__table">
                    <TableView table caption=heading.to_string() language />
                    <Downloads base=format!("/datos/incidencias/{}", view.code()) query name=heading.to_string() language />
                </div>
            </div>
        </section>
    }
}

#[component]
pub fn StatisticsPage(kind: StatisticsKind) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let language = language_of(locale);
    let (title, heading, lead) = match kind {
        StatisticsKind::Incidents => (
            t_string!(i18n, transparency.title),
            t_string!(i18n, transparency.heading),
            t_string!(i18n, transparency.lead),
        ),
        StatisticsKind::Modules => (
            t_string!(i18n, transparency.modules_title),
            t_string!(i18n, transparency.modules_heading),
            t_string!(i18n, transparency.modules_lead),
        ),
    };
    let context = view_context();
    let content = match context.map(|c| (c.site_url, c.page)) {
        Some((site_url, TransparencyPage::Statistics(view))) if view.kind == kind => match view.overview.clone() {
            None => view! { <NotLoaded /> }.into_any(),
            Some(overview) => {
                let query = overview.filter.query_string();
                let views: Vec<(View, &'static str)> = match kind {
                    StatisticsKind::Incidents => vec![
                        (View::Channel, t_string!(i18n, transparency.by_channel)),
                        (View::Type, t_string!(i18n, transparency.by_type)),
                        (View::Subtype, t_string!(i18n, transparency.by_subtype)),
                        (View::Zone, t_string!(i18n, transparency.by_zone)),
                        (View::Module, t_string!(i18n, transparency.by_module)),
                        (View::Month, t_string!(i18n, transparency.by_month)),
                    ],
                    StatisticsKind::Modules => vec![
                        (View::Module, t_string!(i18n, transparency.by_module)),
                        (View::Type, t_string!(i18n, transparency.by_type)),
                        (View::Subtype, t_string!(i18n, transparency.by_subtype)),
                        (View::Month, t_string!(i18n, transparency.by_month)),
                    ],
                };
                let json_ld = dataset_json_ld(
                    &site_url,
                    t_string!(i18n, transparency.incidents_dataset),
                    t_string!(i18n, transparency.incidents_dataset_description),
                    &[("text/csv", "/datos/incidencias.csv"), ("application/json", "/datos/incidencias.json")],
                    overview.data_range,
                    kind.page().path(),
                );
                let modules = (kind == StatisticsKind::Modules).then(|| view! { <ModuleList language /> });
                let breakdowns = views
                    .into_iter()
                    .map(|(v, heading)| view! { <Breakdown overview=overview.clone() view=v heading language query=query.clone() /> })
                    .collect_view();
                view! {
                    <JsonLd json=json_ld />
                    <ProblemSummary problems=view.problems.clone() />
                    <Filters view=(*view).clone() overview=overview.clone() language />
                    <KeyFigures overview=overview.clone() kind language />
                    <Downloads
                        base="/datos/incidencias/resumen".to_string()
                        query=query.clone()
                        language
                        name=t_string!(i18n, transparency.period).to_string()
                    />
                    {modules}
                    {breakdowns}
                }
                .into_any()
            }
        },
        _ => view! { <NotLoaded /> }.into_any(),
    };
    view! {
        <PageTitle text=move || title />
        <SectionNav current=kind.page() />
        <h1>{heading}</h1>
        <p class="lead">{lead}</p>
        {content}
    }
}

/// Where the modules are.
#[component]
fn ModuleList(language: Language) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Module::ALL
        .iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{m.label(language)}</th>
                    <td>{m.location(language)}</td>
                    <td class="num">{m.zone().0}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table module-list">
            <caption>{t!(i18n, transparency.nav_modules)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, transparency.module)}</th>
                    <th scope="col">{t!(i18n, transparency.location)}</th>
                    <th scope="col">{t!(i18n, transparency.zone)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let language = language_of(i18n.get_locale_untracked());
    let content = match view_context().map(|c| (c.site_url, c.page)) {
        Some((site_url, TransparencyPage::Complaints(ComplaintsView { from, to, tables }))) => {
            let captions = [
                t_string!(i18n, transparency.complaints_by_month),
                t_string!(i18n, transparency.complaints_by_category),
                t_string!(i18n, transparency.complaints_acknowledgement),
            ];
            let period = match (from, to) {
                (Some(from), Some(to)) => format!(
                    "{}: {} – {}",
                    t_string!(i18n, transparency.complaints_period),
                    from.label(language),
                    to.label(language)
                ),
                _ => String::new(),
            };
            let json_ld = dataset_json_ld(
                &site_url,
                t_string!(i18n, transparency.complaints_dataset),
                t_string!(i18n, transparency.complaints_dataset_description),
                &[("text/csv", "/datos/denuncias/por-mes.csv"), ("application/json", "/datos/denuncias/por-mes.json")],
                from.zip(to),
                paths::COMPLAINTS.path(),
            );
            let sections = tables
                .into_iter()
                .zip(captions)
                .map(|(table, caption)| {
                    let base = format!("/datos/denuncias/{}", table.view);
                    view! {
                        <section class="breakdown" aria-label=caption>
                            <TableView table caption=caption.to_string() language />
                            <Downloads base query=String::new() language name=caption.to_string() />
                        </section>
                    }
                })
                .collect_view();
            view! {
                <JsonLd json=json_ld />
                <section class="rule" aria-labelledby="rule-heading">
                    <h2 id="rule-heading">{t!(i18n, transparency.rule_heading)}</h2>
                    <ul>
                        <li>{t!(i18n, transparency.rule_small)}</li>
                        <li>{t!(i18n, transparency.rule_complementary)}</li>
                        <li>{t!(i18n, transparency.rule_result)}</li>
                    </ul>
                </section>
                <p id="complaints-period">{period}</p>
                {sections}
            }
            .into_any()
        }
        _ => view! { <NotLoaded /> }.into_any(),
    };
    view! {
        <PageTitle text=move || t_string!(i18n, transparency.complaints_title) />
        <SectionNav current=paths::COMPLAINTS />
        <h1>{t!(i18n, transparency.complaints_heading)}</h1>
        <p class="lead">{t!(i18n, transparency.complaints_lead)}</p>
        {content}
    }
}

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let i18n = use_i18n();
    let context = view_context();
    let site_url = context.as_ref().map(|c| c.site_url.clone()).unwrap_or_default();
    let data_range = match context.map(|c| c.page) {
        Some(TransparencyPage::OpenData { data_range }) => data_range,
        _ => None,
    };
    let json_ld = dataset_json_ld(
        &site_url,
        t_string!(i18n, transparency.incidents_dataset),
        t_string!(i18n, transparency.incidents_dataset_description),
        &[("text/csv", "/datos/incidencias.csv"), ("application/json", "/datos/incidencias.json")],
        data_range,
        paths::OPEN_DATA.path(),
    );
    let views = View::ALL
        .iter()
        .map(|v| {
            let csv = format!("/datos/incidencias/{}.csv", v.code());
            view! { <li><code>{csv}</code> " · " <code>".json"</code></li> }
        })
        .collect_view();
    // The example answers in the page's language.
    let idioma = if i18n.get_locale_untracked() == Locale::en { "en" } else { "es" };
    let example = format!("/datos/incidencias/canal.csv?desde=2024-01&hasta=2024-05&idioma={idioma}");
    view! {
        <PageTitle text=move || t_string!(i18n, transparency.open_data_title) />
        <SectionNav current=paths::OPEN_DATA />
        <JsonLd json=json_ld />
        <h1>{t!(i18n, transparency.open_data_heading)}</h1>
        <p class="lead">{t!(i18n, transparency.open_data_lead)}</p>
        <h2>{t!(i18n, transparency.datasets_heading)}</h2>
        <h3>{t!(i18n, transparency.incidents_dataset)}</h3>
        <p>{t!(i18n, transparency.incidents_dataset_description)}</p>
        <ul>
            <li><a href="/datos/incidencias.csv" rel="external" download="">{t!(i18n, transparency.full_csv)}</a></li>
            <li><a href="/datos/incidencias.json" rel="external">{t!(i18n, transparency.full_json)}</a></li>
            <li><a href="/datos/datapackage.json" rel="external">{t!(i18n, transparency.datapackage)}</a></li>
        </ul>
        <h3>{t!(i18n, transparency.complaints_dataset)}</h3>
        <p>{t!(i18n, transparency.complaints_dataset_description)}</p>
        <h3>{t!(i18n, tramites.open_data.heading)}</h3>
        <p>{t!(i18n, tramites.open_data.description)}</p>
        <ul id="expedientes-data">
            <li>
                <a href="/datos/expedientes/por-mes.csv" rel="external" download="">{t!(i18n, tramites.open_data.by_month)}</a>
                " (CSV · " <a href="/datos/expedientes/por-mes.json" rel="external">"JSON"</a> ")"
            </li>
            <li>
                <a href="/datos/expedientes/tiempo-de-atencion.csv" rel="external" download="">{t!(i18n, tramites.open_data.times)}</a>
                " (CSV · " <a href="/datos/expedientes/tiempo-de-atencion.json" rel="external">"JSON"</a> ")"
            </li>
        </ul>
        <h3>{t!(i18n, council.open_data.heading)}</h3>
        <p>{t!(i18n, council.open_data.description)}</p>
        <ul id="council-data">
            <li><a href="/datos/concejo/sesiones.csv" rel="external" download="">{t!(i18n, council.open_data.sessions)}</a> " (CSV · " <a href="/datos/concejo/sesiones.json" rel="external">"JSON"</a> ")"</li>
            <li><a href="/datos/concejo/puntos.csv" rel="external" download="">{t!(i18n, council.open_data.items)}</a> " (CSV · " <a href="/datos/concejo/puntos.json" rel="external">"JSON"</a> ")"</li>
            <li><a href="/datos/concejo/votos.csv" rel="external" download="">{t!(i18n, council.open_data.votes)}</a> " (CSV · " <a href="/datos/concejo/votos.json" rel="external">"JSON"</a> ")"</li>
            <li><a href="/datos/concejo/asistencia.csv" rel="external" download="">{t!(i18n, council.open_data.attendance)}</a> " (CSV · " <a href="/datos/concejo/asistencia.json" rel="external">"JSON"</a> ")"</li>
            <li><a href="/datos/concejo/regidores.csv" rel="external" download="">{t!(i18n, council.open_data.members)}</a> " (CSV · " <a href="/datos/concejo/regidores.json" rel="external">"JSON"</a> ")"</li>
        </ul>
        <h2>{t!(i18n, transparency.api_heading)}</h2>
        <p>{t!(i18n, transparency.api_lead)}</p>
        <h3>{t!(i18n, transparency.api_views)}</h3>
        <ul>{views}</ul>
        <p><a href=example.clone() rel="external"><code>{example.clone()}</code></a></p>
        <p>{t!(i18n, transparency.api_errors)}</p>
        <h3>{t!(i18n, transparency.api_complaints)}</h3>
        <ul>
            <li><code>"/datos/denuncias/por-mes.csv"</code> " · " <code>".json"</code></li>
            <li><code>"/datos/denuncias/por-categoria.csv"</code> " · " <code>".json"</code></li>
            <li><code>"/datos/denuncias/tiempo-de-acuse.csv"</code> " · " <code>".json"</code></li>
        </ul>
        <h3>{t!(i18n, transparency.api_full)}</h3>
        <ul>
            <li>
                <code>"/datos/incidencias.csv"</code> " · " <code>"/datos/incidencias.json"</code> " · "
                <code>"/datos/datapackage.json"</code>
            </li>
        </ul>
    }
}
