//! The front desk's storage on SQLite and PostgreSQL: numbers of the year under concurrent filings,
//! lookups by number and code, actions that follow the states and are audited, corrections, and
//! deadlines recomputed when the holiday calendar changes.

use crate::common::{postgres, sqlite};
use app::platform::database::Database;
use app::tramites::fields::{ActionRefusal, FilingFields, HolidayRefusal, RegistryAction};
use app::tramites::storage::{self, ActionInput, NewExpediente, RegistryError};
use app::tramites::{EventKind, State};
use time::macros::date;

fn filing(name: &str) -> NewExpediente {
    NewExpediente {
        fields: FilingFields {
            id_type: "dni".into(),
            applicant_id: "45678912".into(),
            name: name.into(),
            address: "Av. Larco 400".into(),
            email: "ana@example.pe".into(),
            procedure: "SG-01".into(),
            subject: "Pido copia".into(),
        },
        online: true,
        filed_on: date!(2026 - 11 - 02),
        documents: Vec::new(),
    }
}

async fn twenty_filings_at_once_get_twenty_numbers_of_the_year_in_sequence(database: Database) {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let database = database.clone();
            tokio::spawn(async move { storage::file(&database, "applicant", &[filing(&format!("Vecino {i}"))]).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().unwrap().remove(0).number);
    }
    numbers.sort();
    let expected: Vec<String> = (1..=20).map(|seq| format!("2026-{seq:06}")).collect();
    assert_eq!(numbers, expected);
    let next = storage::file(
        &database,
        "applicant",
        &[NewExpediente { filed_on: date!(2027 - 01 - 04), ..filing("Año nuevo") }],
    )
    .await
    .unwrap();
    assert_eq!(next[0].number, "2027-000001", "each year starts at 1");
}

async fn only_the_right_code_opens_an_expediente(database: Database) {
    let filed = storage::file(&database, "applicant", &[filing("Ana")]).await.unwrap().remove(0);
    let today = date!(2026 - 11 - 03);
    let found = storage::find_with_code(&database, &filed.number, &filed.code, today).await.unwrap().unwrap();
    assert_eq!((found.state, found.applicant_name.as_str()), (State::Filed, "Ana"));
    assert!(storage::find_with_code(&database, &filed.number, "AAAAAAAAAA", today).await.unwrap().is_none());
    assert!(storage::find_with_code(&database, "2026-999999", &filed.code, today).await.unwrap().is_none());
}

async fn actions_follow_the_states_stop_the_clock_while_observed_and_are_audited(database: Database) {
    let filed = storage::file(&database, "applicant", &[filing("Ana")]).await.unwrap().remove(0);
    let number = filed.number.as_str();
    let act =
        async |action, input: ActionInput, day| storage::act(&database, "mesa", number, action, &input, day).await;
    let refused = |result: Result<EventKind, RegistryError>| match result {
        Err(RegistryError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let day = date!(2026 - 11 - 03);
    assert_eq!(refused(act(RegistryAction::Forward, ActionInput::default(), day).await), ActionRefusal::NotAllowedNow);
    assert_eq!(act(RegistryAction::Receive, ActionInput::default(), day).await.unwrap(), EventKind::Received);
    let to = |office: &str| ActionInput { office: office.into(), ..Default::default() };
    assert_eq!(refused(act(RegistryAction::Forward, to("MP"), day).await), ActionRefusal::UnknownOffice);
    assert_eq!(refused(act(RegistryAction::Forward, to("XX"), day).await), ActionRefusal::UnknownOffice);
    assert_eq!(act(RegistryAction::Forward, to("GAJ"), day).await.unwrap(), EventKind::Forwarded);
    let observe = |days: &str, note: &str| ActionInput { days: days.into(), note: note.into(), ..Default::default() };
    assert_eq!(refused(act(RegistryAction::Observe, observe("2", ""), day).await), ActionRefusal::NoteMissing);
    assert_eq!(
        refused(act(RegistryAction::Observe, observe("0", "Falta el DNI"), day).await),
        ActionRefusal::DaysInvalid
    );
    // Observed on Wednesday 4 November with 2 working days: to be answered by Friday 6.
    act(RegistryAction::Observe, observe("2", "Falta el DNI"), date!(2026 - 11 - 04)).await.unwrap();
    let observed = storage::load(&database, number, date!(2026 - 11 - 10)).await.unwrap().unwrap();
    assert_eq!(observed.state, State::Observed);
    assert_eq!(observed.office.code, "GAJ");
    assert_eq!(observed.deadline.correct_by.as_deref(), Some("2026-11-06"));
    assert!(observed.deadline.correction_late && observed.deadline.due.is_none());
    assert!(storage::correct(&database, number, "Adjunto el DNI", &[], date!(2026 - 11 - 05)).await.unwrap());
    assert!(
        !storage::correct(&database, number, "Otra vez", &[], date!(2026 - 11 - 05)).await.unwrap(),
        "not observed now"
    );
    let corrected = storage::load(&database, number, date!(2026 - 11 - 05)).await.unwrap().unwrap();
    assert_eq!(corrected.state, State::InProcess);
    // 30 working days from 2 November (no holidays loaded here), with 5 November not counted (the
    // observation's stretch): 14 December, one day later.
    assert_eq!(corrected.deadline.due.as_deref(), Some("2026-12-15"));
    let resolve = ActionInput { note: "Se otorga".into(), ..Default::default() };
    act(RegistryAction::Resolve, resolve, date!(2026 - 11 - 09)).await.unwrap();
    let resolved = storage::load(&database, number, date!(2027 - 03 - 01)).await.unwrap().unwrap();
    assert_eq!(
        (resolved.state, resolved.closed_on.as_deref(), resolved.deadline.overdue),
        (State::Resolved, Some("2026-11-09"), false)
    );
    let kinds: Vec<EventKind> = resolved.events.iter().map(|event| event.kind).collect();
    use EventKind::*;
    assert_eq!(kinds, [Filed, Received, Forwarded, Observed, Corrected, Resolved]);
    let entries = app::platform::audit::entries_after(&database, 0).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "tramites.file",
            "tramites.receive",
            "tramites.forward",
            "tramites.observe",
            "tramites.correct",
            "tramites.resolve"
        ]
    );
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
    let times = storage::resolution_times(&database).await.unwrap();
    assert_eq!(times, [("SG-01".to_string(), "2026-11".to_string(), 4, 30)]);
}

async fn a_holiday_added_or_removed_moves_open_deadlines_and_national_ones_are_preloaded_once(database: Database) {
    assert_eq!(storage::seed_national_holidays(&database, 2026..=2026).await.unwrap(), 16);
    assert_eq!(storage::seed_national_holidays(&database, 2026..=2026).await.unwrap(), 0);
    let filed = storage::file(&database, "applicant", &[filing("Ana")]).await.unwrap().remove(0);
    let due = |database: Database| {
        let number = filed.number.clone();
        async move { storage::load(&database, &number, date!(2026 - 11 - 02)).await.unwrap().unwrap().deadline.due.unwrap() }
    };
    // 30 working days from Monday 2 November 2026, skipping 8 and 9 December.
    assert_eq!(due(database.clone()).await, "2026-12-16");
    assert_eq!(storage::add_holiday(&database, "mesa", "2026-11-20", "Día no laborable").await.unwrap(), Ok(()));
    assert_eq!(due(database.clone()).await, "2026-12-17");
    assert_eq!(
        storage::add_holiday(&database, "mesa", "2026-11-20", "Otra vez").await.unwrap(),
        Err(HolidayRefusal::Exists)
    );
    assert_eq!(
        storage::add_holiday(&database, "mesa", "20/11/2026", "x").await.unwrap(),
        Err(HolidayRefusal::DayInvalid)
    );
    assert_eq!(storage::remove_holiday(&database, "mesa", "2026-12-08").await.unwrap(), Ok(()));
    assert_eq!(due(database.clone()).await, "2026-12-16");
    assert_eq!(storage::seed_national_holidays(&database, 2026..=2027).await.unwrap(), 16, "only 2027 is new");
    let days: Vec<String> = storage::holidays(&database).await.unwrap().into_iter().map(|h| h.day).collect();
    assert!(!days.contains(&"2026-12-08".to_string()), "a removed national holiday stays removed");
    assert!(days.contains(&"2027-12-08".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_twenty_filings_at_once_get_twenty_numbers_of_the_year_in_sequence() {
    let file = sqlite().await;
    twenty_filings_at_once_get_twenty_numbers_of_the_year_in_sequence(file.database.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_twenty_filings_at_once_get_twenty_numbers_of_the_year_in_sequence() {
    twenty_filings_at_once_get_twenty_numbers_of_the_year_in_sequence(postgres().await.database.clone()).await;
}

#[tokio::test]
async fn sqlite_only_the_right_code_opens_an_expediente() {
    let file = sqlite().await;
    only_the_right_code_opens_an_expediente(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_only_the_right_code_opens_an_expediente() {
    only_the_right_code_opens_an_expediente(postgres().await.database.clone()).await;
}

#[tokio::test]
async fn sqlite_actions_follow_the_states_stop_the_clock_while_observed_and_are_audited() {
    let file = sqlite().await;
    actions_follow_the_states_stop_the_clock_while_observed_and_are_audited(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_actions_follow_the_states_stop_the_clock_while_observed_and_are_audited() {
    actions_follow_the_states_stop_the_clock_while_observed_and_are_audited(postgres().await.database.clone()).await;
}

#[tokio::test]
async fn sqlite_a_holiday_added_or_removed_moves_open_deadlines_and_national_ones_are_preloaded_once() {
    let file = sqlite().await;
    a_holiday_added_or_removed_moves_open_deadlines_and_national_ones_are_preloaded_once(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_a_holiday_added_or_removed_moves_open_deadlines_and_national_ones_are_preloaded_once() {
    a_holiday_added_or_removed_moves_open_deadlines_and_national_ones_are_preloaded_once(
        postgres().await.database.clone(),
    )
    .await;
}
