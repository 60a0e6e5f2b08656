//! The front desk through the router the binary serves: a filing as a browser sends it (multipart),
//! refused documents leaving nothing behind, a wrong code and an unknown number answered alike, the
//! portal-wide budget of wrong lookups, and the open data with its datapackage entries.

use crate::common::{Portal, get, multipart, portal_configured};
use http::StatusCode;
use http_body_util::BodyExt;
use tower::ServiceExt;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

async fn portal_with(wrong_lookups_per_minute: u32) -> Portal {
    let budget = wrong_lookups_per_minute.to_string();
    portal_configured(|text| portal_server::config::set_key(&text, "tramites.wrong_lookups_per_minute", &budget)).await
}

async fn post(portal: &Portal, uri: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, String) {
    let request =
        http::Request::post(uri).header("content-type", content_type).body(axum::body::Body::from(body)).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).replace("<!>", ""))
}

const APPLICANT: [(&str, &str); 7] = [
    ("id_type", "ruc"),
    ("applicant_id", "20131312955"),
    ("name", "Empresa de prueba SAC"),
    ("address", "Av. Larco 400"),
    ("email", "mesa@empresa.pe"),
    ("procedure", "AIP-01"),
    ("subject", "Solicito la lista de licencias otorgadas en 2026"),
];

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("{start} not in the page")) + start.len();
    &page[from..from + page[from..].find(end).unwrap()]
}

fn stored_documents(portal: &Portal) -> usize {
    let dir = portal.state.tramites.store.local_path("").unwrap();
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().file_name().to_string_lossy().ends_with(".pdf"))
        .count()
}

#[tokio::test]
async fn a_filing_is_refused_without_keeping_its_files_then_filed_and_tracked() {
    let portal = portal_with(60).await;
    let uri = app::tramites::paths::FILE_POST.path();
    let (content_type, body) = multipart(&APPLICANT, &[("documents", "foto.pdf", b"\x89PNG not a pdf")]);
    let (status, page) = post(&portal, uri, &content_type, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Solo se aceptan documentos PDF"));
    assert!(page.contains("Solicito la lista de licencias otorgadas en 2026"), "what was typed is kept");
    let (content_type, body) =
        multipart(&APPLICANT, &[("documents", "a.pdf", PDF), ("documents", "b.pdf", b"%PDF-1.4 cut off")]);
    let (status, _) = post(&portal, uri, &content_type, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored_documents(&portal), 0, "a refused filing keeps none of its documents, the good one included");

    let (content_type, body) = multipart(&APPLICANT, &[("documents", "solicitud.pdf", PDF)]);
    let (status, receipt) = post(&portal, uri, &content_type, body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(stored_documents(&portal), 1);
    let number = between(&receipt, "id=\"receipt-number\" class=\"receipt__number\">", "<").to_string();
    let code = between(&receipt, "id=\"receipt-code\" class=\"receipt__number\">", "<").to_string();
    let track = app::tramites::paths::TRACK_POST.path();
    let form = "application/x-www-form-urlencoded";
    let (status, page) = post(&portal, track, form, format!("number={number}&code={code}").into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Presentado, por recibir") && page.contains("solicitud.pdf"));
    let (wrong_status, wrong) =
        post(&portal, track, form, format!("number={number}&code=AAAAAAAAAA").into_bytes()).await;
    let (unknown_status, unknown) =
        post(&portal, track, form, format!("number=2026-999999&code={code}").into_bytes()).await;
    assert_eq!((wrong_status, unknown_status), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY));
    let summary = |page: &str| between(page, "id=\"track-errors\"", "</div>").to_string();
    assert_eq!(summary(&wrong), summary(&unknown));
    // The document is downloaded with the number and code, as a PDF attachment.
    let id = between(&page, "name=\"id\" value=\"", "\"").to_string();
    let request = http::Request::post(app::tramites::paths::DOCUMENT_POST.path())
        .header("content-type", form)
        .body(axum::body::Body::from(format!("number={number}&code={code}&id={id}")))
        .unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"solicitud.pdf\"")
    );
    assert_eq!(&response.into_body().collect().await.unwrap().to_bytes()[..], PDF);
}

#[tokio::test]
async fn wrong_lookups_spend_a_portal_wide_budget_after_which_even_a_right_pair_waits() {
    let portal = portal_with(3).await;
    let (content_type, body) = multipart(&APPLICANT, &[("documents", "solicitud.pdf", PDF)]);
    let (_, receipt) = post(&portal, app::tramites::paths::FILE_POST.path(), &content_type, body).await;
    let number = between(&receipt, "id=\"receipt-number\" class=\"receipt__number\">", "<").to_string();
    let code = between(&receipt, "id=\"receipt-code\" class=\"receipt__number\">", "<").to_string();
    let track = app::tramites::paths::TRACK_POST.path();
    let form = "application/x-www-form-urlencoded";
    for _ in 0..5 {
        let (status, _) = post(&portal, track, form, format!("number={number}&code={code}").into_bytes()).await;
        assert_eq!(status, StatusCode::OK, "right lookups are not counted");
    }
    for guess in 0..3 {
        let (status, _) =
            post(&portal, track, form, format!("number={number}&code=GUESS{guess:05}").into_bytes()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, page) = post(&portal, track, form, format!("number={number}&code={code}").into_bytes()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "once spent, a right pair is not told apart from a wrong one");
    assert!(page.contains("demasiadas consultas equivocadas"));
}

#[tokio::test]
async fn open_data_counts_filings_by_month_and_procedure_and_is_in_the_datapackage() {
    let portal = portal_with(60).await;
    for _ in 0..2 {
        let (content_type, body) = multipart(&APPLICANT, &[("documents", "solicitud.pdf", PDF)]);
        let (status, _) = post(&portal, app::tramites::paths::FILE_POST.path(), &content_type, body).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let month = &app::tramites::calendar::format_iso(app::tramites::storage::today_in_lima())[..7];
    let (status, headers, csv) = get(&portal, "/datos/expedientes/por-mes.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(
        csv.trim_start_matches('\u{feff}'),
        format!("mes,procedimiento,nombre,expedientes\r\n{month},AIP-01,Acceso a la información pública,2\r\n")
    );
    let (status, _, json) = get(&portal, "/datos/expedientes/tiempo-de-atencion.json").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 0, "nothing resolved yet");
    let (status, _, _) = get(&portal, "/datos/expedientes/otra.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, package) = get(&portal, "/datos/datapackage.json").await;
    assert!(
        package.contains("/datos/expedientes/por-mes.csv")
            && package.contains("/datos/expedientes/tiempo-de-atencion.csv")
    );
}

#[tokio::test]
async fn a_paid_payment_has_a_pdf_receipt_and_its_code_finds_it() {
    use app::treasury::storage as treasury;
    let portal = portal_with(60).await;
    let database = &portal.state.database;
    let taxpayers =
        [treasury::NewTaxpayer { code: "T0000777".into(), check: "Q9".into(), name: "Ñusta Huamán".into() }];
    let items = [treasury::NewItem {
        taxpayer: "T0000777".into(),
        property: "Calle Schell 150".into(),
        concept: app::treasury::Concept::Predial,
        year: 2026,
        period: 1,
        due_on: time::macros::date!(2026 - 02 - 27),
        principal: 123_456,
        adjustment: 0,
        discount: 0,
    }];
    treasury::import(database, "tesoreria", &taxpayers, &items).await.unwrap();
    let today = time::macros::date!(2026 - 02 - 01);
    let statement = treasury::statement(database, "T0000777", "Q9", today, 90).await.unwrap().unwrap();
    let ids = vec![statement.lines[0].id.clone()];
    let payment =
        treasury::create_payment(database, &statement, &ids, app::treasury::Method::Card).await.unwrap().unwrap();
    treasury::record_charge(database, &payment.id, "ch_pdf", None, None).await.unwrap();
    treasury::apply_provider_status(database, "ch_pdf", "paid", 1).await.unwrap();
    let paid = treasury::payment(database, &payment.id, today, 90).await.unwrap().unwrap();
    let code = paid.receipt_code.unwrap();

    let request = http::Request::get(format!("/tributos/recibo.pdf?id={}&idioma=es", payment.id))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    assert!(
        bytes.starts_with(b"%PDF-1.") && app::tramites::fields::looks_like_pdf(&bytes[..8], &bytes[bytes.len() - 64..])
    );
    // The cross-reference table is where the trailer says, as a reader looks for it.
    let text = String::from_utf8_lossy(&bytes);
    let at: usize = text.rsplit("startxref").next().unwrap().split_whitespace().next().unwrap().parse().unwrap();
    assert!(bytes[at..].starts_with(b"xref"), "startxref points at the table");
    // Text as the PDF writes it: ASCII lines as literal strings, lines with Spanish letters (WinAnsi
    // bytes) as hex strings.
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|window| window == needle);
    let lower = text.to_lowercase();
    let hex_contains = |needle: &[u8]| lower.contains(&envelope::hex_lower(needle));
    assert!(contains(b"(Recibo de pago)") && contains(b"(Municipalidad de Miraflores)"));
    assert!(hex_contains(b"C\xf3digo de verificaci\xf3n: "), "ó as WinAnsi 0xF3");
    assert!(
        hex_contains(b"1\xa0234,56") && hex_contains(b"T0000777"),
        "the amount (grouped with a no-break space) and the taxpayer"
    );
    assert!(hex_contains(app::tramites::format_code(&code).as_bytes()));
    assert!(contains(format!("/tributos/recibo?codigo={code}").as_bytes()));
    // The code finds the receipt; an unpaid or unknown id has none.
    let (status, _, page) = get(&portal, &format!("/tributos/recibo?codigo={}", code.to_lowercase())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&app::tramites::format_code(&code)));
    let (status, _, _) = get(&portal, "/tributos/recibo.pdf?id=nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
