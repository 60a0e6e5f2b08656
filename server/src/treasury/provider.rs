//! The payment provider's boundary: [`PaymentProvider`], and [`Gateway`], its implementation over HTTP
//! for gateways that speak as the sandbox (`payment-sandbox`) does: charges created with an
//! idempotency key, status queries, refunds, and notifications signed with HMAC-SHA256 over a timestamp
//! and the raw body. Another provider is another implementation of the trait.
//!
//! The client is blocking (ureq, already in the tree through the officer tool); handlers call it on
//! tokio's blocking pool.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A charge to create.
#[derive(Clone, Debug, Serialize)]
pub struct ChargeRequest {
    /// `card` (a checkout page, by redirect) or `cash` (a payment code paid later).
    pub kind: String,
    pub amount_cents: u64,
    pub currency: String,
    /// The portal's payment id.
    pub reference: String,
    pub description: String,
    pub return_url: Option<String>,
    pub notify_url: String,
    pub expires_in_seconds: Option<u64>,
}

/// A charge as the provider reports it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Charge {
    pub id: String,
    /// `pending`, `paid`, `declined`, `expired` or `refunded`.
    pub status: String,
    #[serde(default)]
    pub checkout_url: Option<String>,
    #[serde(default)]
    pub cip: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub expires_at: Option<u64>,
}

/// A verified notification: which charge, its status, and its place in the charge's sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub charge: String,
    pub status: String,
    pub sequence: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No answer, or a 5xx: the call may be repeated with the same idempotency key.
    #[error("the payment provider did not answer: {0}")]
    Unavailable(String),
    #[error("the payment provider refused: {0}")]
    Refused(String),
    #[error("the notification's signature is missing, wrong or too old")]
    BadSignature,
    #[error("the notification is not one the portal reads")]
    Malformed,
}

/// What the portal needs of a payment provider.
pub trait PaymentProvider: Send + Sync {
    fn create_charge(&self, charge: &ChargeRequest, idempotency_key: &str) -> Result<Charge, ProviderError>;
    fn charge(&self, id: &str) -> Result<Charge, ProviderError>;
    fn refund(&self, id: &str, idempotency_key: &str) -> Result<Charge, ProviderError>;
    /// Checks a notification's signature (over `body` exactly as received) and reads it; `now` is
    /// Unix seconds, to refuse a replayed old one.
    fn verify_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
        now: u64,
    ) -> Result<Notification, ProviderError>;
}

/// How far a notification's timestamp may be from the portal's clock.
const SIGNATURE_TOLERANCE: u64 = 300;

pub struct Gateway {
    base: String,
    api_key: String,
    secret: String,
    agent: ureq::Agent,
}

impl Gateway {
    pub fn new(base: &str, api_key: &str, secret: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(15)))
            .build()
            .new_agent();
        Self { base: base.trim_end_matches('/').to_string(), api_key: api_key.into(), secret: secret.into(), agent }
    }

    fn answer(&self, sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Charge, ProviderError> {
        let mut response = sent.map_err(|error| ProviderError::Unavailable(error.to_string()))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(ProviderError::Unavailable(format!("status {status}")));
        }
        if !status.is_success() {
            let text = response.body_mut().read_to_string().unwrap_or_default();
            return Err(ProviderError::Refused(format!(
                "status {status}: {}",
                text.chars().take(200).collect::<String>()
            )));
        }
        response.body_mut().read_json().map_err(|error| ProviderError::Unavailable(error.to_string()))
    }

    fn authorization(&self) -> String {
        format!("Bearer {}", self.api_key)
    }
}

impl PaymentProvider for Gateway {
    fn create_charge(&self, charge: &ChargeRequest, idempotency_key: &str) -> Result<Charge, ProviderError> {
        let sent = self
            .agent
            .post(format!("{}/v1/charges", self.base))
            .header("authorization", &self.authorization())
            .header("idempotency-key", idempotency_key)
            .send_json(charge);
        self.answer(sent)
    }

    fn charge(&self, id: &str) -> Result<Charge, ProviderError> {
        let sent = self
            .agent
            .get(format!("{}/v1/charges/{id}", self.base))
            .header("authorization", &self.authorization())
            .call();
        self.answer(sent)
    }

    fn refund(&self, id: &str, idempotency_key: &str) -> Result<Charge, ProviderError> {
        let sent = self
            .agent
            .post(format!("{}/v1/charges/{id}/refunds", self.base))
            .header("authorization", &self.authorization())
            .header("idempotency-key", idempotency_key)
            .send_empty();
        self.answer(sent)
    }

    fn verify_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
        now: u64,
    ) -> Result<Notification, ProviderError> {
        let signature = signature.ok_or(ProviderError::BadSignature)?;
        let mut timestamp = None;
        let mut given = None;
        for part in signature.split(',') {
            match part.trim().split_once('=') {
                Some(("t", value)) => timestamp = value.parse::<u64>().ok(),
                Some(("v1", value)) => given = decode_hex(value),
                _ => {}
            }
        }
        let (Some(timestamp), Some(given)) = (timestamp, given) else { return Err(ProviderError::BadSignature) };
        if timestamp.abs_diff(now) > SIGNATURE_TOLERANCE {
            return Err(ProviderError::BadSignature);
        }
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(self.secret.as_bytes()).expect("any key length");
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        // Constant-time comparison.
        mac.verify_slice(&given).map_err(|_| ProviderError::BadSignature)?;
        #[derive(Deserialize)]
        struct Body {
            sequence: u64,
            charge: Charge,
        }
        let parsed: Body = serde_json::from_slice(body).map_err(|_| ProviderError::Malformed)?;
        Ok(Notification { charge: parsed.charge.id, status: parsed.charge.status, sequence: parsed.sequence })
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    data_encoding::HEXLOWER_PERMISSIVE.decode(text.as_bytes()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, timestamp: u64, body: &str) -> String {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.{body}").as_bytes());
        format!("t={timestamp},v1={}", envelope::hex_lower(&mac.finalize().into_bytes()))
    }

    #[test]
    fn only_a_fresh_notification_signed_with_the_secret_over_its_exact_body_is_read() {
        let gateway = Gateway::new("http://127.0.0.1:1", "key", "secret");
        let body = r#"{"event":"charge.paid","sequence":2,"charge":{"id":"ch_1","status":"paid"}}"#;
        let now = 1_800_000_000;
        let good = sign("secret", now, body);
        let read = gateway.verify_notification(Some(&good), body.as_bytes(), now + 10).unwrap();
        assert_eq!(read, Notification { charge: "ch_1".into(), status: "paid".into(), sequence: 2 });
        let tampered = body.replace("paid\"}", "paid\" }");
        assert!(gateway.verify_notification(Some(&good), tampered.as_bytes(), now).is_err(), "another body");
        assert!(
            gateway.verify_notification(Some(&sign("other", now, body)), body.as_bytes(), now).is_err(),
            "another key"
        );
        assert!(gateway.verify_notification(Some(&good), body.as_bytes(), now + 301).is_err(), "too old");
        assert!(gateway.verify_notification(None, body.as_bytes(), now).is_err());
        assert!(gateway.verify_notification(Some("t=1,v1=zz"), body.as_bytes(), 1).is_err());
    }
}
