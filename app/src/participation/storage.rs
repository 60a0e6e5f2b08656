//! Participation storage: the census, polls with their questions and keys, the register of tokens
//! taken, and ballots. Plain `async fn(&Database, …)`.
//!
//! What keeps a ballot from being linked to a resident, in the database itself:
//! - `poll_tokens` holds the DNI that took a token and a hash of the blinded message it sent (so a
//!   retry after a lost answer gets the same signature); blinding makes that message independent of
//!   the token the ballot later carries. No time is stored.
//! - `ballots` holds a random code, the token, its signature and the choices: no time, no reference to
//!   the census or the register.
//! - Physical order: on SQLite both tables are `WITHOUT ROWID`, stored in the order of their keys (a
//!   DNI, a random code), so there is no rowid that follows arrival. PostgreSQL stores rows where they
//!   arrive and stamps each with its transaction (`ctid`, `xmin`), so [`mix`] rewrites a poll's ballots
//!   in one transaction in the order of their random codes: all then share one `xmin` and sit in code
//!   order. The server mixes open polls every minute and each poll once more when it is sealed.
//! - Staff actions (census imports, polls created, questions added) are audited; taking a token and
//!   casting a ballot are not, since an audit entry would carry the time.

use super::{Choices, Poll, PollOption, Publication, PublishedBallot, Question, QuestionKind, Results, VoteProblem};
use crate::platform::audit::{self, Action, Capability};
use crate::platform::database::{Backend, Database, StorageError, random_bytes};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum VoteError {
    #[error("refused: {0:?}")]
    Refused(VoteProblem),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for VoteError {
    fn from(error: sqlx::Error) -> Self {
        VoteError::Storage(error.into())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("no such poll")]
    NotFound,
    #[error("the poll has opened: its questions can no longer change")]
    AlreadyOpen,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for PollError {
    fn from(error: sqlx::Error) -> Self {
        PollError::Storage(error.into())
    }
}

/// A resident as the census import gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resident {
    pub dni: String,
    pub names: String,
    pub birth_date: String,
    pub zone: String,
}

/// The time now as polls store it: UTC to the second, `YYYY-MM-DDTHH:MM:SSZ` (compares as text).
pub fn now() -> String {
    format_utc(time::OffsetDateTime::now_utc())
}

pub fn format_utc(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    at.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .expect("formattable time")
}

/// Stores residents (a DNI already there takes the new names, date and zone), in one audited
/// transaction. Returns how many lines were stored.
pub async fn import_census(db: &Database, actor: &str, residents: &[Resident]) -> Result<usize, StorageError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    for resident in residents {
        sqlx::query(
            "INSERT INTO census_residents (dni, names, birth_date, zone) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (dni) DO UPDATE SET names = excluded.names, birth_date = excluded.birth_date, zone = excluded.zone",
        )
        .bind(&resident.dni)
        .bind(&resident.names)
        .bind(&resident.birth_date)
        .bind(&resident.zone)
        .execute(&mut *tx)
        .await?;
    }
    let detail = format!("{} residents", residents.len());
    let action =
        Action { capability: Capability::Participation, actor, action: "census", subject: "census", detail: &detail };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(residents.len())
}

/// Residents who may vote in a poll of `zone` (`None`: the whole census).
pub async fn census_size(db: &Database, zone: Option<&str>) -> Result<u64, StorageError> {
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM census_residents WHERE $1 = '' OR zone = $1")
        .bind(zone.unwrap_or(""))
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(count as u64)
}

/// The census's zones, for the poll form.
pub async fn zones(db: &Database) -> Result<Vec<String>, StorageError> {
    let rows = sqlx::query("SELECT DISTINCT zone FROM census_residents ORDER BY zone").fetch_all(db.pool()).await?;
    rows.iter().map(|row| row.try_get(0).map_err(StorageError::from)).collect()
}

/// A new poll as staff enter it, with its first question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPoll {
    pub title: String,
    pub description: String,
    pub zone: Option<String>,
    pub opens_at: String,
    pub closes_at: String,
    pub question: Question,
}

/// A poll's key pair as PEM: the public key (SPKI) is published, the secret key (PKCS#8) stays here.
pub struct PollKeys {
    pub public_pem: String,
    pub secret_pem: String,
}

/// A short random id for a poll's addresses (10 lowercase letters and digits).
fn poll_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    random_bytes::<10>().iter().map(|byte| ALPHABET[(*byte as usize) % ALPHABET.len()] as char).collect()
}

/// A ballot's code: 12 letters from a 32-letter alphabet (60 random bits), in groups of four.
pub fn ballot_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let letters: Vec<char> =
        random_bytes::<12>().iter().map(|byte| ALPHABET[(*byte as usize) % ALPHABET.len()] as char).collect();
    letters.chunks(4).map(|chunk| chunk.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

pub async fn create_poll(db: &Database, actor: &str, poll: &NewPoll, keys: &PollKeys) -> Result<String, StorageError> {
    let _guard = audit::lock().await;
    let id = poll_id();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO polls (id, title, description, zone, opens_at, closes_at, public_key, secret_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(&poll.title)
    .bind(&poll.description)
    .bind(poll.zone.as_deref().unwrap_or(""))
    .bind(&poll.opens_at)
    .bind(&poll.closes_at)
    .bind(&keys.public_pem)
    .bind(&keys.secret_pem)
    .bind(audit::now_utc())
    .execute(&mut *tx)
    .await?;
    insert_question(&mut tx, &id, 0, &poll.question).await?;
    let detail = format!("{} ({} – {})", poll.title, poll.opens_at, poll.closes_at);
    let action =
        Action { capability: Capability::Participation, actor, action: "create", subject: &id, detail: &detail };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_question(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    poll: &str,
    position: i64,
    question: &Question,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO poll_questions (poll, position, text, kind, max_choices, budget_cents) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(poll)
    .bind(position)
    .bind(&question.text)
    .bind(question.kind.code())
    .bind(i64::from(question.max_choices))
    .bind(question.budget_cents)
    .execute(&mut **tx)
    .await?;
    for (at, option) in question.options.iter().enumerate() {
        sqlx::query(
            "INSERT INTO poll_options (poll, question, position, label, cost_cents) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(poll)
        .bind(position)
        .bind(at as i64)
        .bind(&option.label)
        .bind(option.cost_cents)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Adds a question to a poll that has not opened yet.
pub async fn add_question(db: &Database, actor: &str, poll: &str, question: &Question) -> Result<(), PollError> {
    let _guard = audit::lock().await;
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query("SELECT opens_at FROM polls WHERE id = $1").bind(poll).fetch_optional(&mut *tx).await?
    else {
        return Err(PollError::NotFound);
    };
    let opens_at: String = row.try_get(0)?;
    if now() >= opens_at {
        return Err(PollError::AlreadyOpen);
    }
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM poll_questions WHERE poll = $1")
        .bind(poll)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    insert_question(&mut tx, poll, count, question).await?;
    let action = Action {
        capability: Capability::Participation,
        actor,
        action: "question",
        subject: poll,
        detail: &question.text,
    };
    audit::append_in(&mut tx, db.backend(), &action).await?;
    tx.commit().await?;
    Ok(())
}

const POLL_COLUMNS: &str = "id, title, description, zone, opens_at, closes_at, public_key";

async fn poll_from(db: &Database, row: &sqlx::any::AnyRow) -> Result<Poll, StorageError> {
    let id: String = row.try_get(0)?;
    let zone: String = row.try_get(3)?;
    let questions = questions(db, &id).await?;
    Ok(Poll {
        id,
        title: row.try_get(1)?,
        description: row.try_get(2)?,
        zone: (!zone.is_empty()).then_some(zone),
        opens_at: row.try_get(4)?,
        closes_at: row.try_get(5)?,
        questions,
        public_key_pem: row.try_get(6)?,
    })
}

async fn questions(db: &Database, poll: &str) -> Result<Vec<Question>, StorageError> {
    let rows = sqlx::query(
        "SELECT position, text, kind, max_choices, budget_cents FROM poll_questions WHERE poll = $1 ORDER BY position",
    )
    .bind(poll)
    .fetch_all(db.pool())
    .await?;
    let options =
        sqlx::query("SELECT question, label, cost_cents FROM poll_options WHERE poll = $1 ORDER BY question, position")
            .bind(poll)
            .fetch_all(db.pool())
            .await?;
    let mut questions = Vec::with_capacity(rows.len());
    for row in rows {
        let position: i64 = row.try_get(0)?;
        let kind: String = row.try_get(2)?;
        let max_choices: i64 = row.try_get(3)?;
        let mut question = Question {
            text: row.try_get(1)?,
            kind: QuestionKind::parse(&kind).unwrap_or(QuestionKind::Single),
            max_choices: max_choices as u32,
            budget_cents: row.try_get(4)?,
            options: Vec::new(),
        };
        for option in options.iter().filter(|option| option.try_get::<i64, _>(0).ok() == Some(position)) {
            question.options.push(PollOption { label: option.try_get(1)?, cost_cents: option.try_get(2)? });
        }
        questions.push(question);
    }
    Ok(questions)
}

/// Every poll, the latest opening first.
pub async fn polls(db: &Database) -> Result<Vec<Poll>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {POLL_COLUMNS} FROM polls ORDER BY opens_at DESC, id"))
        .fetch_all(db.pool())
        .await?;
    let mut polls = Vec::with_capacity(rows.len());
    for row in &rows {
        polls.push(poll_from(db, row).await?);
    }
    Ok(polls)
}

pub async fn poll(db: &Database, id: &str) -> Result<Option<Poll>, StorageError> {
    let row = sqlx::query(&format!("SELECT {POLL_COLUMNS} FROM polls WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(row) => Ok(Some(poll_from(db, &row).await?)),
        None => Ok(None),
    }
}

/// The poll's secret key (PKCS#8 PEM), for signing tokens.
pub async fn secret_key(db: &Database, id: &str) -> Result<Option<String>, StorageError> {
    let row = sqlx::query("SELECT secret_key FROM polls WHERE id = $1").bind(id).fetch_optional(db.pool()).await?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

/// What taking a token found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// The first token of this DNI in this poll: sign it.
    First,
    /// The same blinded message again (the answer to the first was lost): sign it again, which gives
    /// the same signature.
    Again,
}

/// Records that the resident with this DNI and date of birth takes the poll's token for the blinded
/// message whose SHA-256 is `blinded_hash`. Refused if no resident of the poll's census matches (one
/// refusal for an unknown DNI and a wrong date) or if this DNI took its token with another message.
pub async fn take_token(
    db: &Database,
    poll: &Poll,
    dni: &str,
    birth_date: &str,
    blinded_hash: &str,
) -> Result<Taken, VoteError> {
    let mut tx = db.begin_write().await?;
    let eligible =
        sqlx::query("SELECT 1 FROM census_residents WHERE dni = $1 AND birth_date = $2 AND ($3 = '' OR zone = $3)")
            .bind(dni)
            .bind(birth_date)
            .bind(poll.zone.as_deref().unwrap_or(""))
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
    if !eligible {
        return Err(VoteError::Refused(VoteProblem::NotInCensus));
    }
    let inserted = sqlx::query(
        "INSERT INTO poll_tokens (poll, dni, blinded_hash) VALUES ($1, $2, $3) ON CONFLICT (poll, dni) DO NOTHING",
    )
    .bind(&poll.id)
    .bind(dni)
    .bind(blinded_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let taken = if inserted == 1 {
        Taken::First
    } else {
        let stored: String = sqlx::query("SELECT blinded_hash FROM poll_tokens WHERE poll = $1 AND dni = $2")
            .bind(&poll.id)
            .bind(dni)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if stored != blinded_hash {
            return Err(VoteError::Refused(VoteProblem::AlreadyTaken));
        }
        Taken::Again
    };
    tx.commit().await?;
    Ok(taken)
}

/// Stores a ballot whose token's signature the caller checked, and returns its code. A token already
/// used with the same choices returns that ballot's code (a retry after a lost answer: only the token's
/// holder can present it); with other choices it is refused. Refused too once the poll is sealed.
pub async fn cast(
    db: &Database,
    poll: &str,
    token: &str,
    randomizer: &str,
    signature: &str,
    choices: &Choices,
) -> Result<String, VoteError> {
    let choices = serde_json::to_string(choices).expect("choices serialise");
    let mut tx = db.begin_write().await?;
    // FOR SHARE: sealing (an UPDATE of this row) waits for casts under way, so none lands after it.
    let lock = match db.backend() {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR SHARE",
    };
    let sealed: Option<i64> = sqlx::query(&format!("SELECT sealed FROM polls WHERE id = $1{lock}"))
        .bind(poll)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get(0))
        .transpose()?;
    if sealed != Some(0) {
        return Err(VoteError::Refused(VoteProblem::NotOpen));
    }
    let existing = sqlx::query("SELECT code, choices FROM ballots WHERE poll = $1 AND token = $2")
        .bind(poll)
        .bind(token)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(row) = existing {
        let stored: String = row.try_get(1)?;
        return if stored == choices { Ok(row.try_get(0)?) } else { Err(VoteError::Refused(VoteProblem::TokenUsed)) };
    }
    let code = ballot_code();
    let inserted = sqlx::query(
        "INSERT INTO ballots (code, poll, token, randomizer, signature, choices) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&code)
    .bind(poll)
    .bind(token)
    .bind(randomizer)
    .bind(signature)
    .bind(&choices)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted != 1 {
        // Another request with this token committed between the look and the insert (PostgreSQL: this
        // statement sees it), or the random code was taken (one chance in 2^60: the retry settles it).
        let existing = sqlx::query("SELECT code, choices FROM ballots WHERE poll = $1 AND token = $2")
            .bind(poll)
            .bind(token)
            .fetch_optional(&mut *tx)
            .await?;
        return match existing {
            Some(row) if row.try_get::<String, _>(1)? == choices => Ok(row.try_get(0)?),
            _ => Err(VoteError::Refused(VoteProblem::TokenUsed)),
        };
    }
    tx.commit().await?;
    Ok(code)
}

/// Rewrites a poll's ballots in one transaction, in the order of their random codes, so that no
/// physical position or transaction stamp follows the order they arrived in (PostgreSQL; SQLite's
/// `WITHOUT ROWID` table is already kept in code order).
async fn mix_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    poll: &str,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        return Ok(());
    }
    sqlx::query("CREATE TEMPORARY TABLE ballots_mix ON COMMIT DROP AS SELECT * FROM ballots WHERE poll = $1")
        .bind(poll)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM ballots WHERE poll = $1").bind(poll).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO ballots SELECT * FROM ballots_mix ORDER BY code").execute(&mut **tx).await?;
    Ok(())
}

/// Mixes the ballots of every open poll (the server runs this every minute).
pub async fn mix_open_polls(db: &Database) -> Result<usize, StorageError> {
    if db.backend() == Backend::Sqlite {
        return Ok(0);
    }
    let polls: Vec<String> = sqlx::query("SELECT id FROM polls WHERE sealed = 0")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    for poll in &polls {
        let mut tx = db.begin_write().await?;
        mix_in(&mut tx, db.backend(), poll).await?;
        tx.commit().await?;
    }
    Ok(polls.len())
}

/// Seals a closed poll once: no ballot is taken after it, the ballots are mixed a last time, and the
/// census and the tokens issued are counted for the publication. Does nothing to an open poll or a
/// sealed one. Returns whether the poll is sealed.
pub async fn seal(db: &Database, poll: &Poll) -> Result<bool, StorageError> {
    if poll.phase(&now()) != super::Phase::Closed {
        return Ok(false);
    }
    // Read first: every view of the results calls this, and a sealed poll needs no write lock.
    let sealed: i64 =
        sqlx::query("SELECT sealed FROM polls WHERE id = $1").bind(&poll.id).fetch_one(db.pool()).await?.try_get(0)?;
    if sealed == 1 {
        return Ok(true);
    }
    let mut tx = db.begin_write().await?;
    let census = {
        let count: i64 = sqlx::query("SELECT COUNT(*) FROM census_residents WHERE $1 = '' OR zone = $1")
            .bind(poll.zone.as_deref().unwrap_or(""))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        count
    };
    let tokens: i64 = sqlx::query("SELECT COUNT(*) FROM poll_tokens WHERE poll = $1")
        .bind(&poll.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let changed =
        sqlx::query("UPDATE polls SET sealed = 1, census_size = $2, tokens_issued = $3 WHERE id = $1 AND sealed = 0")
            .bind(&poll.id)
            .bind(census)
            .bind(tokens)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed == 1 {
        mix_in(&mut tx, db.backend(), &poll.id).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A sealed poll's publication: every ballot (in code order) and the counts. `None` before the seal.
pub async fn publication(db: &Database, poll: &Poll) -> Result<Option<Publication>, StorageError> {
    let row = sqlx::query("SELECT sealed, census_size, tokens_issued FROM polls WHERE id = $1")
        .bind(&poll.id)
        .fetch_one(db.pool())
        .await?;
    let sealed: i64 = row.try_get(0)?;
    if sealed != 1 {
        return Ok(None);
    }
    let (census_size, tokens_issued): (i64, i64) = (row.try_get(1)?, row.try_get(2)?);
    let rows =
        sqlx::query("SELECT code, choices, token, randomizer, signature FROM ballots WHERE poll = $1 ORDER BY code")
            .bind(&poll.id)
            .fetch_all(db.pool())
            .await?;
    let mut ballots = Vec::with_capacity(rows.len());
    for row in rows {
        let choices: String = row.try_get(1)?;
        ballots.push(PublishedBallot {
            code: row.try_get(0)?,
            choices: serde_json::from_str(&choices).unwrap_or_default(),
            token: row.try_get(2)?,
            randomizer: row.try_get(3)?,
            signature: row.try_get(4)?,
        });
    }
    let tally = super::tally(&poll.questions, ballots.iter().map(|ballot| &ballot.choices));
    Ok(Some(Publication {
        poll: poll.clone(),
        census_size: census_size as u64,
        tokens_issued: tokens_issued as u64,
        tally,
        ballots,
    }))
}

impl Publication {
    pub fn results(&self) -> Results {
        Results {
            census_size: self.census_size,
            tokens_issued: self.tokens_issued,
            ballots: self.ballots.len() as u64,
            tally: self.tally.clone(),
        }
    }
}
