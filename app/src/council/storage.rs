//! Council storage: members, sessions, agenda items, each councillor's vote on each item, and the
//! attendance that follows from the votes. Plain `async fn(&Database, …)`; every change is one
//! transaction with its audit entry.

use super::import::VoteLine;
use super::{Attendance, Item, Member, Session, SessionKind, VoteOption, VoteRow};
use crate::platform::audit::{self, Action, Capability};
use crate::platform::database::{Database, StorageError};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
pub enum CouncilError {
    #[error("a session with this number exists")]
    SessionExists,
    #[error("no such session")]
    NoSession,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for CouncilError {
    fn from(error: sqlx::Error) -> Self {
        CouncilError::Storage(error.into())
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn audit_in(
    tx: &mut Tx,
    db: &Database,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StorageError> {
    let action = Action { capability: Capability::Council, actor, action, subject, detail };
    audit::append_in(tx, db.backend(), &action).await.map(drop)
}

pub async fn import_members(db: &Database, actor: &str, members: &[Member]) -> Result<usize, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    for member in members {
        sqlx::query(
            "INSERT INTO council_members (id, name, party, role, start_date, end_date) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, party = excluded.party, role = excluded.role, \
             start_date = excluded.start_date, end_date = excluded.end_date",
        )
        .bind(&member.id)
        .bind(&member.name)
        .bind(&member.party)
        .bind(&member.role)
        .bind(&member.start_date)
        .bind(member.end_date.as_deref())
        .execute(&mut *tx)
        .await?;
    }
    audit_in(&mut tx, db, actor, "members", "council_members", &format!("{} members", members.len())).await?;
    tx.commit().await?;
    Ok(members.len())
}

/// The members: the mayor first, then by name.
pub async fn members(db: &Database) -> Result<Vec<Member>, StorageError> {
    let rows = sqlx::query(
        "SELECT id, name, party, role, start_date, end_date FROM council_members \
         ORDER BY CASE role WHEN 'alcalde' THEN 0 ELSE 1 END, name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Member {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                party: row.try_get(2)?,
                role: row.try_get(3)?,
                start_date: row.try_get(4)?,
                end_date: row.try_get(5)?,
            })
        })
        .collect()
}

async fn upsert_vote(
    tx: &mut Tx,
    session: &str,
    item: u32,
    member: &str,
    option: VoteOption,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO council_votes (session, item, member, option) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (session, item, member) DO UPDATE SET option = excluded.option",
    )
    .bind(session)
    .bind(i64::from(item))
    .bind(member)
    .bind(option.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Attendance of a session again, from its votes.
async fn recount_attendance(tx: &mut Tx, session: &str) -> Result<(), sqlx::Error> {
    let rows = sqlx::query("SELECT member, option FROM council_votes WHERE session = $1")
        .bind(session)
        .fetch_all(&mut **tx)
        .await?;
    let mut by_member: BTreeMap<String, Vec<VoteOption>> = BTreeMap::new();
    for row in rows {
        let option: String = row.try_get(1)?;
        by_member.entry(row.try_get(0)?).or_default().push(VoteOption::parse(&option).unwrap_or(VoteOption::Absent));
    }
    sqlx::query("DELETE FROM council_attendance WHERE session = $1").bind(session).execute(&mut **tx).await?;
    for (member, options) in by_member {
        sqlx::query("INSERT INTO council_attendance (session, member, status) VALUES ($1, $2, $3)")
            .bind(session)
            .bind(&member)
            .bind(Attendance::from_votes(options).code())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// What an import stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Imported {
    pub sessions: usize,
    pub items: usize,
    pub votes: usize,
}

/// Stores the votes file: sessions (a session already there keeps its video and minutes), items and
/// votes (a row again replaces the vote), and each session's attendance from its votes.
pub async fn import_votes(db: &Database, actor: &str, lines: &[VoteLine]) -> Result<Imported, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let (mut sessions, mut items) = (BTreeSet::new(), BTreeSet::new());
    for line in lines {
        if sessions.insert(line.session.clone()) {
            sqlx::query(
                "INSERT INTO council_sessions (number, kind, date, video_url, created_at) VALUES ($1, $2, $3, '', $4) \
                 ON CONFLICT (number) DO UPDATE SET kind = excluded.kind, date = excluded.date",
            )
            .bind(&line.session)
            .bind(line.kind.code())
            .bind(&line.date)
            .bind(audit::now_utc())
            .execute(&mut *tx)
            .await?;
        }
        if items.insert((line.session.clone(), line.item)) {
            sqlx::query(
                "INSERT INTO council_items (session, position, title, topic, agreement) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (session, position) DO UPDATE SET title = excluded.title, topic = excluded.topic, \
                 agreement = excluded.agreement",
            )
            .bind(&line.session)
            .bind(i64::from(line.item))
            .bind(&line.title)
            .bind(&line.topic)
            .bind(&line.agreement)
            .execute(&mut *tx)
            .await?;
        }
        upsert_vote(&mut tx, &line.session, line.item, &line.member, line.option).await?;
    }
    for session in &sessions {
        recount_attendance(&mut tx, session).await?;
    }
    let imported = Imported { sessions: sessions.len(), items: items.len(), votes: lines.len() };
    let detail = format!("{} sessions, {} items, {} votes", imported.sessions, imported.items, imported.votes);
    audit_in(&mut tx, db, actor, "votes", "council_votes", &detail).await?;
    tx.commit().await?;
    Ok(imported)
}

/// A new session entered through the form.
pub async fn create_session(
    db: &Database,
    actor: &str,
    number: &str,
    kind: SessionKind,
    date: &str,
    video_url: &str,
) -> Result<(), CouncilError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO council_sessions (number, kind, date, video_url, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (number) DO NOTHING",
    )
    .bind(number)
    .bind(kind.code())
    .bind(date)
    .bind(video_url)
    .bind(audit::now_utc())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(CouncilError::SessionExists);
    }
    audit_in(&mut tx, db, actor, "session", number, &format!("{} {date}", kind.code())).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a session's video link and, if `minutes` is given, its approved minutes (a stored PDF's name).
/// Returns the minutes it replaced, for the caller to discard.
pub async fn set_session_files(
    db: &Database,
    actor: &str,
    number: &str,
    video_url: &str,
    minutes: Option<&str>,
) -> Result<Option<String>, CouncilError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query("SELECT minutes FROM council_sessions WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Err(CouncilError::NoSession);
    };
    let old: Option<String> = row.try_get(0)?;
    sqlx::query("UPDATE council_sessions SET video_url = $2, minutes = COALESCE($3, minutes) WHERE number = $1")
        .bind(number)
        .bind(video_url)
        .bind(minutes)
        .execute(&mut *tx)
        .await?;
    audit_in(&mut tx, db, actor, "files", number, if minutes.is_some() { "video, minutes" } else { "video" }).await?;
    tx.commit().await?;
    Ok(old.filter(|_| minutes.is_some()))
}

/// Adds an agenda item with each councillor's vote to a session.
pub async fn add_item(
    db: &Database,
    actor: &str,
    number: &str,
    item: &Item,
    votes: &[(String, VoteOption)],
) -> Result<u32, CouncilError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    if sqlx::query("SELECT 1 FROM council_sessions WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?
        .is_none()
    {
        return Err(CouncilError::NoSession);
    }
    let last: Option<i64> = sqlx::query("SELECT MAX(position) FROM council_items WHERE session = $1")
        .bind(number)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let position = last.unwrap_or(0) as u32 + 1;
    sqlx::query("INSERT INTO council_items (session, position, title, topic, agreement) VALUES ($1, $2, $3, $4, $5)")
        .bind(number)
        .bind(i64::from(position))
        .bind(&item.title)
        .bind(&item.topic)
        .bind(&item.agreement)
        .execute(&mut *tx)
        .await?;
    for (member, option) in votes {
        upsert_vote(&mut tx, number, position, member, *option).await?;
    }
    recount_attendance(&mut tx, number).await?;
    audit_in(&mut tx, db, actor, "item", number, &item.title).await.map_err(CouncilError::from)?;
    tx.commit().await?;
    Ok(position)
}

/// Every session with its items, the latest first.
pub async fn sessions(db: &Database) -> Result<Vec<Session>, StorageError> {
    let rows = sqlx::query(
        "SELECT number, kind, date, video_url, minutes FROM council_sessions ORDER BY date DESC, number DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let items =
        sqlx::query("SELECT session, position, title, topic, agreement FROM council_items ORDER BY session, position")
            .fetch_all(db.pool())
            .await?;
    let mut by_session: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for row in items {
        let position: i64 = row.try_get(1)?;
        by_session.entry(row.try_get(0)?).or_default().push(Item {
            position: position as u32,
            title: row.try_get(2)?,
            topic: row.try_get(3)?,
            agreement: row.try_get(4)?,
        });
    }
    rows.iter()
        .map(|row| {
            let number: String = row.try_get(0)?;
            let kind: String = row.try_get(1)?;
            let minutes: Option<String> = row.try_get(4)?;
            Ok(Session {
                items: by_session.remove(&number).unwrap_or_default(),
                number,
                kind: SessionKind::parse(&kind).unwrap_or(SessionKind::Ordinary),
                date: row.try_get(2)?,
                video_url: row.try_get(3)?,
                has_minutes: minutes.is_some(),
            })
        })
        .collect()
}

const VOTE_QUERY: &str = "SELECT v.session, s.date, v.item, i.title, v.member, m.name, v.option \
     FROM council_votes v JOIN council_sessions s ON s.number = v.session \
     JOIN council_items i ON i.session = v.session AND i.position = v.item \
     JOIN council_members m ON m.id = v.member";

fn vote_rows(rows: Vec<sqlx::any::AnyRow>) -> Result<Vec<VoteRow>, StorageError> {
    rows.iter()
        .map(|row| {
            let item: i64 = row.try_get(2)?;
            let option: String = row.try_get(6)?;
            Ok(VoteRow {
                session: row.try_get(0)?,
                date: row.try_get(1)?,
                item: item as u32,
                item_title: row.try_get(3)?,
                member: row.try_get(4)?,
                member_name: row.try_get(5)?,
                option: VoteOption::parse(&option).unwrap_or(VoteOption::Absent),
            })
        })
        .collect()
}

/// Every vote, in the order of the open data and the pages: by date, session, item, councillor's name.
pub async fn votes(db: &Database) -> Result<Vec<VoteRow>, StorageError> {
    let rows = sqlx::query(&format!("{VOTE_QUERY} ORDER BY s.date, v.session, v.item, m.name, v.member"))
        .fetch_all(db.pool())
        .await?;
    vote_rows(rows)
}

/// A session's attendance: (member, status), by name.
pub type AttendanceRow = (String, String, String, String, Attendance);

/// Every attendance record: (session, date, member id, member name, status), by date and name.
pub async fn attendance(db: &Database) -> Result<Vec<AttendanceRow>, StorageError> {
    let rows = sqlx::query(
        "SELECT a.session, s.date, a.member, m.name, a.status FROM council_attendance a \
         JOIN council_sessions s ON s.number = a.session JOIN council_members m ON m.id = a.member \
         ORDER BY s.date, a.session, m.name, a.member",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get(4)?;
            Ok((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                Attendance::parse(&status).unwrap_or(Attendance::Absent),
            ))
        })
        .collect()
}

/// The stored minutes' name of a session.
pub async fn minutes(db: &Database, number: &str) -> Result<Option<String>, StorageError> {
    let row = sqlx::query("SELECT minutes FROM council_sessions WHERE number = $1")
        .bind(number)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|row| row.try_get::<Option<String>, _>(0)).transpose()?.flatten())
}

/// Every stored minutes file (for the sweep of files no session refers to).
pub async fn referenced_minutes(db: &Database) -> Result<std::collections::HashSet<String>, StorageError> {
    let rows =
        sqlx::query("SELECT minutes FROM council_sessions WHERE minutes IS NOT NULL").fetch_all(db.pool()).await?;
    rows.iter().map(|row| row.try_get(0).map_err(StorageError::from)).collect()
}
