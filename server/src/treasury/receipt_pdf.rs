//! A paid payment's receipt as a PDF (`GET /tributos/recibo.pdf?id=…&idioma=es|en`): one A4 page in the
//! standard Helvetica font with WinAnsi encoding (every Spanish letter is in it), so no font is
//! embedded and the file is a few kilobytes. The same facts as the HTML receipt, and where to check it.

use crate::AppState;
use crate::platform::pdf::{Font, OnePage};
use app::i18n::Locale;
use app::treasury::{Method, Payment, PaymentStatus, format_soles};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// The receipt of `payment` (paid) as PDF bytes; `verify_url` is where its code can be checked.
pub fn receipt(payment: &Payment, locale: Locale, verify_url: &str) -> Vec<u8> {
    let words = app::treasury::receipt_labels(locale);
    let mut page = OnePage::default();
    page.line(Font::Bold, 12.0, 56.0, words.municipality, 26.0);
    page.line(Font::Bold, 20.0, 56.0, words.title, 34.0);
    let code = app::tramites::format_code(payment.receipt_code.as_deref().unwrap_or_default());
    let method = match payment.method {
        Method::Card => words.method_card,
        Method::Cash => words.method_cash,
    };
    let paid_at = payment.paid_at.clone().unwrap_or_default().replace('T', " ").replace('Z', " UTC");
    for (label, value) in [
        (words.code, code.as_str()),
        (if payment.request.is_some() { words.request } else { words.taxpayer }, payment.payer()),
        (words.paid_on, paid_at.as_str()),
    ] {
        page.line(Font::Regular, 11.0, 56.0, &format!("{label}: {value}"), 16.0);
    }
    // The method's label is long (it explains the option): its first words are enough here.
    let method: String = method.split(['(', ':']).next().unwrap_or(method).trim().to_string();
    page.line(Font::Regular, 11.0, 56.0, &format!("{}: {method}", words.method), 28.0);
    for item in &payment.items {
        let period = match item.concept {
            app::treasury::Concept::Predial => words.instalment,
            _ => words.period,
        }
        .replace("{n}", &item.period.to_string());
        let label = format!("{} {} · {period} · {}", item.concept.label(locale), item.year, item.property);
        let label: String = label.chars().take(70).collect();
        let amount = format_soles(item.total, locale);
        page.line(Font::Regular, 10.0, 56.0, &label, 0.0);
        page.line(Font::Regular, 10.0, 460.0, &amount, 15.0);
    }
    page.y -= 8.0;
    let total = format!("{}: {}", words.total_paid, format_soles(payment.amount, locale));
    page.line(Font::Bold, 13.0, 56.0, &total, 40.0);
    page.line(Font::Regular, 9.0, 56.0, verify_url, 0.0);
    page.finish()
}

#[derive(serde::Deserialize)]
pub struct ReceiptQuery {
    #[serde(default)]
    id: String,
    #[serde(default)]
    idioma: String,
}

/// `GET /tributos/recibo.pdf?id=…&idioma=es|en`: a paid payment's receipt, as a download.
pub async fn download(State(state): State<AppState>, Query(query): Query<ReceiptQuery>) -> Response {
    let locale = if query.idioma == "en" { Locale::en } else { Locale::es_PE };
    let rate = state.treasury.config.monthly_interest_basis_points;
    let today = app::tramites::storage::today_in_lima();
    let payment = match app::treasury::storage::payment(&state.database, &query.id, today, rate).await {
        Ok(Some(payment)) if payment.status == PaymentStatus::Paid => payment,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "reading a payment failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let code = payment.receipt_code.clone().unwrap_or_default();
    let verify = format!("{}{}?codigo={code}", state.treasury.public_url, app::treasury::paths::RECEIPT);
    crate::platform::pdf::attachment(receipt(&payment, locale, &verify), &format!("recibo-{code}.pdf"))
}
