//! The certificate as a PDF: the record's data, who issued it and when, and a QR code that opens
//! `/verificar` with the signed code. The QR is drawn as filled squares (no image), so a scanner reads
//! exactly the modules `qrcode` computed.

use crate::platform::pdf::{Font, OnePage};
use app::civil_registry::Request;
use app::i18n::Locale;
use qrcode::{Color, EcLevel, QrCode};

/// The certificate of `request` (issued); `verify_url` is what its QR code holds.
pub fn certificate(request: &Request, locale: Locale, verify_url: &str, key_id: &str) -> Vec<u8> {
    let words = app::civil_registry::certificate_labels(locale);
    let mut page = OnePage::default();
    let label = |text: &str| format!("{text}:");
    page.line(Font::Bold, 12.0, 56.0, words.municipality, 22.0);
    page.line(Font::Bold, 18.0, 56.0, words.title, 20.0);
    page.line(Font::Regular, 12.0, 56.0, request.record.kind.label(locale), 30.0);
    let issued_at = request.certificate.as_ref().map(|c| c.issued_at.get(..10).unwrap_or_default().to_string());
    let facts = [
        (words.number, request.number.clone()),
        (words.record_number, request.record.number.clone()),
        (words.event_date, request.record.event_date.clone()),
        (words.names, request.record.names.clone()),
        (words.issued_on, issued_at.unwrap_or_default()),
        (words.applicant, request.applicant_name.clone()),
    ];
    for (name, value) in facts {
        page.line(Font::Bold, 11.0, 56.0, &label(name), 0.0);
        page.paragraph(Font::Regular, 11.0, 220.0, &value, 55, 18.0);
    }
    page.y -= 12.0;
    page.paragraph(Font::Regular, 9.0, 56.0, words.check, 100, 13.0);
    page.line(Font::Regular, 9.0, 56.0, &format!("{} {key_id}", words.key_id), 13.0);
    // The QR below the text, 4 modules of quiet zone left white around it; each row's dark runs are
    // one rectangle.
    if let Ok(code) = QrCode::with_error_correction_level(verify_url.as_bytes(), EcLevel::M) {
        let width = code.width();
        let side = (200.0 / width as f32).min(4.0);
        let colors = code.to_colors();
        let mut runs = Vec::new();
        for (row, line) in colors.chunks(width).enumerate() {
            let mut column = 0;
            while column < width {
                let start = column;
                while column < width && line[column] == Color::Dark {
                    column += 1;
                }
                if column > start {
                    // Rows count from the bottom in PDF: the QR's first row is the grid's top one.
                    runs.push((start as u32, (width - 1 - row) as u32, (column - start) as u32));
                }
                column += 1;
            }
        }
        let bottom = page.y - 4.0 * side - width as f32 * side;
        page.grid(56.0 + 4.0 * side, bottom, side, runs);
        page.y = bottom - 4.0 * side - 14.0;
    }
    page.line(Font::Regular, 7.0, 56.0, verify_url.get(..110).unwrap_or(verify_url), 10.0);
    page.finish()
}
