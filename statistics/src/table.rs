//! Every table the portal publishes, built once and written three ways: as the HTML table beside its
//! chart, as CSV and as JSON. One builder for all three is what makes a download equal its page.

use crate::catalogue::Language;
use crate::cube::{Count, Overview};
use crate::format;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The CSV header and JSON key.
    pub key: String,
    /// The heading on the page, in the page's language.
    pub heading: String,
    /// Codes are machine keys: in files, not on the page (the label beside them is).
    pub on_page: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Text(String),
    Count(u64),
    /// A percentage in tenths; `None` where it cannot be computed (nothing to compare with).
    Percent(Option<i64>),
    /// A signed change in tenths of a percent.
    Change(Option<i64>),
    /// Hidden: under the threshold, or so that such a count cannot be worked out or narrowed down
    /// (the suppression module of the server explains why both show the same mark).
    Hidden,
}

impl Value {
    /// As on the page, in `language`.
    pub fn display(&self, language: Language) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Count(n) => format::count(*n, language),
            Value::Percent(Some(tenths)) => format::percent(*tenths, language, false),
            Value::Change(Some(tenths)) => format::percent(*tenths, language, true),
            Value::Percent(None) | Value::Change(None) => "—".to_string(),
            Value::Hidden => HIDDEN_MARK.to_string(),
        }
    }

    /// As in a CSV file: plain numbers with a dot for decimals, empty where there is none.
    pub fn plain(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Count(n) => n.to_string(),
            Value::Percent(Some(tenths)) | Value::Change(Some(tenths)) => format::percent_plain(*tenths),
            Value::Percent(None) | Value::Change(None) => String::new(),
            Value::Hidden => HIDDEN_MARK.to_string(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        !matches!(self, Value::Text(_))
    }
}

/// What a hidden cell shows, on pages and in files.
pub const HIDDEN_MARK: &str = "x";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTable {
    /// The view's name in URLs (`canal`, `mes`, …).
    pub view: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

impl DataTable {
    /// RFC 4180 CSV with a header row; labels are quoted when they need it.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|column| csv_field(&column.key)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let fields: Vec<String> = row.iter().map(|value| csv_field(&value.plain())).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The rows as JSON objects keyed by column: numbers as numbers, hidden cells as the string `x`,
    /// missing percentages as `null`.
    pub fn to_json_rows(&self) -> Vec<serde_json::Map<String, serde_json::Value>> {
        use serde_json::Value as Json;
        let decimal = |tenths: i64| serde_json::Number::from_f64(tenths as f64 / 10.0).map_or(Json::Null, Json::Number);
        self.rows
            .iter()
            .map(|row| {
                let values = row.iter().map(|value| match value {
                    Value::Text(text) => Json::String(text.clone()),
                    Value::Count(n) => Json::from(*n),
                    Value::Percent(Some(t)) | Value::Change(Some(t)) => decimal(*t),
                    Value::Percent(None) | Value::Change(None) => Json::Null,
                    Value::Hidden => Json::String(value.plain()),
                });
                self.columns.iter().map(|column| column.key.clone()).zip(values).collect()
            })
            .collect()
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// The breakdowns of the overview, by the name they have in URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Summary,
    Channel,
    Type,
    Subtype,
    Zone,
    Module,
    Month,
}

impl View {
    pub const ALL: [View; 7] =
        [View::Summary, View::Channel, View::Type, View::Subtype, View::Zone, View::Module, View::Month];

    pub fn code(self) -> &'static str {
        match self {
            View::Summary => "resumen",
            View::Channel => "canal",
            View::Type => "tipo",
            View::Subtype => "subtipo",
            View::Zone => "zona",
            View::Module => "modulo",
            View::Month => "mes",
        }
    }

    pub fn parse(code: &str) -> Option<View> {
        View::ALL.into_iter().find(|view| view.code() == code)
    }
}

fn column(key: &str, heading: &str, on_page: bool) -> Column {
    Column { key: key.to_string(), heading: heading.to_string(), on_page }
}

impl Overview {
    /// The table of `view`, with headings in `language`.
    pub fn table(&self, view: View, language: Language) -> DataTable {
        let es = language == Language::Spanish;
        let pick = |spanish: &'static str, english: &'static str| if es { spanish } else { english };
        let comparable = self.comparable;
        let total = self.incidents;
        let change = move |now: u64, before: u64| {
            Value::Change(if comparable { format::change_tenths(now, before) } else { None })
        };
        let previous = move |before: u64| if comparable { Value::Count(before) } else { Value::Percent(None) };
        let number_columns = |with_share: bool| {
            let mut columns = vec![column("incidencias", pick("Incidencias", "Incidents"), true)];
            if with_share {
                columns.push(column("porcentaje", pick("% del total", "% of total"), true));
            }
            columns.push(column(
                "anio_anterior",
                pick("Mismo periodo, año anterior", "Same period, previous year"),
                true,
            ));
            columns.push(column("variacion", pick("Variación", "Change"), true));
            columns
        };
        // `share_of`: the whole each row's percentage is of (none: no percentage column).
        let breakdown = |key_heading: &str, rows: Vec<(String, String, u64, u64)>, share_of: Option<u64>| {
            let mut columns =
                vec![column("codigo", pick("Código", "Code"), false), column("nombre", key_heading, true)];
            columns.extend(number_columns(share_of.is_some()));
            let rows = rows
                .into_iter()
                .map(|(code, label, now, before)| {
                    let mut row = vec![Value::Text(code), Value::Text(label), Value::Count(now)];
                    if let Some(whole) = share_of {
                        row.push(Value::Percent(format::share_tenths(now, whole)));
                    }
                    row.push(previous(before));
                    row.push(change(now, before));
                    row
                })
                .collect();
            (columns, rows)
        };
        fn labelled<K: Copy>(
            counts: &[Count<K>],
            code: impl Fn(K) -> String,
            label: impl Fn(K) -> String,
        ) -> Vec<(String, String, u64, u64)> {
            counts.iter().map(|c| (code(c.key), label(c.key), c.incidents, c.previous)).collect()
        }
        let (columns, rows) = match view {
            View::Summary => {
                let mut columns =
                    vec![column("desde", pick("Desde", "From"), true), column("hasta", pick("Hasta", "To"), true)];
                columns.extend(number_columns(false));
                let row = vec![
                    Value::Text(self.filter.from.to_string()),
                    Value::Text(self.filter.to.to_string()),
                    Value::Count(self.incidents),
                    previous(self.previous),
                    change(self.incidents, self.previous),
                ];
                (columns, vec![row])
            }
            View::Channel => breakdown(
                pick("Canal", "Channel"),
                labelled(&self.by_channel, |k| k.code().into(), |k| k.label(language).into()),
                Some(total),
            ),
            View::Type => breakdown(
                pick("Tipo", "Type"),
                labelled(&self.by_type, |k| k.code().into(), |k| k.label(language).into()),
                Some(total),
            ),
            View::Subtype => breakdown(
                pick("Subtipo", "Subtype"),
                labelled(&self.by_subtype, |k| k.code().into(), |k| k.label(language).into()),
                Some(total),
            ),
            View::Zone => breakdown(
                pick("Zona", "Zone"),
                labelled(&self.by_zone, |k| k.0.to_string(), |k| k.label(language)),
                Some(total),
            ),
            // A module's share is of all module attentions, as the municipality reports it.
            View::Module => {
                let module_total = self.by_module.iter().map(|c| c.incidents).sum();
                breakdown(
                    pick("Módulo", "Module"),
                    labelled(&self.by_module, |k| k.code().into(), |k| k.label(language).into()),
                    Some(module_total),
                )
            }
            View::Month => breakdown(
                pick("Mes", "Month"),
                labelled(&self.by_month, |k| k.to_string(), |k| k.label(language)),
                None,
            ),
        };
        DataTable { view: view.code().to_string(), columns, rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Channel, Month, Subtype, Zone};
    use crate::cube::{Cube, CubeCell, Filter, FilterQuery};

    #[test]
    fn a_table_is_the_same_on_the_page_and_in_csv() {
        let cell = |month: &str, channel, incidents| CubeCell {
            month: Month::parse(month).unwrap(),
            channel,
            incident_type: Subtype::RuidosMolestos.incident_type(),
            subtype: Some(Subtype::RuidosMolestos),
            zone: Zone(3),
            module: None,
            incidents,
        };
        let cube = Cube::new(vec![
            cell("2024-01", Channel::Patrol, 70_650),
            cell("2024-01", Channel::SocialMedia, 33_400),
            cell("2023-01", Channel::Patrol, 41_687),
        ]);
        let (filter, _) = Filter::resolve(
            &FilterQuery::default(),
            (Month::parse("2024-01").unwrap(), Month::parse("2024-01").unwrap()),
        );
        let table = cube.overview(&filter).table(View::Channel, Language::Spanish);
        let csv = table.to_csv();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("codigo,nombre,incidencias,porcentaje,anio_anterior,variacion"));
        assert_eq!(lines.next(), Some("patrullaje,Patrullaje de serenazgo,70650,67.9,41687,69.5"));
        assert_eq!(table.rows[0][2].display(Language::Spanish), "70\u{a0}650");
        assert_eq!(table.rows[0][5].display(Language::Spanish), "+69,5\u{a0}%");
        assert_eq!(table.rows[4][5].display(Language::English), "—", "nothing a year before: no change");
        assert_eq!(csv_field("Zona 1, norte"), "\"Zona 1, norte\"");
    }
}
