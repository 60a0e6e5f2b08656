//! A payment gateway sandbox: a separate process that behaves, over HTTP, as the Peruvian gateways a
//! municipality contracts do (card checkout by redirect and return; a cash payment code, "CIP", paid
//! later at a bank or agent, that expires), so the portal is tested against a real network boundary
//! and never against a stub in its own code.
//!
//! Merchant API (`Authorization: Bearer <api key>`, JSON; every `POST` takes an `Idempotency-Key`:
//! the same key with the same body answers the same, with another body `409`):
//! - `POST /v1/charges` `{kind: "card"|"cash", amount_cents, currency: "PEN", reference, description,
//!   return_url?, notify_url, expires_in_seconds?}` → the charge (with `checkout_url` or `cip`).
//! - `GET /v1/charges/{id}` → the charge: `status` pending, paid, expired, declined or refunded.
//! - `POST /v1/charges/{id}/refunds` → the charge, refunded (only a paid one).
//!
//! Pages for the payer: `GET /pagar/{id}` (the card form; pay or decline, then back to `return_url`),
//! `GET /agente` (an agent's counter: type a CIP and pay it).
//!
//! Notifications: `POST notify_url` with `{"event": "charge.<status>", "sequence": n, "charge": {...}}`
//! and `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, retried
//! until a 2xx (5 tries).
//!
//! Faults on demand (`POST /control`, same bearer): `{"duplicate": n}` sends each notification n more
//! times, `{"delay_ms": n}` delivers them late, `{"drop": true}` never delivers them (the portal must
//! reconcile by status query), `{"fail_next": n}` answers the next n API calls `503` after doing
//! nothing, `{"fail_after_next": n}` does the next n charges and then answers `503` (a timeout after
//! the work), `{"replay_stale": true}` also sends, after each notification, the charge's previous
//! notification again (out of order), `{"expire_after_seconds": n}` makes new cash codes expire after n
//! seconds. Each call replaces all faults (`{}` clears them).

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Parser;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Parser, Debug)]
#[command(name = "payment-sandbox", about = "A payment gateway sandbox for the portal's tests and demos")]
struct Args {
    /// Where to listen, e.g. 127.0.0.1:3100.
    #[arg(long, env = "SANDBOX_ADDRESS", default_value = "127.0.0.1:3100")]
    address: String,
    /// The merchant's API key (the portal's `payments.api_key`).
    #[arg(long, env = "SANDBOX_API_KEY", default_value = "sandbox-api-key")]
    api_key: String,
    /// The secret notifications are signed with (the portal's `payments.notification_secret`).
    #[arg(long, env = "SANDBOX_NOTIFICATION_SECRET", default_value = "sandbox-notification-secret")]
    notification_secret: String,
    /// This sandbox's address as a browser reaches it, for checkout URLs; default `http://<address>`.
    #[arg(long, env = "SANDBOX_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Charge {
    id: String,
    kind: String,
    amount_cents: u64,
    currency: String,
    reference: String,
    description: String,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    checkout_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cip: Option<String>,
    /// Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paid_at: Option<u64>,
    #[serde(skip)]
    return_url: Option<String>,
    #[serde(skip)]
    notify_url: String,
    #[serde(skip)]
    sequence: u64,
    #[serde(skip)]
    last_notification: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
struct NewCharge {
    kind: String,
    amount_cents: u64,
    #[serde(default = "pen")]
    currency: String,
    reference: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    return_url: Option<String>,
    notify_url: String,
    #[serde(default)]
    expires_in_seconds: Option<u64>,
}

fn pen() -> String {
    "PEN".into()
}

#[derive(Default, Debug, Deserialize, Serialize, Clone)]
struct Faults {
    #[serde(default)]
    duplicate: u32,
    #[serde(default)]
    delay_ms: u64,
    #[serde(default)]
    drop: bool,
    #[serde(default)]
    fail_next: u32,
    #[serde(default)]
    fail_after_next: u32,
    #[serde(default)]
    replay_stale: bool,
    /// Charges created from now on expire after this many seconds (to test an expired cash code).
    #[serde(default)]
    expire_after_seconds: Option<u64>,
}

#[derive(Default)]
struct Book {
    charges: HashMap<String, Charge>,
    /// Idempotency key → (request fingerprint, answer).
    idempotent: HashMap<String, (String, serde_json::Value)>,
    faults: Faults,
}

#[derive(Clone)]
struct Sandbox {
    book: Arc<Mutex<Book>>,
    api_key: String,
    secret: String,
    public_url: String,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

fn random_digits(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).expect("the system's random source works");
    bytes.iter().map(|b| char::from(b'0' + b % 10)).collect()
}

fn random_id() -> String {
    let mut bytes = [0u8; 12];
    getrandom::getrandom(&mut bytes).expect("the system's random source works");
    format!("ch_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// `t=<unix>,v1=<hex>` for `body`.
fn signature(secret: &str, timestamp: u64, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

fn problem(status: StatusCode, code: &str) -> Response {
    (status, Json(serde_json::json!({ "error": code }))).into_response()
}

impl Sandbox {
    fn authorized(&self, headers: &HeaderMap) -> bool {
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {}", self.api_key))
    }

    /// Takes one of the faults that answer `503` before doing anything.
    fn failing_now(&self) -> bool {
        let mut book = self.book.lock().expect("not poisoned");
        if book.faults.fail_next > 0 {
            book.faults.fail_next -= 1;
            return true;
        }
        false
    }

    /// Moves `id` to `status` and sends its notification (with the faults in force).
    fn settle(&self, id: &str, status: &str) -> Option<Charge> {
        let (charge, faults, stale) = {
            let mut book = self.book.lock().expect("not poisoned");
            let faults = book.faults.clone();
            let charge = book.charges.get_mut(id)?;
            charge.status = status.into();
            if status == "paid" {
                charge.paid_at = Some(now());
            }
            charge.sequence += 1;
            let body = serde_json::json!({ "event": format!("charge.{status}"), "sequence": charge.sequence, "charge": charge })
                .to_string();
            let stale = charge.last_notification.replace(body);
            (charge.clone(), faults, stale)
        };
        let body = charge.last_notification.clone().expect("just set");
        let secret = self.secret.clone();
        let url = charge.notify_url.clone();
        if !faults.drop {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(faults.delay_ms));
                for _ in 0..=faults.duplicate {
                    deliver(&url, &secret, &body);
                }
                if let Some(stale) = stale.filter(|_| faults.replay_stale) {
                    deliver(&url, &secret, &stale);
                }
            });
        }
        Some(charge)
    }
}

/// Posts a notification, retrying a few times until the portal answers 2xx.
fn deliver(url: &str, secret: &str, body: &str) {
    for attempt in 0..5u64 {
        let header = signature(secret, now(), body);
        let sent =
            ureq::post(url).header("content-type", "application/json").header("sandbox-signature", &header).send(body);
        match sent {
            Ok(response) if response.status().is_success() => return,
            _ => std::thread::sleep(Duration::from_millis(200 * (attempt + 1))),
        }
    }
    eprintln!("payment-sandbox: a notification to {url} was not accepted after 5 tries");
}

async fn create_charge(State(sandbox): State<Sandbox>, headers: HeaderMap, Json(new): Json<NewCharge>) -> Response {
    if !sandbox.authorized(&headers) {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    if sandbox.failing_now() {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    }
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string) else {
        return problem(StatusCode::BAD_REQUEST, "idempotency_key_required");
    };
    if !["card", "cash"].contains(&new.kind.as_str()) || new.amount_cents == 0 || new.currency != "PEN" {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_charge");
    }
    let fingerprint = serde_json::to_string(&new).expect("serializable");
    let mut book = sandbox.book.lock().expect("not poisoned");
    if let Some((seen, answer)) = book.idempotent.get(&key) {
        if *seen != fingerprint {
            return problem(StatusCode::CONFLICT, "idempotency_key_reused");
        }
        return (StatusCode::OK, Json(answer.clone())).into_response();
    }
    let id = random_id();
    let card = new.kind == "card";
    let forced = book.faults.expire_after_seconds.filter(|_| !card);
    let lifetime = forced.or(new.expires_in_seconds).unwrap_or(if card { 1800 } else { 86_400 });
    let charge = Charge {
        checkout_url: card.then(|| format!("{}/pagar/{id}", sandbox.public_url)),
        cip: (!card).then(|| random_digits(8)),
        expires_at: Some(now() + lifetime),
        id: id.clone(),
        kind: new.kind,
        amount_cents: new.amount_cents,
        currency: new.currency,
        reference: new.reference,
        description: new.description,
        status: "pending".into(),
        paid_at: None,
        return_url: new.return_url,
        notify_url: new.notify_url,
        sequence: 0,
        last_notification: None,
    };
    let answer = serde_json::to_value(&charge).expect("serializable");
    book.charges.insert(id, charge);
    book.idempotent.insert(key, (fingerprint, answer.clone()));
    if book.faults.fail_after_next > 0 {
        book.faults.fail_after_next -= 1;
        return problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    }
    (StatusCode::CREATED, Json(answer)).into_response()
}

/// Expires the pending charges whose time has come (and notifies).
fn expire_due(sandbox: &Sandbox) {
    let due: Vec<String> = {
        let book = sandbox.book.lock().expect("not poisoned");
        book.charges
            .values()
            .filter(|c| c.status == "pending" && c.expires_at.is_some_and(|at| at <= now()))
            .map(|c| c.id.clone())
            .collect()
    };
    for id in due {
        sandbox.settle(&id, "expired");
    }
}

async fn charge_status(State(sandbox): State<Sandbox>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !sandbox.authorized(&headers) {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    if sandbox.failing_now() {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    }
    expire_due(&sandbox);
    let book = sandbox.book.lock().expect("not poisoned");
    match book.charges.get(&id) {
        Some(charge) => Json(charge.clone()).into_response(),
        None => problem(StatusCode::NOT_FOUND, "not_found"),
    }
}

async fn refund(State(sandbox): State<Sandbox>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !sandbox.authorized(&headers) {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    if sandbox.failing_now() {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    }
    let status = sandbox.book.lock().expect("not poisoned").charges.get(&id).map(|c| c.status.clone());
    match status.as_deref() {
        None => problem(StatusCode::NOT_FOUND, "not_found"),
        // Idempotent: a refunded charge answers as refunded again.
        Some("refunded") => Json(sandbox.book.lock().expect("not poisoned").charges[&id].clone()).into_response(),
        Some("paid") => Json(sandbox.settle(&id, "refunded").expect("exists")).into_response(),
        Some(_) => problem(StatusCode::CONFLICT, "not_paid"),
    }
}

async fn control(State(sandbox): State<Sandbox>, headers: HeaderMap, Json(faults): Json<Faults>) -> Response {
    if !sandbox.authorized(&headers) {
        return problem(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    sandbox.book.lock().expect("not poisoned").faults = faults.clone();
    Json(faults).into_response()
}

fn page(title: &str, body: String) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"es-PE\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>body{{font-family:sans-serif;\
         max-width:32rem;margin:2rem auto;padding:0 1rem;color:#111}}button{{font:inherit;padding:.5rem 1rem;\
         margin:.25rem}}input{{font:inherit;padding:.4rem}}</style></head><body><p><strong>Pasarela de prueba \
         (sandbox)</strong>: no se mueve dinero real.</p>{body}</body></html>"
    ))
}

fn soles(cents: u64) -> String {
    format!("S/ {}.{:02}", cents / 100, cents % 100)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn checkout_page(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Response {
    expire_due(&sandbox);
    let charge = sandbox.book.lock().expect("not poisoned").charges.get(&id).cloned();
    let Some(charge) = charge.filter(|c| c.kind == "card") else { return StatusCode::NOT_FOUND.into_response() };
    if charge.status != "pending" {
        return page("Pago", format!("<h1>Este pago ya no está pendiente</h1><p>Estado: {}</p>", charge.status))
            .into_response();
    }
    page(
        "Pagar con tarjeta",
        format!(
            "<h1>Pagar {amount}</h1><p>{description}</p><form method=\"post\"><p><label for=\"card\">Número de tarjeta</label><br>\
             <input id=\"card\" name=\"card\" value=\"4111 1111 1111 1111\" autocomplete=\"off\"></p>\
             <button name=\"action\" value=\"pay\">Pagar {amount}</button><button name=\"action\" value=\"decline\">Rechazar</button></form>",
            amount = soles(charge.amount_cents),
            description = escape(&charge.description),
        ),
    )
    .into_response()
}

#[derive(Deserialize)]
struct CheckoutForm {
    action: String,
}

async fn checkout_submit(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    Form(form): Form<CheckoutForm>,
) -> Response {
    expire_due(&sandbox);
    let charge = sandbox.book.lock().expect("not poisoned").charges.get(&id).cloned();
    let Some(charge) = charge.filter(|c| c.kind == "card") else { return StatusCode::NOT_FOUND.into_response() };
    if charge.status == "pending" {
        sandbox.settle(&id, if form.action == "pay" { "paid" } else { "declined" });
    }
    match charge.return_url {
        Some(url) => {
            Redirect::to(&format!("{url}{}charge={id}", if url.contains('?') { '&' } else { '?' })).into_response()
        }
        None => page("Pago", "<h1>Listo</h1>".into()).into_response(),
    }
}

async fn agent_page() -> Html<String> {
    page(
        "Agente",
        "<h1>Agente o banco: pagar un código CIP</h1><form method=\"post\"><p><label for=\"cip\">Código CIP</label><br>\
         <input id=\"cip\" name=\"cip\" inputmode=\"numeric\"></p><button>Pagar</button></form>"
            .into(),
    )
}

#[derive(Deserialize)]
struct AgentForm {
    cip: String,
}

async fn agent_pay(State(sandbox): State<Sandbox>, Form(form): Form<AgentForm>) -> Response {
    expire_due(&sandbox);
    let cip = form.cip.trim().to_string();
    let found = {
        let book = sandbox.book.lock().expect("not poisoned");
        book.charges.values().find(|c| c.cip.as_deref() == Some(cip.as_str())).cloned()
    };
    let (status, text) = match found {
        None => (StatusCode::NOT_FOUND, "No existe ese código.".to_string()),
        Some(charge) if charge.status == "pending" => {
            sandbox.settle(&charge.id, "paid");
            (StatusCode::OK, format!("Pagado: {} ({}).", soles(charge.amount_cents), escape(&charge.description)))
        }
        Some(charge) if charge.status == "expired" => (StatusCode::GONE, "El código venció: no se puede pagar.".into()),
        Some(charge) => (StatusCode::CONFLICT, format!("Ese código ya no está pendiente ({}).", charge.status)),
    };
    (status, page("Agente", format!("<h1 id=\"outcome\">{text}</h1><p><a href=\"/agente\">Pagar otro</a></p>")))
        .into_response()
}

fn router(sandbox: Sandbox) -> Router {
    Router::new()
        .route("/v1/charges", post(create_charge))
        .route("/v1/charges/{id}", get(charge_status))
        .route("/v1/charges/{id}/refunds", post(refund))
        .route("/control", post(control))
        .route("/pagar/{id}", get(checkout_page).post(checkout_submit))
        .route("/agente", get(agent_page).post(agent_pay))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(sandbox)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(&args.address).await.unwrap_or_else(|error| {
        eprintln!("payment-sandbox: cannot listen on {}: {error}", args.address);
        std::process::exit(2);
    });
    let address = listener.local_addr().expect("bound");
    let sandbox = Sandbox {
        book: Arc::default(),
        api_key: args.api_key,
        secret: args.notification_secret,
        public_url: args.public_url.unwrap_or_else(|| format!("http://{address}")),
    };
    // Cash codes expire on time even when nobody asks about them.
    let ticker = sandbox.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            expire_due(&ticker);
        }
    });
    println!("payment-sandbox listening on http://{address}");
    axum::serve(listener, router(sandbox)).await.expect("serve");
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn a_signature_covers_the_timestamp_and_the_body() {
        let a = signature("s", 1, "{}");
        assert!(a.starts_with("t=1,v1="));
        assert_ne!(a, signature("s", 2, "{}"));
        assert_ne!(a, signature("s", 1, "{ }"));
        assert_ne!(a, signature("t", 1, "{}"));
    }
}
