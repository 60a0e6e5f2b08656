//! Storage behaviour, run against a real SQLite file and a real PostgreSQL server. The PostgreSQL
//! cases need `TEST_POSTGRES_URL` (a server URL whose user may create databases); `scripts/test`
//! installs and starts one on loopback and runs them with `--include-ignored`.
#![cfg(feature = "ssr")]

use app::platform::database::{Backend, Database};
use app::platform::files::{FileStore, StoredObject};
use app::reporting::storage::office_keys::{ConfiguredKey, KeyError, list_office_keys, sync_configured_keys};
use app::reporting::storage::reports::{
    EncryptedIn, NewReport, ReportError, ReportWriter, count_reports, insert_group, insert_report, list_reports,
    referenced_objects,
};
use sqlx::Row;

use crate::common;
use common::{empty_postgres_database, postgres, rand_suffix, sqlite};

const KEY_A: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
const KEY_B: &str = "age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg";

fn key(id: &str, recipient: &str) -> ConfiguredKey {
    ConfiguredKey { key_id: id.into(), name: format!("Officer {id}"), recipient: recipient.into() }
}

async fn keys_are_added_retired_and_reactivated(db: &Database) {
    let summary = sync_configured_keys(db, &[key("a", KEY_A)], "2026-11-01").await.unwrap();
    assert_eq!(summary.added, ["a"]);

    let summary = sync_configured_keys(db, &[key("b", KEY_B)], "2026-11-20").await.unwrap();
    assert_eq!(summary.added, ["b"]);
    assert_eq!(summary.retired, ["a"]);
    let stored = list_office_keys(db).await.unwrap();
    assert_eq!(stored.len(), 2, "a retired key is kept");
    assert_eq!((stored[0].key_id.as_str(), stored[0].retired_on.as_deref()), ("b", None));
    assert_eq!((stored[1].key_id.as_str(), stored[1].retired_on.as_deref()), ("a", Some("2026-11-20")));
    assert_eq!(stored[1].first_configured_on, "2026-11-01");

    let summary = sync_configured_keys(db, &[key("a", KEY_A), key("b", KEY_B)], "2026-11-21").await.unwrap();
    assert_eq!(summary.reactivated, ["a"]);
    assert!(list_office_keys(db).await.unwrap().iter().all(|k| k.retired_on.is_none()));

    // Running again with the same configuration changes nothing.
    let summary = sync_configured_keys(db, &[key("a", KEY_A), key("b", KEY_B)], "2026-11-22").await.unwrap();
    assert_eq!(summary, Default::default());
}

async fn a_key_id_cannot_change_its_key(db: &Database) {
    sync_configured_keys(db, &[key("a", KEY_A)], "2026-11-01").await.unwrap();
    let error = sync_configured_keys(db, &[key("a", KEY_B)], "2026-11-02").await.unwrap_err();
    assert!(matches!(error, KeyError::KeyIdReused { .. }), "{error}");
    let error = sync_configured_keys(db, &[key("renamed", KEY_A)], "2026-11-02").await.unwrap_err();
    assert!(matches!(error, KeyError::RecipientRenamed { .. }), "{error}");
    // The refused synchronisations left nothing behind: still exactly the original key.
    let stored = list_office_keys(db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].key_id.as_str(), stored[0].recipient.as_str()), ("a", KEY_A));
}

fn new_report(key_ids: &[&str], attachments: Vec<StoredObject>) -> NewReport {
    NewReport {
        received_on: "2026-11-23".into(),
        lookup_hash: format!("{:064x}", rand_suffix()),
        reply_recipient: KEY_B.into(),
        encrypted_in: EncryptedIn::Browser,
        ciphertext: b"age-encryption.org/v1\n...binary \x00\xff".to_vec(),
        key_ids: key_ids.iter().map(|k| k.to_string()).collect(),
        attachments,
    }
}

async fn reports_are_stored_whole_with_their_keys_and_attachments(db: &Database) {
    sync_configured_keys(db, &[key("a", KEY_A), key("b", KEY_B)], "2026-11-01").await.unwrap();
    let attachments = vec![
        StoredObject { name: "00ff.age".into(), len: 7_000_000 },
        StoredObject { name: "11ee.age".into(), len: 300 },
    ];
    let report = new_report(&["b", "a"], attachments.clone());
    let id = insert_report(db, &report).await.unwrap();
    assert_eq!(id.len(), 32);
    let stored = list_reports(db).await.unwrap();
    assert_eq!(stored.len(), 1);
    let stored = &stored[0];
    assert_eq!(
        (stored.id.as_str(), stored.status.as_str(), stored.received_on.as_str()),
        (id.as_str(), "received", "2026-11-23")
    );
    assert_eq!(stored.ciphertext, report.ciphertext, "binary ciphertext is kept byte for byte");
    assert_eq!(stored.key_ids, ["a", "b"]);
    assert_eq!(stored.attachments, attachments);
    assert_eq!(stored.encrypted_in, "browser");
    assert_eq!(referenced_objects(db).await.unwrap(), ["00ff.age".to_string(), "11ee.age".to_string()].into());
}

async fn a_report_to_a_stale_key_set_is_refused_and_leaves_nothing(db: &Database) {
    sync_configured_keys(db, &[key("a", KEY_A), key("b", KEY_B)], "2026-11-01").await.unwrap();
    for key_ids in [&["a"][..], &["a", "b", "c"], &["a", "a"]] {
        let error = insert_report(db, &new_report(key_ids, vec![])).await.unwrap_err();
        assert!(matches!(error, ReportError::RecipientsChanged), "{key_ids:?}: {error}");
    }
    // A failure half-way (the second attachment's object name is taken) rolls the whole report back.
    let first = new_report(&["a", "b"], vec![StoredObject { name: "taken.age".into(), len: 1 }]);
    insert_report(db, &first).await.unwrap();
    let clash = new_report(
        &["a", "b"],
        vec![StoredObject { name: "fresh.age".into(), len: 1 }, StoredObject { name: "taken.age".into(), len: 1 }],
    );
    assert!(insert_report(db, &clash).await.is_err());
    assert_eq!(count_reports(db).await.unwrap(), 1);
    assert!(!referenced_objects(db).await.unwrap().contains("fresh.age"));
}

/// Reports written at once over every pooled connection all land: none fails for another's sake (on
/// SQLite, a deferred transaction that read before writing failed with "database is locked").
async fn concurrent_reports_all_land(db: &Database) {
    sync_configured_keys(db, &[key("a", KEY_A)], "2026-11-01").await.unwrap();
    let writers: Vec<_> = (0..64)
        .map(|i| {
            let db = db.clone();
            let mut report = new_report(&["a"], vec![StoredObject { name: format!("{i:04}.age"), len: 1 }]);
            report.lookup_hash = format!("{i:064x}");
            tokio::spawn(async move { insert_report(&db, &report).await })
        })
        .collect();
    let mut failures = Vec::new();
    for writer in writers {
        if let Err(error) = writer.await.unwrap() {
            failures.push(error.to_string());
        }
    }
    assert!(failures.is_empty(), "{} of 64 concurrent reports failed: {:?}", failures.len(), failures.first());
    assert_eq!(count_reports(db).await.unwrap(), 64);
}

async fn migrations_are_recorded_and_idempotent(db: &Database, url_for_reopen: Option<&str>) {
    let applied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert!(applied >= 1);
    if let Some(url) = url_for_reopen {
        let again = Database::open(url, 2).await.unwrap();
        let reapplied: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
            .fetch_one(again.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(reapplied, applied);
    }
}

/// A group commits once; a report that fails in it (stale keys, a taken object name or lookup hash) is rolled back
/// alone, and the others are stored.
async fn a_group_stores_its_good_reports_and_refuses_its_bad_ones(db: &Database) {
    sync_configured_keys(db, &[key("a", KEY_A)], "2026-11-01").await.unwrap();
    let taken = || vec![StoredObject { name: "taken.age".into(), len: 1 }];
    let group = [
        new_report(&["a"], taken()),
        new_report(&["b"], vec![]),
        new_report(&["a"], vec![StoredObject { name: "fresh.age".into(), len: 1 }, taken()[0].clone()]),
        new_report(&["a"], vec![]),
        NewReport { lookup_hash: "ab".repeat(32), ..new_report(&["a"], vec![]) },
        NewReport { lookup_hash: "ab".repeat(32), ..new_report(&["a"], vec![]) },
    ];
    let outcomes = insert_group(db, &group).await;
    assert!(outcomes[0].is_ok() && outcomes[3].is_ok() && outcomes[4].is_ok(), "{outcomes:?}");
    assert!(matches!(outcomes[1], Err(ReportError::RecipientsChanged)), "{outcomes:?}");
    assert!(outcomes[2].is_err(), "the second use of an object name fails alone");
    assert!(matches!(outcomes[5], Err(ReportError::LookupHashTaken)), "{outcomes:?}");
    assert_eq!(count_reports(db).await.unwrap(), 3);
    assert!(!referenced_objects(db).await.unwrap().contains("fresh.age"), "the failed report left no row");

    // Refusals the group's multi-row statements handle themselves: a lookup hash already stored, one
    // taken earlier in the same group, and stale keys; the rest, attachments included, is stored.
    let group = [
        NewReport { lookup_hash: "ab".repeat(32), ..new_report(&["a"], vec![]) },
        NewReport { lookup_hash: "cd".repeat(32), ..new_report(&["a"], vec![]) },
        NewReport { lookup_hash: "cd".repeat(32), ..new_report(&["a"], vec![]) },
        new_report(&["b"], vec![]),
        new_report(&["a"], vec![StoredObject { name: "second.age".into(), len: 7 }]),
    ];
    let outcomes = insert_group(db, &group).await;
    assert!(matches!(outcomes[0], Err(ReportError::LookupHashTaken)), "{outcomes:?}");
    assert!(outcomes[1].is_ok() && outcomes[4].is_ok(), "{outcomes:?}");
    assert!(matches!(outcomes[2], Err(ReportError::LookupHashTaken)), "{outcomes:?}");
    assert!(matches!(outcomes[3], Err(ReportError::RecipientsChanged)), "{outcomes:?}");
    assert_eq!(count_reports(db).await.unwrap(), 5);
    let stored = list_reports(db).await.unwrap();
    let with_attachment = stored.iter().find(|r| r.id == *outcomes[4].as_ref().unwrap()).unwrap();
    assert_eq!(with_attachment.attachments, vec![StoredObject { name: "second.age".into(), len: 7 }]);
    assert_eq!(with_attachment.key_ids, vec!["a".to_string()]);
}

/// Reports handed to the writer at once are all stored, and each answer names its stored report.
async fn the_writer_commits_concurrent_reports_in_groups(db: &Database) {
    sync_configured_keys(db, &[key("a", KEY_A)], "2026-11-01").await.unwrap();
    let writer = ReportWriter::start(db.clone());
    let senders: Vec<_> = (0..300)
        .map(|_| {
            let writer = writer.clone();
            tokio::spawn(async move { writer.insert(new_report(&["a"], vec![])).await })
        })
        .collect();
    let mut ids = Vec::new();
    for sender in senders {
        ids.push(sender.await.unwrap().expect("every report is stored"));
    }
    assert_eq!(count_reports(db).await.unwrap(), 300);
    let stored: std::collections::HashSet<String> = list_reports(db).await.unwrap().into_iter().map(|r| r.id).collect();
    assert!(ids.iter().all(|id| stored.contains(id)), "each answer names a stored report");
}

#[tokio::test]
async fn sqlite_a_group_stores_its_good_reports_and_refuses_its_bad_ones() {
    a_group_stores_its_good_reports_and_refuses_its_bad_ones(&sqlite().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_a_group_stores_its_good_reports_and_refuses_its_bad_ones() {
    a_group_stores_its_good_reports_and_refuses_its_bad_ones(&postgres().await.database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_writer_commits_concurrent_reports_in_groups() {
    the_writer_commits_concurrent_reports_in_groups(&sqlite().await.database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_the_writer_commits_concurrent_reports_in_groups() {
    the_writer_commits_concurrent_reports_in_groups(&postgres().await.database).await;
}

#[tokio::test]
async fn sqlite_keys_are_added_retired_and_reactivated() {
    keys_are_added_retired_and_reactivated(&sqlite().await.database).await;
}

#[tokio::test]
async fn sqlite_a_key_id_cannot_change_its_key() {
    a_key_id_cannot_change_its_key(&sqlite().await.database).await;
}

#[tokio::test]
async fn sqlite_reports_are_stored_whole_with_their_keys_and_attachments() {
    reports_are_stored_whole_with_their_keys_and_attachments(&sqlite().await.database).await;
}

#[tokio::test]
async fn sqlite_a_report_to_a_stale_key_set_is_refused_and_leaves_nothing() {
    a_report_to_a_stale_key_set_is_refused_and_leaves_nothing(&sqlite().await.database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_reports_all_land() {
    concurrent_reports_all_land(&sqlite().await.database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_concurrent_reports_all_land() {
    concurrent_reports_all_land(&postgres().await.database).await;
}

#[tokio::test]
async fn object_store_keeps_discards_and_sweeps() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path().join("objects")).await.unwrap();
    let mut kept = store.create().await.unwrap();
    kept.write(b"age-encryption.org/v1\n").await.unwrap();
    let kept = store.keep(kept).await.unwrap();
    assert_eq!(std::fs::read(store.local_path(&kept.name).unwrap()).unwrap(), b"age-encryption.org/v1\n");
    let modified = std::fs::metadata(store.local_path(&kept.name).unwrap()).unwrap().modified().unwrap();
    assert_eq!(modified, std::time::UNIX_EPOCH, "no arrival time in the file's metadata");
    let mut orphan = store.create().await.unwrap();
    orphan.write(b"x").await.unwrap();
    let orphan = store.keep(orphan).await.unwrap();
    let mut interrupted = store.create().await.unwrap();
    interrupted.write(b"half").await.unwrap();
    drop(interrupted);
    assert_eq!(store.sweep(&[kept.name.clone()].into()).await.unwrap(), 1);
    assert!(!store.local_path(&orphan.name).unwrap().exists());
    // Reopening (a restart) clears whatever an interrupted upload left in incoming/.
    let store = FileStore::open(dir.path().join("objects")).await.unwrap();
    assert_eq!(std::fs::read_dir(store.local_path("incoming").unwrap()).unwrap().count(), 0);
    assert!(store.local_path(&kept.name).unwrap().exists());
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_reports_are_stored_whole_with_their_keys_and_attachments() {
    reports_are_stored_whole_with_their_keys_and_attachments(&postgres().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_a_report_to_a_stale_key_set_is_refused_and_leaves_nothing() {
    a_report_to_a_stale_key_set_is_refused_and_leaves_nothing(&postgres().await.database).await;
}

#[tokio::test]
async fn sqlite_uses_a_file_in_wal_mode_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/portal.db", dir.path().display());
    let db = Database::open(&url, 2).await.unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
    assert!(dir.path().join("nested/portal.db").is_file());
    let mode: String = sqlx::query("PRAGMA journal_mode").fetch_one(db.pool()).await.unwrap().try_get(0).unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query("PRAGMA synchronous").fetch_one(db.pool()).await.unwrap().try_get(0).unwrap();
    assert_eq!(sync, 2, "synchronous = FULL");
    migrations_are_recorded_and_idempotent(&db, Some(&url)).await;
    db.ping().await.unwrap();
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_keys_are_added_retired_and_reactivated() {
    keys_are_added_retired_and_reactivated(&postgres().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_a_key_id_cannot_change_its_key() {
    a_key_id_cannot_change_its_key(&postgres().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_migrations_are_recorded() {
    let db = postgres().await.database;
    migrations_are_recorded_and_idempotent(&db, None).await;
    db.ping().await.unwrap();
}

/// The integrity office's tables: case updates and messages with their audit entries, officer sign-in
/// state, sessions, and a chain that stays whole under concurrent appends.
async fn cases_officers_and_the_audit_chain(db: &Database) {
    use app::cases::CaseStatus;
    use app::cases::storage::{
        CaseUpdate, NewMessage, add_message, case_files, case_has_object, list_cases, message_ciphertext, messages_of,
        report_ciphertext, update_case,
    };
    use app::platform::audit::{self, Action};
    use app::staff::storage as officers;
    use envelope::message::Author;

    sync_configured_keys(db, &[key("a", KEY_A)], "2026-11-01").await.unwrap();
    let id = insert_report(db, &new_report(&["a"], vec![])).await.unwrap();
    let cases = list_cases(db, "2026-12-01").await.unwrap();
    assert_eq!(
        (cases[0].status, cases[0].acknowledgement_due.as_str(), cases[0].acknowledgement_overdue),
        (CaseStatus::Received, "2026-11-30", true)
    );

    let update = CaseUpdate {
        status: Some(CaseStatus::UnderInvestigation),
        category: Some("colusion".into()),
        feedback_on: None,
    };
    let summary = update_case(db, &id, &update, "ana", "2026-11-24").await.unwrap();
    assert_eq!(
        (summary.status, summary.acknowledged_on.as_deref(), summary.category.as_deref()),
        (CaseStatus::UnderInvestigation, Some("2026-11-24"), Some("colusion"))
    );
    let reply = NewMessage {
        report_id: id.clone(),
        author: Author::Office,
        sent_on: "2026-11-25".into(),
        ciphertext: b"age-encryption.org/v1\nreply".to_vec(),
        attachments: vec![StoredObject { name: "aa.age".into(), len: 5 }],
    };
    add_message(db, &reply, Some("ana")).await.unwrap();
    add_message(
        db,
        &NewMessage { author: Author::Reporter, sent_on: "2026-11-26".into(), attachments: vec![], ..reply.clone() },
        None,
    )
    .await
    .unwrap();
    let messages = messages_of(db, &id).await.unwrap();
    assert_eq!(
        messages.iter().map(|m| (m.author, m.sent_on.as_str())).collect::<Vec<_>>(),
        [(Author::Office, "2026-11-25"), (Author::Reporter, "2026-11-26")]
    );
    // What the officer tool downloads: lengths without reading ciphertext, then one file at a time.
    let files = case_files(db, &id).await.unwrap().unwrap();
    let report = report_ciphertext(db, &id).await.unwrap().unwrap();
    assert_eq!(files.report_len, report.len() as u64);
    let lengths: Vec<(u64, usize)> = files.messages.iter().map(|m| (m.len, m.attachments.len())).collect();
    assert_eq!(lengths, [(reply.ciphertext.len() as u64, 1), (reply.ciphertext.len() as u64, 0)]);
    assert_eq!(files.messages[0].attachments[0].object, "aa.age");
    assert_eq!(message_ciphertext(db, &id, &messages[1].id).await.unwrap(), Some(reply.ciphertext.clone()));
    assert_eq!(message_ciphertext(db, "ffffffffffffffffffffffffffffffff", &messages[1].id).await.unwrap(), None);
    assert!(case_has_object(db, &id, "aa.age").await.unwrap());
    assert!(!case_has_object(db, &id, "bb.age").await.unwrap());
    assert!(referenced_objects(db).await.unwrap().contains("aa.age"), "message attachments survive the start-up sweep");
    let case = &list_cases(db, "2026-11-26").await.unwrap()[0];
    assert_eq!(
        (case.feedback_on.as_deref(), case.messages),
        (Some("2026-11-25"), 2),
        "the office reply is the first feedback"
    );

    use app::staff::Role;
    let (officer, treasury) = ([Role::IntegrityOfficer], [Role::Treasury, Role::CivilRegistry, Role::Treasury]);
    officers::create_account(db, "ana", "$argon2id$placeholder", "SECRET", &officer, "2026-11-24T00:00:00Z")
        .await
        .unwrap();
    officers::create_account(db, "rosa", "$argon2id$placeholder", "SECRET2", &treasury, "2026-11-24T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(officers::roles_of(db, "ana").await.unwrap(), vec![Role::IntegrityOfficer]);
    assert_eq!(
        officers::roles_of(db, "rosa").await.unwrap(),
        vec![Role::Treasury, Role::CivilRegistry],
        "deduplicated"
    );
    assert!(officers::set_roles(db, "rosa", &[Role::AccountAdmin]).await.unwrap());
    assert!(!officers::set_roles(db, "nobody", &[Role::AccountAdmin]).await.unwrap());
    let listed: Vec<(String, Vec<Role>)> =
        officers::list_accounts(db).await.unwrap().into_iter().map(|a| (a.username, a.roles)).collect();
    assert_eq!(listed, [("ana".into(), vec![Role::IntegrityOfficer]), ("rosa".into(), vec![Role::AccountAdmin])]);
    assert!(officers::use_totp_step(db, "ana", 100).await.unwrap());
    assert!(!officers::use_totp_step(db, "ana", 100).await.unwrap(), "a code is accepted once");
    assert!(!officers::use_totp_step(db, "ana", 99).await.unwrap());
    for expected in 1..=3 {
        assert_eq!(officers::record_failure(db, "ana", 1000, |n| if n >= 3 { 60 } else { 0 }).await.unwrap(), expected);
    }
    assert_eq!(officers::locked_until(db, "ana").await.unwrap(), 1060);
    officers::create_session(db, "hash", "ana", 1000, 1100).await.unwrap();
    assert_eq!(officers::session_account(db, "hash", 1050, 100, 120).await.unwrap().as_deref(), Some("ana"));
    // Extended to at most 120 s after it began, so gone at 1120.
    assert_eq!(officers::session_account(db, "hash", 1121, 100, 120).await.unwrap(), None);
    // Disabling an account ends its sessions at once.
    officers::create_session(db, "hash2", "ana", 2000, 2100).await.unwrap();
    assert!(officers::set_disabled(db, "ana", Some("2026-11-25T00:00:00Z")).await.unwrap());
    assert_eq!(officers::session_account(db, "hash2", 2001, 100, 120).await.unwrap(), None);
    assert!(officers::find_account(db, "ana").await.unwrap().unwrap().disabled);
    assert!(officers::set_disabled(db, "ana", None).await.unwrap());
    assert!(!officers::find_account(db, "ana").await.unwrap().unwrap().disabled);

    let appends = (0..16).map(|i| {
        let db = db.clone();
        tokio::spawn(async move {
            audit::append(
                &db,
                &Action {
                    capability: audit::Capability::Staff,
                    actor: "ana",
                    action: "test",
                    subject: "",
                    detail: &i.to_string(),
                },
            )
            .await
            .unwrap()
        })
    });
    for append in appends {
        append.await.unwrap();
    }
    let entries = audit::entries_after(db, 0).await.unwrap();
    assert_eq!(entries.len(), 2 + 16);
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
}

#[tokio::test]
async fn sqlite_cases_officers_and_the_audit_chain() {
    cases_officers_and_the_audit_chain(&sqlite().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_cases_officers_and_the_audit_chain() {
    cases_officers_and_the_audit_chain(&postgres().await.database).await;
}

/// A report stored before migration 0005 keeps its ciphertext, which that migration moves out of
/// `reports` into `report_ciphertexts`.
async fn ciphertexts_stored_before_0005_move_to_their_own_table(url: &str, all: sqlx::migrate::Migrator) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let before = all.migrations.iter().filter(|migration| migration.version < 5).cloned().collect::<Vec<_>>();
    sqlx::migrate::Migrator { migrations: before.into(), ..all }.run(&pool).await.unwrap();
    let ciphertext = b"age-encryption.org/v1\n-> X25519 old\x00\xff".to_vec();
    sqlx::query(
        "INSERT INTO reports (id, received_on, lookup_hash, reply_recipient, encrypted_in, ciphertext) \
         VALUES ('old', '2026-11-01', 'hash-old', 'age1x', 'browser', $1)",
    )
    .bind(&ciphertext)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let db = Database::open(url, 2).await.unwrap();
    let reports = list_reports(&db).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].id.as_str(), &reports[0].ciphertext), ("old", &ciphertext));
    assert_eq!(app::cases::storage::report_ciphertext(&db, "old").await.unwrap(), Some(ciphertext));
}

#[tokio::test]
async fn sqlite_ciphertexts_stored_before_0005_move_to_their_own_table() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db?mode=rwc", dir.path().display());
    ciphertexts_stored_before_0005_move_to_their_own_table(&url, sqlx::migrate!("./migrations/sqlite")).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_ciphertexts_stored_before_0005_move_to_their_own_table() {
    let url = empty_postgres_database().await;
    ciphertexts_stored_before_0005_move_to_their_own_table(&url, sqlx::migrate!("./migrations/postgres")).await;
}
