//! The council's open data, in the catalogue and `datapackage.json`, with the fields of Popolo and
//! Open Civic Data where they fit (people and memberships, events, vote events with their counts and
//! result, votes with `yes`/`no`/`abstain`):
//! - `regidores`: id, name, party (organisation), role, start and end of the membership;
//! - `sesiones`: the events (number, date, classification, video, minutes);
//! - `puntos`: the vote events (session, item, subject, topic, agreement, result, counts);
//! - `asistencia`: each councillor's attendance at each session;
//! - `votos`: each councillor's vote on each item, as the session page's table shows it.

use crate::AppState;
use crate::transparency::{not_found, server_error, split_file, table_response};
use app::council::pages::vote_label_es;
use app::council::paths::{OPEN_DATA, minutes_url};
use app::council::{VoteOption, approved, storage};
use axum::extract::{Path, State};
use axum::response::Response;
use statistics::table::{Column, DataTable, Value};

pub const TABLES: [&str; 5] = ["regidores", "sesiones", "puntos", "asistencia", "votos"];

fn columns(keys: &[&str]) -> Vec<Column> {
    keys.iter().map(|key| Column { key: (*key).into(), heading: (*key).into(), on_page: true }).collect()
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

pub async fn table(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((name, format)) = split_file(&file) else { return not_found(&file) };
    let database = &state.database;
    let site = &state.site_url;
    let table = match name {
        "regidores" => match storage::members(database).await {
            Ok(members) => DataTable {
                view: "concejo-regidores".into(),
                columns: columns(&["id", "nombre", "partido", "cargo", "inicio", "fin"]),
                rows: members
                    .into_iter()
                    .map(|m| {
                        vec![
                            text(m.id),
                            text(m.name),
                            text(m.party),
                            text(m.role),
                            text(m.start_date),
                            text(m.end_date.unwrap_or_default()),
                        ]
                    })
                    .collect(),
            },
            Err(error) => return server_error("reading council members failed", error),
        },
        "sesiones" => match storage::sessions(database).await {
            Ok(sessions) => DataTable {
                view: "concejo-sesiones".into(),
                columns: columns(&["numero", "fecha", "tipo", "puntos", "video", "acta"]),
                rows: sessions
                    .into_iter()
                    .rev()
                    .map(|s| {
                        let minutes =
                            if s.has_minutes { format!("{site}{}", minutes_url(&s.number)) } else { String::new() };
                        vec![
                            text(s.number.clone()),
                            text(s.date),
                            text(s.kind.code()),
                            Value::Count(s.items.len() as u64),
                            text(s.video_url),
                            text(minutes),
                        ]
                    })
                    .collect(),
            },
            Err(error) => return server_error("reading council sessions failed", error),
        },
        "puntos" => match (storage::sessions(database).await, storage::votes(database).await) {
            (Ok(sessions), Ok(votes)) => {
                let mut rows = Vec::new();
                for session in sessions.into_iter().rev() {
                    let session_votes: Vec<_> = votes.iter().filter(|v| v.session == session.number).cloned().collect();
                    for item in &session.items {
                        let count = |option| {
                            session_votes.iter().filter(|v| v.item == item.position && v.option == option).count()
                                as u64
                        };
                        let result = if approved(&session_votes, item.position) { "aprobado" } else { "no aprobado" };
                        rows.push(vec![
                            text(session.number.clone()),
                            text(session.date.clone()),
                            Value::Count(u64::from(item.position)),
                            text(item.title.clone()),
                            text(item.topic.clone()),
                            text(item.agreement.clone()),
                            text(result),
                            Value::Count(count(VoteOption::For)),
                            Value::Count(count(VoteOption::Against)),
                            Value::Count(count(VoteOption::Abstention)),
                        ]);
                    }
                }
                DataTable {
                    view: "concejo-puntos".into(),
                    columns: columns(&[
                        "sesion",
                        "fecha",
                        "punto",
                        "asunto",
                        "tema",
                        "acuerdo",
                        "resultado",
                        "a_favor",
                        "en_contra",
                        "abstenciones",
                    ]),
                    rows,
                }
            }
            (Err(error), _) | (_, Err(error)) => return server_error("reading council items failed", error),
        },
        "asistencia" => match storage::attendance(database).await {
            Ok(rows) => DataTable {
                view: "concejo-asistencia".into(),
                columns: columns(&["sesion", "fecha", "regidor_id", "regidor", "asistencia"]),
                rows: rows
                    .into_iter()
                    .map(|(session, date, member, name, status)| {
                        vec![text(session), text(date), text(member), text(name), text(status.code())]
                    })
                    .collect(),
            },
            Err(error) => return server_error("reading council attendance failed", error),
        },
        "votos" => match storage::votes(database).await {
            Ok(votes) => DataTable {
                view: "concejo-votos".into(),
                columns: columns(&["sesion", "fecha", "punto", "asunto", "regidor_id", "regidor", "voto", "opcion"]),
                rows: votes
                    .into_iter()
                    .map(|v| {
                        vec![
                            text(v.session),
                            text(v.date),
                            Value::Count(u64::from(v.item)),
                            text(v.item_title),
                            text(v.member),
                            text(v.member_name),
                            text(vote_label_es(v.option)),
                            text(v.option.popolo()),
                        ]
                    })
                    .collect(),
            },
            Err(error) => return server_error("reading council votes failed", error),
        },
        _ => return not_found(&file),
    };
    table_response(&table, format, &format!("concejo-{name}"), serde_json::Value::Null)
}

/// The tables' entries in `datapackage.json`.
pub fn resources(site: &str) -> Vec<serde_json::Value> {
    let fields = |names: &[(&str, &str)]| {
        names.iter().map(|(name, kind)| serde_json::json!({"name": name, "type": kind})).collect::<Vec<_>>()
    };
    let schemas = [
        fields(&[
            ("id", "string"),
            ("nombre", "string"),
            ("partido", "string"),
            ("cargo", "string"),
            ("inicio", "date"),
            ("fin", "string"),
        ]),
        fields(&[
            ("numero", "string"),
            ("fecha", "date"),
            ("tipo", "string"),
            ("puntos", "integer"),
            ("video", "string"),
            ("acta", "string"),
        ]),
        fields(&[
            ("sesion", "string"),
            ("fecha", "date"),
            ("punto", "integer"),
            ("asunto", "string"),
            ("tema", "string"),
            ("acuerdo", "string"),
            ("resultado", "string"),
            ("a_favor", "integer"),
            ("en_contra", "integer"),
            ("abstenciones", "integer"),
        ]),
        fields(&[
            ("sesion", "string"),
            ("fecha", "date"),
            ("regidor_id", "string"),
            ("regidor", "string"),
            ("asistencia", "string"),
        ]),
        fields(&[
            ("sesion", "string"),
            ("fecha", "date"),
            ("punto", "integer"),
            ("asunto", "string"),
            ("regidor_id", "string"),
            ("regidor", "string"),
            ("voto", "string"),
            ("opcion", "string"),
        ]),
    ];
    TABLES
        .iter()
        .zip(schemas)
        .map(|(table, fields)| {
            serde_json::json!({
                "name": format!("concejo-{table}"),
                "path": format!("{site}{OPEN_DATA}/{table}.csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": fields},
            })
        })
        .collect()
}
