//! Reading an import's CSV row by row with the line each row starts on (1 is the header), for
//! line-numbered errors. A UTF-8 byte order mark is skipped; blank lines are skipped.

/// A row with the line it starts on, or the line where the file stops being valid CSV.
pub type Row = Result<(usize, Vec<String>), usize>;

/// Why an import's first line was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderRefusal {
    /// Nothing in the file.
    Empty,
    /// The line the header should be on is another one (or not CSV).
    Wrong(usize),
}

/// The rows after the first line, which must be `header` (names compared without case or the spaces
/// around them).
pub fn rows_after_header(text: &str, header: &str) -> Result<Vec<Row>, HeaderRefusal> {
    let mut rows = rows(text);
    if rows.is_empty() {
        return Err(HeaderRefusal::Empty);
    }
    match rows.remove(0) {
        Ok((_, names))
            if names.iter().map(|name| name.trim().to_ascii_lowercase()).collect::<Vec<_>>().join(",") == header =>
        {
            Ok(rows)
        }
        Ok((line, _)) | Err(line) => Err(HeaderRefusal::Wrong(line)),
    }
}

/// A CSV file's rows: `Ok((line, fields))`, or `Err(line)` where the file stops being valid CSV.
pub fn rows(text: &str) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    // The reader's own line count does not count blank lines: lines come from byte offsets, with the
    // blank lines a record's position may include stepped over first.
    let line_at = |byte: u64| {
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    loop {
        let before = line_at(reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Err(_) => {
                rows.push(Err(before));
                break;
            }
            Ok(true) => {}
        }
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(before, |position| line_at(position.byte()));
        rows.push(Ok((line, record.iter().map(str::to_string).collect())));
    }
    rows
}

/// The refusals every import has, whatever its columns.
pub trait ImportProblem: Copy {
    /// The first line is not the header.
    const HEADER: Self;
    /// A row has another number of columns, or the file stops being CSV.
    const COLUMNS: Self;
    /// No row after the header.
    const EMPTY: Self;
    /// More rows than an import takes.
    const TOO_MANY_ROWS: Self;
}

/// Reads an import whose first line is `header`: each row of `columns` fields goes to `read`, which
/// returns its value or the row's problems. All rows or none: every refused row is named with its line.
pub fn parse_import<T, P: ImportProblem>(
    text: &str,
    header: &str,
    columns: usize,
    max_rows: usize,
    mut read: impl FnMut(&[String]) -> Result<T, Vec<P>>,
) -> Result<Vec<T>, Vec<(usize, P)>> {
    let rows = match rows_after_header(text, header) {
        Ok(rows) => rows,
        Err(HeaderRefusal::Empty) => return Err(vec![(1, P::EMPTY)]),
        Err(HeaderRefusal::Wrong(line)) => return Err(vec![(line, P::HEADER)]),
    };
    let (mut values, mut errors) = (Vec::new(), Vec::new());
    for (read_rows, row) in rows.into_iter().enumerate() {
        let (line, fields) = match row {
            Ok(row) => row,
            Err(line) => {
                errors.push((line, P::COLUMNS));
                break;
            }
        };
        if read_rows >= max_rows {
            return Err(vec![(line, P::TOO_MANY_ROWS)]);
        }
        if fields.len() != columns {
            errors.push((line, P::COLUMNS));
            continue;
        }
        match read(&fields) {
            Ok(value) => values.push(value),
            Err(problems) => errors.extend(problems.into_iter().map(|problem| (line, problem))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if values.is_empty() {
        return Err(vec![(1, P::EMPTY)]);
    }
    Ok(values)
}
