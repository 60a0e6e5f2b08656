//! The transparency portal through the router the binary serves: pages computed from imported
//! records in both languages' number formats, filters in the query string (and wrong ones named, not
//! dropped silently), downloads equal to the page's tables, the open-data metadata, and the complaint
//! statistics never giving away a count under 10.

use crate::common;

use common::{Portal, get, portal};
use http::StatusCode;
use statistics::Month;
use statistics::generate::{Plan, generate};

async fn import_generated(portal: &Portal) -> u64 {
    let plan = Plan {
        seed: 5,
        from: Month::parse("2023-01").unwrap(),
        to: Month::parse("2026-02").unwrap(),
        per_month: Some(300),
    };
    let mut csv = statistics::record::CSV_HEADER.join(",") + "\n";
    generate(&plan, |record| record.write_csv(&mut csv).unwrap());
    app::transparency::storage::import_csv(&portal.state.database, csv.as_bytes(), |_| {}).await.unwrap().records
}

#[tokio::test]
async fn statistics_pages_show_the_published_figures_in_each_language() {
    let portal = portal().await;
    let (_, _, empty) = get(&portal, "/transparencia").await;
    assert!(empty.contains("Todavía no se han importado incidencias"), "an empty portal says so");
    import_generated(&portal).await;

    let (status, _, page) = get(&portal, "/transparencia?desde=2024-01&hasta=2024-05").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<dd id=\"figure-incidents\" class=\"key-figure__number\">104\u{a0}050<"),
        "Spanish grouping"
    );
    assert!(page.contains("41\u{a0}687"));
    assert!(page.contains("+149,6\u{a0}%"), "change with a decimal comma");
    assert!(page.contains("67,9\u{a0}%") && page.contains("55,8\u{a0}%") && page.contains("34,5\u{a0}%"));
    assert!(page.contains("role=\"img\"") && page.contains("id=\"vista-canal-chart-title\""), "accessible SVG charts");
    assert!(page.contains("<option value=\"2024-01\" selected"), "the form shows the filter");

    let (_, _, english) = get(&portal, "/en/transparencia?desde=2024-01&hasta=2024-05").await;
    assert!(
        english.contains("key-figure__number\">104,050<") && english.contains("67.9%") && english.contains("+149.6%")
    );

    let (_, _, modules) = get(&portal, "/transparencia/modulos").await;
    assert!(
        modules.contains("key-figure__number\">7\u{a0}199<"),
        "the default module period is November 2025 to February 2026"
    );
    assert!(modules.contains("1\u{a0}770") && modules.contains("1\u{a0}472") && modules.contains("52,7\u{a0}%"));

    // A zone filter narrows every breakdown; the module of zone 4 is Jorge Chávez.
    let (_, _, zone) = get(&portal, "/transparencia/modulos?zona=4").await;
    assert!(zone.contains("key-figure__number\">1\u{a0}770<"), "only the module in zone 4");
}

#[tokio::test]
async fn wrong_filters_are_named_and_the_rest_still_apply() {
    let portal = portal().await;
    import_generated(&portal).await;
    let (status, _, page) = get(&portal, "/transparencia?desde=2024-13&hasta=2024-05&zona=99&canal=whatsapp").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("class=\"error-summary\""));
    assert!(page.contains("href=\"#desde\"") && page.contains("href=\"#zona\""), "each problem links to its field");
    assert!(page.contains("<option value=\"whatsapp\" selected"), "the valid filter is kept");

    // The API names each problem with the pages' words, in the language asked for.
    let problems = |body: &str| -> Vec<(String, Vec<String>, String)> {
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["error"], "invalid_filter");
        let listed = body["problems"].as_array().unwrap();
        listed
            .iter()
            .map(|p| {
                let fields = p["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
                (p["code"].as_str().unwrap().to_string(), fields, p["message"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let (status, _, body) = get(&portal, "/datos/incidencias/canal.json?zona=99&tipo=nada").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let found = problems(&body);
    assert_eq!(found[0], ("zone".into(), vec!["zona".into()], "Elija una zona de la lista".into()), "{body}");
    assert_eq!(found[1].0, "incident_type");
    assert!(!body.contains("YYYY-MM"), "no hint about months for a zone: {body}");
    let (_, _, body) = get(&portal, "/datos/incidencias/canal.json?canal=fax&idioma=en").await;
    assert_eq!(problems(&body)[0].2, "Choose a channel from the list");
    // A reversed period concerns both ends.
    let (status, _, body) = get(&portal, "/datos/incidencias/canal.json?desde=2024-05&hasta=2024-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problems(&body)[0].0, "reversed");
    assert_eq!(problems(&body)[0].1, ["desde", "hasta"]);

    // A name given twice counts once, its last value, on the pages and in the API alike.
    let (status, _, body) =
        get(&portal, "/datos/incidencias/canal.json?zona=99&zona=4&desde=2024-01&hasta=2024-05").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, once) = get(&portal, "/datos/incidencias/canal.json?zona=4&desde=2024-01&hasta=2024-05").await;
    assert_eq!(body, once);
    let (status, _, page) = get(&portal, "/transparencia?zona=99&zona=4").await;
    assert!(
        status == StatusCode::OK && page.contains("<option value=\"4\" selected") && !page.contains("error-summary")
    );

    // The API's example answers in the page's language.
    let (_, _, english) = get(&portal, "/en/transparencia/datos").await;
    assert!(english.contains("hasta=2024-05&amp;idioma=en") && !english.contains("&amp;idioma=es"), "{english}");

    // Every other API error is JSON too.
    let (status, _, body) = get(&portal, "/datos/incidencias/nada.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"], "not_found");
    assert!(body["message"].as_str().unwrap().contains("nada.csv"));
}

#[tokio::test]
async fn downloads_equal_the_pages_and_describe_themselves() {
    let portal = portal().await;
    let records = import_generated(&portal).await;
    let (status, headers, csv) = get(&portal, "/datos/incidencias/canal.csv?desde=2024-01&hasta=2024-05").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("codigo,nombre,incidencias,porcentaje,anio_anterior,variacion"));
    let patrol = lines.next().unwrap();
    assert!(patrol.starts_with("patrullaje,Patrullaje de serenazgo,70650,67.9,"), "{patrol}");

    let (_, _, json) = get(&portal, "/datos/incidencias/tipo.json?desde=2024-01&hasta=2024-05&idioma=en").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["rows"][0]["nombre"], "Inspection and enforcement");
    assert_eq!(json["rows"][0]["incidencias"], 58_060);
    assert_eq!(json["rows"][0]["porcentaje"], 55.8);
    assert_eq!(json["filter"]["from"], "2024-01");

    let (_, headers, full) = get(&portal, "/datos/incidencias.csv").await;
    assert!(headers["content-disposition"].to_str().unwrap().contains("incidencias.csv"));
    assert_eq!(full.lines().count() as u64, records + 1, "every record and the header");
    let (_, _, full_json) = get(&portal, "/datos/incidencias.json").await;
    let all: Vec<serde_json::Value> = serde_json::from_str(&full_json).unwrap();
    assert_eq!(all.len() as u64, records);
    assert!(all.windows(2).all(|w| w[0]["fecha_hora"].as_str() <= w[1]["fecha_hora"].as_str()), "time order");

    let (_, _, package) = get(&portal, "/datos/datapackage.json").await;
    let package: serde_json::Value = serde_json::from_str(&package).unwrap();
    assert_eq!(package["resources"][0]["schema"]["fields"][2]["constraints"]["enum"][0], "patrullaje");
    let (_, _, page) = get(&portal, "/transparencia/datos").await;
    let json_ld =
        page.split("<script type=\"application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    let json_ld: serde_json::Value = serde_json::from_str(json_ld).unwrap();
    assert_eq!(json_ld["@type"][0], "Dataset");
    assert_eq!(json_ld["@type"][1], "dcat:Dataset");
    assert_eq!(json_ld["temporalCoverage"], "2023-01/2026-02");
}

/// Reports with their statuses, categories and acknowledgement days, written as the office's work
/// leaves them (the ciphertext is irrelevant to the statistics).
async fn insert_reports(portal: &Portal, reports: &[(&str, &str, Option<&str>, Option<&str>)]) {
    for (index, (received_on, status, category, acknowledged_on)) in reports.iter().enumerate() {
        sqlx::query(
            "INSERT INTO reports (id, received_on, status, lookup_hash, reply_recipient, encrypted_in, category, acknowledged_on) \
             VALUES ($1, $2, $3, $4, 'age1x', 'browser', $5, $6)",
        )
        .bind(format!("r{index:04}"))
        .bind(*received_on)
        .bind(*status)
        .bind(format!("h{index:04}"))
        .bind(*category)
        .bind(*acknowledged_on)
        .execute(portal.state.database.pool())
        .await
        .unwrap();
    }
}

/// Parses a complaint table's CSV into (row code, counts as text).
fn rows_of(csv: &str) -> Vec<(String, Vec<String>)> {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<String> = line.split(',').map(str::to_string).collect();
            (fields[0].clone(), fields[2..].to_vec())
        })
        .collect()
}

#[tokio::test]
async fn complaint_statistics_never_give_away_a_count_under_ten() {
    let portal = portal().await;
    let this_month = &portal_server::today_in_lima()[..7];
    let month = |back: i32| Month::parse(this_month).unwrap().plus(-back).to_string();
    let mut reports = Vec::new();
    let (m0, m1, m2) = (format!("{}-02", month(0)), format!("{}-03", month(1)), format!("{}-04", month(2)));
    // A busy month, a quiet one, and one with a single closed case.
    for _ in 0..30 {
        reports.push((m1.as_str(), "received", None, None));
    }
    for _ in 0..14 {
        reports.push((m1.as_str(), "under_investigation", Some("soborno"), Some(m1.as_str())));
    }
    for _ in 0..12 {
        reports.push((m2.as_str(), "received", Some("colusion"), None));
    }
    reports.push((m2.as_str(), "closed", Some("nepotismo"), Some(m2.as_str())));
    for _ in 0..3 {
        reports.push((m0.as_str(), "acknowledged", Some("soborno"), Some(m0.as_str())));
    }
    insert_reports(&portal, &reports).await;

    for table in ["por-mes", "por-categoria", "tiempo-de-acuse"] {
        let (status, _, csv) = get(&portal, &format!("/datos/denuncias/{table}.csv")).await;
        assert_eq!(status, StatusCode::OK);
        for (code, counts) in rows_of(&csv) {
            for count in &counts {
                match count.parse::<u64>() {
                    Ok(n) => assert!(n >= 10, "{table} {code}: {n} is shown"),
                    Err(_) => assert_eq!(count, "x", "{table} {code}: one mark for every hidden count"),
                }
            }
        }
    }
    // By month and status: no row or column (with its total) has exactly one hidden count, so none
    // follows by subtraction.
    let (_, _, csv) = get(&portal, "/datos/denuncias/por-mes.csv").await;
    let rows = rows_of(&csv);
    let hidden = |text: &String| text.parse::<u64>().is_err();
    for (code, counts) in &rows {
        assert_ne!(counts.iter().filter(|c| hidden(c)).count(), 1, "row {code}: {counts:?}");
    }
    for column in 0..rows[0].1.len() {
        let values: Vec<&String> = rows.iter().map(|(_, counts)| &counts[column]).collect();
        assert_ne!(values.iter().filter(|c| hidden(c)).count(), 1, "column {column}: {values:?}");
    }
    // The grand total (60) is shown alike in every table, and the quiet month is hidden.
    let (_, _, categories) = get(&portal, "/datos/denuncias/por-categoria.csv").await;
    assert_eq!(rows.last().unwrap().1.last().unwrap(), "60");
    assert_eq!(rows_of(&categories).last().unwrap().1[0], "60");
    let current = rows.iter().find(|(code, _)| *code == month(0)).unwrap();
    assert_eq!(current.1.last().unwrap(), "x", "3 reports this month");

    // The page shows the same table, and the rule.
    let (_, _, page) = get(&portal, "/transparencia/denuncias").await;
    assert!(page.contains("menor que 10"), "the rule is stated");
    assert!(!page.contains("&lt;10"), "no mark tells a small hidden count from another");
    let json: serde_json::Value = serde_json::from_str(&get(&portal, "/datos/denuncias/por-mes.json").await.2).unwrap();
    assert_eq!(json["threshold"], 10);
}
