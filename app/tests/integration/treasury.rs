//! Treasury storage on SQLite and PostgreSQL: a statement only with the right check value, interest to
//! the day, and the rule that an item is paid once, ever: twenty payments of the same items confirmed
//! at once apply exactly one; the others are duplicates to refund. Repeated and stale words from the
//! provider change nothing.

use crate::common::{postgres, sqlite};
use app::platform::database::Database;
use app::treasury::storage::{self, Applied, NewItem, NewTaxpayer};
use app::treasury::{Concept, Method, PaymentStatus};
use time::macros::date;

async fn seed(database: &Database) {
    let taxpayers = [NewTaxpayer { code: "T0012345".into(), check: "K7M2".into(), name: "Ana Quispe".into() }];
    let item = |concept, period, due, principal| NewItem {
        taxpayer: "T0012345".into(),
        property: "Av. Larco 400".into(),
        concept,
        year: 2026,
        period,
        due_on: due,
        principal,
        adjustment: 0,
        discount: 0,
    };
    let items = [
        item(Concept::Predial, 1, date!(2026 - 02 - 27), 25_000),
        item(Concept::Predial, 2, date!(2026 - 05 - 29), 25_000),
        item(Concept::Parks, 1, date!(2026 - 02 - 27), 3_050),
    ];
    assert_eq!(storage::import(database, "tesoreria", &taxpayers, &items).await.unwrap(), 3);
    assert_eq!(storage::import(database, "tesoreria", &taxpayers, &items).await.unwrap(), 0, "an import can run again");
}

async fn statement_needs_the_check_value_and_counts_interest_to_the_day(database: Database) {
    seed(&database).await;
    let today = date!(2026 - 03 - 29);
    assert!(storage::statement(&database, "T0012345", "K7M3", today, 90).await.unwrap().is_none());
    assert!(storage::statement(&database, "T9999999", "K7M2", today, 90).await.unwrap().is_none());
    let statement = storage::statement(&database, "T0012345", " k7m2 ", today, 90).await.unwrap().unwrap();
    // 30 days late at 0.90 % a month: 30.50 → 0.27 and 250.00 → 2.25 of interest; the May instalment is
    // not due yet. (Lines by due date, then property and concept.)
    let lines: Vec<(i64, i64)> = statement.lines.iter().map(|line| (line.interest, line.total)).collect();
    assert_eq!(lines, [(27, 3_077), (225, 25_225), (0, 25_000)]);
    assert_eq!(statement.owed(), 53_302);
}

async fn twenty_payments_of_the_same_items_apply_exactly_once(database: Database) {
    seed(&database).await;
    let statement =
        storage::statement(&database, "T0012345", "K7M2", date!(2026 - 02 - 01), 90).await.unwrap().unwrap();
    let items: Vec<String> = statement.lines.iter().take(2).map(|line| line.id.clone()).collect();
    let mut charges = Vec::new();
    for i in 0..20 {
        let payment = storage::create_payment(&database, &statement, &items, Method::Card).await.unwrap().unwrap();
        let charge = format!("ch_{i}");
        storage::record_charge(&database, &payment.id, &charge, None, None).await.unwrap();
        charges.push(charge);
    }
    let tasks: Vec<_> = charges
        .iter()
        .map(|charge| {
            let (database, charge) = (database.clone(), charge.clone());
            tokio::spawn(async move { storage::apply_provider_status(&database, &charge, "paid", 1).await.unwrap() })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|outcome| **outcome == Applied::Paid).count(), 1);
    let duplicates: Vec<&Applied> =
        outcomes.iter().filter(|outcome| matches!(outcome, Applied::Duplicate { .. })).collect();
    assert_eq!(duplicates.len(), 19);
    // A repeated notification and a stale one change nothing; the refund of a duplicate is recorded.
    let paid = charges.iter().zip(&outcomes).find(|(_, outcome)| **outcome == Applied::Paid).unwrap().0;
    assert_eq!(storage::apply_provider_status(&database, paid, "paid", 1).await.unwrap(), Applied::Unchanged);
    assert_eq!(storage::apply_provider_status(&database, paid, "expired", 0).await.unwrap(), Applied::Unchanged);
    let Applied::Duplicate { charge, .. } = duplicates[0] else { unreachable!() };
    assert_eq!(
        storage::apply_provider_status(&database, charge, "refunded", 2).await.unwrap(),
        Applied::Ended(PaymentStatus::Refunded)
    );
    let after = storage::statement(&database, "T0012345", "K7M2", date!(2026 - 02 - 01), 90).await.unwrap().unwrap();
    let paid_by: Vec<Option<String>> = after.lines.iter().map(|line| line.paid_by.clone()).collect();
    assert!(paid_by[0].is_some() && paid_by[0] == paid_by[1] && paid_by[2].is_none());
    // A payment of a paid item cannot even start.
    assert_eq!(
        storage::create_payment(&database, &after, &items[..1], Method::Cash).await.unwrap(),
        Err(storage::PaymentRefusal::NotPayable)
    );
    let statuses: Vec<PaymentStatus> =
        storage::recent_payments(&database, 50).await.unwrap().into_iter().map(|payment| payment.status).collect();
    assert_eq!(statuses.iter().filter(|status| **status == PaymentStatus::Paid).count(), 1);
    assert_eq!(statuses.iter().filter(|status| **status == PaymentStatus::Duplicate).count(), 18);
    assert_eq!(statuses.iter().filter(|status| **status == PaymentStatus::Refunded).count(), 1);
    let entries = app::platform::audit::entries_after(&database, 0).await.unwrap();
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
}

async fn a_cash_code_expires_and_a_late_word_cannot_undo_a_payment(database: Database) {
    seed(&database).await;
    let statement =
        storage::statement(&database, "T0012345", "K7M2", date!(2026 - 02 - 01), 90).await.unwrap().unwrap();
    let items = vec![statement.lines[2].id.clone()];
    let cash = storage::create_payment(&database, &statement, &items, Method::Cash).await.unwrap().unwrap();
    storage::record_charge(&database, &cash.id, "ch_cash", Some("12345678"), Some("2026-02-02T05:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        storage::apply_provider_status(&database, "ch_cash", "expired", 1).await.unwrap(),
        Applied::Ended(PaymentStatus::Expired)
    );
    let card = storage::create_payment(&database, &statement, &items, Method::Card).await.unwrap().unwrap();
    storage::record_charge(&database, &card.id, "ch_card", None, None).await.unwrap();
    assert_eq!(storage::apply_provider_status(&database, "ch_card", "paid", 2).await.unwrap(), Applied::Paid);
    // Out of order: the charge's first word (pending, sequence 1) arrives after its second.
    assert_eq!(storage::apply_provider_status(&database, "ch_card", "declined", 1).await.unwrap(), Applied::Unchanged);
    assert_eq!(storage::apply_provider_status(&database, "ch_unknown", "paid", 1).await.unwrap(), Applied::Unchanged);
    let payment = storage::payment(&database, &card.id, date!(2026 - 02 - 01), 90).await.unwrap().unwrap();
    assert_eq!(payment.status, PaymentStatus::Paid);
    assert!(payment.receipt_code.as_deref().is_some_and(|code| code.len() == 10));
    assert_eq!(
        storage::payment_by_receipt(&database, payment.receipt_code.as_deref().unwrap()).await.unwrap(),
        Some(card.id)
    );
}

#[tokio::test]
async fn sqlite_statement_needs_the_check_value_and_counts_interest_to_the_day() {
    let file = sqlite().await;
    statement_needs_the_check_value_and_counts_interest_to_the_day(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_statement_needs_the_check_value_and_counts_interest_to_the_day() {
    statement_needs_the_check_value_and_counts_interest_to_the_day(postgres().await.database.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_twenty_payments_of_the_same_items_apply_exactly_once() {
    let file = sqlite().await;
    twenty_payments_of_the_same_items_apply_exactly_once(file.database.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_twenty_payments_of_the_same_items_apply_exactly_once() {
    twenty_payments_of_the_same_items_apply_exactly_once(postgres().await.database.clone()).await;
}

#[tokio::test]
async fn sqlite_a_cash_code_expires_and_a_late_word_cannot_undo_a_payment() {
    let file = sqlite().await;
    a_cash_code_expires_and_a_late_word_cannot_undo_a_payment(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_a_cash_code_expires_and_a_late_word_cannot_undo_a_payment() {
    a_cash_code_expires_and_a_late_word_cannot_undo_a_payment(postgres().await.database.clone()).await;
}
