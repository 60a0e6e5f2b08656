//! A paid payment's receipt as a PDF (`GET /tributos/recibo.pdf?id=…&idioma=es|en`): one A4 page in the
//! standard Helvetica font with WinAnsi encoding (every Spanish letter is in it), so no font is
//! embedded and the file is a few kilobytes. The same facts as the HTML receipt, and where to check it.

use crate::AppState;
use app::i18n::Locale;
use app::treasury::{Method, Payment, PaymentStatus, format_soles};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// A character in Windows-1252, which the standard fonts' WinAnsiEncoding is; `?` for one it lacks.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{2009}' | '\u{202f}' => b' ',
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '…' => 0x85,
            '€' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// The receipt of `payment` (paid) as PDF bytes; `verify_url` is where its code can be checked.
pub fn receipt(payment: &Payment, locale: Locale, verify_url: &str) -> Vec<u8> {
    let (catalog, tree, page, regular, bold, contents) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut page_writer = pdf.page(page);
    page_writer.media_box(Rect::new(0.0, 0.0, 595.0, 842.0)).parent(tree).contents(contents);
    page_writer.resources().fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
    page_writer.finish();
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));

    let words = app::treasury::receipt_labels(locale);
    let mut content = Content::new();
    // Where the next line goes, from the top of the page down.
    let y = std::cell::Cell::new(780.0);
    let line = |content: &mut Content, font: &[u8], size: f32, x: f32, text: &str, advance: f32| {
        content.begin_text();
        content.set_font(Name(font), size);
        content.next_line(x, y.get());
        content.show(Str(&win_ansi(text)));
        content.end_text();
        y.set(y.get() - advance);
    };
    line(&mut content, b"F2", 12.0, 56.0, words.municipality, 26.0);
    line(&mut content, b"F2", 20.0, 56.0, words.title, 34.0);
    let code = app::tramites::format_code(payment.receipt_code.as_deref().unwrap_or_default());
    let method = match payment.method {
        Method::Card => words.method_card,
        Method::Cash => words.method_cash,
    };
    let paid_at = payment.paid_at.clone().unwrap_or_default().replace('T', " ").replace('Z', " UTC");
    for (label, value) in
        [(words.code, code.as_str()), (words.taxpayer, payment.taxpayer.as_str()), (words.paid_on, paid_at.as_str())]
    {
        line(&mut content, b"F1", 11.0, 56.0, &format!("{label}: {value}"), 16.0);
    }
    // The method's label is long (it explains the option): its first words are enough here.
    let method: String = method.split(['(', ':']).next().unwrap_or(method).trim().to_string();
    line(&mut content, b"F1", 11.0, 56.0, &format!("{}: {method}", words.method), 28.0);
    for item in &payment.items {
        let period = match item.concept {
            app::treasury::Concept::Predial => words.instalment,
            _ => words.period,
        }
        .replace("{n}", &item.period.to_string());
        let label = format!("{} {} · {period} · {}", item.concept.label(locale), item.year, item.property);
        let label: String = label.chars().take(70).collect();
        let amount = format_soles(item.total, locale);
        line(&mut content, b"F1", 10.0, 56.0, &label, 0.0);
        line(&mut content, b"F1", 10.0, 460.0, &amount, 15.0);
    }
    y.set(y.get() - 8.0);
    let total = format!("{}: {}", words.total_paid, format_soles(payment.amount, locale));
    line(&mut content, b"F2", 13.0, 56.0, &total, 40.0);
    line(&mut content, b"F1", 9.0, 56.0, verify_url, 0.0);
    pdf.stream(contents, &content.finish());
    pdf.finish()
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
    let bytes = receipt(&payment, locale, &verify);
    let disposition = format!("attachment; filename=\"recibo-{code}.pdf\"");
    (
        [
            (http::header::CONTENT_TYPE, "application/pdf".to_string()),
            (http::header::CONTENT_DISPOSITION, disposition),
            (http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_letters_are_in_win_ansi_and_the_rest_is_marked() {
        assert_eq!(win_ansi("Año · S/ 1\u{a0}234,56 — ¿sí?"), b"A\xf1o \xb7 S/ 1\xa0234,56 \x97 \xbfs\xed?".to_vec());
        assert_eq!(win_ansi("€ ☃ ∑"), b"\x80 ? ?".to_vec());
    }
}
