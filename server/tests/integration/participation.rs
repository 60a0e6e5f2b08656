//! Neighbourhood votes through the router the binary serves, with the client's side done as the
//! voting island does it (blinding and unblinding in Rust, the same crate the WebAssembly runs): a
//! token for an eligible resident only, once per DNI; a ballot only with a valid token, once; nothing
//! counted or published before the close; after it, the results with turnout, a voter's ballot found
//! by its code, and the published file checked by `server verify-poll` and one ballot by OpenSSL, as
//! the results page tells the public.

use crate::common::{Portal, get, portal_configured};
use app::participation::blind_rsa::{BlindSignature, BlindingResult, DefaultRng, PublicKeySha384PSSRandomized};
use app::participation::storage::{self, NewPoll, Resident};
use app::participation::{Choices, NONCE_BYTES, Poll, PollOption, Question, QuestionKind, b64, token_message, unb64};
use http::StatusCode;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn post_json(
    portal: &Portal,
    uri: &str,
    body: &Value,
    cookie: Option<&str>,
) -> (StatusCode, http::HeaderMap, Value) {
    let mut request = http::Request::post(uri).header("content-type", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let request = request.body(axum::body::Body::from(body.to_string())).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn open_poll(portal: &Portal) -> Poll {
    let database = &portal.state.database;
    let census = [
        Resident {
            dni: "40000001".into(),
            names: "Ana Quispe".into(),
            birth_date: "1980-04-12".into(),
            zone: "Zona 4".into(),
        },
        Resident {
            dni: "40000002".into(),
            names: "Luis Paz".into(),
            birth_date: "1975-01-31".into(),
            zone: "Zona 4".into(),
        },
        Resident {
            dni: "40000003".into(),
            names: "Eva Sol".into(),
            birth_date: "1990-09-09".into(),
            zone: "Zona 7".into(),
        },
    ];
    storage::import_census(database, "participa", &census).await.unwrap();
    let poll = NewPoll {
        title: "Horario del mercado".into(),
        description: "¿Cuándo abre el mercado de Santa Cruz?".into(),
        zone: None,
        opens_at: "2000-01-01T00:00:00Z".into(),
        closes_at: "2999-01-01T00:00:00Z".into(),
        question: Question {
            text: "¿Horario?".into(),
            kind: QuestionKind::Single,
            max_choices: 1,
            budget_cents: 0,
            options: vec![
                PollOption { label: "Mañana".into(), cost_cents: 0 },
                PollOption { label: "Tarde".into(), cost_cents: 0 },
            ],
        },
    };
    let keys = portal_server::participation::new_keys().await.unwrap();
    let id = storage::create_poll(database, "participa", &poll, &keys).await.unwrap();
    storage::poll(database, &id).await.unwrap().unwrap()
}

/// The island's first step: a token of a nonce and the choices, blinded, sent with the DNI.
async fn take(
    portal: &Portal,
    poll: &Poll,
    dni: &str,
    birth: &str,
    choices: &Choices,
) -> (StatusCode, Value, Vec<u8>, BlindingResult) {
    let key = PublicKeySha384PSSRandomized::from_pem(&poll.public_key_pem).unwrap();
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::getrandom(&mut nonce).unwrap();
    let token = token_message(&nonce, choices);
    let blinding = key.blind(&mut DefaultRng, &token).unwrap();
    let body = json!({ "dni": dni, "birth_date": birth, "blinded": b64(&blinding.blind_message.0) });
    let (status, _, answer) = post_json(portal, &app::participation::paths::token_url(&poll.id), &body, None).await;
    (status, answer, token, blinding)
}

/// The island's second step: the unblinded signature and the ballot.
fn ballot(poll: &Poll, answer: &Value, token: &[u8], blinding: &BlindingResult, choices: &Choices) -> Value {
    let key = PublicKeySha384PSSRandomized::from_pem(&poll.public_key_pem).unwrap();
    let blind = unb64(answer["blind_signature"].as_str().unwrap()).unwrap();
    let signature = key.finalize(&BlindSignature(blind), blinding, token).unwrap();
    json!({
        "token": b64(token),
        "randomizer": b64(&blinding.msg_randomizer.unwrap().0),
        "signature": b64(&signature.0),
        "choices": choices,
    })
}

#[tokio::test]
async fn a_resident_votes_once_anonymously_and_finds_the_ballot_after_the_close() {
    let portal = portal_configured(|text| format!("{text}\n[participation]\nwrong_attempts_per_minute = 3\n")).await;
    let poll = open_poll(&portal).await;
    let cast_url = app::participation::paths::cast_url(&poll.id);
    let morning: Choices = vec![vec![0]];
    let afternoon: Choices = vec![vec![1]];

    // The pages: the list, the voting page with its island, no results yet.
    let (status, _, page) = get(&portal, "/participacion").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Horario del mercado"));
    let (status, _, page) = get(&portal, &format!("/participacion/votar?consulta={}", poll.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-bundle-wasm") && page.contains("vote-needs-script") && page.contains("Av. Larco 400"));
    let (status, _, _) = get(&portal, "/participacion/votar?consulta=nohay").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Eligibility: a wrong date and an unknown DNI get the same refusal; past the budget, 429.
    let (status, answer, _, _) = take(&portal, &poll, "40000001", "1980-04-13", &morning).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not-in-census")));
    let (status, answer, _, _) = take(&portal, &poll, "49999999", "1980-04-12", &morning).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not-in-census")));
    let (status, answer, token, blinding) = take(&portal, &poll, "40000001", "1980-04-12", &morning).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // The same DNI cannot get a second token.
    let (status, second, _, _) = take(&portal, &poll, "40000001", "1980-04-12", &afternoon).await;
    assert_eq!((status, second["code"].as_str()), (StatusCode::CONFLICT, Some("token-already-taken")));
    let (status, answer2, token2, blinding2) = take(&portal, &poll, "40000002", "1975-01-31", &afternoon).await;
    assert_eq!(status, StatusCode::OK, "{answer2}");

    // A ballot: sent with a staff cookie by mistake, it still carries nothing, and no cookie comes back.
    let ballot1 = ballot(&poll, &answer, &token, &blinding, &morning);
    let (status, headers, cast) = post_json(&portal, &cast_url, &ballot1, Some("portal_staff=abc")).await;
    assert_eq!(status, StatusCode::OK, "{cast}");
    assert!(headers.get(http::header::SET_COOKIE).is_none());
    let code = cast["ballot_code"].as_str().unwrap().to_string();
    // The same ballot again (a lost answer) gets the same code; its token with other choices is refused,
    // and a token whose signature is not the poll's is refused.
    let (_, _, again) = post_json(&portal, &cast_url, &ballot1, None).await;
    assert_eq!(again["ballot_code"].as_str(), Some(code.as_str()));
    let mut changed = ballot1.clone();
    changed["choices"] = json!(afternoon);
    let (status, _, refused) = post_json(&portal, &cast_url, &changed, None).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("choices-not-in-token")));
    let mut forged = ballot(&poll, &answer2, &token2, &blinding2, &afternoon);
    let mut signature = unb64(forged["signature"].as_str().unwrap()).unwrap();
    signature[10] ^= 1;
    forged["signature"] = json!(b64(&signature));
    let (status, _, refused) = post_json(&portal, &cast_url, &forged, None).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad-token")));
    let (status, _, refused) = post_json(&portal, &cast_url, &json!({"token": "x"}), None).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")));
    let ballot2 = ballot(&poll, &answer2, &token2, &blinding2, &afternoon);
    let (status, _, cast2) = post_json(&portal, &cast_url, &ballot2, None).await;
    assert_eq!(status, StatusCode::OK);
    let code2 = cast2["ballot_code"].as_str().unwrap().to_string();

    // Before the close: no count on any page or file.
    let results = format!("/participacion/resultados?consulta={}", poll.id);
    let (status, _, page) = get(&portal, &results).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("results-hidden") && !page.contains("id=\"turnout\""));
    let json_url = app::participation::paths::ballots_json(&poll.id);
    let (status, _, _) = get(&portal, &json_url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&portal, &app::participation::paths::ballots_csv(&poll.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The close. A ballot after it is refused.
    sqlx::query("UPDATE polls SET closes_at = '2001-01-01T00:00:00Z' WHERE id = $1")
        .bind(&poll.id)
        .execute(portal.state.database.pool())
        .await
        .unwrap();
    let (status, _, refused) = post_json(&portal, &cast_url, &ballot2, None).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("poll-not-open")));
    let (status, _, page) = get(&portal, &format!("{results}&codigo={}", code.to_lowercase().replace('-', "+"))).await;
    assert_eq!(status, StatusCode::OK);
    // Two ballots of three residents on the census: 66,6 %; two tokens.
    assert!(page.contains("Participación: 2 votos de 3 vecinos del padrón (66,6 %). Fichas entregadas: 2."), "{page}");
    assert!(page.contains("id=\"ballot-found\"") && page.contains(&code) && page.contains("¿Horario?: Mañana"));
    let (_, _, page) = get(&portal, &format!("{results}&codigo=AAAA-BBBB-CCCC")).await;
    assert!(page.contains("ballot-not-found"));
    let (status, _, csv) = get(&portal, &app::participation::paths::ballots_csv(&poll.id)).await;
    assert_eq!(status, StatusCode::OK);
    let mut lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.remove(0), "codigo,respuestas,ficha,aleatorizador,firma");
    let mut codes = vec![code.clone(), code2.clone()];
    codes.sort();
    assert_eq!(lines.iter().map(|line| line.split(',').next().unwrap()).collect::<Vec<_>>(), codes);

    // The published file, checked by the command the page names, and one ballot by OpenSSL.
    let (status, _, published) = get(&portal, &json_url).await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("papeletas.json");
    std::fs::write(&file, &published).unwrap();
    let verify = |path: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server")).arg("verify-poll").arg(path).output().unwrap()
    };
    let output = verify(&file);
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success() && said.contains("OK: every signature checks"), "{said}");
    assert!(said.contains("       1  Mañana") && said.contains("       1  Tarde"), "{said}");
    let mut altered: Value = serde_json::from_str(&published).unwrap();
    let flipped = 1 - altered["ballots"][1]["choices"][0][0].as_u64().unwrap();
    altered["ballots"][1]["choices"] = json!([[flipped]]);
    altered["tally"] = if flipped == 0 { json!([[2, 0]]) } else { json!([[0, 2]]) };
    std::fs::write(dir.path().join("alterada.json"), altered.to_string()).unwrap();
    let output = verify(&dir.path().join("alterada.json"));
    assert_eq!(output.status.code(), Some(1), "a changed ballot is found");
    assert!(String::from_utf8_lossy(&output.stdout).contains("not the ones its signed token carries"));

    let (_, _, pem) = get(&portal, &app::participation::paths::public_key(&poll.id)).await;
    std::fs::write(dir.path().join("clave-publica.pem"), pem).unwrap();
    let parsed: Value = serde_json::from_str(&published).unwrap();
    let first = &parsed["ballots"][0];
    let openssl = |token: &str| {
        // The commands the results page prints, with base64url padded for basenc.
        let pad = |text: &str| format!("{text}{}", "=".repeat((4 - text.len() % 4) % 4));
        let script = "set -e; basenc --base64url -d <<< \"$ALEATORIZADOR\" > entrada.bin; \
                      basenc --base64url -d <<< \"$FICHA\" >> entrada.bin; \
                      basenc --base64url -d <<< \"$FIRMA\" > firma.bin; \
                      openssl dgst -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 \
                        -sigopt rsa_mgf1_md:sha384 -verify clave-publica.pem -signature firma.bin entrada.bin";
        std::process::Command::new("bash")
            .args(["-c", script])
            .env("ALEATORIZADOR", pad(first["randomizer"].as_str().unwrap()))
            .env("FICHA", pad(token))
            .env("FIRMA", pad(first["signature"].as_str().unwrap()))
            .current_dir(dir.path())
            .output()
            .expect("bash, basenc and openssl run")
    };
    let output = openssl(first["token"].as_str().unwrap());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Verified OK"), "{output:?}");
    let other = parsed["ballots"][1]["token"].as_str().unwrap();
    assert!(!openssl(other).status.success(), "another ballot's token does not match this signature");
}

#[tokio::test]
async fn guessing_eligibility_is_limited_portal_wide() {
    let portal = portal_configured(|text| format!("{text}\n[participation]\nwrong_attempts_per_minute = 2\n")).await;
    let poll = open_poll(&portal).await;
    let choices: Choices = vec![vec![0]];
    for birth in ["1980-01-01", "1980-01-02"] {
        let (status, _, _, _) = take(&portal, &poll, "40000001", birth, &choices).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The budget is spent: the next attempt waits for the next minute, whoever makes it.
    let (status, answer, _, _) = take(&portal, &poll, "40000001", "1980-01-03", &choices).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too-many-attempts")));
    let (status, _, _, _) = take(&portal, &poll, "40000001", "1980-04-12", &choices).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
