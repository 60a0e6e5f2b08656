//! `POST /api/bids`: a bid encrypted in the supplier's browser. A `multipart/form-data` body whose
//! parts come in this order: `tender`, `supplier_ruc`, `supplier_name`, `challenge` and `nonce` (a
//! solved proof of work), then `bid` (the age file). The proof of work is redeemed and the global rate
//! taken before the bid part is read; the part is checked as it streams (a well-formed age file to
//! exactly one recipient, at most [`super::MAX_BID_BYTES`]); it is made durable, then the row is
//! committed if the tender is still open by this server's clock. The answer is the SHA-256 of the
//! stored ciphertext: the supplier's receipt, and the line the list will show at the deadline.

use super::MAX_BID_BYTES;
use crate::AppState;
use crate::platform::{inspect_problem, refusal};
use app::platform::problem::TransportProblem;
use app::procurement::BidAccepted;
use app::procurement::storage::{self, NewBid, ProcurementError};
use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::response::{IntoResponse, Response};
use envelope::inspect::ObjectCheck;
use http::StatusCode;
use sha2::{Digest, Sha256};

/// A refusal of the bid itself, with its code (the island words it).
fn refused(status: StatusCode, code: &str) -> Response {
    (status, Json(serde_json::json!({"error": code}))).into_response()
}

async fn small_text(field: Field<'_>) -> Option<String> {
    let bytes = field.bytes().await.ok()?;
    (bytes.len() <= 512).then(|| String::from_utf8(bytes.to_vec()).ok()).flatten()
}

pub async fn submit(State(state): State<AppState>, multipart: Result<Multipart, MultipartRejection>) -> Response {
    let Ok(mut multipart) = multipart else { return refusal(TransportProblem::UploadMalformed) };
    let mut text: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return refusal(TransportProblem::UploadMalformed),
            Err(_) => return refusal(TransportProblem::UploadMalformed),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "bid" {
            if !["tender", "supplier_ruc", "supplier_name", "challenge", "nonce"].contains(&name.as_str()) {
                return refusal(TransportProblem::UploadMalformed);
            }
            let Some(value) = small_text(field).await else { return refusal(TransportProblem::UploadMalformed) };
            text.insert(name, value);
            continue;
        }
        let get = |name: &str| text.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
        let (tender, ruc, supplier) = (get("tender"), get("supplier_ruc"), get("supplier_name"));
        if !app::platform::text::is_ruc(&ruc)
            || supplier.is_empty()
            || supplier.chars().count() > 200
            || tender.is_empty()
        {
            return refusal(TransportProblem::UploadMalformed);
        }
        let Ok(nonce) = get("nonce").parse::<u64>() else { return refusal(TransportProblem::UploadMalformed) };
        let sealed = &state.submissions.sealed;
        if let Err(problem) = sealed.proof_of_work.redeem(&get("challenge"), nonce) {
            return refusal(problem);
        }
        if !sealed.rate_limit.try_acquire() {
            return refusal(TransportProblem::RateLimited);
        }
        return receive(
            &state,
            field,
            NewBid {
                tender,
                supplier_ruc: ruc,
                supplier_name: supplier,
                object: String::new(),
                sha256: String::new(),
                size: 0,
            },
        )
        .await;
    }
}

async fn receive(state: &AppState, mut field: Field<'_>, mut bid: NewBid) -> Response {
    let store = &state.procurement.store;
    let mut object = match store.create().await {
        Ok(object) => object,
        Err(error) => return crate::platform::server_error("cannot store a bid", error),
    };
    let mut check = ObjectCheck::new(1);
    let mut digest = Sha256::new();
    let read: Result<(), Response> = async {
        while let Some(chunk) = field.chunk().await.map_err(|_| refusal(TransportProblem::UploadTruncated))? {
            if object.len() + chunk.len() as u64 > MAX_BID_BYTES {
                return Err(refusal(TransportProblem::DocumentTooLarge));
            }
            check.update(&chunk).map_err(|e| refusal(inspect_problem(e)))?;
            digest.update(&chunk);
            object.write(&chunk).await.map_err(|e| crate::platform::server_error("cannot store a bid", e))?;
        }
        check.finish().map_err(|e| refusal(inspect_problem(e)))?;
        Ok(())
    }
    .await;
    if let Err(response) = read {
        store.discard_incoming(object).await;
        return response;
    }
    bid.size = object.len();
    bid.sha256 = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let kept = match store.keep(object).await {
        Ok(kept) => kept,
        Err(error) => return crate::platform::server_error("cannot store a bid", error),
    };
    bid.object = kept.name.clone();
    match storage::add_bid(&state.database, &bid).await {
        Ok(received_at) => (StatusCode::CREATED, Json(BidAccepted { sha256: bid.sha256, received_at })).into_response(),
        Err(error) => {
            store.discard(&kept.name).await;
            match error {
                ProcurementError::NoTender => refused(StatusCode::NOT_FOUND, "no_tender"),
                ProcurementError::Closed => refused(StatusCode::CONFLICT, "tender_closed"),
                ProcurementError::AlreadyBid => refused(StatusCode::CONFLICT, "already_bid"),
                other => crate::platform::server_error("storing a bid failed", other),
            }
        }
    }
}
