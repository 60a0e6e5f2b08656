//! Participation storage on SQLite and PostgreSQL: the blind-signature round trip as the browser and
//! the server make it, one token per DNI (a retry with the same blinded message gets it again), one
//! ballot per token, nothing counted before the seal, the publication checked by `verify::check`, and
//! a dump of every table after a poll showing that nothing links a ballot to a resident or a token's
//! issuance: no column, no time, no rowid, and on PostgreSQL one `xmin` for all ballots and `ctid`s in
//! the order of the random codes.

use crate::common::{postgres, sqlite};
use app::participation::blind_rsa::{
    BlindSignature, DefaultRng, KeyPairSha384PSSRandomized, PublicKeySha384PSSRandomized, SecretKeySha384PSSRandomized,
};
use app::participation::storage::{self, NewPoll, PollKeys, Resident, Taken, VoteError};
use app::participation::{
    Choices, NONCE_BYTES, Poll, PollOption, Question, QuestionKind, VoteProblem, b64, token_message, verify,
};
use app::platform::database::{Backend, Database};
use sha2::{Digest, Sha256};
use sqlx::Row;

fn resident(dni: &str, names: &str, birth_date: &str, zone: &str) -> Resident {
    Resident { dni: dni.into(), names: names.into(), birth_date: birth_date.into(), zone: zone.into() }
}

fn keys() -> PollKeys {
    let pair = KeyPairSha384PSSRandomized::generate(&mut DefaultRng, 2048).unwrap();
    PollKeys { public_pem: pair.pk.to_pem().unwrap(), secret_pem: pair.sk.to_pem().unwrap() }
}

fn new_poll() -> NewPoll {
    NewPoll {
        title: "Presupuesto participativo 2027".into(),
        description: "Obras para la zona".into(),
        zone: Some("Zona 4".into()),
        opens_at: "2000-01-01T00:00:00Z".into(),
        closes_at: "2999-01-01T00:00:00Z".into(),
        question: Question {
            text: "¿Qué obras?".into(),
            kind: QuestionKind::Budget,
            max_choices: 1,
            budget_cents: 10_000_000,
            options: vec![
                PollOption { label: "Parque".into(), cost_cents: 6_000_000 },
                PollOption { label: "Veredas".into(), cost_cents: 5_000_000 },
                PollOption { label: "Luces".into(), cost_cents: 3_000_000 },
            ],
        },
    }
}

/// What the voter's browser holds after the token: the token, randomizer and signature, base64url.
struct Signed {
    token: String,
    randomizer: String,
    signature: String,
    blinded_hash: String,
}

/// The browser's blinding and the server's signing, as the island and `public::token` do them.
async fn take(
    database: &Database,
    poll: &Poll,
    dni: &str,
    birth: &str,
    choices: &Choices,
) -> Result<Signed, VoteError> {
    let public = PublicKeySha384PSSRandomized::from_pem(&poll.public_key_pem).unwrap();
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::getrandom(&mut nonce).unwrap();
    let token = token_message(&nonce, choices);
    let blinding = public.blind(&mut DefaultRng, &token).unwrap();
    let secret = storage::secret_key(database, &poll.id).await.unwrap().unwrap();
    let secret = SecretKeySha384PSSRandomized::from_pem(&secret).unwrap();
    let blind_signature = secret.blind_sign(&blinding.blind_message).unwrap();
    let blinded_hash = envelope::hex_lower(&Sha256::digest(&blinding.blind_message.0));
    storage::take_token(database, poll, dni, birth, &blinded_hash).await?;
    let signature = public.finalize(&BlindSignature(blind_signature.0), &blinding, &token).unwrap();
    Ok(Signed {
        token: b64(&token),
        randomizer: b64(&blinding.msg_randomizer.unwrap().0),
        signature: b64(&signature.0),
        blinded_hash,
    })
}

async fn cast(database: &Database, poll: &Poll, signed: &Signed, choices: &Choices) -> Result<String, VoteError> {
    storage::cast(database, &poll.id, &signed.token, &signed.randomizer, &signed.signature, choices).await
}

fn refused(result: Result<impl std::fmt::Debug, VoteError>) -> VoteProblem {
    match result {
        Err(VoteError::Refused(problem)) => problem,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Every row of every table, as text, with its columns' names.
async fn dump(database: &Database) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
    let tables: Vec<String> = match database.backend() {
        Backend::Sqlite => sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
        Backend::Postgres => sqlx::query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        ),
    }
    .fetch_all(database.pool())
    .await
    .unwrap()
    .iter()
    .map(|row| row.get(0))
    .collect();
    let mut out = Vec::new();
    for table in tables {
        let query = match database.backend() {
            Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            Backend::Postgres => format!(
                "SELECT column_name::text FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        let columns: Vec<String> =
            sqlx::query(&query).fetch_all(database.pool()).await.unwrap().iter().map(|row| row.get(0)).collect();
        // Every value as text, whatever its type.
        let select = columns
            .iter()
            .map(|c| match database.backend() {
                // Blobs (the migrations' checksums) as hex: they are not UTF-8.
                Backend::Sqlite => {
                    format!("CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END")
                }
                Backend::Postgres => format!("CAST(\"{c}\" AS TEXT)"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!("SELECT {select} FROM \"{table}\""))
            .fetch_all(database.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| {
                (0..columns.len()).map(|at| row.try_get::<Option<String>, _>(at).unwrap().unwrap_or_default()).collect()
            })
            .collect();
        out.push((table, columns, rows));
    }
    out
}

async fn close(database: &Database, poll: &Poll) -> Poll {
    sqlx::query("UPDATE polls SET opens_at = '2000-01-01T00:00:00Z', closes_at = '2000-01-02T00:00:00Z' WHERE id = $1")
        .bind(&poll.id)
        .execute(database.pool())
        .await
        .unwrap();
    storage::poll(database, &poll.id).await.unwrap().unwrap()
}

async fn a_poll_is_voted_without_a_link_to_any_voter(database: Database) {
    let census = [
        resident("40000001", "Ana Quispe", "1980-04-12", "Zona 4"),
        resident("40000002", "Luis Paz", "1975-01-31", "Zona 4"),
        resident("40000003", "Eva Sol", "1990-09-09", "Zona 4"),
        resident("40000004", "Rosa Rojas", "1966-06-06", "Zona 7"),
    ];
    assert_eq!(storage::import_census(&database, "participa", &census).await.unwrap(), 4);
    assert_eq!(storage::census_size(&database, Some("Zona 4")).await.unwrap(), 3);
    let id = storage::create_poll(&database, "participa", &new_poll(), &keys()).await.unwrap();
    let poll = storage::poll(&database, &id).await.unwrap().unwrap();
    let audit_before: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit_log").fetch_one(database.pool()).await.unwrap().get(0);

    let choices = [vec![vec![0u32]], vec![vec![1, 2]], vec![vec![1]]];
    // Not in the census, a wrong date, another zone: one refusal for all three.
    for (dni, birth) in [("49999999", "1980-04-12"), ("40000001", "1980-04-13"), ("40000004", "1966-06-06")] {
        assert_eq!(
            refused(take(&database, &poll, dni, birth, &choices[0]).await.map(|_| ())),
            VoteProblem::NotInCensus
        );
    }
    let mut signed = Vec::new();
    for (resident, choices) in census.iter().zip(&choices) {
        signed.push(take(&database, &poll, &resident.dni, &resident.birth_date, choices).await.unwrap());
    }
    // A second token for the same DNI is refused; the same blinded message again (a lost answer) is not.
    assert_eq!(
        refused(take(&database, &poll, "40000001", "1980-04-12", &choices[0]).await.map(|_| ())),
        VoteProblem::AlreadyTaken
    );
    assert_eq!(
        storage::take_token(&database, &poll, "40000001", "1980-04-12", &signed[0].blinded_hash).await.unwrap(),
        Taken::Again
    );
    let mut codes = Vec::new();
    for (signed, choices) in signed.iter().zip(&choices) {
        codes.push(cast(&database, &poll, signed, choices).await.unwrap());
    }
    // The same ballot again gets its code; the token with other choices is refused.
    assert_eq!(cast(&database, &poll, &signed[0], &choices[0]).await.unwrap(), codes[0]);
    assert_eq!(refused(cast(&database, &poll, &signed[0], &choices[1]).await), VoteProblem::TokenUsed);
    // At once: ten requests for a token of one DNI with ten blinded messages get one token; ten casts
    // of one ballot store it once and all get its code.
    let fourth = resident("40000005", "Inés Vega", "1999-12-31", "Zona 4");
    storage::import_census(&database, "participa", std::slice::from_ref(&fourth)).await.unwrap();
    let audit_before = audit_before + 1; // the import's own entry
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..10 {
        let (database, poll) = (database.clone(), poll.clone());
        attempts.spawn(async move {
            storage::take_token(&database, &poll, "40000005", "1999-12-31", &format!("{n:064x}")).await
        });
    }
    let taken = attempts.join_all().await;
    assert_eq!(taken.iter().filter(|t| matches!(t, Ok(Taken::First))).count(), 1, "{taken:?}");
    assert!(taken.iter().all(|t| matches!(t, Ok(Taken::First) | Err(VoteError::Refused(VoteProblem::AlreadyTaken)))));
    let mut casts = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (database, poll, choices) = (database.clone(), poll.id.clone(), choices[2].clone());
        let (token, randomizer, signature) =
            (signed[2].token.clone(), signed[2].randomizer.clone(), signed[2].signature.clone());
        casts.spawn(async move { storage::cast(&database, &poll, &token, &randomizer, &signature, &choices).await });
    }
    let cast_codes = casts.join_all().await;
    assert!(cast_codes.iter().all(|c| c.as_ref().ok() == Some(&codes[2])), "{cast_codes:?}");

    // Nothing is published before the close.
    assert!(!storage::seal(&database, &poll).await.unwrap());
    assert!(storage::publication(&database, &poll).await.unwrap().is_none());
    storage::mix_open_polls(&database).await.unwrap();

    // No audit entry for tokens or ballots: an entry would carry its time.
    let audit_after: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit_log").fetch_one(database.pool()).await.unwrap().get(0);
    assert_eq!(audit_before, audit_after);

    let poll = close(&database, &poll).await;
    assert!(storage::seal(&database, &poll).await.unwrap());
    assert_eq!(refused(cast(&database, &poll, &signed[1], &choices[1]).await), VoteProblem::NotOpen, "sealed");
    let publication = storage::publication(&database, &poll).await.unwrap().unwrap();
    // Four residents of the zone, four tokens (Inés took one and did not vote), three ballots.
    assert_eq!((publication.census_size, publication.tokens_issued, publication.ballots.len()), (4, 4, 3));
    assert_eq!(publication.tally, vec![vec![1, 2, 1]]);
    let report = verify::check(&publication);
    assert!(report.is_valid(), "{:?}", report.problems);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(publication.ballots.iter().map(|b| b.code.clone()).collect::<Vec<_>>(), sorted);
    // The check finds an altered ballot, a copied one, and more ballots than tokens.
    let mut altered = publication.clone();
    altered.ballots[0].choices = vec![vec![2]];
    altered.tally = app::participation::tally(&altered.poll.questions, altered.ballots.iter().map(|b| &b.choices));
    assert!(!verify::check(&altered).is_valid(), "choices changed after signing");
    let mut copied = publication.clone();
    for code in ["ZZZZ-ZZZZ-ZZZY", "ZZZZ-ZZZZ-ZZZZ"] {
        copied.ballots.push(app::participation::PublishedBallot { code: code.into(), ..copied.ballots[0].clone() });
    }
    copied.tally = app::participation::tally(&copied.poll.questions, copied.ballots.iter().map(|b| &b.choices));
    let problems = verify::check(&copied).problems.join("\n");
    assert!(
        problems.contains("used by an earlier ballot") && problems.contains("5 ballots but only 4 tokens issued"),
        "{problems}"
    );

    // The dump: every table, every row.
    let dump = dump(&database).await;
    let table = |name: &str| dump.iter().find(|(table, _, _)| table == name).unwrap().clone();
    let (_, columns, ballots) = table("ballots");
    assert_eq!(columns, ["code", "poll", "token", "randomizer", "signature", "choices"], "no time, no voter");
    let (_, columns, tokens) = table("poll_tokens");
    assert_eq!(columns, ["poll", "dni", "blinded_hash"], "no time, no token");
    assert_eq!(tokens.len(), 4);
    // No value of a ballot appears in any other table, and no value of the census or the register
    // appears in a ballot.
    for ballot in &ballots {
        for value in [&ballot[0], &ballot[2], &ballot[3], &ballot[4]] {
            for (name, _, rows) in dump.iter().filter(|(name, _, _)| name != "ballots") {
                assert!(!rows.iter().flatten().any(|cell| cell.contains(value.as_str())), "a ballot's value in {name}");
            }
        }
        for person in census
            .iter()
            .map(|r| [&r.dni, &r.names, &r.birth_date])
            .chain(signed.iter().map(|s| [&s.blinded_hash, &s.blinded_hash, &s.blinded_hash]))
        {
            for value in person {
                assert!(!ballot.iter().any(|cell| cell.contains(value.as_str())), "a voter's value in a ballot");
            }
        }
    }
    // Physical order.
    match database.backend() {
        Backend::Sqlite => {
            for table in ["ballots", "poll_tokens"] {
                let rowid = sqlx::query(&format!("SELECT rowid FROM {table}")).fetch_all(database.pool()).await;
                assert!(rowid.is_err(), "{table} has a rowid");
            }
            let stored: Vec<String> = sqlx::query("SELECT code FROM ballots")
                .fetch_all(database.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert_eq!(stored, sorted, "stored in the order of the random codes");
        }
        Backend::Postgres => {
            let rows = sqlx::query("SELECT ctid::text, xmin::text, code FROM ballots")
                .fetch_all(database.pool())
                .await
                .unwrap();
            let xmins: std::collections::BTreeSet<String> = rows.iter().map(|r| r.get::<String, _>(1)).collect();
            assert_eq!(xmins.len(), 1, "one transaction stamp for every ballot");
            let token_xmins: Vec<String> = sqlx::query("SELECT xmin::text FROM poll_tokens")
                .fetch_all(database.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert!(!token_xmins.iter().any(|x| xmins.contains(x)));
            // Physical positions, in order, hold the codes in code order.
            let mut by_position: Vec<((u64, u64), String)> = rows
                .iter()
                .map(|r| {
                    let ctid: String = r.get(0);
                    let (page, item) = ctid.trim_matches(['(', ')']).split_once(',').unwrap();
                    ((page.parse().unwrap(), item.parse().unwrap()), r.get(2))
                })
                .collect();
            by_position.sort();
            assert_eq!(by_position.into_iter().map(|(_, code)| code).collect::<Vec<_>>(), sorted);
        }
    }
}

#[tokio::test]
async fn sqlite_a_poll_is_voted_without_a_link_to_any_voter() {
    let file = sqlite().await;
    a_poll_is_voted_without_a_link_to_any_voter(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_a_poll_is_voted_without_a_link_to_any_voter() {
    a_poll_is_voted_without_a_link_to_any_voter(postgres().await.database.clone()).await;
}

async fn questions_are_fixed_once_a_poll_opens(database: Database) {
    let mut upcoming = new_poll();
    upcoming.opens_at = "2999-01-01T00:00:00Z".into();
    upcoming.closes_at = "2999-02-01T00:00:00Z".into();
    let id = storage::create_poll(&database, "participa", &upcoming, &keys()).await.unwrap();
    let question = Question {
        text: "¿Horario?".into(),
        kind: QuestionKind::Single,
        max_choices: 1,
        budget_cents: 0,
        options: vec![
            PollOption { label: "Mañana".into(), cost_cents: 0 },
            PollOption { label: "Tarde".into(), cost_cents: 0 },
        ],
    };
    storage::add_question(&database, "participa", &id, &question).await.unwrap();
    let poll = storage::poll(&database, &id).await.unwrap().unwrap();
    assert_eq!(poll.questions.len(), 2);
    assert_eq!(poll.questions[1], question);
    let open = storage::create_poll(&database, "participa", &new_poll(), &keys()).await.unwrap();
    assert!(matches!(
        storage::add_question(&database, "participa", &open, &question).await,
        Err(storage::PollError::AlreadyOpen)
    ));
}

#[tokio::test]
async fn sqlite_questions_are_fixed_once_a_poll_opens() {
    let file = sqlite().await;
    questions_are_fixed_once_a_poll_opens(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_questions_are_fixed_once_a_poll_opens() {
    questions_are_fixed_once_a_poll_opens(postgres().await.database.clone()).await;
}
