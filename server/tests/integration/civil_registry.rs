//! Civil-registry certificates through the router the binary serves: a reserved record refused with
//! its reason and the fields kept; a request followed with its number and code; the certificate PDF,
//! whose QR code (read back from the PDF's squares as a scanner would) opens `/verificar` with the
//! signed code; the code checked online (valid, tampered, revoked) and offline with the published key
//! and the reference tools (coreutils' basenc, OpenSSL).

use crate::common::{Portal, get, portal};
use app::civil_registry::storage::{self, Applicant, NewRecord};
use app::civil_registry::{RecordKind, Relationship, Reserve};
use app::treasury::Method;
use http::StatusCode;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn post_form(portal: &Portal, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let body: String =
        fields.iter().map(|(name, value)| format!("{name}={}", form_encode(value))).collect::<Vec<_>>().join("&");
    let request = http::Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("<!>", "")
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("{start} not in the page")) + start.len();
    &page[from..from + page[from..].find(end).unwrap()]
}

const REQUEST: [(&str, &str); 7] = [
    ("kind", "nacimiento"),
    ("event_date", "2019-05-04"),
    ("id_type", "dni"),
    ("applicant_id", "45678912"),
    ("name", "Rosa Rojas Díaz"),
    ("email", "rosa@example.pe"),
    ("relationship", "padre-madre"),
];

/// The request's fields with some changed or added.
fn form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> =
        REQUEST.iter().filter(|(name, _)| !changes.iter().any(|(n, _)| n == name)).copied().collect();
    fields.extend_from_slice(changes);
    fields
}

async fn seed(portal: &Portal) {
    let record = |kind, number: &str, date: &str, names: &str, reserve| NewRecord {
        kind,
        number: number.into(),
        event_date: date.into(),
        names: names.into(),
        reserve,
    };
    let records = [
        record(RecordKind::Birth, "A-1042", "2019-05-04", "Lucía Quispe Rojas", None),
        record(RecordKind::Birth, "A-2210", "2015-08-21", "Mateo Vargas", Some(Reserve::Adoption)),
    ];
    storage::import_records(&portal.state.database, "test", &records).await.unwrap();
}

/// The QR's modules as drawn in the PDF (after a `cm` scale to one unit a module, `column row run 1 re`
/// rectangles, rows from the bottom), rendered 4 pixels a module with a white margin and decoded.
fn qr_in_pdf(pdf: &[u8]) -> String {
    let text = String::from_utf8_lossy(pdf);
    let runs: Vec<(usize, usize, usize)> = text
        .lines()
        .filter(|line| line.ends_with(" re"))
        .map(|line| {
            let numbers: Vec<usize> = line.split_whitespace().take(3).map(|n| n.parse().unwrap()).collect();
            (numbers[0], numbers[1], numbers[2])
        })
        .collect();
    assert!(runs.len() > 100, "the PDF draws a QR code");
    let modules = runs.iter().map(|(column, row, run)| (column + run).max(row + 1)).max().unwrap();
    let (scale, margin) = (4, 8);
    let size = (modules + 2 * margin) * scale;
    let mut dark = vec![false; size * size];
    for (column, row, run) in runs {
        let top_row = modules - 1 - row;
        for module in column..column + run {
            for dy in 0..scale {
                for dx in 0..scale {
                    dark[((top_row + margin) * scale + dy) * size + (module + margin) * scale + dx] = true;
                }
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| if dark[y * size + x] { 0 } else { 255 });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn a_certificate_is_requested_paid_issued_checked_online_and_offline_and_revoked() {
    let portal = portal().await;
    seed(&portal).await;
    let uri = app::civil_registry::paths::REQUEST_POST.path();

    // A reserved record: refused with the reason, every field kept.
    let reserved = form(&[("record_number", "A-2210"), ("event_date", "2015-08-21")]);
    let (status, _, page) = post_form(&portal, uri, &reserved).await;
    let page = text(&page);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("adopción"), "the page says why");
    assert!(page.contains("value=\"Rosa Rojas Díaz\"") && page.contains("value=\"A-2210\""));

    // Unknown, and then a good request: its number and code are shown once.
    let unknown = form(&[("record_number", "A-9999")]);
    let (status, _, page) = post_form(&portal, uri, &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&page).contains("No encontramos una partida"));
    let good = form(&[("record_number", "a-1042")]);
    let (status, _, page) = post_form(&portal, uri, &good).await;
    let page = text(&page);
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let number = between(&page, "id=\"receipt-number\" class=\"receipt__number\">", "<").to_string();
    let code = between(&page, "id=\"receipt-code\" class=\"receipt__number\">", "<").to_string();
    assert!(number.starts_with("RC-"), "{number}");

    // A wrong code and an unknown number: the same answer.
    let follow = app::civil_registry::paths::FOLLOW_POST.path();
    let (wrong, _, wrong_page) = post_form(&portal, follow, &[("number", &number), ("code", "AAAAA-AAAAA")]).await;
    let (missing, _, missing_page) = post_form(&portal, follow, &[("number", "RC-2026-999999"), ("code", &code)]).await;
    assert_eq!((wrong, missing), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY));
    let notice = |page: &[u8]| between(&text(page), "class=\"error-summary\"", "</ul>").to_string();
    assert_eq!(notice(&wrong_page), notice(&missing_page));

    // Paid (the provider's word, as settle applies it), then issued by the registry's staff.
    let database = &portal.state.database;
    let request = storage::load(database, &number).await.unwrap().unwrap();
    let payment = app::treasury::storage::create_fee_payment(database, &request.id, &number, request.fee, Method::Card)
        .await
        .unwrap();
    app::treasury::storage::record_charge(database, &payment.id, "ch_test_1", None, None).await.unwrap();
    app::treasury::storage::apply_provider_status(database, "ch_test_1", "paid", 1).await.unwrap();
    let signing = &portal.state.civil_registry.signing;
    storage::issue(database, "registrador", &number, signing, "2026-12-03").await.unwrap().unwrap();

    let (status, _, page) = post_form(&portal, follow, &[("number", &number), ("code", &code)]).await;
    let page = text(&page);
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-state=\"issued\""));
    let seal_code = between(&page, "id=\"seal-code\"", "</code>").rsplit('>').next().unwrap().to_string();

    // The PDF: its QR opens /verificar with exactly that code.
    let download = app::civil_registry::paths::DOWNLOAD_POST.path();
    let (status, headers, pdf) = post_form(&portal, download, &[("number", &number), ("code", &code)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[http::header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
    // Lines with Spanish letters are written as hex strings of their WinAnsi bytes (í is 0xED).
    let hex = String::from_utf8_lossy(&pdf).to_lowercase();
    assert!(hex.contains(&envelope::hex_lower(b"Luc\xeda Quispe Rojas")), "the names, in WinAnsi");
    // 142 KB when each module was a rectangle of floats; ~21 KB as integer runs on a scaled grid.
    assert!(pdf.len() < 40_000, "a certificate is tens of kilobytes at most: {} bytes", pdf.len());
    let scanned = qr_in_pdf(&pdf);
    assert_eq!(scanned, format!("{}/verificar?c={seal_code}", portal.state.site_url));

    // Online: valid; one letter of the data changed: refused.
    let verify_path = scanned.trim_start_matches(&portal.state.site_url).to_string();
    let (status, _, page) = get(&portal, &verify_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-status=\"valid\"") && page.contains("Lucía Quispe Rojas"));
    let (data, signature) = seal_code.split_once('.').unwrap();
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE;
    let forged = String::from_utf8(engine.decode(data).unwrap()).unwrap().replace("Lucía", "Lucas");
    let tampered = format!("{}.{signature}", engine.encode(forged));
    let (status, _, page) = get(&portal, &format!("/verificar?c={tampered}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("no es válido"));

    // Offline, with the published key and the reference tools, as /verificar explains.
    let (status, _, pem) = get(&portal, app::civil_registry::paths::PUBLIC_KEY).await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clave-publica.pem"), pem).unwrap();
    let offline = |code: &str| {
        let script = "set -e; printf '%s' \"${C%%.*}\" | basenc --base64url -d > datos.txt; \
                      printf '%s' \"${C#*.}\" | basenc --base64url -d > firma.bin; \
                      openssl pkeyutl -verify -pubin -inkey clave-publica.pem -rawin -in datos.txt -sigfile firma.bin";
        let output = std::process::Command::new("bash")
            .args(["-c", script])
            .env("C", code)
            .current_dir(dir.path())
            .output()
            .expect("bash, basenc and openssl run");
        (output.status.success(), String::from_utf8_lossy(&output.stdout).to_string())
    };
    let (ok, said) = offline(&seal_code);
    assert!(ok && said.contains("Signature Verified Successfully"), "{said}");
    assert!(std::fs::read_to_string(dir.path().join("datos.txt")).unwrap().contains("nombres:Lucía Quispe Rojas"));
    assert!(!offline(&tampered).0, "openssl refuses the tampered code too");

    // Revoked: /verificar says so, with the reason; the PDF is no longer handed out.
    storage::revoke(database, "registrador", &number, "Expedida con un error en la fecha").await.unwrap().unwrap();
    let (status, _, page) = get(&portal, &verify_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-status=\"revoked\"") && page.contains("Expedida con un error en la fecha"));
    let (status, headers, _) = post_form(&portal, download, &[("number", &number), ("code", &code)]).await;
    assert_ne!(
        headers.get(http::header::CONTENT_TYPE).map(|v| v.to_str().unwrap()),
        Some("application/pdf"),
        "{status}"
    );
}

#[tokio::test]
async fn a_request_cannot_be_issued_unpaid_or_twice_and_its_fee_is_paid_once() {
    let portal = portal().await;
    seed(&portal).await;
    let database = &portal.state.database;
    let record = storage::find_record(database, RecordKind::Birth, "A-1042", "2019-05-04").await.unwrap().unwrap();
    let applicant = Applicant {
        id_type: "dni".into(),
        id: "45678912".into(),
        name: "Rosa".into(),
        email: "rosa@example.pe".into(),
        relationship: Relationship::Parent,
    };
    let requested = storage::request(database, &record, &applicant, 2026).await.unwrap();
    let signing = &portal.state.civil_registry.signing;
    let issue = || storage::issue(database, "registrador", &requested.number, signing, "2026-12-03");
    assert_eq!(issue().await.unwrap(), Err(storage::IssueRefusal::NotPaid));
    // Two payments, both confirmed by the provider: one pays, the other is a duplicate to refund.
    let request = storage::load(database, &requested.number).await.unwrap().unwrap();
    for (index, charge) in ["ch_a", "ch_b"].into_iter().enumerate() {
        let payment =
            app::treasury::storage::create_fee_payment(database, &request.id, &request.number, 1_000, Method::Cash)
                .await
                .unwrap();
        app::treasury::storage::record_charge(database, &payment.id, charge, Some("CIP"), None).await.unwrap();
        let applied = app::treasury::storage::apply_provider_status(database, charge, "paid", 1).await.unwrap();
        match index {
            0 => assert_eq!(applied, app::treasury::storage::Applied::Paid),
            _ => assert!(matches!(applied, app::treasury::storage::Applied::Duplicate { .. }), "{applied:?}"),
        }
    }
    assert!(issue().await.unwrap().is_ok());
    assert_eq!(issue().await.unwrap(), Err(storage::IssueRefusal::AlreadyIssued));
    assert_eq!(
        storage::revoke(database, "registrador", &requested.number, "  ").await.unwrap(),
        Err(storage::RevokeRefusal::ReasonMissing)
    );
}

#[tokio::test]
async fn a_wrong_pair_at_pay_or_download_spends_one_slot_of_the_budget() {
    let portal = crate::common::portal_configured(|text| {
        portal_server::config::set_key(&text, "tramites.wrong_lookups_per_minute", "2")
    })
    .await;
    let wrong = [("number", "RC-2026-000001"), ("code", "AAAAA-AAAAA"), ("method", "card")];
    // Two slots: one wrong pay and one wrong download are both tried (422); only the third waits (429).
    let (pay, _, _) = post_form(&portal, app::civil_registry::paths::PAY_POST.path(), &wrong).await;
    let (download, _, _) = post_form(&portal, app::civil_registry::paths::DOWNLOAD_POST.path(), &wrong).await;
    let (third, _, _) = post_form(&portal, app::civil_registry::paths::FOLLOW_POST.path(), &wrong).await;
    assert_eq!(
        (pay, download, third),
        (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY, StatusCode::TOO_MANY_REQUESTS)
    );
}
