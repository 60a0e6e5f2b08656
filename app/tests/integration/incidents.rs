//! Incident import and the statistics computed from what was stored, on SQLite and PostgreSQL: the
//! published figures from generated raw records, validation with line numbers, idempotent re-import,
//! corrections that move a record between months, and the in-memory cube following imports.
#![cfg(feature = "ssr")]

use app::platform::database::Database;
use app::transparency::storage::{
    CubeCache, ImportError, LineError, dataset_version, import_csv, incidents_after, load_cube,
};
use statistics::format::{change_tenths, share_tenths};
use statistics::generate::{Plan, generate};
use statistics::{Channel, Filter, FilterQuery, IncidentType, Module, Month};

use crate::common;
use common::{postgres, sqlite};

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn generated_csv(plan: &Plan) -> String {
    let mut csv = statistics::record::CSV_HEADER.join(",") + "\n";
    generate(plan, |record| record.write_csv(&mut csv).unwrap());
    csv
}

/// The figures the municipality published, at the precision it published them, computed by the
/// portal (import, stored counts, cube, overview) from generated raw records.
async fn published_figures_come_out_of_generated_records(db: &Database) {
    // Outside the published windows a lighter volume keeps the test quick; the windows are exact
    // whatever the volume elsewhere.
    let plan = Plan { seed: 2024, from: month("2023-01"), to: month("2026-02"), per_month: Some(1_500) };
    let summary = import_csv(db, generated_csv(&plan).as_bytes(), |_| {}).await.unwrap();
    assert_eq!(summary.written, summary.records);
    assert_eq!(summary.months_recounted, 38);
    let cube = load_cube(db).await.unwrap();
    assert_eq!(cube.total(), summary.records);

    let range = cube.data_range().unwrap();
    let query = FilterQuery { from: Some("2024-01".into()), to: Some("2024-05".into()), ..Default::default() };
    let (filter, problems) = Filter::resolve(&query, range);
    assert!(problems.is_empty());
    let central = cube.overview(&filter);
    assert_eq!(central.incidents, 104_050, "January–May 2024");
    assert_eq!(central.previous, 41_687, "January–May 2023");
    let change = change_tenths(central.incidents, central.previous).unwrap();
    assert_eq!((change + 5) / 10, 150, "+150 % at whole-percent precision ({change} tenths)");
    let share = |count: u64| share_tenths(count, central.incidents).unwrap();
    let channel = |c: Channel| central.by_channel.iter().find(|row| row.key == c).unwrap().incidents;
    assert_eq!(share(channel(Channel::Patrol)), 679);
    assert_eq!(share(channel(Channel::VideoSurveillance)), 144);
    assert_eq!(share(channel(Channel::WhatsApp)), 104);
    assert_eq!(share(channel(Channel::Phone)), 69);
    assert!(share(channel(Channel::SocialMedia)) < 10, "under 1 %");
    let incident_type = |t: IncidentType| central.by_type.iter().find(|row| row.key == t).unwrap().incidents;
    assert_eq!(share(incident_type(IncidentType::Fiscalizacion)), 558);
    assert_eq!(share(incident_type(IncidentType::SeguridadCiudadana)), 345);

    let query = FilterQuery {
        from: Some("2025-11".into()),
        to: Some("2026-02".into()),
        channel: Some("modulo".into()),
        ..Default::default()
    };
    let (filter, _) = Filter::resolve(&query, range);
    let modules = cube.overview(&filter);
    assert_eq!(modules.incidents, 7_199, "module attentions November 2025–February 2026");
    let share = |count: u64| share_tenths(count, modules.incidents).unwrap();
    let module_type = |t: IncidentType| modules.by_type.iter().find(|row| row.key == t).unwrap().incidents;
    assert_eq!(share(module_type(IncidentType::Fiscalizacion)), 527);
    assert_eq!(share(module_type(IncidentType::SeguridadCiudadana)), 326);
    assert_eq!(share(module_type(IncidentType::ObrasServicios)), 123);
    let mut by_module = modules.by_module.clone();
    by_module.sort_by_key(|row| std::cmp::Reverse(row.incidents));
    assert_eq!((by_module[0].key, by_module[0].incidents), (Module::JorgeChavez, 1_770));
    assert_eq!((by_module[1].key, by_module[1].incidents), (Module::FranciscoDeZela, 1_472));
    assert_eq!(modules.by_zone[3].incidents, 1_770, "Jorge Chávez is in zone 4");
}

async fn invalid_files_import_nothing_and_name_their_lines(db: &Database) {
    let header = "id,fecha_hora,canal,tipo,subtipo,zona,modulo\n";
    let file = format!(
        "{header}A-1,2024-01-05T10:00,patrullaje,fiscalizacion,ruidos_molestos,4,\n\
         A-2,2024-01-05T10:00,fax,fiscalizacion,,4,\n\
         A-3,2024-02-30T10:00,patrullaje,fiscalizacion,,15,\n\
         \"A-1\",2024-01-06T11:00,whatsapp,defensa_civil,,2,\n"
    );
    let Err(ImportError::Invalid { count, errors }) = import_csv(db, file.as_bytes(), |_| {}).await else {
        panic!("must be refused")
    };
    assert_eq!(count, 4);
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(lines[0].starts_with("line 3: canal \"fax\" is not one of: patrullaje"), "{lines:?}");
    assert!(lines[1].starts_with("line 4: fecha_hora \"2024-02-30T10:00\""), "{lines:?}");
    assert!(lines[2].starts_with("line 4: zona \"15\""), "{lines:?}");
    assert_eq!(errors[3], LineError::Duplicate { line: 5, id: "A-1".into(), first: 2 });
    assert_eq!(load_cube(db).await.unwrap().total(), 0, "nothing imported");
    assert_eq!(dataset_version(db).await.unwrap(), 0);

    let wrong_header = "id;fecha_hora;canal\nA-1;2024-01-05T10:00;patrullaje\n";
    assert!(matches!(import_csv(db, wrong_header.as_bytes(), |_| {}).await, Err(ImportError::Header { .. })));
}

async fn reimport_is_idempotent_and_corrections_move_counts(db: &Database) {
    let plan = Plan { seed: 9, from: month("2024-06"), to: month("2024-07"), per_month: Some(400) };
    let csv = generated_csv(&plan);
    let first = import_csv(db, csv.as_bytes(), |_| {}).await.unwrap();
    let version = dataset_version(db).await.unwrap();
    let cache = CubeCache::default();
    let before = cache.cube(db).await.unwrap();
    assert_eq!(before.total(), first.records);

    let again = import_csv(db, csv.as_bytes(), |_| {}).await.unwrap();
    assert_eq!((again.records, again.written, again.unchanged), (first.records, 0, first.records));
    assert_eq!(dataset_version(db).await.unwrap(), version, "an import that changes nothing keeps the version");
    assert!(std::sync::Arc::ptr_eq(&before, &cache.cube(db).await.unwrap()), "and the cached cube");

    // Correct the first June record into July: June loses one, July gains one.
    let june = |cube: &statistics::Cube| {
        cube.cells().iter().filter(|c| c.month == month("2024-06")).map(|c| c.incidents).sum::<u64>()
    };
    let july = |cube: &statistics::Cube| {
        cube.cells().iter().filter(|c| c.month == month("2024-07")).map(|c| c.incidents).sum::<u64>()
    };
    let first_line = csv.lines().nth(1).unwrap();
    let corrected = first_line.replacen(",2024-06-", ",2024-07-", 1);
    assert_ne!(first_line, corrected);
    let file = format!("{}\n{corrected}\n", statistics::record::CSV_HEADER.join(","));
    let correction = import_csv(db, file.as_bytes(), |_| {}).await.unwrap();
    assert_eq!((correction.written, correction.months_recounted), (1, 2));
    let after = cache.cube(db).await.unwrap();
    assert_eq!(dataset_version(db).await.unwrap(), version + 1);
    assert_eq!((june(&after), july(&after)), (june(&before) - 1, july(&before) + 1));
    assert_eq!(after.total(), before.total());

    // The full data set reads back in time order, page by page.
    let mut seen = 0u64;
    let mut last: Option<(String, String)> = None;
    loop {
        let page = incidents_after(db, last.as_ref().map(|(t, i)| (t.as_str(), i.as_str())), 300).await.unwrap();
        let Some(tail) = page.last() else { break };
        if let Some((time, _)) = &last {
            assert!(page[0].occurred_at >= *time);
        }
        seen += page.len() as u64;
        last = Some((tail.occurred_at.clone(), tail.id.clone()));
    }
    assert_eq!(seen, first.records);
}

#[tokio::test]
async fn sqlite_published_figures_come_out_of_generated_records() {
    published_figures_come_out_of_generated_records(&sqlite().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_published_figures_come_out_of_generated_records() {
    published_figures_come_out_of_generated_records(&postgres().await.database).await;
}

#[tokio::test]
async fn sqlite_invalid_files_import_nothing_and_name_their_lines() {
    invalid_files_import_nothing_and_name_their_lines(&sqlite().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_invalid_files_import_nothing_and_name_their_lines() {
    invalid_files_import_nothing_and_name_their_lines(&postgres().await.database).await;
}

#[tokio::test]
async fn sqlite_reimport_is_idempotent_and_corrections_move_counts() {
    reimport_is_idempotent_and_corrections_move_counts(&sqlite().await.database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_reimport_is_idempotent_and_corrections_move_counts() {
    reimport_is_idempotent_and_corrections_move_counts(&postgres().await.database).await;
}
