//! Requests for quotation through the router the binary serves, with the committee's own tool: a key
//! split 2-of-3, a request published by the committee's form (refused first with every field kept); a
//! bid encrypted to the tender's key with proof of work, stored as ciphertext only (its terms appear in
//! no file of the data folder), a second from the same RUC and malformed ones refused; nothing of the
//! bids shown before the deadline; a bid after the deadline refused by the server's clock; the hash
//! list and ciphertexts published; the opening with two shares by `committee`, a wrong key refused,
//! the award published; the OCDS release package valid against the 1.1.5 schemas with the bid
//! extension, plus the checks the schema cannot make.

use crate::common::{Portal, get, import_as as import, portal, post_as as post, staff_session};
use app::procurement::fields::NewTender;
use app::procurement::storage;
use app::staff::Role;
use axum::body::Body;
use http::StatusCode;
use http_body_util::BodyExt;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const FORM: &str = "application/x-www-form-urlencoded";
const RELEASE_URI: &str = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(pairs);
    body.finish().into_bytes()
}

async fn challenge(portal: &Portal) -> (String, u64) {
    let request = http::Request::post("/api/reports/challenge").body(Body::empty()).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    let nonce = envelope::pow::solve(token.as_bytes(), body["bits"].as_u64().unwrap() as u32, |_| {});
    (token, nonce)
}

/// Posts a bid as the island does: text parts, then the age file.
async fn send_bid(portal: &Portal, tender: &str, ruc: &str, name: &str, ciphertext: &[u8]) -> (StatusCode, Value) {
    let (token, nonce) = challenge(portal).await;
    let nonce = nonce.to_string();
    let fields =
        [("tender", tender), ("supplier_ruc", ruc), ("supplier_name", name), ("challenge", &token), ("nonce", &nonce)];
    let (content_type, body) = crate::common::multipart(&fields, &[("bid", "bid.age", ciphertext)]);
    let request = http::Request::post("/api/bids").header("content-type", content_type).body(Body::from(body)).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn bid_document(tender: &str, ruc: &str, name: &str, price: i64, terms: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    envelope::bid::BidDocument {
        format: 1,
        tender: tender.into(),
        supplier_ruc: ruc.into(),
        supplier_name: name.into(),
        lines: vec![envelope::bid::BidLine { item: 1, quantity: 100, unit_price_cents: price }],
        delivery_days: 10,
        validity_days: 30,
        terms: terms.into(),
        attachments: files
            .iter()
            .map(|(name, bytes)| envelope::bid::Attachment::new(name, "application/pdf", bytes))
            .collect(),
    }
    .to_padded_json()
}

/// RFC 7386 merge patch: how OCDS tools apply an extension's schema to the release schema.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let target = target.as_object_mut().unwrap();
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn ocds_errors(package: &Value) -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ocds");
    let load = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{name}")).unwrap()).unwrap()
    };
    let mut release = load("release-schema-1.1.5.json");
    merge_patch(&mut release, &load("bid-extension-release-schema-1.1.5.json"));
    let registry = jsonschema::Registry::new()
        .add(RELEASE_URI, jsonschema::Resource::from_contents(release))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::draft4::options()
        .offline()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&load("release-package-schema-1.1.5.json"))
        .unwrap();
    let mut errors: Vec<String> =
        validator.iter_errors(package).map(|e| format!("{e} at {} ({})", e.instance_path(), e.schema_path())).collect();
    // What the schema cannot check: unique ids in each array, dates in order, every organisation
    // named in `parties`.
    for release in package["releases"].as_array().unwrap() {
        let ids = |path: &[&str]| -> Vec<String> {
            let mut at = release;
            for key in path {
                at = &at[*key];
            }
            at.as_array().map(|a| a.iter().map(|v| v["id"].to_string()).collect()).unwrap_or_default()
        };
        for path in [&["parties"][..], &["tender", "items"], &["bids", "details"], &["awards"]] {
            let list = ids(path);
            let mut unique = list.clone();
            unique.sort();
            unique.dedup();
            if unique.len() != list.len() {
                errors.push(format!("repeated ids in {path:?}"));
            }
        }
        let period = &release["tender"]["tenderPeriod"];
        if period["startDate"].as_str() >= period["endDate"].as_str() {
            errors.push("tenderPeriod starts after it ends".into());
        }
        for award in release["awards"].as_array().into_iter().flatten() {
            if award["date"].as_str() < period["endDate"].as_str() {
                errors.push("an award before the tender period ends".into());
            }
        }
        let parties = ids(&["parties"]);
        for tenderer in release["tender"]["tenderers"].as_array().into_iter().flatten() {
            if !parties.contains(&tenderer["id"].to_string()) {
                errors.push(format!("tenderer {} not in parties", tenderer["id"]));
            }
        }
    }
    errors
}

#[tokio::test]
async fn sealed_bids_are_taken_until_the_deadline_opened_by_two_of_three_and_published_as_valid_ocds() {
    let portal = portal().await;
    let staff = staff_session(&portal, "comite", &[Role::ProcurementCommittee, Role::TransparencyEditor]).await;
    let officials = "id,nombre,cargo,area,inicio,fin\nana-ruiz,Ana Ruiz,Gerente,Gerencia de Obras,2023-01-02,\n\
                     luis-soto,Luis Soto,Subgerente,Subgerencia de Logística,2023-01-02,\n\
                     eva-diaz,Eva Díaz,Asesora,Gerencia Municipal,2023-01-02,\n";
    let (status, _) = import(&portal, &staff, "/oficina/integridad/funcionarios", officials).await;
    assert_eq!(status, StatusCode::OK);
    let (recipient, shares) = committee::shares::split_new_key("SC-2026-001", 2, 3).unwrap();

    // The form: refused with every field kept, then published.
    let mut fields = vec![
        ("prefix", ""),
        ("number", "SC-2026-001"),
        ("title", "Adquisición de conos de seguridad"),
        ("area", "Subgerencia de Logística"),
        ("estimated", "15000"),
        ("deadline", "2020-01-01T10:00"),
        ("items", "Conos de seguridad de 70 cm; 100; unidad; PVC naranja con cinta reflectiva"),
        ("committee", "ana-ruiz"),
        ("committee", "luis-soto"),
        ("committee", "eva-diaz"),
        ("threshold", "2"),
        ("recipient", recipient.as_str()),
    ];
    let (status, page) = post(&portal, "/oficina/cotizaciones/nueva", &staff, FORM, form(&fields)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("href=\"#deadline\"") && page.contains("Conos de seguridad de 70 cm; 100"), "{page}");
    fields[5] = ("deadline", "2099-01-01T10:00");
    let (status, page) = post(&portal, "/oficina/cotizaciones/nueva", &staff, FORM, form(&fields)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Solicitud SC-2026-001 publicada."), "{page}");
    let (status, _, page) = get(&portal, "/integridad/cotizacion?numero=SC-2026-001").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&recipient) && page.contains("id=\"bid-link\"") && !page.contains("id=\"bids-table\""));

    // A bid with a file of 4 MB (the file travels inside the one ciphertext), encrypted before the
    // two-second tender opens: encrypting it takes longer than that in a debug build.
    let sheet: Vec<u8> = (0..4_000_000u32).map(|i| (i % 241) as u8).collect();
    let second = envelope::encrypt(
        &[recipient.parse().unwrap()],
        &bid_document("SC-2026-002", "20601112222", "Suministros EIRL", 11_000, "", &[("ficha.pdf", &sheet)]),
    )
    .unwrap();
    // A second tender closing in two seconds (the form only takes future deadlines; storage is called
    // directly so the test need not wait for 2099).
    let deadline = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let deadline =
        deadline.replace_nanosecond(0).unwrap().format(&time::format_description::well_known::Rfc3339).unwrap();
    let number = "SC-2026-002".to_string();
    let tender = NewTender {
        number: number.clone(),
        title: "Mantenimiento de semáforos".into(),
        area: "Gerencia de Obras".into(),
        estimated_cents: 4_000_000,
        deadline: deadline.clone(),
        recipient: recipient.clone(),
        threshold: 2,
        committee: vec!["ana-ruiz".into(), "eva-diaz".into(), "luis-soto".into()],
        items: vec![app::procurement::Item {
            position: 1,
            description: "Mantenimiento".into(),
            quantity: 100,
            unit: "servicio".into(),
            specification: String::new(),
        }],
    };
    storage::create(&portal.state.database, "comite", &tender).await.unwrap();
    assert!(matches!(
        storage::create(&portal.state.database, "comite", &tender).await,
        Err(app::procurement::storage::ProcurementError::Exists)
    ));
    let to = |text: &str| envelope::encrypt(&[recipient.parse().unwrap()], text.as_bytes()).unwrap();
    let marker = "TÉRMINOS-SECRETOS-7f3a";
    let first = envelope::encrypt(
        &[recipient.parse().unwrap()],
        &bid_document(&number, "20512345671", "Andes SAC", 12_000, marker, &[]),
    )
    .unwrap();
    let (status, answer) = send_bid(&portal, &number, "20512345671", "Andes SAC", &first).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let receipt = format!("{:x}", Sha256::digest(&first));
    assert_eq!(answer["sha256"], receipt.as_str());
    assert_eq!(send_bid(&portal, &number, "20601112222", "Suministros EIRL", &second).await.0, StatusCode::CREATED);
    let (status, answer) = send_bid(&portal, &number, "20512345671", "Andes SAC", &first).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::CONFLICT, Some("already_bid")));
    assert!(send_bid(&portal, &number, "20544332211", "Otro", b"not age at all").await.0.is_client_error());
    let two =
        envelope::encrypt(&[recipient.parse().unwrap(), envelope::Identity::generate().to_public()], b"x").unwrap();
    assert!(send_bid(&portal, &number, "20544332211", "Otro", &two).await.0.is_client_error(), "two recipients");
    assert!(
        send_bid(&portal, &number, "2054433221", "Otro", &to("x")).await.0.is_client_error(),
        "a RUC of ten digits"
    );
    // Before the deadline nothing of the bids shows.
    let (status, _, _) = get(&portal, &format!("/datos/cotizaciones/{number}/sha256.txt")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, page) = get(&portal, &format!("/integridad/cotizacion?numero={number}")).await;
    assert!(!page.contains(&receipt) && !page.contains("Andes SAC"));

    tokio::time::sleep(std::time::Duration::from_millis(2600)).await;
    let (status, answer) = send_bid(&portal, &number, "20544332211", "Tardío SAC", &to("tarde")).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::CONFLICT, Some("tender_closed")));
    let (status, _, list) = get(&portal, &format!("/datos/cotizaciones/{number}/sha256.txt")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.lines().count(), 2);
    assert!(list.contains(&format!("{receipt}  {receipt}.age")));
    let (_, _, page) = get(&portal, &format!("/integridad/cotizacion?numero={number}")).await;
    assert!(page.contains(&receipt) && page.contains("2 ofertas recibidas hasta el plazo."), "{page}");

    // The plaintext is nowhere in the data folder (database, stores); the ciphertext is as sent.
    for entry in walk(&portal.dir.path().join("data")) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "{} holds a bid's plaintext",
            entry.display()
        );
    }

    // The committee downloads, checks and opens with two shares of three.
    let downloads = tempfile::tempdir().unwrap();
    std::fs::write(downloads.path().join("sha256.txt"), &list).unwrap();
    for line in list.lines() {
        let name = line.split_whitespace().nth(1).unwrap();
        let request = http::Request::get(format!("/datos/cotizaciones/{number}/{name}")).body(Body::empty()).unwrap();
        let bytes = portal.app.clone().oneshot(request).await.unwrap().into_body().collect().await.unwrap().to_bytes();
        std::fs::write(downloads.path().join(name), &bytes).unwrap();
    }
    assert_eq!(std::fs::read(downloads.path().join(format!("{receipt}.age"))).unwrap(), first);
    let lines = [shares[0].line(), shares[2].line()];
    assert!(committee::shares::rebuild(&lines[..1], &recipient).is_err(), "one share of three opens nothing");
    let identity = committee::shares::rebuild(&lines, &recipient).unwrap();
    let listed = committee::opening::read_hash_list(&list).unwrap();
    let opened = committee::opening::open_bids(downloads.path(), &listed, &identity, &number).unwrap();
    let table = committee::opening::comparison_csv(&opened);
    assert!(table.lines().nth(1).unwrap().contains("Suministros EIRL,11000.00"), "{table}");
    let with_file = opened.iter().find_map(|bid| bid.outcome.as_ref().ok().filter(|d| d.supplier_ruc == "20601112222"));
    assert_eq!(committee::opening::attachment_files(with_file.unwrap()), vec![("1-ficha.pdf".to_string(), sheet)]);
    use age::secrecy::ExposeSecret;
    let key = identity.to_string().expose_secret().to_string();

    let mut opening = vec![
        ("prefix", ""),
        ("opening_tender", number.as_str()),
        ("secret_key", "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQPDG5VP"),
        ("comparison", table.as_str()),
        ("award_ruc", "20601112222"),
        ("award_name", "Suministros EIRL"),
        ("award_amount", "11000"),
        ("award_reasons", "La oferta válida de menor precio que cumple las especificaciones."),
    ];
    let (status, page) = post(&portal, "/oficina/cotizaciones/apertura", &staff, FORM, form(&opening)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("href=\"#secret_key\""), "a key that is not the tender's");
    opening[2] = ("secret_key", key.as_str());
    let (status, page) = post(&portal, "/oficina/cotizaciones/apertura", &staff, FORM, form(&opening)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (status, _) = post(&portal, "/oficina/cotizaciones/apertura", &staff, FORM, form(&opening)).await;
    assert_eq!(status, StatusCode::CONFLICT, "the opening is published once");
    let (_, _, page) = get(&portal, &format!("/integridad/cotizacion?numero={number}")).await;
    assert!(page.contains("Adjudicado a Suministros EIRL (RUC 20601112222)") && page.contains(&key), "{page}");
    // Before its deadline the first tender's opening cannot be published.
    opening[1] = ("opening_tender", "SC-2026-001");
    let (status, _) = post(&portal, "/oficina/cotizaciones/apertura", &staff, FORM, form(&opening)).await;
    assert_ne!(status, StatusCode::OK);

    // OCDS: valid against the schemas, and what the schema cannot check.
    for tender in ["SC-2026-001", number.as_str()] {
        let (status, _, json) = get(&portal, &format!("/datos/cotizaciones/{tender}.json")).await;
        assert_eq!(status, StatusCode::OK);
        let package: Value = serde_json::from_str(&json).unwrap();
        let errors = ocds_errors(&package);
        assert!(errors.is_empty(), "{tender}: {}", errors.join("\n"));
    }
    let (_, _, json) = get(&portal, &format!("/datos/cotizaciones/{number}.json")).await;
    let package: Value = serde_json::from_str(&json).unwrap();
    let award = &package["releases"][1];
    assert_eq!(award["tag"][0], "award");
    assert_eq!(award["awards"][0]["suppliers"][0]["id"], "PE-RUC-20601112222");
    assert_eq!(award["bids"]["details"].as_array().unwrap().len(), 2);
    assert_eq!(award["awards"][0]["value"]["amount"], 11000.0);
    // A broken package is caught (the validator is not a stub).
    let mut broken = package.clone();
    broken["releases"][1]["bids"]["details"][0]["status"] = "maybe".into();
    broken["releases"][0]["tender"]["items"][0]["id"] = Value::Null;
    assert!(ocds_errors(&broken).len() >= 2);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
