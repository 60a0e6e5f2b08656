//! The front desk's storage: plain `async fn(&Database, …)` that the server's handlers and the tests
//! call. Every change is one transaction with its audit entry.

use super::calendar::{Calendar, Suspension, format_iso, national_holidays, parse_day};
use super::fields::{ActionRefusal, FilingFields, Holiday, HolidayRefusal, RegistryAction};
use super::{
    Bilingual, Deadline, DocumentInfo, Event, EventKind, Expediente, ExpedienteSummary, IdType, Office, Procedure,
    Silence, State, format_number,
};
use crate::platform::audit::{self, Action, Capability};
use crate::platform::database::{Database, StorageError, random_id};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};
use time::Date;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("no expediente has this number")]
    NotFound,
    #[error("refused: {0:?}")]
    Refused(ActionRefusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for RegistryError {
    fn from(error: sqlx::Error) -> Self {
        RegistryError::Storage(error.into())
    }
}

pub(crate) fn hash_code(code: &str) -> String {
    envelope::hex_lower(&Sha256::digest(code.as_bytes()))
}

/// A new verification code: [`super::CODE_LENGTH`] letters of [`super::CODE_ALPHABET`], uniformly drawn.
pub fn new_code() -> String {
    let alphabet = super::CODE_ALPHABET;
    let mut code = String::with_capacity(super::CODE_LENGTH);
    while code.len() < super::CODE_LENGTH {
        // Rejection sampling: 248 is the largest multiple of 31 under 256, so every letter is equally likely.
        for byte in crate::platform::database::random_bytes::<16>() {
            if (byte as usize) < alphabet.len() * (256 / alphabet.len()) && code.len() < super::CODE_LENGTH {
                code.push(alphabet[byte as usize % alphabet.len()] as char);
            }
        }
    }
    code
}

pub async fn offices(db: &Database) -> Result<Vec<Office>, StorageError> {
    let rows = sqlx::query("SELECT code, name_es, name_en FROM offices ORDER BY name_es").fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| Ok(Office { code: row.try_get(0)?, name: Bilingual { es: row.try_get(1)?, en: row.try_get(2)? } }))
        .collect()
}

pub async fn procedures(db: &Database) -> Result<Vec<Procedure>, StorageError> {
    let rows = sqlx::query(
        "SELECT code, name_es, name_en, working_days, silence, office, legal_basis FROM procedures ORDER BY name_es",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(procedure_from).collect()
}

fn procedure_from(row: &AnyRow) -> Result<Procedure, StorageError> {
    let silence: String = row.try_get(4)?;
    Ok(Procedure {
        code: row.try_get(0)?,
        name: Bilingual { es: row.try_get(1)?, en: row.try_get(2)? },
        working_days: row.try_get::<i64, _>(3)? as u32,
        silence: Silence::parse(&silence).unwrap_or(Silence::Negative),
        office: row.try_get(5)?,
        legal_basis: row.try_get(6)?,
    })
}

pub async fn holidays(db: &Database) -> Result<Vec<Holiday>, StorageError> {
    let rows = sqlx::query("SELECT day, name, national FROM holidays ORDER BY day").fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| {
            Ok(Holiday { day: row.try_get(0)?, name: row.try_get(1)?, national: row.try_get::<i64, _>(2)? != 0 })
        })
        .collect()
}

pub async fn calendar(db: &Database) -> Result<Calendar, StorageError> {
    Ok(Calendar::new(holidays(db).await?.iter().filter_map(|holiday| parse_day(&holiday.day))))
}

/// Preloads Peru's national holidays of each year in `years` that was never preloaded (a holiday the
/// staff removed is not put back). Returns how many days were added.
pub async fn seed_national_holidays(
    db: &Database,
    years: std::ops::RangeInclusive<i32>,
) -> Result<usize, StorageError> {
    let mut added = 0;
    let mut tx = db.begin_write().await?;
    for year in years {
        let seeded = sqlx::query("SELECT year FROM holiday_years WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&mut *tx)
            .await?;
        if seeded.is_some() {
            continue;
        }
        for (day, name) in national_holidays(year) {
            added += sqlx::query(
                "INSERT INTO holidays (day, name, national) VALUES ($1, $2, 1) ON CONFLICT (day) DO NOTHING",
            )
            .bind(format_iso(day))
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        sqlx::query("INSERT INTO holiday_years (year) VALUES ($1)").bind(i64::from(year)).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Adds a holiday (audited).
pub async fn add_holiday(
    db: &Database,
    actor: &str,
    day: &str,
    name: &str,
) -> Result<Result<(), HolidayRefusal>, StorageError> {
    let Some(date) = parse_day(day) else { return Ok(Err(HolidayRefusal::DayInvalid)) };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Ok(Err(HolidayRefusal::NameMissing));
    }
    let day = format_iso(date);
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let inserted =
        sqlx::query("INSERT INTO holidays (day, name, national) VALUES ($1, $2, 0) ON CONFLICT (day) DO NOTHING")
            .bind(&day)
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if inserted == 0 {
        return Ok(Err(HolidayRefusal::Exists));
    }
    let action = Action { capability: Capability::Tramites, actor, action: "holiday_add", subject: &day, detail: name };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Removes a holiday (audited), a preloaded national one included (a decree may move one).
pub async fn remove_holiday(db: &Database, actor: &str, day: &str) -> Result<Result<(), HolidayRefusal>, StorageError> {
    let Some(date) = parse_day(day) else { return Ok(Err(HolidayRefusal::DayInvalid)) };
    let day = format_iso(date);
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let removed =
        sqlx::query("DELETE FROM holidays WHERE day = $1").bind(&day).execute(&mut *tx).await?.rows_affected();
    if removed == 0 {
        return Ok(Err(HolidayRefusal::NotFound));
    }
    let action =
        Action { capability: Capability::Tramites, actor, action: "holiday_remove", subject: &day, detail: "" };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A new expediente: its checked fields, how it came in, and the day it was filed.
pub struct NewExpediente {
    pub fields: FilingFields,
    /// Online (the portal) or at the front desk (the CSV import).
    pub online: bool,
    pub filed_on: Date,
    pub documents: Vec<NewDocument>,
}

/// A PDF already kept in the file store.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub file_name: String,
    pub object: String,
    pub size: u64,
    pub sha256: String,
}

/// An expediente just created: its number and its verification code (kept only as a hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filed {
    pub number: String,
    pub code: String,
}

/// Files expedientes in one transaction (all or none), each with its number of the year and a new
/// verification code; audited as `tramites.file` by `actor`.
pub async fn file(db: &Database, actor: &str, new: &[NewExpediente]) -> Result<Vec<Filed>, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let mut filed = Vec::with_capacity(new.len());
    for expediente in new {
        let fields = &expediente.fields;
        let year = expediente.filed_on.year();
        let seq: i64 = sqlx::query(
            "INSERT INTO expediente_counters (year, last) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last = expediente_counters.last + 1 RETURNING last",
        )
        .bind(i64::from(year))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let number = format_number(year, seq as u32);
        let code = new_code();
        let day = format_iso(expediente.filed_on);
        // Filed online, it waits at the front desk; entered at the desk, it was received there.
        let (state, kind) =
            if expediente.online { (State::Filed, EventKind::Filed) } else { (State::Received, EventKind::Received) };
        sqlx::query(
            "INSERT INTO expedientes (number, code_hash, procedure_code, applicant_id_type, applicant_id, applicant_name, \
             applicant_address, applicant_email, subject, channel, filed_on, state, office) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'MP')",
        )
        .bind(&number)
        .bind(hash_code(&code))
        .bind(&fields.procedure)
        .bind(IdType::parse(&fields.id_type).map_or("dni", IdType::code))
        .bind(&fields.applicant_id)
        .bind(&fields.name)
        .bind(&fields.address)
        .bind(&fields.email)
        .bind(&fields.subject)
        .bind(if expediente.online { "online" } else { "desk" })
        .bind(&day)
        .bind(state.code())
        .execute(&mut *tx)
        .await?;
        insert_event(&mut tx, &number, 0, kind, &day, "MP", "", None, actor).await?;
        for document in &expediente.documents {
            insert_document(&mut tx, &number, 0, document).await?;
        }
        let action = Action {
            capability: Capability::Tramites,
            actor,
            action: "file",
            subject: &number,
            detail: &fields.procedure,
        };
        audit::append_in(&mut tx, db.backend(), &action).await?;
        filed.push(Filed { number, code });
    }
    tx.commit().await?;
    Ok(filed)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    conn: &mut sqlx::AnyConnection,
    number: &str,
    position: i64,
    kind: EventKind,
    day: &str,
    office: &str,
    note: &str,
    days: Option<u32>,
    actor: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO expediente_events (number, position, kind, on_day, office, note, days, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(number)
    .bind(position)
    .bind(kind.code())
    .bind(day)
    .bind(office)
    .bind(note)
    .bind(days.map(i64::from))
    .bind(actor)
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_document(
    conn: &mut sqlx::AnyConnection,
    number: &str,
    position: i64,
    document: &NewDocument,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO expediente_documents (id, number, event_position, file_name, object, size, sha256) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(random_id())
    .bind(number)
    .bind(position)
    .bind(&document.file_name)
    .bind(&document.object)
    .bind(document.size as i64)
    .bind(&document.sha256)
    .execute(conn)
    .await?;
    Ok(())
}

/// The expediente with this number, if `code` is its verification code. A wrong code and an unknown
/// number give the same `None`.
pub async fn find_with_code(
    db: &Database,
    number: &str,
    code: &str,
    today: Date,
) -> Result<Option<Expediente>, StorageError> {
    let stored: Option<String> = sqlx::query("SELECT code_hash FROM expedientes WHERE number = $1")
        .bind(number)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    // Hash whether or not the number exists, so both answers take the same work.
    let typed = hash_code(code);
    match stored {
        Some(stored) if stored == typed => load(db, number, today).await,
        _ => Ok(None),
    }
}

const EXPEDIENTE_COLUMNS: &str = "e.number, e.procedure_code, e.applicant_id_type, e.applicant_id, e.applicant_name, \
     e.applicant_address, e.applicant_email, e.subject, e.channel, e.filed_on, e.state, e.office, e.closed_on";

/// An expediente with its timeline and documents, and its deadline on `today`.
pub async fn load(db: &Database, number: &str, today: Date) -> Result<Option<Expediente>, StorageError> {
    let Some(row) = sqlx::query(&format!("SELECT {EXPEDIENTE_COLUMNS} FROM expedientes e WHERE e.number = $1"))
        .bind(number)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let procedures = procedures(db).await?;
    let offices = offices(db).await?;
    let calendar = calendar(db).await?;
    let events = events(db, number, &offices).await?;
    Ok(Some(expediente_from(&row, &procedures, &offices, events, &calendar, today)?))
}

fn office_named(offices: &[Office], code: &str) -> Office {
    offices.iter().find(|office| office.code == code).cloned().unwrap_or_else(|| Office {
        code: code.to_string(),
        name: Bilingual { es: code.to_string(), en: code.to_string() },
    })
}

async fn events(db: &Database, number: &str, offices: &[Office]) -> Result<Vec<Event>, StorageError> {
    let rows = sqlx::query(
        "SELECT position, kind, on_day, office, note, days FROM expediente_events WHERE number = $1 ORDER BY position",
    )
    .bind(number)
    .fetch_all(db.pool())
    .await?;
    let documents = sqlx::query(
        "SELECT id, file_name, size, event_position FROM expediente_documents WHERE number = $1 ORDER BY file_name, id",
    )
    .bind(number)
    .fetch_all(db.pool())
    .await?;
    let mut by_event: HashMap<i64, Vec<DocumentInfo>> = HashMap::new();
    for row in &documents {
        let info =
            DocumentInfo { id: row.try_get(0)?, file_name: row.try_get(1)?, size: row.try_get::<i64, _>(2)? as u64 };
        by_event.entry(row.try_get(3)?).or_default().push(info);
    }
    rows.iter()
        .map(|row| {
            let position: i64 = row.try_get(0)?;
            let kind: String = row.try_get(1)?;
            let office: String = row.try_get(3)?;
            Ok(Event {
                position: position as u32,
                kind: EventKind::parse(&kind).unwrap_or(EventKind::Filed),
                on_day: row.try_get(2)?,
                office: office_named(offices, &office),
                note: row.try_get(4)?,
                days: row.try_get::<Option<i64>, _>(5)?.map(|days| days as u32),
                documents: by_event.remove(&position).unwrap_or_default(),
            })
        })
        .collect()
}

/// The stretches an expediente's clock stopped (observation to correction), and the open observation's
/// last day to answer.
fn suspensions(events: &[Event], calendar: &Calendar) -> (Vec<Suspension>, Option<Date>) {
    let mut stops = Vec::new();
    let mut correct_by = None;
    for event in events {
        let Some(day) = parse_day(&event.on_day) else { continue };
        match event.kind {
            EventKind::Observed => {
                stops.push(Suspension { from: day, to: None });
                correct_by = Some(calendar.add_working_days(day, event.days.unwrap_or(0)));
            }
            EventKind::Corrected | EventKind::Archived | EventKind::Resolved => {
                if let Some(open) = stops.last_mut().filter(|stop| stop.to.is_none()) {
                    open.to = Some(day);
                }
                correct_by = None;
            }
            _ => {}
        }
    }
    (stops, correct_by)
}

fn deadline(
    calendar: &Calendar,
    procedure: &Procedure,
    filed_on: &str,
    closed_on: Option<&str>,
    events: &[Event],
    today: Date,
) -> Deadline {
    let filed = parse_day(filed_on).unwrap_or(today);
    let (stops, correct_by) = suspensions(events, calendar);
    let clock = calendar.clock(filed, procedure.working_days, &stops, closed_on.and_then(parse_day), today);
    Deadline {
        limit: procedure.working_days,
        days_left: clock.days_left(),
        due: clock.due.map(format_iso),
        correct_by: correct_by.map(format_iso),
        correction_late: correct_by.is_some_and(|day| today > day),
        overdue: clock.overdue(),
    }
}

fn expediente_from(
    row: &AnyRow,
    procedures: &[Procedure],
    offices: &[Office],
    events: Vec<Event>,
    calendar: &Calendar,
    today: Date,
) -> Result<Expediente, StorageError> {
    let procedure_code: String = row.try_get(1)?;
    let procedure =
        procedures.iter().find(|procedure| procedure.code == procedure_code).cloned().unwrap_or_else(|| Procedure {
            code: procedure_code.clone(),
            name: Bilingual { es: procedure_code.clone(), en: procedure_code.clone() },
            working_days: 30,
            silence: Silence::Negative,
            office: "MP".into(),
            legal_basis: String::new(),
        });
    let filed_on: String = row.try_get(9)?;
    let closed_on: Option<String> = row.try_get(12)?;
    let deadline = deadline(calendar, &procedure, &filed_on, closed_on.as_deref(), &events, today);
    let id_type: String = row.try_get(2)?;
    let state: String = row.try_get(10)?;
    let office: String = row.try_get(11)?;
    let channel: String = row.try_get(8)?;
    Ok(Expediente {
        number: row.try_get(0)?,
        procedure,
        id_type: IdType::parse(&id_type).unwrap_or(IdType::Dni),
        applicant_id: row.try_get(3)?,
        applicant_name: row.try_get(4)?,
        applicant_address: row.try_get(5)?,
        applicant_email: row.try_get(6)?,
        subject: row.try_get(7)?,
        online: channel == "online",
        filed_on,
        state: State::parse(&state).unwrap_or(State::Filed),
        office: office_named(offices, &office),
        closed_on,
        events,
        deadline,
    })
}

/// Every expediente for the staff's list, with its deadline on `today`: the open ones (most urgent
/// first) and the last 100 closed.
pub async fn list(
    db: &Database,
    today: Date,
) -> Result<(Vec<ExpedienteSummary>, Vec<ExpedienteSummary>), StorageError> {
    let procedures = procedures(db).await?;
    let offices = offices(db).await?;
    let calendar = calendar(db).await?;
    let rows = sqlx::query(&format!(
        "SELECT {EXPEDIENTE_COLUMNS} FROM expedientes e WHERE e.state NOT IN ('resolved', 'archived') \
         UNION ALL SELECT * FROM (SELECT {EXPEDIENTE_COLUMNS} FROM expedientes e \
         WHERE e.state IN ('resolved', 'archived') ORDER BY e.closed_on DESC, e.number DESC LIMIT 100) AS recent"
    ))
    .fetch_all(db.pool())
    .await?;
    // The timelines of the open expedientes, in one query: a concluded one's list entry needs none (its
    // clock has stopped), and reading every concluded timeline grew with the years.
    let mut events_of: HashMap<String, Vec<Event>> = HashMap::new();
    let event_rows = sqlx::query(
        "SELECT number, position, kind, on_day, office, note, days FROM expediente_events \
         WHERE number IN (SELECT number FROM expedientes WHERE state IN ('observed', 'in_process', 'received')) \
         ORDER BY number, position",
    )
    .fetch_all(db.pool())
    .await?;
    for row in &event_rows {
        let kind: String = row.try_get(2)?;
        let office: String = row.try_get(4)?;
        events_of.entry(row.try_get(0)?).or_default().push(Event {
            position: row.try_get::<i64, _>(1)? as u32,
            kind: EventKind::parse(&kind).unwrap_or(EventKind::Filed),
            on_day: row.try_get(3)?,
            office: office_named(&offices, &office),
            note: String::new(),
            days: row.try_get::<Option<i64>, _>(6)?.map(|days| days as u32),
            documents: Vec::new(),
        });
    }
    let (mut open, mut closed) = (Vec::new(), Vec::new());
    for row in &rows {
        let number: String = row.try_get(0)?;
        let events = events_of.remove(&number).unwrap_or_default();
        let expediente = expediente_from(row, &procedures, &offices, events, &calendar, today)?;
        let summary = ExpedienteSummary {
            number: expediente.number,
            procedure: expediente.procedure,
            applicant_name: expediente.applicant_name,
            filed_on: expediente.filed_on,
            state: expediente.state,
            office: expediente.office,
            deadline: expediente.deadline,
        };
        if summary.state.is_open() { open.push(summary) } else { closed.push(summary) }
    }
    open.sort_by(|a, b| a.deadline.days_left.cmp(&b.deadline.days_left).then_with(|| a.number.cmp(&b.number)));
    Ok((open, closed))
}

/// What a staff action carries besides its kind.
#[derive(Clone, Debug, Default)]
pub struct ActionInput {
    pub office: String,
    pub note: String,
    pub days: String,
    pub document: Option<NewDocument>,
}

/// Carries out a staff action on an expediente (audited as `tramites.<action>`), or says why not.
pub async fn act(
    db: &Database,
    actor: &str,
    number: &str,
    action: RegistryAction,
    input: &ActionInput,
    today: Date,
) -> Result<EventKind, RegistryError> {
    let note = input.note.trim();
    if note.chars().count() > super::fields::MAX_NOTE {
        return Err(RegistryError::Refused(ActionRefusal::NoteTooLong));
    }
    let offices = offices(db).await?;
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT state, office FROM expedientes WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(RegistryError::NotFound)?;
    let state = State::parse(&row.try_get::<String, _>(0)?).unwrap_or(State::Filed);
    let mut office: String = row.try_get(1)?;
    if !action.allowed_in(state) {
        return Err(RegistryError::Refused(ActionRefusal::NotAllowedNow));
    }
    let refuse = |refusal| Err(RegistryError::Refused(refusal));
    let mut days = None;
    let (kind, new_state) = match action {
        RegistryAction::Receive => (EventKind::Received, State::Received),
        RegistryAction::Forward => {
            if !offices.iter().any(|known| known.code == input.office) || input.office == office {
                return refuse(ActionRefusal::UnknownOffice);
            }
            office = input.office.clone();
            (EventKind::Forwarded, State::InProcess)
        }
        RegistryAction::Observe => {
            if note.is_empty() {
                return refuse(ActionRefusal::NoteMissing);
            }
            match input.days.trim().parse::<u32>() {
                Ok(n @ 1..=30) => days = Some(n),
                _ => return refuse(ActionRefusal::DaysInvalid),
            }
            (EventKind::Observed, State::Observed)
        }
        RegistryAction::Resolve => {
            if note.is_empty() {
                return refuse(ActionRefusal::NoteMissing);
            }
            (EventKind::Resolved, State::Resolved)
        }
        RegistryAction::Archive => {
            if note.is_empty() {
                return refuse(ActionRefusal::NoteMissing);
            }
            (EventKind::Archived, State::Archived)
        }
    };
    let day = format_iso(today);
    let position = next_position(&mut tx, number).await?;
    insert_event(&mut tx, number, position, kind, &day, &office, note, days, actor).await?;
    if let Some(document) = &input.document {
        insert_document(&mut tx, number, position, document).await?;
    }
    let closed = (!new_state.is_open()).then_some(day.as_str());
    sqlx::query("UPDATE expedientes SET state = $1, office = $2, closed_on = $3 WHERE number = $4")
        .bind(new_state.code())
        .bind(&office)
        .bind(closed)
        .bind(number)
        .execute(&mut *tx)
        .await?;
    let detail = match action {
        RegistryAction::Forward => format!("to {office}"),
        RegistryAction::Observe => format!("{} working days", days.unwrap_or(0)),
        _ => String::new(),
    };
    let audited =
        Action { capability: Capability::Tramites, actor, action: action.code(), subject: number, detail: &detail };
    audit::append_in(&mut tx, db.backend(), &audited).await?;
    tx.commit().await?;
    Ok(kind)
}

async fn next_position(conn: &mut sqlx::AnyConnection, number: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COALESCE(MAX(position), -1) + 1 FROM expediente_events WHERE number = $1")
        .bind(number)
        .fetch_one(conn)
        .await?
        .try_get(0)
}

/// The applicant's answer to an observation, with its documents: the clock runs again. `false` when the
/// expediente is not observed.
pub async fn correct(
    db: &Database,
    number: &str,
    note: &str,
    documents: &[NewDocument],
    today: Date,
) -> Result<bool, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT state, office FROM expedientes WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else { return Ok(false) };
    if row.try_get::<String, _>(0)? != State::Observed.code() {
        return Ok(false);
    }
    let office: String = row.try_get(1)?;
    let day = format_iso(today);
    let position = next_position(&mut tx, number).await?;
    insert_event(&mut tx, number, position, EventKind::Corrected, &day, &office, note.trim(), None, "applicant")
        .await?;
    for document in documents {
        insert_document(&mut tx, number, position, document).await?;
    }
    sqlx::query("UPDATE expedientes SET state = 'in_process' WHERE number = $1").bind(number).execute(&mut *tx).await?;
    let action =
        Action { capability: Capability::Tramites, actor: "applicant", action: "correct", subject: number, detail: "" };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(true)
}

/// A document of an expediente: its file name, its object in the file store and its size.
pub async fn document(db: &Database, number: &str, id: &str) -> Result<Option<(String, String, u64)>, StorageError> {
    let row = sqlx::query("SELECT file_name, object, size FROM expediente_documents WHERE number = $1 AND id = $2")
        .bind(number)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get::<i64, _>(2)? as u64))).transpose()
}

/// Every stored document's object: the file store's sweep keeps these.
pub async fn referenced_objects(db: &Database) -> Result<HashSet<String>, StorageError> {
    let rows = sqlx::query("SELECT object FROM expediente_documents").fetch_all(db.pool()).await?;
    rows.iter().map(|row| Ok(row.try_get(0)?)).collect()
}

/// Open data: expedientes filed, by procedure and month (`YYYY-MM`), in order.
pub async fn filed_by_procedure_and_month(db: &Database) -> Result<Vec<(String, String, u64)>, StorageError> {
    let rows = sqlx::query(
        "SELECT procedure_code, SUBSTR(filed_on, 1, 7) AS month, COUNT(*) FROM expedientes \
         GROUP BY procedure_code, SUBSTR(filed_on, 1, 7) ORDER BY month, procedure_code",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get::<i64, _>(2)? as u64))).collect()
}

/// Open data: each resolved expedientes' procedure, month of resolution, and working days it took
/// (observations not counted), from the calendar as it stands.
pub async fn resolution_times(db: &Database) -> Result<Vec<(String, String, u32, u32)>, StorageError> {
    let calendar = calendar(db).await?;
    let procedures = procedures(db).await?;
    let rows = sqlx::query(
        "SELECT e.number, e.procedure_code, e.filed_on, e.closed_on FROM expedientes e WHERE e.state = 'resolved' ORDER BY e.closed_on",
    )
    .fetch_all(db.pool())
    .await?;
    let offices = offices(db).await?;
    let mut times = Vec::with_capacity(rows.len());
    for row in &rows {
        let number: String = row.try_get(0)?;
        let procedure: String = row.try_get(1)?;
        let (Some(filed), Some(closed)) = (
            parse_day(&row.try_get::<String, _>(2)?),
            row.try_get::<Option<String>, _>(3)?.as_deref().and_then(parse_day),
        ) else {
            continue;
        };
        let events = events(db, &number, &offices).await?;
        let (stops, _) = suspensions(&events, &calendar);
        let limit = procedures.iter().find(|p| p.code == procedure).map_or(0, |p| p.working_days);
        times.push((
            procedure,
            format_iso(closed)[..7].to_string(),
            calendar.working_days_between(filed, closed, &stops),
            limit,
        ));
    }
    Ok(times)
}

/// Today in Lima as a date (Peru keeps UTC-5 all year).
pub fn today_in_lima() -> Date {
    let lima = time::UtcOffset::from_hms(-5, 0, 0).expect("valid offset");
    time::OffsetDateTime::now_utc().to_offset(lima).date()
}
