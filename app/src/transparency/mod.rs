//! The transparency portal: its pages' data, what the server's loaders (`transparency` in the server,
//! registered by path) compute for `/transparencia/…` before rendering. Pages compute their tables from
//! it with the `statistics` crate, the same tables the downloads are made of.

use crate::i18n::Locale;

#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;
use serde::{Deserialize, Serialize};
use statistics::{DataTable, FilterProblem, FilterQuery, Language, Month, Overview};

/// Which statistics page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatisticsKind {
    /// Central Alerta incidents (`/transparencia`).
    Incidents,
    /// The security modules' attentions (`/transparencia/modulos`).
    Modules,
}

impl StatisticsKind {
    /// The page.
    pub fn page(self) -> crate::paths::Page {
        match self {
            StatisticsKind::Incidents => paths::STATISTICS,
            StatisticsKind::Modules => paths::MODULES,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsView {
    pub kind: StatisticsKind,
    /// The query as given, to fill the form back in (a wrong value is kept, and named in the summary).
    pub query: FilterQuery,
    pub problems: Vec<FilterProblem>,
    /// `None` until incidents have been imported.
    pub overview: Option<Overview>,
}

/// The complaint-handling statistics, already protected: no count under the threshold is in here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintsView {
    pub from: Option<Month>,
    pub to: Option<Month>,
    pub tables: Vec<DataTable>,
}

/// What a transparency page needs from the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransparencyView {
    /// The portal's public URL (no trailing slash), for the absolute links of JSON-LD metadata.
    pub site_url: String,
    pub page: TransparencyPage,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransparencyPage {
    Statistics(Box<StatisticsView>),
    Complaints(ComplaintsView),
    OpenData { data_range: Option<(Month, Month)> },
}

pub fn language_of(locale: Locale) -> Language {
    match locale {
        Locale::es_PE => Language::Spanish,
        Locale::en => Language::English,
    }
}

/// The query-string parameter that picks the language of a download's labels.
pub const LANGUAGE_PARAMETER: &str = "idioma";

/// Why a filter value was not used, in the reader's language: on the pages and in the API's answers.
#[cfg(feature = "ssr")]
pub fn filter_problem_text(locale: crate::i18n::Locale, problem: statistics::FilterProblem) -> &'static str {
    use crate::i18n::td_string;
    use statistics::FilterProblem;
    match problem {
        FilterProblem::From => td_string!(locale, transparency.problem_from),
        FilterProblem::To => td_string!(locale, transparency.problem_to),
        FilterProblem::Reversed => td_string!(locale, transparency.problem_reversed),
        FilterProblem::TooLong => td_string!(locale, transparency.problem_too_long),
        FilterProblem::Zone => td_string!(locale, transparency.problem_zone),
        FilterProblem::IncidentType => td_string!(locale, transparency.problem_type),
        FilterProblem::Channel => td_string!(locale, transparency.problem_channel),
        FilterProblem::Module => td_string!(locale, transparency.problem_module),
    }
}

pub fn language_code(language: Language) -> &'static str {
    match language {
        Language::Spanish => "es",
        Language::English => "en",
    }
}

/// The complaint tables: received per month by status, by the office's category, and time to
/// acknowledge, over the last 24 months, protected together (they share their grand total).
#[cfg(feature = "ssr")]
pub mod complaints {
    use super::ComplaintsView;
    use crate::cases::{CaseStatus, status_label};
    use crate::i18n::{Locale, td_string};
    use crate::reporting::form::category_label;
    use crate::transparency::storage::ComplaintFacts;
    use envelope::report::Category;
    use statistics::suppression::{Crosstab, Memo, Protection, Visibility};
    use statistics::table::{Column, DataTable, Value};
    use statistics::{Language, Month};

    /// Months shown: two years is enough to see a trend and keeps cells from being cut too thin.
    pub const MONTHS: u32 = 24;

    fn category_or_untriaged(locale: Locale, category: Option<Category>) -> &'static str {
        category
            .map_or_else(|| td_string!(locale, transparency.not_triaged), |category| category_label(locale, category))
    }

    /// Days from receipt to acknowledgement, in the bins the page shows.
    const ACKNOWLEDGEMENT_BINS: [&str; 4] = ["0_2_dias", "3_7_dias", "mas_de_7_dias", "sin_acuse"];

    fn acknowledgement_label(locale: Locale, bin: usize) -> &'static str {
        match bin {
            0 => td_string!(locale, transparency.ack_0_2),
            1 => td_string!(locale, transparency.ack_3_7),
            2 => td_string!(locale, transparency.ack_over_7),
            _ => td_string!(locale, transparency.ack_none),
        }
    }

    fn days_between(from: &str, to: &str) -> Option<i64> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let from = time::Date::parse(from, format).ok()?;
        let to = time::Date::parse(to, format).ok()?;
        Some((to - from).whole_days())
    }

    fn shown(system: &Protection, entry: usize) -> Value {
        match system.visibility(entry) {
            Visibility::Shown => Value::Count(system.value(entry)),
            Visibility::Small | Visibility::Complementary => Value::Hidden,
        }
    }

    fn column(key: &str, heading: &str, on_page: bool) -> Column {
        Column { key: key.to_string(), heading: heading.to_string(), on_page }
    }

    /// Builds the protected tables from the reports' facts, as of `today` (`YYYY-MM-DD`).
    pub fn build(facts: &[ComplaintFacts], locale: Locale, today: &str) -> ComplaintsView {
        let language = super::language_of(locale);
        let Some(this_month) = today.get(..7).and_then(Month::parse) else {
            return ComplaintsView { from: None, to: None, tables: Vec::new() };
        };
        let first = this_month.plus(1 - MONTHS as i32);
        let in_window: Vec<(&ComplaintFacts, Month)> = facts
            .iter()
            .filter_map(|f| Some((f, f.received_on.get(..7).and_then(Month::parse)?)))
            .filter(|(_, month)| *month >= first && *month <= this_month)
            .collect();
        let from = in_window.iter().map(|(_, m)| *m).min().unwrap_or(this_month);
        let months: Vec<Month> = (0..from.span_to(this_month)).map(|i| from.plus(i as i32)).collect();
        let statuses = CaseStatus::ALL;
        let categories: Vec<Option<Category>> =
            std::iter::once(None).chain(Category::ALL.into_iter().map(Some)).collect();

        let mut by_month = vec![vec![0u64; statuses.len()]; months.len()];
        let mut by_category = vec![0u64; categories.len()];
        let mut by_acknowledgement = [0u64; 4];
        for (fact, month) in &in_window {
            let row = from.span_to(*month) as usize - 1;
            let status = CaseStatus::parse(&fact.status).unwrap_or_default();
            by_month[row][statuses.iter().position(|s| *s == status).expect("a status")] += 1;
            let category = fact.category.as_deref().and_then(Category::parse);
            by_category[categories.iter().position(|c| *c == category).expect("a category")] += 1;
            let bin = match fact.acknowledged_on.as_deref().and_then(|day| days_between(&fact.received_on, day)) {
                None => 3,
                Some(days) if days <= 2 => 0,
                Some(days) if days <= 7 => 1,
                Some(_) => 2,
            };
            by_acknowledgement[bin] += 1;
        }

        // One system for the three tables: they share the grand total.
        let mut system = Protection::new();
        let Crosstab { cells, row_totals, column_totals, grand } = system.crosstab(&by_month);
        let category_entries: Vec<usize> = by_category.iter().map(|n| system.entry(*n)).collect();
        system.line(category_entries.clone(), grand);
        let acknowledgement_entries: Vec<usize> = by_acknowledgement.iter().map(|n| system.entry(*n)).collect();
        system.line(acknowledgement_entries.clone(), grand);
        static MEMO: std::sync::LazyLock<Memo> = std::sync::LazyLock::new(Memo::default);
        system.protect_with(&MEMO);

        let es = language == Language::Spanish;
        let total_label = "Total";
        let count_heading = if es { "Denuncias" } else { "Complaints" };

        let mut month_columns = vec![
            column("mes", if es { "Mes" } else { "Month" }, false),
            column("nombre", if es { "Mes" } else { "Month" }, true),
        ];
        month_columns.extend(statuses.iter().map(|s| column(s.as_str(), status_label(locale, *s), true)));
        month_columns.push(column("total", total_label, true));
        let mut month_rows: Vec<Vec<Value>> = months
            .iter()
            .zip(cells.iter().zip(&row_totals))
            .map(|(month, (row, total))| {
                let mut values = vec![Value::Text(month.to_string()), Value::Text(month.label(language))];
                values.extend(row.iter().map(|e| shown(&system, *e)));
                values.push(shown(&system, *total));
                values
            })
            .collect();
        let mut totals_row = vec![Value::Text("total".into()), Value::Text(total_label.into())];
        totals_row.extend(column_totals.iter().map(|e| shown(&system, *e)));
        totals_row.push(shown(&system, grand));
        month_rows.push(totals_row);

        let one_way = |view: &str, key_heading: &str, rows: Vec<(String, &str, usize)>| {
            let columns = vec![
                column("codigo", if es { "Código" } else { "Code" }, false),
                column("nombre", key_heading, true),
                column("denuncias", count_heading, true),
            ];
            let mut rows: Vec<Vec<Value>> = rows
                .into_iter()
                .map(|(code, label, entry)| vec![Value::Text(code), Value::Text(label.into()), shown(&system, entry)])
                .collect();
            rows.push(vec![Value::Text("total".into()), Value::Text(total_label.into()), shown(&system, grand)]);
            DataTable { view: view.to_string(), columns, rows }
        };
        let category_rows = categories
            .iter()
            .zip(&category_entries)
            .map(|(c, e)| {
                (c.map_or("sin_clasificar", |c| c.as_str()).to_string(), category_or_untriaged(locale, *c), *e)
            })
            .collect();
        let acknowledgement_rows = ACKNOWLEDGEMENT_BINS
            .iter()
            .enumerate()
            .zip(&acknowledgement_entries)
            .map(|((bin, code), e)| (code.to_string(), acknowledgement_label(locale, bin), *e))
            .collect();
        ComplaintsView {
            from: Some(from),
            to: Some(this_month),
            tables: vec![
                DataTable { view: "por-mes".into(), columns: month_columns, rows: month_rows },
                one_way("por-categoria", if es { "Categoría" } else { "Category" }, category_rows),
                one_way(
                    "tiempo-de-acuse",
                    if es { "Tiempo hasta el acuse de recibo" } else { "Time to acknowledgement" },
                    acknowledgement_rows,
                ),
            ],
        }
    }
}
