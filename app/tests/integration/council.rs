//! Council storage on SQLite and PostgreSQL: members and votes imported (a row again replaces its
//! vote), attendance following the votes, a session and an item entered through the forms' functions,
//! and the order the pages and open data list them in; every change in the audit chain.

use crate::common::{postgres, sqlite};
use app::council::import::{parse_members, parse_votes};
use app::council::storage::{self, CouncilError};
use app::council::{Attendance, Item, SessionKind, VoteOption};
use app::platform::database::Database;

const MEMBERS: &str = "id,nombre,partido,cargo,inicio,fin\n\
    maria-paz,María Paz,Renovación Popular,regidor,2023-01-01,\n\
    jose-rios,José Ríos,Somos Perú,regidor,2023-01-01,\n\
    carlos-canales,Carlos Canales,Renovación Popular,alcalde,2023-01-01,\n";

const VOTES: &str = "sesion,fecha,tipo,punto,asunto,tema,acuerdo,regidor,voto\n\
    015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045,maria-paz,a-favor\n\
    015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045,jose-rios,en-contra\n\
    015-2026,2026-11-20,ordinaria,2,Parques,parques,Ordenanza 612,maria-paz,a-favor\n\
    015-2026,2026-11-20,ordinaria,2,Parques,parques,Ordenanza 612,jose-rios,ausente\n\
    016-2026,2026-11-27,extraordinaria,1,Emergencia vial,vías,,maria-paz,a-favor\n\
    016-2026,2026-11-27,extraordinaria,1,Emergencia vial,vías,,jose-rios,licencia\n";

async fn sessions_votes_and_attendance_are_kept(database: Database) {
    let members = parse_members(MEMBERS).unwrap();
    assert_eq!(storage::import_members(&database, "secretaria", &members).await.unwrap(), 3);
    let listed = storage::members(&database).await.unwrap();
    assert_eq!(listed[0].id, "carlos-canales", "the mayor first");
    let ids = members.iter().map(|m| m.id.clone()).collect();
    let lines = parse_votes(VOTES, &ids).unwrap();
    let imported = storage::import_votes(&database, "secretaria", &lines).await.unwrap();
    assert_eq!((imported.sessions, imported.items, imported.votes), (2, 3, 6));
    // Importing again changes nothing but what changed.
    storage::import_votes(&database, "secretaria", &lines).await.unwrap();
    let attendance = storage::attendance(&database).await.unwrap();
    let status = |session: &str, member: &str| attendance.iter().find(|a| a.0 == session && a.2 == member).map(|a| a.4);
    assert_eq!(status("015-2026", "jose-rios"), Some(Attendance::Present), "voted on item 1, absent for 2");
    assert_eq!(status("016-2026", "jose-rios"), Some(Attendance::Leave));
    assert_eq!(status("016-2026", "carlos-canales"), None);

    // A session and an item through the forms' functions.
    storage::create_session(
        &database,
        "secretaria",
        "017-2026",
        SessionKind::Solemn,
        "2026-12-01",
        "https://video.example/17",
    )
    .await
    .unwrap();
    assert!(matches!(
        storage::create_session(&database, "secretaria", "017-2026", SessionKind::Solemn, "2026-12-01", "").await,
        Err(CouncilError::SessionExists)
    ));
    let item = Item {
        position: 0,
        title: "Reconocimiento a vecinos".into(),
        topic: "honores".into(),
        agreement: String::new(),
    };
    let votes = vec![("maria-paz".to_string(), VoteOption::For), ("jose-rios".to_string(), VoteOption::Absent)];
    assert_eq!(storage::add_item(&database, "secretaria", "017-2026", &item, &votes).await.unwrap(), 1);
    assert_eq!(storage::add_item(&database, "secretaria", "017-2026", &item, &votes).await.unwrap(), 2);
    assert!(matches!(
        storage::add_item(&database, "secretaria", "999", &item, &votes).await,
        Err(CouncilError::NoSession)
    ));
    assert_eq!(
        storage::set_session_files(&database, "secretaria", "017-2026", "", Some("acta-1")).await.unwrap(),
        None
    );
    assert_eq!(
        storage::set_session_files(&database, "secretaria", "017-2026", "", Some("acta-2")).await.unwrap(),
        Some("acta-1".into())
    );
    assert_eq!(storage::minutes(&database, "017-2026").await.unwrap().as_deref(), Some("acta-2"));

    let sessions = storage::sessions(&database).await.unwrap();
    assert_eq!(sessions.iter().map(|s| s.number.as_str()).collect::<Vec<_>>(), ["017-2026", "016-2026", "015-2026"]);
    assert!(sessions[0].has_minutes && sessions[0].items.len() == 2);
    let votes = storage::votes(&database).await.unwrap();
    assert_eq!(votes.len(), 10);
    assert_eq!((votes[0].session.as_str(), votes[0].item, votes[0].member_name.as_str()), ("015-2026", 1, "José Ríos"));
    assert_eq!(votes[0].option, VoteOption::Against);
    let first: Vec<_> = votes.iter().filter(|v| v.session == "015-2026").cloned().collect();
    assert!(!app::council::approved(&first, 1), "one for, one against");
    assert!(app::council::approved(&first, 2));
    let entries = app::platform::audit::entries_after(&database, 0).await.unwrap();
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
    let actions: Vec<String> = entries.iter().map(|entry| entry.action.clone()).collect();
    for action in ["council.members", "council.votes", "council.session", "council.item", "council.files"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn sqlite_sessions_votes_and_attendance_are_kept() {
    let file = sqlite().await;
    sessions_votes_and_attendance_are_kept(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_sessions_votes_and_attendance_are_kept() {
    sessions_votes_and_attendance_are_kept(postgres().await.database.clone()).await;
}
