//! The front desk's open data, in the catalogue beside the transparency tables:
//! - `GET /datos/expedientes/por-mes.{csv|json}`: expedientes filed, by month and procedure;
//! - `GET /datos/expedientes/tiempo-de-atencion.{csv|json}`: expedientes resolved, by month of
//!   resolution and procedure, with the median and longest time in working days (observations not
//!   counted) and how many were resolved within the procedure's limit.
//!
//! Counts of filings say nothing about who filed, so no cell is hidden.

use crate::AppState;
use crate::transparency::{not_found, server_error, split_file, table_response};
use app::tramites::storage;
use axum::extract::{Path, State};
use axum::response::Response;
use statistics::table::{Column, DataTable, Value};
use std::collections::BTreeMap;

fn column(key: &str, heading: &str) -> Column {
    Column { key: key.into(), heading: heading.into(), on_page: true }
}

/// The tables' names, as the catalogue and `datapackage.json` list them.
pub const TABLES: [&str; 2] = ["por-mes", "tiempo-de-atencion"];

pub async fn table(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((name, format)) = split_file(&file) else { return not_found(&file) };
    let procedures = match storage::procedures(&state.database).await {
        Ok(procedures) => procedures,
        Err(error) => return server_error("loading the procedures failed", error),
    };
    let name_of =
        |code: &str| procedures.iter().find(|p| p.code == code).map_or(code.to_string(), |p| p.name.es.clone());
    let table = match name {
        "por-mes" => match storage::filed_by_procedure_and_month(&state.database).await {
            Ok(counts) => DataTable {
                view: "expedientes-por-mes".into(),
                columns: vec![
                    column("mes", "Mes"),
                    column("procedimiento", "Procedimiento"),
                    column("nombre", "Nombre"),
                    column("expedientes", "Expedientes presentados"),
                ],
                rows: counts
                    .into_iter()
                    .map(|(procedure, month, count)| {
                        vec![
                            Value::Text(month),
                            Value::Text(procedure.clone()),
                            Value::Text(name_of(&procedure)),
                            Value::Count(count),
                        ]
                    })
                    .collect(),
            },
            Err(error) => return server_error("counting expedientes failed", error),
        },
        "tiempo-de-atencion" => match storage::resolution_times(&state.database).await {
            Ok(times) => {
                let mut groups: BTreeMap<(String, String), (Vec<u32>, u32)> = BTreeMap::new();
                for (procedure, month, days, limit) in times {
                    let entry = groups.entry((month, procedure)).or_insert((Vec::new(), limit));
                    entry.0.push(days);
                }
                DataTable {
                    view: "tiempo-de-atencion".into(),
                    columns: vec![
                        column("mes", "Mes de resolución"),
                        column("procedimiento", "Procedimiento"),
                        column("nombre", "Nombre"),
                        column("resueltos", "Expedientes resueltos"),
                        column("plazo", "Plazo (días hábiles)"),
                        column("dias_habiles_mediana", "Mediana (días hábiles)"),
                        column("dias_habiles_maximo", "Máximo (días hábiles)"),
                        column("dentro_del_plazo", "Resueltos dentro del plazo"),
                    ],
                    rows: groups
                        .into_iter()
                        .map(|((month, procedure), (mut days, limit))| {
                            days.sort_unstable();
                            let median = days[days.len() / 2];
                            let within = days.iter().filter(|d| **d <= limit).count() as u64;
                            vec![
                                Value::Text(month),
                                Value::Text(procedure.clone()),
                                Value::Text(name_of(&procedure)),
                                Value::Count(days.len() as u64),
                                Value::Count(limit.into()),
                                Value::Count(median.into()),
                                Value::Count((*days.last().unwrap_or(&0)).into()),
                                Value::Count(within),
                            ]
                        })
                        .collect(),
                }
            }
            Err(error) => return server_error("measuring resolution times failed", error),
        },
        _ => return not_found(&file),
    };
    table_response(&table, format, &format!("expedientes-{name}"), serde_json::Value::Null)
}

/// The tables' entries in `datapackage.json`.
pub fn resources(site: &str) -> Vec<serde_json::Value> {
    let field = |name: &str, kind: &str| serde_json::json!({"name": name, "type": kind});
    let schemas = [
        vec![
            field("mes", "yearmonth"),
            field("procedimiento", "string"),
            field("nombre", "string"),
            field("expedientes", "integer"),
        ],
        vec![
            field("mes", "yearmonth"),
            field("procedimiento", "string"),
            field("nombre", "string"),
            field("resueltos", "integer"),
            field("plazo", "integer"),
            field("dias_habiles_mediana", "integer"),
            field("dias_habiles_maximo", "integer"),
            field("dentro_del_plazo", "integer"),
        ],
    ];
    TABLES
        .iter()
        .zip(schemas)
        .map(|(table, fields)| {
            serde_json::json!({
                "name": format!("expedientes-{table}"),
                "path": format!("{site}/datos/expedientes/{table}.csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": fields},
            })
        })
        .collect()
}
