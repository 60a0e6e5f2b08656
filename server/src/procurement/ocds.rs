//! A tender as an OCDS 1.1.5 release package (`/datos/cotizaciones/{number}.json`): the tender release
//! when it is published, a `tenderUpdate` at the deadline (the tenderers and their bids, unopened), and
//! the `award` after the opening (each bid's value from the committee's table, the award). Bids follow
//! the OCDS bid extension; suppliers are parties identified by `PE-RUC`.

use app::procurement::{Bid, Tender};
use serde_json::{Value, json};

/// The ocid prefix. A prefix registered with the Open Contracting Partnership replaces it when the
/// municipality registers one; until then this one marks the data as the portal's own.
pub const OCID_PREFIX: &str = "ocds-mflr00";
pub const BID_EXTENSION: &str =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json";
const BUYER_ID: &str = "municipalidad-de-miraflores";
const BUYER_NAME: &str = "Municipalidad Distrital de Miraflores";

fn amount(cents: i64) -> Value {
    json!({"amount": cents as f64 / 100.0, "currency": "PEN"})
}

fn party_id(ruc: &str) -> String {
    format!("PE-RUC-{ruc}")
}

/// Each bid's total (céntimos) and whether the committee could read it, from the comparison table
/// (`sha256` and `total_soles` columns; a row with an `observacion` and no total was not valid).
fn table_values(comparison: &str) -> Vec<(String, Option<i64>)> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(comparison.as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(hash), Some(total)) = (column("sha256"), column("total_soles")) else { return Vec::new() };
    reader
        .records()
        .filter_map(Result::ok)
        .map(|row| {
            let cents = app::participation::fields::parse_soles(row.get(total).unwrap_or_default());
            (row.get(hash).unwrap_or_default().to_string(), cents)
        })
        .collect()
}

fn base_release(tender: &Tender, id: &str, date: &str, tag: &str, status: &str) -> Value {
    let items: Vec<Value> = tender
        .items
        .iter()
        .map(|item| {
            json!({
                "id": item.position.to_string(),
                "description": if item.specification.is_empty() { item.description.clone() } else { format!("{} — {}", item.description, item.specification) },
                "quantity": item.quantity,
                "unit": {"name": item.unit},
            })
        })
        .collect();
    json!({
        "ocid": format!("{OCID_PREFIX}-{}", tender.number),
        "id": format!("{}-{id}", tender.number),
        "date": date,
        "tag": [tag],
        "initiationType": "tender",
        "language": "es",
        "buyer": {"id": BUYER_ID, "name": BUYER_NAME},
        "parties": [{"id": BUYER_ID, "name": BUYER_NAME, "roles": ["buyer"]}],
        "tender": {
            "id": tender.number,
            "title": tender.title,
            "status": status,
            "items": items,
            "value": amount(tender.estimated_cents),
            "procurementMethod": "open",
            "procurementMethodDetails": "Solicitud de cotización (compra directa)",
            "tenderPeriod": {"startDate": tender.published_at, "endDate": tender.deadline},
        },
    })
}

/// The package: releases as far as the tender has gone by `now`.
pub fn release_package(site: &str, tender: &Tender, bids: &[Bid], now: &str) -> Value {
    let mut releases = vec![base_release(tender, "tender", &tender.published_at, "tender", "active")];
    if now >= tender.deadline.as_str() {
        let values = tender.opening.as_ref().map(|o| table_values(&o.comparison)).unwrap_or_default();
        let opened = tender.opening.is_some();
        let (date, tag, status) = match &tender.opening {
            Some(opening) => (opening.opened_at.clone(), "award", "complete"),
            None => (tender.deadline.clone(), "tenderUpdate", "active"),
        };
        let mut release = base_release(tender, tag, &date, tag, status);
        let mut parties = release["parties"].as_array().cloned().unwrap_or_default();
        let mut tenderers = Vec::new();
        for bid in bids {
            let id = party_id(&bid.supplier_ruc);
            tenderers.push(json!({"id": id, "name": bid.supplier_name}));
            let mut roles = vec!["tenderer"];
            if tender.opening.as_ref().is_some_and(|o| o.award_ruc == bid.supplier_ruc) {
                roles.push("supplier");
            }
            parties.push(json!({
                "id": id,
                "name": bid.supplier_name,
                "identifier": {"scheme": "PE-RUC", "id": bid.supplier_ruc, "legalName": bid.supplier_name},
                "roles": roles,
            }));
        }
        release["parties"] = Value::Array(parties);
        release["tender"]["numberOfTenderers"] = json!(bids.len());
        release["tender"]["tenderers"] = Value::Array(tenderers);
        let details: Vec<Value> = bids
            .iter()
            .map(|bid| {
                let value = values.iter().find(|(hash, _)| *hash == bid.sha256).and_then(|(_, cents)| *cents);
                let status = match (opened, value) {
                    (false, _) => "pending",
                    (true, Some(_)) => "valid",
                    (true, None) => "disqualified",
                };
                let mut detail = json!({
                    "id": bid.sha256,
                    "date": bid.received_at,
                    "status": status,
                    "tenderers": [{"id": party_id(&bid.supplier_ruc), "name": bid.supplier_name}],
                    "documents": [{
                        "id": format!("{}-ciphertext", bid.sha256),
                        "documentType": "x_sealedBid",
                        "title": "Oferta cifrada (age)",
                        "url": format!("{site}{}/{}/{}.age", app::procurement::paths::FILES, tender.number, bid.sha256),
                        "format": "application/octet-stream",
                    }],
                });
                if let Some(cents) = value {
                    detail["value"] = amount(cents);
                }
                detail
            })
            .collect();
        release["bids"] = json!({
            "statistics": [{"id": "1", "measure": "bids", "value": bids.len()}],
            "details": details,
        });
        if let Some(opening) = &tender.opening {
            let awarded = bids.iter().find(|bid| bid.supplier_ruc == opening.award_ruc);
            release["awards"] = json!([{
                "id": format!("{}-award", tender.number),
                "title": tender.title,
                "description": opening.award_reasons,
                "status": "active",
                "date": opening.opened_at,
                "value": amount(opening.award_cents),
                "suppliers": [{"id": party_id(&opening.award_ruc), "name": opening.award_name}],
                "relatedBid": awarded.map(|bid| bid.sha256.clone()),
            }]);
            if awarded.is_none()
                && let Some(award) = release["awards"][0].as_object_mut()
            {
                award.remove("relatedBid");
            }
        }
        releases.push(release);
    }
    json!({
        "uri": format!("{site}{}/{}.json", app::procurement::paths::FILES, tender.number),
        "version": "1.1",
        "extensions": [BID_EXTENSION],
        "publishedDate": now,
        "publisher": {"name": BUYER_NAME, "uri": site},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "releases": releases,
    })
}
