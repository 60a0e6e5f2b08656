//! One-page A4 PDFs (a payment receipt, a certificate) written with pdf-writer in the standard
//! Helvetica fonts with WinAnsi encoding (every Spanish letter is in it), so no font is embedded and a
//! file is a few kilobytes. Text is placed line by line from the top; filled squares draw a QR code.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// A character in Windows-1252, which the standard fonts' WinAnsiEncoding is; `?` for one it lacks.
pub fn win_ansi(text: &str) -> Vec<u8> {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

/// A page being written, and where its next line goes (points from the bottom; A4 is 595 × 842).
pub struct OnePage {
    content: Content,
    pub y: f32,
}

impl Default for OnePage {
    fn default() -> Self {
        Self { content: Content::new(), y: 780.0 }
    }
}

impl OnePage {
    /// Writes `text` at `x` on the current line, then moves down `advance` points.
    pub fn line(&mut self, font: Font, size: f32, x: f32, text: &str, advance: f32) {
        let name: &[u8] = match font {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
        };
        self.content.begin_text();
        self.content.set_font(Name(name), size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&win_ansi(text)));
        self.content.end_text();
        self.y -= advance;
    }

    /// Writes `text` over as many lines as it needs, at most `width` characters each.
    pub fn paragraph(&mut self, font: Font, size: f32, x: f32, text: &str, width: usize, advance: f32) {
        let mut line = String::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                self.line(font, size, x, &line, advance);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.line(font, size, x, &line, advance);
        }
    }

    /// Filled cells of a grid whose lower left corner is at (`x`, `y`), each `cell` points wide: each
    /// `(column, row, run)` fills `run` cells of `row` (counted from the bottom) from `column` on. The
    /// page is scaled to the grid first, so every number written is a small integer (a QR code is a
    /// few kilobytes, not one float rectangle a module).
    pub fn grid(&mut self, x: f32, y: f32, cell: f32, cells: impl IntoIterator<Item = (u32, u32, u32)>) {
        self.content.save_state();
        self.content.transform([cell, 0.0, 0.0, cell, x, y]);
        for (column, row, run) in cells {
            self.content.rect(column as f32, row as f32, run as f32, 1.0);
        }
        self.content.fill_nonzero();
        self.content.restore_state();
    }

    pub fn finish(self) -> Vec<u8> {
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
        pdf.stream(contents, &self.content.finish());
        pdf.finish()
    }
}

/// A PDF as a download that is never cached.
pub fn attachment(bytes: Vec<u8>, file_name: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"{file_name}\"");
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
