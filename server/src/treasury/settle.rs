//! Settling payments: the provider's signed notifications (`POST /api/pagos/notificaciones`), status
//! queries, refunds of duplicate charges, and the reconciliation job that settles payments whose
//! notification never came. Every path ends in `storage::apply_provider_status`, which moves a payment
//! only forward and applies its items once.

use crate::AppState;
use app::treasury::PaymentStatus;
use app::treasury::storage::{self, Applied};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use std::time::{SystemTime, UNIX_EPOCH};

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

/// Unix seconds as RFC 3339 UTC.
pub fn rfc3339(seconds: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds as i64)
        .ok()
        .and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// `POST /api/pagos/notificaciones`: a notification, checked against its signature over the raw
/// body. `401` for a bad signature (the provider's retries do not help it); `200` for everything
/// read, a repeated or stale one included.
pub async fn notification(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(provider) = state.treasury.provider.clone() else { return StatusCode::NOT_FOUND.into_response() };
    let signature = headers.get("sandbox-signature").and_then(|value| value.to_str().ok());
    let notification = match provider.verify_notification(signature, &body, unix_now()) {
        Ok(notification) => notification,
        Err(error) => {
            tracing::warn!(%error, "a payment notification was refused");
            return (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({"error": "bad_signature"})))
                .into_response();
        }
    };
    match apply(&state, &notification.charge, &notification.status, notification.sequence).await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({"received": true}))).into_response(),
        // The provider retries on a 5xx.
        Err(()) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// Applies a status, and refunds the charge if it turned out to be a duplicate.
async fn apply(state: &AppState, charge: &str, status: &str, sequence: u64) -> Result<(), ()> {
    match storage::apply_provider_status(&state.database, charge, status, sequence).await {
        Ok(Applied::Duplicate { payment, charge }) => {
            tracing::warn!(%payment, "a second charge for items already paid: refunding it");
            refund(state, &payment, &charge).await;
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(error) => {
            tracing::error!(%error, "applying a payment's status failed");
            Err(())
        }
    }
}

/// Asks the provider to refund a duplicate (idempotent: the key is the payment's) and records it.
async fn refund(state: &AppState, payment: &str, charge: &str) {
    let Some(provider) = state.treasury.provider.clone() else { return };
    let (charge_id, key) = (charge.to_string(), format!("refund-{payment}"));
    let refunded = tokio::task::spawn_blocking(move || provider.refund(&charge_id, &key)).await;
    match refunded {
        Ok(Ok(answer)) if answer.status == "refunded" => {
            // The sequence is the provider's to give; 0 marks a reading of ours, which never blocks a later one.
            if let Err(error) = storage::apply_provider_status(&state.database, charge, "refunded", 0).await {
                tracing::error!(%error, "recording a refund failed");
            }
        }
        Ok(Ok(answer)) => {
            tracing::warn!(status = %answer.status, "a refund was not confirmed; reconciliation will retry")
        }
        Ok(Err(error)) => tracing::warn!(%error, "a refund failed; reconciliation will retry"),
        Err(error) => tracing::error!(%error, "a refund task failed"),
    }
}

/// A status query, server to provider, and its outcome applied.
pub async fn query_and_apply(state: &AppState, charge: &str) {
    let Some(provider) = state.treasury.provider.clone() else { return };
    let id = charge.to_string();
    match tokio::task::spawn_blocking(move || provider.charge(&id)).await {
        Ok(Ok(answer)) => {
            let _ = apply(state, charge, &answer.status, 0).await;
        }
        Ok(Err(error)) => tracing::warn!(%error, "a payment status query failed"),
        Err(error) => tracing::error!(%error, "a payment status query task failed"),
    }
}

/// One pass of reconciliation: every payment pending for longer than `reconcile_after_seconds` is
/// asked about, and every duplicate not yet refunded is refunded. Returns how many were looked at.
pub async fn reconcile_once(state: &AppState) -> usize {
    let after = state.treasury.config.reconcile_after_seconds;
    let before = rfc3339(unix_now().saturating_sub(after));
    let due = match storage::to_reconcile(&state.database, &before).await {
        Ok(due) => due,
        Err(error) => {
            tracing::error!(%error, "listing payments to reconcile failed");
            return 0;
        }
    };
    for (payment, charge, status) in &due {
        match status {
            PaymentStatus::Duplicate => refund(state, payment, charge).await,
            _ => query_and_apply(state, charge).await,
        }
    }
    due.len()
}

/// Runs reconciliation every `reconcile_every_seconds`, for as long as the server runs.
pub fn spawn_reconciliation(state: AppState) {
    if state.treasury.provider.is_none() {
        return;
    }
    let every = std::time::Duration::from_secs(state.treasury.config.reconcile_every_seconds);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let looked = reconcile_once(&state).await;
            if looked > 0 {
                tracing::info!(looked, "payments reconciled with the provider");
            }
        }
    });
}
