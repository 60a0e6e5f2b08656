//! One incident as Central Alerta records it, and its CSV form (the schema is documented in
//! `statistics/INCIDENTS_CSV.md` and published in `datapackage.json`).

use crate::catalogue::{Channel, IncidentType, Module, Month, Subtype, Zone};
use std::fmt;

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 7] = ["id", "fecha_hora", "canal", "tipo", "subtipo", "zona", "modulo"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentRecord {
    /// The source system's identifier: what makes a re-import update instead of duplicate.
    pub id: String,
    /// Local time in Lima, `YYYY-MM-DDTHH:MM`.
    pub occurred_at: String,
    pub month: Month,
    pub channel: Channel,
    pub incident_type: IncidentType,
    pub subtype: Option<Subtype>,
    pub zone: Zone,
    pub module: Option<Module>,
}

/// What is wrong with one field of a CSV row. The importer prefixes the line number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("expected {expected} columns, found {found}")]
    ColumnCount { expected: usize, found: usize },
    #[error("id {0:?} must be 1 to 64 letters, digits, '.', '_' or '-'")]
    Id(String),
    #[error("fecha_hora {0:?} must be a date and time like 2024-05-31T23:59 (Lima local time)")]
    DateTime(String),
    #[error("canal {value:?} is not one of: {allowed}")]
    Channel { value: String, allowed: String },
    #[error("tipo {value:?} is not one of: {allowed}")]
    Type { value: String, allowed: String },
    #[error("subtipo {value:?} is not one of: {allowed}")]
    Subtype { value: String, allowed: String },
    #[error("subtipo {subtype:?} belongs to tipo {belongs_to:?}, not {given:?}")]
    SubtypeOfOtherType { subtype: String, belongs_to: String, given: String },
    #[error("zona {0:?} must be a whole number from 1 to {max}", max = Zone::COUNT)]
    Zone(String),
    #[error("modulo {value:?} is not one of: {allowed}")]
    Module { value: String, allowed: String },
    #[error("canal \"modulo\" needs the modulo column, and only that channel may have one")]
    ModuleWithoutChannel,
}

fn allowed(codes: Vec<&str>) -> String {
    codes.join(", ")
}

impl IncidentRecord {
    /// Validates one CSV row's fields. Every problem of the row is reported, not just the first.
    pub fn from_fields(fields: &[&str]) -> Result<IncidentRecord, Vec<FieldError>> {
        if fields.len() != CSV_HEADER.len() {
            return Err(vec![FieldError::ColumnCount { expected: CSV_HEADER.len(), found: fields.len() }]);
        }
        let mut errors = Vec::new();
        let id = fields[0].trim();
        let id_ok =
            (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !id_ok {
            errors.push(FieldError::Id(id.to_string()));
        }
        let occurred = parse_date_time(fields[1].trim());
        if occurred.is_none() {
            errors.push(FieldError::DateTime(fields[1].trim().to_string()));
        }
        let channel = Channel::parse(fields[2].trim());
        if channel.is_none() {
            errors.push(FieldError::Channel { value: fields[2].trim().into(), allowed: allowed(Channel::codes()) });
        }
        let incident_type = IncidentType::parse(fields[3].trim());
        if incident_type.is_none() {
            errors.push(FieldError::Type { value: fields[3].trim().into(), allowed: allowed(IncidentType::codes()) });
        }
        let subtype = match fields[4].trim() {
            "" => None,
            code => match Subtype::parse(code) {
                Some(subtype) => Some(subtype),
                None => {
                    errors.push(FieldError::Subtype { value: code.into(), allowed: allowed(Subtype::codes()) });
                    None
                }
            },
        };
        if let (Some(subtype), Some(given)) = (subtype, incident_type)
            && subtype.incident_type() != given
        {
            errors.push(FieldError::SubtypeOfOtherType {
                subtype: subtype.code().into(),
                belongs_to: subtype.incident_type().code().into(),
                given: given.code().into(),
            });
        }
        let zone = Zone::parse(fields[5]);
        if zone.is_none() {
            errors.push(FieldError::Zone(fields[5].trim().to_string()));
        }
        let module = match fields[6].trim() {
            "" => None,
            code => match Module::parse(code) {
                Some(module) => Some(module),
                None => {
                    errors.push(FieldError::Module { value: code.into(), allowed: allowed(Module::codes()) });
                    None
                }
            },
        };
        let module_given = !fields[6].trim().is_empty();
        if let Some(channel) = channel
            && (channel == Channel::SecurityModule) != module_given
        {
            errors.push(FieldError::ModuleWithoutChannel);
        }
        match (occurred, channel, incident_type, zone) {
            (Some((occurred_at, month)), Some(channel), Some(incident_type), Some(zone)) if errors.is_empty() => {
                Ok(IncidentRecord {
                    id: id.to_string(),
                    occurred_at,
                    month,
                    channel,
                    incident_type,
                    subtype,
                    zone,
                    module,
                })
            }
            _ => Err(errors),
        }
    }

    /// The record as a CSV line (no quoting is ever needed: every field is a code, a number or a time).
    pub fn write_csv(&self, out: &mut impl fmt::Write) -> fmt::Result {
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            self.id,
            self.occurred_at,
            self.channel.code(),
            self.incident_type.code(),
            self.subtype.map(Subtype::code).unwrap_or(""),
            self.zone.0,
            self.module.map(Module::code).unwrap_or("")
        )
    }
}

/// `YYYY-MM-DDTHH:MM` (a space instead of `T`, and seconds, are accepted; seconds are dropped). Returns
/// the normalised text and its month.
pub fn parse_date_time(text: &str) -> Option<(String, Month)> {
    let bytes = text.as_bytes();
    if !(bytes.len() == 16 || bytes.len() == 19) || !(bytes[10] == b'T' || bytes[10] == b' ') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let separators_ok =
        bytes[4] == b'-' && bytes[7] == b'-' && bytes[13] == b':' && (bytes.len() == 16 || bytes[16] == b':');
    if !separators_ok {
        return None;
    }
    let month = Month::new(number(0..4)?, number(5..7)?)?;
    let day = number(8..10)?;
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    let second = if bytes.len() == 19 { number(17..19)? } else { 0 };
    if day == 0 || day > month.days() || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some((format!("{month}-{day:02}T{hour:02}:{minute:02}"), month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: &str) -> Vec<&str> {
        line.split(',').collect()
    }

    #[test]
    fn a_valid_row_is_read_and_written_back() {
        let fields = row("CA-2024-0000001,2024-02-29 23:05:59,modulo,seguridad_ciudadana,arrebatos,4,jorge_chavez");
        let record = IncidentRecord::from_fields(&fields).unwrap();
        assert_eq!(record.occurred_at, "2024-02-29T23:05");
        assert_eq!(record.month.to_string(), "2024-02");
        let mut line = String::new();
        record.write_csv(&mut line).unwrap();
        assert_eq!(line, "CA-2024-0000001,2024-02-29T23:05,modulo,seguridad_ciudadana,arrebatos,4,jorge_chavez\n");
    }

    #[test]
    fn every_problem_of_a_row_is_named() {
        let errors = IncidentRecord::from_fields(&row("bad id!,2023-02-29T10:00,radio,fiscalizacion,arrebatos,15,"))
            .unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(matches!(errors[0], FieldError::Id(_)));
        assert!(matches!(errors[1], FieldError::DateTime(_)), "2023 is no leap year");
        assert!(errors[2].to_string().contains("patrullaje, videovigilancia"), "{}", errors[2]);
        assert!(matches!(errors[3], FieldError::SubtypeOfOtherType { .. }));
        assert!(matches!(errors[4], FieldError::Zone(_)));
        let errors =
            IncidentRecord::from_fields(&row("a,2024-01-01T00:00,patrullaje,defensa_civil,,3,tejada")).unwrap_err();
        assert_eq!(errors, vec![FieldError::ModuleWithoutChannel]);
        let errors = IncidentRecord::from_fields(&row("a,2024-01-01T00:00,modulo,defensa_civil,,3,")).unwrap_err();
        assert_eq!(errors, vec![FieldError::ModuleWithoutChannel]);
        let errors = IncidentRecord::from_fields(&row("a,2024-01-01T00:00,modulo")).unwrap_err();
        assert_eq!(errors, vec![FieldError::ColumnCount { expected: 7, found: 3 }]);
        for bad in ["2024-01-01T24:00", "2024-01-32T10:00", "2024-1-01T10:00", "2024-01-01", "2024-01-01T10:00Z"] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }
}
