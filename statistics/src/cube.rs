//! The incident cube: incident counts by month, channel, type, subtype, zone and module, which the
//! importer keeps in the database next to the raw records. A few hundred thousand cells stand for
//! millions of incidents, so every filtered view is one pass over the cells of its months.

use crate::catalogue::{Channel, IncidentType, Module, Month, Subtype, Zone};
use crate::format::change_tenths;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CubeCell {
    pub month: Month,
    pub channel: Channel,
    pub incident_type: IncidentType,
    pub subtype: Option<Subtype>,
    pub zone: Zone,
    pub module: Option<Module>,
    pub incidents: u64,
}

/// The cells, ordered by month.
#[derive(Clone, Debug, Default)]
pub struct Cube {
    cells: Vec<CubeCell>,
    /// The first and last months with module attentions, found once rather than on every request.
    module_range: Option<(Month, Month)>,
}

/// The filters of a view as they arrive in a URL's query string: each may be missing or wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterQuery {
    #[serde(default, rename = "desde", skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, rename = "hasta", skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, rename = "zona", skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, rename = "tipo", skip_serializing_if = "Option::is_none")]
    pub incident_type: Option<String>,
    #[serde(default, rename = "canal", skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, rename = "modulo", skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
}

/// A filter value that could not be used. The view is computed without it and the page says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterProblem {
    From,
    To,
    Reversed,
    TooLong,
    Zone,
    IncidentType,
    Channel,
    Module,
}

impl FilterProblem {
    /// Its stable code, as the API names it.
    pub fn code(self) -> &'static str {
        match self {
            FilterProblem::From => "from",
            FilterProblem::To => "to",
            FilterProblem::Reversed => "reversed",
            FilterProblem::TooLong => "too_long",
            FilterProblem::Zone => "zone",
            FilterProblem::IncidentType => "incident_type",
            FilterProblem::Channel => "channel",
            FilterProblem::Module => "module",
        }
    }

    /// Every query parameter it concerns: a reversed or too long period concerns both ends.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            FilterProblem::From => &["desde"],
            FilterProblem::To => &["hasta"],
            FilterProblem::Reversed | FilterProblem::TooLong => &["desde", "hasta"],
            FilterProblem::Zone => &["zona"],
            FilterProblem::IncidentType => &["tipo"],
            FilterProblem::Channel => &["canal"],
            FilterProblem::Module => &["modulo"],
        }
    }

    /// The query parameter (and form field) it concerns first: the one the page marks.
    pub fn field(self) -> &'static str {
        match self {
            FilterProblem::From | FilterProblem::Reversed | FilterProblem::TooLong => "desde",
            FilterProblem::To => "hasta",
            FilterProblem::Zone => "zona",
            FilterProblem::IncidentType => "tipo",
            FilterProblem::Channel => "canal",
            FilterProblem::Module => "modulo",
        }
    }
}

/// A valid filter: a period of whole months and optional dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub from: Month,
    pub to: Month,
    pub zone: Option<Zone>,
    pub incident_type: Option<IncidentType>,
    pub channel: Option<Channel>,
    pub module: Option<Module>,
}

/// The longest period a view may span (a bound on work per request).
pub const MAX_MONTHS: u32 = 240;

impl Filter {
    /// Reads a query, using `default` for a missing or unusable period. Blank values mean "all".
    pub fn resolve(query: &FilterQuery, default: (Month, Month)) -> (Filter, Vec<FilterProblem>) {
        let mut problems = Vec::new();
        let given =
            |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let mut month = |value: &Option<String>, problem, fallback| match given(value) {
            None => fallback,
            Some(text) => Month::parse(&text).unwrap_or_else(|| {
                problems.push(problem);
                fallback
            }),
        };
        let mut from = month(&query.from, FilterProblem::From, default.0);
        let mut to = month(&query.to, FilterProblem::To, default.1);
        if from > to {
            problems.push(FilterProblem::Reversed);
            (from, to) = default;
        } else if from.span_to(to) > MAX_MONTHS {
            problems.push(FilterProblem::TooLong);
            (from, to) = default;
        }
        fn dimension<T>(
            value: Option<String>,
            parse: impl Fn(&str) -> Option<T>,
            problem: FilterProblem,
            problems: &mut Vec<FilterProblem>,
        ) -> Option<T> {
            let text = value?;
            let parsed = parse(&text);
            if parsed.is_none() {
                problems.push(problem);
            }
            parsed
        }
        let zone = dimension(given(&query.zone), Zone::parse, FilterProblem::Zone, &mut problems);
        let incident_type =
            dimension(given(&query.incident_type), IncidentType::parse, FilterProblem::IncidentType, &mut problems);
        let channel = dimension(given(&query.channel), Channel::parse, FilterProblem::Channel, &mut problems);
        let module = dimension(given(&query.module), Module::parse, FilterProblem::Module, &mut problems);
        (Filter { from, to, zone, incident_type, channel, module }, problems)
    }

    /// The query string that selects this filter (without `?`), for links and downloads.
    pub fn query_string(&self) -> String {
        let mut parts = vec![format!("desde={}", self.from), format!("hasta={}", self.to)];
        if let Some(zone) = self.zone {
            parts.push(format!("zona={}", zone.0));
        }
        if let Some(incident_type) = self.incident_type {
            parts.push(format!("tipo={}", incident_type.code()));
        }
        if let Some(channel) = self.channel {
            parts.push(format!("canal={}", channel.code()));
        }
        if let Some(module) = self.module {
            parts.push(format!("modulo={}", module.code()));
        }
        parts.join("&")
    }

    fn admits(&self, cell: &CubeCell) -> bool {
        self.zone.is_none_or(|zone| cell.zone == zone)
            && self.incident_type.is_none_or(|t| cell.incident_type == t)
            && self.channel.is_none_or(|channel| cell.channel == channel)
            && self.module.is_none_or(|module| cell.module == Some(module))
    }
}

/// One row of a breakdown: incidents in the period and in the same months a year earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count<K> {
    pub key: K,
    pub incidents: u64,
    pub previous: u64,
}

/// Everything the overview page shows for one filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub filter: Filter,
    /// The months with data, if any.
    pub data_range: Option<(Month, Month)>,
    /// Whether the data reach back to the comparison period (else changes are not shown).
    pub comparable: bool,
    pub incidents: u64,
    pub previous: u64,
    pub by_channel: Vec<Count<Channel>>,
    pub by_type: Vec<Count<IncidentType>>,
    pub by_subtype: Vec<Count<Subtype>>,
    pub by_zone: Vec<Count<Zone>>,
    pub by_module: Vec<Count<Module>>,
    pub by_month: Vec<Count<Month>>,
}

impl Overview {
    /// The year-over-year change in tenths of a percent, when the data allow it.
    pub fn change_tenths(&self) -> Option<i64> {
        if self.comparable { change_tenths(self.incidents, self.previous) } else { None }
    }
}

impl Cube {
    pub fn new(mut cells: Vec<CubeCell>) -> Cube {
        cells.retain(|cell| cell.incidents > 0);
        cells.sort_by_key(|cell| cell.month);
        let mut with_modules = cells.iter().filter(|cell| cell.module.is_some()).map(|cell| cell.month);
        let module_range = with_modules.next().map(|first| (first, with_modules.next_back().unwrap_or(first)));
        Cube { cells, module_range }
    }

    /// The first and last months with any module attention.
    pub fn module_range(&self) -> Option<(Month, Month)> {
        self.module_range
    }

    pub fn cells(&self) -> &[CubeCell] {
        &self.cells
    }

    /// The first and last months with any incident.
    pub fn data_range(&self) -> Option<(Month, Month)> {
        Some((self.cells.first()?.month, self.cells.last()?.month))
    }

    pub fn total(&self) -> u64 {
        self.cells.iter().map(|cell| cell.incidents).sum()
    }

    fn months(&self, from: Month, to: Month) -> &[CubeCell] {
        let start = self.cells.partition_point(|cell| cell.month < from);
        let end = self.cells.partition_point(|cell| cell.month <= to);
        &self.cells[start..end.max(start)]
    }

    /// Every breakdown of `filter`'s period and of the same months a year earlier.
    pub fn overview(&self, filter: &Filter) -> Overview {
        let span = filter.from.span_to(filter.to) as usize;
        let mut tallies = [Tally::new(span), Tally::new(span)];
        let periods = [(filter.from, filter.to), (filter.from.year_before(), filter.to.year_before())];
        for (tally, (from, to)) in tallies.iter_mut().zip(periods) {
            for cell in self.months(from, to).iter().filter(|cell| filter.admits(cell)) {
                tally.add(cell, (cell.month.span_to(to) as usize).wrapping_sub(1), span);
            }
        }
        let [now, before] = tallies;
        let rows = |now: &[u64], before: &[u64]| now.iter().zip(before).map(|(n, b)| (*n, *b)).collect::<Vec<_>>();
        fn keyed<K>(keys: Vec<K>, pairs: Vec<(u64, u64)>) -> Vec<Count<K>> {
            keys.into_iter().zip(pairs).map(|(key, (incidents, previous))| Count { key, incidents, previous }).collect()
        }
        let types: Vec<IncidentType> =
            IncidentType::ALL.iter().copied().filter(|t| filter.incident_type.is_none_or(|f| f == *t)).collect();
        let type_rows = types.iter().map(|t| (now.types[t.index()], before.types[t.index()])).collect();
        let subtypes: Vec<Subtype> = Subtype::ALL
            .iter()
            .copied()
            .filter(|s| filter.incident_type.is_none_or(|f| f == s.incident_type()))
            .collect();
        let subtype_rows = subtypes.iter().map(|s| (now.subtypes[s.index()], before.subtypes[s.index()])).collect();
        let data_range = self.data_range();
        Overview {
            filter: *filter,
            data_range,
            comparable: data_range.is_some_and(|(first, _)| first <= filter.from.year_before()),
            incidents: now.total,
            previous: before.total,
            by_channel: keyed(Channel::ALL.to_vec(), rows(&now.channels, &before.channels)),
            by_type: keyed(types, type_rows),
            by_subtype: keyed(subtypes, subtype_rows),
            by_zone: keyed(Zone::all().collect(), rows(&now.zones, &before.zones)),
            by_module: keyed(Module::ALL.to_vec(), rows(&now.modules, &before.modules)),
            // Months count from the end of the period so both periods line up month by month.
            by_month: (0..span)
                .map(|offset| {
                    let from_end = span - 1 - offset;
                    Count {
                        key: filter.from.plus(offset as i32),
                        incidents: now.months[from_end],
                        previous: before.months[from_end],
                    }
                })
                .collect(),
        }
    }
}

struct Tally {
    total: u64,
    channels: [u64; 6],
    types: [u64; 7],
    subtypes: [u64; 8],
    zones: [u64; Zone::COUNT as usize],
    modules: [u64; 5],
    /// Indexed by months before the end of the period.
    months: Vec<u64>,
}

impl Tally {
    fn new(span: usize) -> Tally {
        Tally {
            total: 0,
            channels: [0; 6],
            types: [0; 7],
            subtypes: [0; 8],
            zones: [0; Zone::COUNT as usize],
            modules: [0; 5],
            months: vec![0; span],
        }
    }

    fn add(&mut self, cell: &CubeCell, months_before_end: usize, span: usize) {
        let n = cell.incidents;
        self.total += n;
        self.channels[cell.channel.index()] += n;
        self.types[cell.incident_type.index()] += n;
        if let Some(subtype) = cell.subtype {
            self.subtypes[subtype.index()] += n;
        }
        self.zones[cell.zone.index()] += n;
        if let Some(module) = cell.module {
            self.modules[module.index()] += n;
        }
        if months_before_end < span {
            self.months[months_before_end] += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(month: &str, channel: Channel, subtype: Subtype, zone: u8, incidents: u64) -> CubeCell {
        CubeCell {
            month: Month::parse(month).unwrap(),
            channel,
            incident_type: subtype.incident_type(),
            subtype: Some(subtype),
            zone: Zone(zone),
            module: None,
            incidents,
        }
    }

    #[test]
    fn views_count_the_period_and_the_year_before_with_filters() {
        let cube = Cube::new(vec![
            cell("2024-01", Channel::Patrol, Subtype::RuidosMolestos, 1, 10),
            cell("2024-02", Channel::WhatsApp, Subtype::Arrebatos, 2, 5),
            cell("2024-03", Channel::Patrol, Subtype::Arrebatos, 2, 7),
            cell("2023-02", Channel::Patrol, Subtype::Arrebatos, 2, 4),
            cell("2022-12", Channel::Patrol, Subtype::Arrebatos, 2, 100),
        ]);
        let range = cube.data_range().unwrap();
        assert_eq!(range.0.to_string(), "2022-12");
        let query = FilterQuery { from: Some("2024-01".into()), to: Some("2024-02".into()), ..Default::default() };
        let (filter, problems) = Filter::resolve(&query, range);
        assert!(problems.is_empty());
        let overview = cube.overview(&filter);
        assert_eq!((overview.incidents, overview.previous), (15, 4));
        assert!(overview.comparable);
        assert_eq!(overview.by_channel[0], Count { key: Channel::Patrol, incidents: 10, previous: 4 });
        assert_eq!(
            overview.by_month.iter().map(|c| (c.key.to_string(), c.incidents, c.previous)).collect::<Vec<_>>(),
            vec![("2024-01".to_string(), 10, 0), ("2024-02".to_string(), 5, 4)]
        );
        assert_eq!(overview.by_zone[1].incidents, 5);
        let query = FilterQuery { zone: Some("2".into()), incident_type: Some("seguridad_ciudadana".into()), ..query };
        let (filter, _) = Filter::resolve(&query, range);
        let overview = cube.overview(&filter);
        assert_eq!((overview.incidents, overview.previous), (5, 4));
        assert_eq!(overview.by_type.len(), 1, "only the chosen type");
        assert_eq!(overview.by_subtype.len(), 4);
        assert_eq!(filter.query_string(), "desde=2024-01&hasta=2024-02&zona=2&tipo=seguridad_ciudadana");
    }

    #[test]
    fn bad_filters_are_named_and_ignored() {
        let default = (Month::parse("2024-01").unwrap(), Month::parse("2024-05").unwrap());
        let query = FilterQuery {
            from: Some("2024-13".into()),
            zone: Some("15".into()),
            channel: Some("fax".into()),
            incident_type: Some("  ".into()),
            ..Default::default()
        };
        let (filter, problems) = Filter::resolve(&query, default);
        assert_eq!(problems, vec![FilterProblem::From, FilterProblem::Zone, FilterProblem::Channel]);
        assert_eq!((filter.from, filter.to, filter.zone, filter.incident_type), (default.0, default.1, None, None));
        let reversed = FilterQuery { from: Some("2024-05".into()), to: Some("2024-01".into()), ..Default::default() };
        assert_eq!(Filter::resolve(&reversed, default).1, vec![FilterProblem::Reversed]);
        let long = FilterQuery { from: Some("1990-01".into()), to: Some("2024-01".into()), ..Default::default() };
        assert_eq!(Filter::resolve(&long, default).1, vec![FilterProblem::TooLong]);
    }
}
