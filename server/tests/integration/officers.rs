//! The integrity office's side through the router the binary serves: officer sign-in (password, TOTP,
//! lockout), every officer endpoint refusing unauthenticated requests alike, status changes and
//! replies, the reporter's follow-up with a receipt, the audit chain catching tampering, and key
//! rotation losing no report; staff accounts with roles, through the API and the account admin's page.

use crate::common;

use app::reporting::storage::reports::{NewReport, insert_report};
use axum::body::Body;
use envelope::Identity;
use envelope::message::{Author, Message};
use envelope::receipt::Receipt;
use envelope::report::{Category, EncryptedIn, Report};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use portal_server::config::PortalConfig;
use portal_server::staff::accounts;
use portal_server::{AppState, router};
use serde_json::{Value, json};
use tower::ServiceExt;

const PASSWORD: &str = "una clave bastante larga";

struct Portal {
    app: axum::Router,
    state: AppState,
    office: Identity,
    totp: String,
    dir: tempfile::TempDir,
}

async fn portal_in(dir: tempfile::TempDir, office: Identity, key_id: &str) -> Portal {
    let text = common::valid_config(dir.path(), "127.0.0.1:0")
        .replace(common::OFFICE_KEY, &office.to_public().to_string())
        .replace("integridad-1", key_id);
    let path = common::write_config(dir.path(), &text);
    let config = PortalConfig::load(&path).unwrap();
    let state = AppState::open(&config).await.unwrap();
    let totp = match app::staff::storage::find_account(&state.database, "ana").await.unwrap() {
        Some(account) => account.totp_secret,
        None => {
            accounts::add_account(&state.database, "ana", PASSWORD, &[app::staff::Role::IntegrityOfficer], "system")
                .await
                .unwrap()
        }
    };
    Portal { app: router(&config, state.clone()), state, office, totp, dir }
}

async fn portal() -> Portal {
    portal_in(tempfile::tempdir().unwrap(), Identity::generate(), "integridad-1").await
}

async fn send(portal: &Portal, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    (status, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn json_request(
    portal: &Portal,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut builder = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let (status, bytes) = send(portal, builder.body(Body::from(body.to_string())).unwrap()).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn audit_entries(portal: &Portal) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(portal.state.database.pool()).await.unwrap()
}

fn now() -> i64 {
    accounts::unix_now()
}

/// Signs in with a code from a time step not used yet (each code is accepted once).
async fn sign_in(portal: &Portal, step_offset: i64) -> String {
    let code = accounts::totp_code(&portal.totp, now() + step_offset * 30);
    let (status, body) = json_request(
        portal,
        "POST",
        "/api/officer/session",
        None,
        json!({"username": "ana", "password": PASSWORD, "code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_string()
}

/// Stores a report encrypted to the portal's office key; returns its receipt.
async fn file_report(portal: &Portal, key_id: &str, text: &str) -> Receipt {
    let receipt = Receipt::generate();
    let keys = receipt.derive_keys();
    let report = Report::new("es-PE", Category::Soborno, text.into(), EncryptedIn::Browser);
    let ciphertext = envelope::encrypt(&[portal.office.to_public()], &report.to_padded_json(1 << 20).unwrap()).unwrap();
    insert_report(
        &portal.state.database,
        &NewReport {
            received_on: portal_server::today_in_lima(),
            lookup_hash: keys.lookup_hash(),
            reply_recipient: keys.reply_identity.to_public().to_string(),
            encrypted_in: EncryptedIn::Browser,
            ciphertext,
            key_ids: vec![key_id.into()],
            attachments: vec![],
        },
    )
    .await
    .unwrap();
    receipt
}

async fn only_case(portal: &Portal, token: &str) -> Value {
    let (status, cases) = json_request(portal, "GET", "/api/officer/cases", Some(token), Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    cases[0].clone()
}

#[tokio::test]
async fn every_officer_endpoint_refuses_a_missing_wrong_or_ended_session_the_same_way() {
    let portal = portal().await;
    file_report(&portal, "integridad-1", "Cobro indebido").await;
    let token = sign_in(&portal, 0).await;
    let case = only_case(&portal, &token).await["id"].as_str().unwrap().to_string();
    let (_, ended) = (0, sign_in(&portal, 1).await);
    let (status, _) = json_request(&portal, "DELETE", "/api/officer/session", Some(&ended), Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let mut endpoints = case_routes(&case);
    endpoints.extend(account_routes());
    endpoints.push(("DELETE", "/api/officer/session".to_string()));
    // A case that does not exist gets the same answer: ids cannot be probed.
    endpoints.push(("GET", "/api/officer/cases/ffffffffffffffffffffffffffffffff".to_string()));
    let wrong = "0".repeat(64);
    for (method, uri) in &endpoints {
        for token in [None, Some(wrong.as_str()), Some(ended.as_str()), Some("short")] {
            let mut builder =
                Request::builder().method(*method).uri(uri.as_str()).header("content-type", "application/json");
            if let Some(token) = token {
                builder = builder.header("authorization", format!("Bearer {token}"));
            }
            let response = portal.app.clone().oneshot(builder.body(Body::from("{}")).unwrap()).await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{method} {uri} with {token:?}");
            assert_eq!(response.headers()["www-authenticate"], "Bearer");
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(&body[..], br#"{"error":"unauthorized"}"#, "{method} {uri}");
        }
    }
    // The web view's case list sends a visitor without a session to sign in, showing nothing.
    let (status, body) = send(&portal, Request::get("/oficina/casos").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!String::from_utf8_lossy(&body).contains(&case));
    // And the live session still works.
    assert_eq!(json_request(&portal, "GET", "/api/officer/cases", Some(&token), Value::Null).await.0, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_needs_password_and_a_fresh_code_and_locks_after_five_failures() {
    let portal = portal().await;
    let login = |password: &str, code: String| json!({"username": "ana", "password": password, "code": code});
    let code = accounts::totp_code(&portal.totp, now());
    let (status, body) =
        json_request(&portal, "POST", "/api/officer/session", None, login("wrong password here", code.clone())).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    let (status, _) =
        json_request(&portal, "POST", "/api/officer/session", None, login(PASSWORD, "000000".into())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = json_request(&portal, "POST", "/api/officer/session", None, login(PASSWORD, code.clone())).await;
    assert_eq!(status, StatusCode::OK);
    // The same code again is a replay.
    let (status, _) = json_request(&portal, "POST", "/api/officer/session", None, login(PASSWORD, code)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Success reset the count; five more failures lock the name, even against the right credentials.
    for _ in 0..5 {
        json_request(&portal, "POST", "/api/officer/session", None, login("nope nope nope", "123456".into())).await;
    }
    let fresh = accounts::totp_code(&portal.totp, now() + 30);
    let (status, body) = json_request(&portal, "POST", "/api/officer/session", None, login(PASSWORD, fresh)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("locked")));
    assert!(body["until"].as_i64().unwrap() >= now() + accounts::FIRST_LOCKOUT_SECONDS - 5);
    // A name that does not exist locks the same way, so lockouts do not reveal accounts.
    for _ in 0..5 {
        let body = json!({"username": "nadie", "password": "x", "code": "123456"});
        assert_eq!(json_request(&portal, "POST", "/api/officer/session", None, body).await.0, StatusCode::UNAUTHORIZED);
    }
    let body = json!({"username": "nadie", "password": "x", "code": "123456"});
    assert_eq!(
        json_request(&portal, "POST", "/api/officer/session", None, body).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

fn solve(portal: &Portal) -> (String, u64) {
    let challenge = portal.state.submissions.sealed.proof_of_work.issue();
    let nonce = envelope::pow::solve(challenge.token.as_bytes(), challenge.bits, |_| {});
    (challenge.token, nonce)
}

#[tokio::test]
async fn officers_update_cases_and_reply_and_the_reporter_reads_the_reply_with_the_receipt() {
    let portal = portal().await;
    let receipt = file_report(&portal, "integridad-1", "Me pidieron dinero").await;
    let keys = receipt.derive_keys();
    let token = sign_in(&portal, 0).await;
    let case = only_case(&portal, &token).await;
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(case["status"], "received");
    assert_eq!(case["acknowledgement_overdue"], false);

    let (status, body) = json_request(
        &portal,
        "PATCH",
        &format!("/api/officer/cases/{id}"),
        Some(&token),
        json!({"status": "received"}),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("back_to_received")));
    let (status, body) =
        json_request(&portal, "PATCH", &format!("/api/officer/cases/{id}"), Some(&token), json!({"category": "robo"}))
            .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_category")));
    // Impossible days, empty and unknown updates are refused and leave no audit entry.
    let audited_before = audit_entries(&portal).await;
    let refusals = [
        (json!({"feedback_on": "-0001-01-01"}), StatusCode::UNPROCESSABLE_ENTITY, "bad_feedback_day"),
        (json!({"feedback_on": "+2026-01-01"}), StatusCode::UNPROCESSABLE_ENTITY, "bad_feedback_day"),
        (json!({"feedback_on": "2020-01-01"}), StatusCode::UNPROCESSABLE_ENTITY, "bad_feedback_day"),
        (json!({"feedback_on": "2999-01-01"}), StatusCode::UNPROCESSABLE_ENTITY, "bad_feedback_day"),
        (json!([]), StatusCode::UNPROCESSABLE_ENTITY, "empty_update"),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY, "empty_update"),
        (json!({"feedback": "2026-01-01"}), StatusCode::BAD_REQUEST, "malformed"),
    ];
    for (update, expected, code) in refusals {
        let (status, body) =
            json_request(&portal, "PATCH", &format!("/api/officer/cases/{id}"), Some(&token), update.clone()).await;
        assert_eq!((status, body["error"].as_str()), (expected, Some(code)), "{update}");
    }
    assert_eq!(audit_entries(&portal).await, audited_before);
    let update = json!({"status": "acknowledged", "category": "colusion"});
    let (status, body) =
        json_request(&portal, "PATCH", &format!("/api/officer/cases/{id}"), Some(&token), update).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "acknowledged");
    assert_eq!(body["acknowledged_on"], portal_server::today_in_lima());

    // A reply encrypted only to the office (not to the reporter) is refused.
    let reply =
        Message::new(Author::Office, "es-PE", "Gracias, estamos investigando.".into()).to_padded_json(1 << 20).unwrap();
    let office_only = envelope::encrypt(&[portal.office.to_public()], &reply).unwrap();
    let both = envelope::encrypt(&[portal.office.to_public(), keys.reply_identity.to_public()], &reply).unwrap();
    for (ciphertext, expected) in [(office_only, StatusCode::BAD_REQUEST), (both, StatusCode::CREATED)] {
        let boundary = "b0undary";
        let mut body =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"message\"; filename=\"m.age\"\r\n\r\n")
                .into_bytes();
        body.extend_from_slice(&ciphertext);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(format!("/api/officer/cases/{id}/messages"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        assert_eq!(send(&portal, request).await.0, expected);
    }

    // The reporter: a wrong token and a right one under a solved challenge.
    let (challenge, nonce) = solve(&portal);
    let lookup = json!({"lookup_token": "ab".repeat(32), "challenge": challenge, "nonce": nonce});
    let (status, body) = json_request(&portal, "POST", "/api/follow-up", None, lookup).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, json!({"error": "not_found"})));
    let (status, _) = json_request(
        &portal,
        "POST",
        "/api/follow-up",
        None,
        json!({"lookup_token": envelope::hex_lower(keys.lookup_token.as_ref()), "challenge": "x.y", "nonce": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no lookup without a proof of work");
    let (challenge, nonce) = solve(&portal);
    let lookup = json!({"lookup_token": envelope::hex_lower(keys.lookup_token.as_ref()), "challenge": challenge, "nonce": nonce});
    let (status, body) = json_request(&portal, "POST", "/api/follow-up", None, lookup).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "acknowledged");
    assert_eq!(body["feedback_on"], portal_server::today_in_lima(), "the reply is the first feedback");
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    use base64::Engine;
    let ciphertext =
        base64::engine::general_purpose::STANDARD.decode(messages[0]["ciphertext_base64"].as_str().unwrap()).unwrap();
    let plain = envelope::decrypt(std::slice::from_ref(&keys.reply_identity), &ciphertext).unwrap();
    assert_eq!(Message::from_json(&plain).unwrap().text, "Gracias, estamos investigando.");

    // Every one of these officer actions is in the audit log, and the chain verifies.
    let (_, log) = json_request(&portal, "GET", "/api/officer/audit", Some(&token), Value::Null).await;
    let entries: Vec<envelope::audit::AuditEntry> = serde_json::from_value(log).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in ["reporting.key_add", "staff.add", "staff.login", "cases.update", "cases.reply"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
}

#[tokio::test]
async fn tampering_with_any_audit_entry_is_found_by_server_audit_verify() {
    let portal = portal().await;
    file_report(&portal, "integridad-1", "x").await;
    let token = sign_in(&portal, 0).await;
    let id = only_case(&portal, &token).await["id"].as_str().unwrap().to_string();
    for status in ["acknowledged", "under_investigation", "referred"] {
        json_request(&portal, "PATCH", &format!("/api/officer/cases/{id}"), Some(&token), json!({"status": status}))
            .await;
    }
    let entries = app::platform::audit::entries_after(&portal.state.database, 0).await.unwrap();
    assert!(entries.len() >= 6);
    let config = portal.dir.path().join("Leptos.toml");
    let verify = || {
        let output = common::server_command(&config).args(["audit", "verify"]).output().unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let (ok, output) = verify();
    assert!(ok, "{output}");
    assert!(output.contains(&format!("{} entries", entries.len())), "{output}");

    for (column, value) in
        [("detail", "status=closed"), ("actor", "eve"), ("at", "2020-01-01T00:00:00Z"), ("action", "staff.logout")]
    {
        for target in [1, entries.len() as i64 / 2, entries.len() as i64] {
            let original: String = sqlx::query_scalar(&format!("SELECT {column} FROM audit_log WHERE seq = $1"))
                .bind(target)
                .fetch_one(portal.state.database.pool())
                .await
                .unwrap();
            let set = |v: String| {
                let pool = portal.state.database.pool().clone();
                let column = column.to_string();
                async move {
                    sqlx::query(&format!("UPDATE audit_log SET {column} = $1 WHERE seq = $2"))
                        .bind(v)
                        .bind(target)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            };
            set(value.to_string()).await;
            let (ok, output) = verify();
            assert!(!ok, "changing {column} of entry {target} went unnoticed");
            assert!(output.contains(&format!("audit log broken at entry {target}")), "{output}");
            set(original).await;
        }
    }
    // Removing an entry is found too, at the first entry after the gap.
    sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(portal.state.database.pool()).await.unwrap();
    let (ok, output) = verify();
    assert!(!ok);
    assert!(output.contains("audit log broken at entry 2"), "{output}");
}

#[tokio::test]
async fn a_rotated_key_keeps_its_reports_openable_and_new_reports_use_the_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let old_key = Identity::generate();
    let portal = portal_in(dir, old_key.clone(), "integridad-2026-01").await;
    file_report(&portal, "integridad-2026-01", "Antes de la rotación").await;
    let Portal { dir, state, .. } = portal;
    state.database.close().await;

    // The configuration now names only the new key: the old one is retired, its report kept.
    let new_key = Identity::generate();
    let portal = portal_in(dir, new_key.clone(), "integridad-2026-07").await;
    let token = sign_in(&portal, 0).await;
    let (_, keys) = json_request(&portal, "GET", "/api/officer/keys", Some(&token), Value::Null).await;
    let retired: Vec<(&str, bool)> =
        keys.as_array().unwrap().iter().map(|k| (k["key_id"].as_str().unwrap(), k["retired_on"].is_null())).collect();
    assert_eq!(retired, [("integridad-2026-07", true), ("integridad-2026-01", false)]);
    assert_eq!(portal.state.submissions.key_ids(), ["integridad-2026-07"]);
    file_report(&portal, "integridad-2026-07", "Después de la rotación").await;

    let (_, cases) = json_request(&portal, "GET", "/api/officer/cases", Some(&token), Value::Null).await;
    let mut opened = Vec::new();
    for case in cases.as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let request = Request::get(format!("/api/officer/cases/{id}/report"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let (status, ciphertext) = send(&portal, request).await;
        assert_eq!(status, StatusCode::OK);
        let key_ids: Vec<&str> = case["key_ids"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        let (right, wrong) =
            if key_ids == ["integridad-2026-01"] { (&old_key, &new_key) } else { (&new_key, &old_key) };
        assert!(envelope::decrypt(std::slice::from_ref(wrong), &ciphertext).is_err());
        let plain = envelope::decrypt(std::slice::from_ref(right), &ciphertext).unwrap();
        opened.push((key_ids[0].to_string(), Report::from_json(&plain).unwrap().description));
    }
    opened.sort();
    assert_eq!(
        opened,
        [
            ("integridad-2026-01".to_string(), "Antes de la rotación".to_string()),
            ("integridad-2026-07".to_string(), "Después de la rotación".to_string())
        ]
    );
    let entries = app::platform::audit::entries_after(&portal.state.database, 0).await.unwrap();
    let key_changes: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.action.starts_with("reporting.key_"))
        .map(|e| (e.action.clone(), e.subject.clone()))
        .collect();
    assert_eq!(
        key_changes,
        [
            ("reporting.key_add".to_string(), "integridad-2026-01".to_string()),
            ("reporting.key_add".to_string(), "integridad-2026-07".to_string()),
            ("reporting.key_retire".to_string(), "integridad-2026-01".to_string())
        ]
    );
}

/// Creates an account with `roles` as the command line does, signs it in; returns its token.
async fn staff_member(portal: &Portal, username: &str, roles: &[app::staff::Role]) -> String {
    let totp = accounts::add_account(&portal.state.database, username, PASSWORD, roles, "system").await.unwrap();
    let login = json!({"username": username, "password": PASSWORD, "code": accounts::totp_code(&totp, now())});
    let (status, body) = json_request(portal, "POST", "/api/officer/session", None, login).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_string()
}

/// Every route of the integrity office's case work, for a case that exists.
fn case_routes(case: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/api/officer/cases".to_string()),
        ("GET", format!("/api/officer/cases/{case}")),
        ("PATCH", format!("/api/officer/cases/{case}")),
        ("GET", format!("/api/officer/cases/{case}/report")),
        ("POST", format!("/api/officer/cases/{case}/messages")),
        ("GET", format!("/api/officer/cases/{case}/messages/00000000000000000000000000000000")),
        ("GET", format!("/api/officer/cases/{case}/objects/00000000000000000000000000000000.age")),
        ("GET", "/api/officer/keys".to_string()),
        ("GET", "/api/officer/audit".to_string()),
    ]
}

/// Every route of account management.
fn account_routes() -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/api/staff/accounts".to_string()),
        ("POST", "/api/staff/accounts".to_string()),
        ("PATCH", "/api/staff/accounts/ana".to_string()),
    ]
}

async fn status_and_text(portal: &Portal, method: &str, uri: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut builder = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let (status, bytes) = send(portal, builder.body(Body::from("{}")).unwrap()).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn each_staff_route_needs_its_role_and_an_account_admin_sees_no_case() {
    use app::staff::Role;
    let portal = portal().await;
    file_report(&portal, "integridad-1", "Cobro indebido").await;
    let officer = sign_in(&portal, 0).await;
    let case = only_case(&portal, &officer).await["id"].as_str().unwrap().to_string();
    let treasury = staff_member(&portal, "rosa", &[Role::Treasury, Role::CivilRegistry]).await;
    let admin = staff_member(&portal, "admin", &[Role::AccountAdmin]).await;

    for (method, uri) in case_routes(&case) {
        assert_eq!(status_and_text(&portal, method, &uri, None).await.0, StatusCode::UNAUTHORIZED, "{method} {uri}");
        for (who, token) in [("treasury", &treasury), ("account admin", &admin)] {
            let (status, body) = status_and_text(&portal, method, &uri, Some(token)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {method} {uri}");
            assert_eq!(body, r#"{"error":"forbidden"}"#, "{who}: {method} {uri}");
        }
    }
    for (method, uri) in account_routes() {
        assert_eq!(status_and_text(&portal, method, &uri, None).await.0, StatusCode::UNAUTHORIZED, "{method} {uri}");
        for (who, token) in [("integrity officer", &officer), ("treasury", &treasury)] {
            let (status, body) = status_and_text(&portal, method, &uri, Some(token)).await;
            assert_eq!(
                (status, body.as_str()),
                (StatusCode::FORBIDDEN, r#"{"error":"forbidden"}"#),
                "{who}: {method} {uri}"
            );
        }
    }

    // The web view's case list: a session without the role gets a page that says so, and no case.
    let page = |token: &str| {
        Request::get("/oficina/casos").header("cookie", format!("portal_officer_session={token}")).body(Body::empty())
    };
    for token in [&admin, &treasury] {
        let (status, body) = send(&portal, page(token).unwrap()).await;
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(body.contains("id=\"missing-role\"") && !body.contains(&case), "{body}");
    }
    let (status, body) = send(&portal, page(&officer).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains(&case));
}

#[tokio::test]
async fn an_account_admin_manages_department_accounts_but_never_the_integrity_office() {
    use app::staff::Role;
    let portal = portal().await;
    let _officer = sign_in(&portal, 0).await;
    let admin = staff_member(&portal, "admin", &[Role::AccountAdmin]).await;
    let create = |username: &str, password: &str, roles: Value| json!({"username": username, "password": password, "roles": roles});
    let post = |body: Value| json_request(&portal, "POST", "/api/staff/accounts", Some(&admin), body);

    let (status, created) = post(create("luis", PASSWORD, json!(["treasury"]))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let totp = created["totp_secret"].as_str().unwrap().to_string();
    assert!(created["otpauth"].as_str().unwrap().starts_with("otpauth://totp/"));
    for (body, expected) in [
        (create("eva", PASSWORD, json!(["integrity-officer"])), (StatusCode::FORBIDDEN, "integrity_officer_role")),
        (
            create("eva", PASSWORD, json!(["treasury", "integrity-officer"])),
            (StatusCode::FORBIDDEN, "integrity_officer_role"),
        ),
        (create("eva", PASSWORD, json!(["alcalde"])), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_role")),
        (create("eva", PASSWORD, json!([])), (StatusCode::UNPROCESSABLE_ENTITY, "no_role")),
        (create("eva", "corta", json!(["treasury"])), (StatusCode::UNPROCESSABLE_ENTITY, "weak_password")),
        (create("Eva Ruiz", PASSWORD, json!(["treasury"])), (StatusCode::UNPROCESSABLE_ENTITY, "bad_username")),
        (create("luis", PASSWORD, json!(["treasury"])), (StatusCode::CONFLICT, "exists")),
        (json!({"username": "eva"}), (StatusCode::BAD_REQUEST, "malformed")),
    ] {
        let (status, answer) = post(body.clone()).await;
        assert_eq!((status, answer["error"].as_str().unwrap_or_default()), expected, "{body}");
    }

    // The integrity officer's account is out of reach: no role change, no disabling.
    for change in [json!({"roles": ["treasury"]}), json!({"disabled": true})] {
        let (status, answer) = json_request(&portal, "PATCH", "/api/staff/accounts/ana", Some(&admin), change).await;
        assert_eq!((status, answer["error"].as_str().unwrap()), (StatusCode::FORBIDDEN, "integrity_officer_role"));
    }
    let (status, answer) =
        json_request(&portal, "PATCH", "/api/staff/accounts/nadie", Some(&admin), json!({"disabled": true})).await;
    assert_eq!((status, answer["error"].as_str().unwrap()), (StatusCode::NOT_FOUND, "not_found"));

    // A department account: its roles change, and disabling it ends its session at once.
    let login = json!({"username": "luis", "password": PASSWORD, "code": accounts::totp_code(&totp, now())});
    let (status, session) = json_request(&portal, "POST", "/api/officer/session", None, login).await;
    assert_eq!(status, StatusCode::OK);
    let luis = session["token"].as_str().unwrap().to_string();
    let roles = json!({"roles": ["participation", "council-secretary"]});
    let (status, account) = json_request(&portal, "PATCH", "/api/staff/accounts/luis", Some(&admin), roles).await;
    assert_eq!((status, account["roles"].clone()), (StatusCode::OK, json!(["participation", "council-secretary"])));
    let (status, account) =
        json_request(&portal, "PATCH", "/api/staff/accounts/luis", Some(&admin), json!({"disabled": true})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(account["disabled_at"].is_string());
    let (status, _) = json_request(&portal, "DELETE", "/api/officer/session", Some(&luis), Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a disabled account's session has ended");

    let (status, list) = json_request(&portal, "GET", "/api/staff/accounts", Some(&admin), Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<(&str, Value)> =
        list.as_array().unwrap().iter().map(|a| (a["username"].as_str().unwrap(), a["roles"].clone())).collect();
    assert_eq!(
        names,
        [
            ("admin", json!(["account-admin"])),
            ("ana", json!(["integrity-officer"])),
            ("luis", json!(["participation", "council-secretary"]))
        ]
    );
    let text = list.to_string();
    assert!(!text.contains("totp") && !text.contains("password") && !text.contains(&totp), "no secret is listed");

    // Every change is in the audit chain, under the staff capability, with the admin as actor.
    let entries = app::platform::audit::entries_after(&portal.state.database, 0).await.unwrap();
    let by_admin: Vec<(String, String)> =
        entries.iter().filter(|e| e.actor == "admin").map(|e| (e.action.clone(), e.subject.clone())).collect();
    for expected in [("staff.add", "luis"), ("staff.set_roles", "luis"), ("staff.disable", "luis")] {
        assert!(by_admin.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {by_admin:?}");
    }
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
}

#[tokio::test]
async fn an_attachment_download_resumes_from_a_byte_and_refuses_a_range_past_its_end() {
    let portal = portal().await;
    let store = &portal.state.submissions.sealed.store;
    let content: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let mut incoming = store.create().await.unwrap();
    incoming.write(&content).await.unwrap();
    let object = store.keep(incoming).await.unwrap();
    let receipt = Receipt::generate();
    let keys = receipt.derive_keys();
    let report = NewReport {
        received_on: portal_server::today_in_lima(),
        lookup_hash: keys.lookup_hash(),
        reply_recipient: keys.reply_identity.to_public().to_string(),
        encrypted_in: EncryptedIn::Browser,
        ciphertext: envelope::encrypt(&[portal.office.to_public()], b"{}").unwrap(),
        key_ids: vec!["integridad-1".into()],
        attachments: vec![object.clone()],
    };
    insert_report(&portal.state.database, &report).await.unwrap();
    let token = sign_in(&portal, 0).await;
    let case = only_case(&portal, &token).await["id"].as_str().unwrap().to_string();
    let uri = format!("/api/officer/cases/{case}/objects/{}", object.name);
    let get = |range: Option<&str>| {
        let mut request = Request::get(uri.as_str()).header("authorization", format!("Bearer {token}"));
        if let Some(range) = range {
            request = request.header("range", range);
        }
        portal.app.clone().oneshot(request.body(Body::empty()).unwrap())
    };
    let body = |response: http::Response<Body>| async move { response.into_body().collect().await.unwrap().to_bytes() };

    let whole = get(None).await.unwrap();
    assert_eq!((whole.status(), whole.headers()["accept-ranges"].to_str().unwrap()), (StatusCode::OK, "bytes"));
    assert_eq!(body(whole).await.as_ref(), content.as_slice());
    let rest = get(Some("bytes=2048-")).await.unwrap();
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(rest.headers()["content-range"], "bytes 2048-4999/5000");
    assert_eq!(body(rest).await.as_ref(), &content[2048..]);
    let middle = get(Some("bytes=10-19")).await.unwrap();
    assert_eq!(middle.headers()["content-range"], "bytes 10-19/5000");
    assert_eq!(body(middle).await.as_ref(), &content[10..20]);
    let past = get(Some("bytes=5000-")).await.unwrap();
    assert_eq!(
        (past.status(), past.headers()["content-range"].to_str().unwrap()),
        (StatusCode::RANGE_NOT_SATISFIABLE, "bytes */5000")
    );
    // Several ranges, or a suffix, are ignored: the whole file, as RFC 9110 allows.
    for ignored in ["bytes=0-1,5-9", "bytes=-100", "lines=1-2"] {
        let response = get(Some(ignored)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{ignored}");
        assert_eq!(body(response).await.len(), content.len(), "{ignored}");
    }
}

/// A plain HTML form's `POST` with a staff session cookie; the status, `Location` and page.
async fn post_form(portal: &Portal, uri: &str, token: Option<&str>, body: &str) -> (StatusCode, String, String) {
    let mut builder = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(token) = token {
        builder = builder.header("cookie", format!("portal_officer_session={token}"));
    }
    let response = portal.app.clone().oneshot(builder.body(Body::from(body.to_string())).unwrap()).await.unwrap();
    let status = response.status();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let page = response.into_body().collect().await.unwrap().to_bytes();
    (status, location, String::from_utf8_lossy(&page).into_owned())
}

async fn get_page(portal: &Portal, uri: &str, token: &str) -> (StatusCode, String) {
    let request = Request::get(uri).header("cookie", format!("portal_officer_session={token}"));
    let (status, body) = send(portal, request.body(Body::empty()).unwrap()).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_accounts_page_creates_and_changes_accounts_with_plain_forms_for_account_admins_only() {
    use app::staff::Role;
    let portal = portal().await;
    let _officer = sign_in(&portal, 0).await;
    let admin = staff_member(&portal, "admin", &[Role::AccountAdmin]).await;
    let treasury = staff_member(&portal, "caja", &[Role::Treasury]).await;
    let new_eva =
        format!("username=eva&password={}&role=treasury&role=civil-registry&prefix=", PASSWORD.replace(' ', "+"));
    let find = |name: &'static str| app::staff::storage::find_account(&portal.state.database, name);

    // Without a session: sign in first. Without the role: the page's 403, and nothing is done.
    let (status, location, _) = post_form(&portal, "/oficina/cuentas/nueva", None, &new_eva).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/oficina"));
    let (status, _, page) = post_form(&portal, "/oficina/cuentas/nueva", Some(&treasury), &new_eva).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("id=\"missing-role\""), "{page}");
    let (status, page) = get_page(&portal, "/oficina/cuentas", &treasury).await;
    assert!(status == StatusCode::FORBIDDEN && page.contains("id=\"missing-role\"") && !page.contains("id=\"account-"));
    assert_eq!(find("eva").await.unwrap(), None);

    // Created: the page answers with the key, once; the account has the roles ticked.
    let (status, _, page) = post_form(&portal, "/oficina/cuentas/nueva", Some(&admin), &new_eva).await;
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let eva = find("eva").await.unwrap().expect("created");
    assert_eq!(eva.roles, [Role::Treasury, Role::CivilRegistry]);
    assert!(page.contains("id=\"created-secret\"") && page.contains(&eva.totp_secret), "{page}");
    let login = json!({"username": "eva", "password": PASSWORD, "code": accounts::totp_code(&eva.totp_secret, now())});
    let (status, _) = json_request(&portal, "POST", "/api/officer/session", None, login).await;
    assert_eq!(status, StatusCode::OK, "the key shown signs in");
    let (status, page) = get_page(&portal, "/oficina/cuentas", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"account-eva\"") && !page.contains(&eva.totp_secret), "the key is shown only once");

    // Refused: the error summary, the page again with what was typed (never the password).
    for (body, expected, text) in [
        ("username=luz&password=corta&role=treasury", StatusCode::UNPROCESSABLE_ENTITY, "al menos 12 caracteres"),
        ("username=luz&password=una+clave+bastante+larga", StatusCode::UNPROCESSABLE_ENTITY, "Elija al menos un rol"),
        (
            "username=luz&password=una+clave+bastante+larga&role=integrity-officer",
            StatusCode::FORBIDDEN,
            "línea de órdenes",
        ),
        ("username=eva&password=una+clave+bastante+larga&role=treasury", StatusCode::CONFLICT, "Ya existe"),
    ] {
        let (status, _, page) = post_form(&portal, "/oficina/cuentas/nueva", Some(&admin), body).await;
        assert_eq!(status, expected, "{body}");
        assert!(page.contains("class=\"error-summary\"") && page.contains(text), "{body}: {page}");
        assert!(!page.contains("corta") && !page.contains("una clave bastante larga"), "no password is sent back");
    }
    let (_, _, page) =
        post_form(&portal, "/oficina/cuentas/nueva", Some(&admin), "username=luz&password=corta&role=treasury").await;
    assert!(page.contains("value=\"luz\""), "the user name is kept");
    assert_eq!(find("luz").await.unwrap(), None);

    // Changed: a redirect back to the page, which says what was done; in the form's language.
    let change = "username=eva&action=roles&role=participation&prefix=%2Fen";
    let (status, location, _) = post_form(&portal, "/oficina/cuentas/cambiar", Some(&admin), change).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/en/oficina/cuentas?hecho=roles&cuenta=eva"));
    assert_eq!(find("eva").await.unwrap().unwrap().roles, [Role::Participation]);
    let (_, page) = get_page(&portal, &location, &admin).await;
    assert!(page.contains("id=\"accounts-done\"") && page.contains("The roles of eva were saved"), "{page}");
    let (status, location, _) =
        post_form(&portal, "/oficina/cuentas/cambiar", Some(&admin), "username=eva&action=disable").await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/oficina/cuentas?hecho=disable&cuenta=eva"));
    assert!(find("eva").await.unwrap().unwrap().disabled);

    // The integrity officer's account, the admin's own disabling, an empty role list: refused, said why.
    for (body, expected, text) in [
        ("username=ana&action=roles&role=treasury", StatusCode::FORBIDDEN, "línea de órdenes"),
        ("username=ana&action=disable", StatusCode::FORBIDDEN, "línea de órdenes"),
        ("username=admin&action=disable", StatusCode::UNPROCESSABLE_ENTITY, "su propia cuenta"),
        ("username=eva&action=roles", StatusCode::UNPROCESSABLE_ENTITY, "Elija al menos un rol"),
        ("username=nadie&action=enable", StatusCode::NOT_FOUND, "No existe esa cuenta"),
        ("username=eva&action=borrar", StatusCode::UNPROCESSABLE_ENTITY, "No había nada que cambiar"),
    ] {
        let (status, _, page) = post_form(&portal, "/oficina/cuentas/cambiar", Some(&admin), body).await;
        assert_eq!(status, expected, "{body}");
        assert!(page.contains("class=\"error-summary\"") && page.contains(text), "{body}: {page}");
    }
    let ana = find("ana").await.unwrap().unwrap();
    assert!(ana.roles == [Role::IntegrityOfficer] && !ana.disabled);

    // Each change is in the audit chain, under the staff capability, with the admin as actor.
    let entries = app::platform::audit::entries_after(&portal.state.database, 0).await.unwrap();
    let by_admin: Vec<(&str, &str)> =
        entries.iter().filter(|e| e.actor == "admin").map(|e| (e.action.as_str(), e.subject.as_str())).collect();
    let expected =
        [("staff.login", "admin"), ("staff.add", "eva"), ("staff.set_roles", "eva"), ("staff.disable", "eva")];
    assert_eq!(by_admin, expected);
}

#[tokio::test]
async fn sign_in_leads_an_officer_to_the_cases_and_everyone_else_to_the_staff_home() {
    use app::staff::Role;
    let portal = portal().await;
    for (username, roles, landing) in [
        ("ana", vec![Role::IntegrityOfficer], "/oficina/casos"),
        ("admin", vec![Role::AccountAdmin], "/oficina/inicio"),
        ("caja", vec![Role::Treasury], "/oficina/inicio"),
    ] {
        let secret = match username {
            "ana" => portal.totp.clone(),
            _ => accounts::add_account(&portal.state.database, username, PASSWORD, &roles, "system").await.unwrap(),
        };
        let code = accounts::totp_code(&secret, now());
        let body = format!("username={username}&password={}&code={code}", PASSWORD.replace(' ', "+"));
        let (status, location, _) = post_form(&portal, "/oficina/entrar", None, &body).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, landing), "{username}");
    }
    let caja = staff_member(&portal, "caja2", &[Role::Treasury]).await;
    let (status, page) = get_page(&portal, "/oficina/inicio", &caja).await;
    assert!(
        status == StatusCode::OK
            && page.contains("href=\"/oficina/tributos\"")
            && !page.contains("href=\"/oficina/casos\"")
    );
    // A role whose capability has no staff page yet says so.
    let committee = staff_member(&portal, "comite2", &[Role::ProcurementCommittee]).await;
    let (_, page) = get_page(&portal, "/oficina/inicio", &committee).await;
    assert!(page.contains("href=\"/oficina/cotizaciones\"") && !page.contains("href=\"/oficina/visitas\""), "{page}");
    // The transparency editor has the registers' three pages, and nothing of the other departments.
    let editor = staff_member(&portal, "editor2", &[Role::TransparencyEditor]).await;
    let (_, page) = get_page(&portal, "/oficina/inicio", &editor).await;
    for page_path in ["/oficina/integridad", "/oficina/visitas", "/oficina/declaraciones"] {
        assert!(page.contains(&format!("href=\"{page_path}\"")), "{page_path}: {page}");
    }
    assert!(!page.contains("href=\"/oficina/tributos\"") && !page.contains("id=\"no-pages\""));
    let vecinal = staff_member(&portal, "vecinal2", &[Role::Participation]).await;
    let (_, page) = get_page(&portal, "/oficina/inicio", &vecinal).await;
    assert!(page.contains("href=\"/oficina/participacion\"") && !page.contains("id=\"no-pages\""), "{page}");
    let admin = staff_member(&portal, "admin2", &[Role::AccountAdmin]).await;
    let (_, page) = get_page(&portal, "/oficina/inicio", &admin).await;
    assert!(page.contains("href=\"/oficina/cuentas\"") && !page.contains("href=\"/oficina/casos\""), "{page}");
}

#[tokio::test]
async fn the_command_line_lists_disables_and_resets_a_lost_authenticator_with_every_step_audited() {
    let portal = portal().await;
    let config = portal.dir.path().join("Leptos.toml");
    let server = |args: &[&str]| {
        let output =
            common::server_command(&config).args(args).env("PORTAL_OFFICER_PASSWORD", PASSWORD).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    };
    let secret_in = |text: &str| text.lines().find_map(|l| l.trim().strip_prefix("secret: ")).unwrap().to_string();
    let login =
        |secret: &str| json!({"username": "luz", "password": PASSWORD, "code": accounts::totp_code(secret, now())});

    let (ok, text) = server(&["staff", "add", "luz", "--role", "treasury"]);
    assert!(ok, "{text}");
    let first = secret_in(&text);
    let (status, session) = json_request(&portal, "POST", "/api/officer/session", None, login(&first)).await;
    assert_eq!(status, StatusCode::OK);
    let token = session["token"].as_str().unwrap().to_string();
    let (ok, text) = server(&["staff", "list"]);
    assert!(ok && text.contains("luz\ttreasury"), "{text}");

    // The phone is lost: a new secret; the old one's codes and the open session stop working.
    let (ok, text) = server(&["staff", "reset-authenticator", "luz"]);
    assert!(ok && text.contains("sessions have ended"), "{text}");
    let second = secret_in(&text);
    assert_ne!(first, second);
    let (status, _) = json_request(&portal, "GET", "/api/staff/accounts", Some(&token), Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the session opened before the reset has ended");
    let (status, _) = json_request(&portal, "POST", "/api/officer/session", None, login(&first)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the lost authenticator's codes no longer sign in");
    let (status, _) = json_request(&portal, "POST", "/api/officer/session", None, login(&second)).await;
    assert_eq!(status, StatusCode::OK);
    let (ok, text) = server(&["staff", "reset-authenticator", "nadie"]);
    assert!(!ok && text.contains("no account named \"nadie\""), "{text}");

    let (ok, text) = server(&["staff", "disable", "luz"]);
    assert!(ok, "{text}");
    let (ok, text) = server(&["staff", "list"]);
    assert!(ok && text.contains("luz\ttreasury (disabled "), "{text}");

    let entries = app::platform::audit::entries_after(&portal.state.database, 0).await.unwrap();
    let steps: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.subject == "luz" && e.actor == "system")
        .map(|e| (e.action.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(steps, [("staff.add", "luz"), ("staff.reset_authenticator", "luz"), ("staff.disable", "luz")]);
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
}
