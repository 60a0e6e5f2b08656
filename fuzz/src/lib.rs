//! The fuzz targets' logic, one plain function per target, so that the same code runs under libFuzzer
//! (`fuzz_targets/*.rs`, built by `scripts/fuzz`) and in the regression test (`tests/regressions.rs`)
//! without it. Each function drives the portal's real code with one hostile input, asserts what must hold
//! for every input (a panic or a failed assertion is a finding), and returns what it found so that the
//! test can check its seeds reach the deep paths.

use envelope::attachment::{self, PaddingCheck, Unpadder};
use envelope::inspect::{self, InspectError, ObjectCheck, Summary};
use envelope::message::Message;
use envelope::report::Report;
use envelope::{DecryptError, Decryptor, Identity};
use http::StatusCode;
use portal_server::config::{ConfigError, PortalConfig};
use statistics::Month;
use statistics::record::{CSV_HEADER, FieldError, IncidentRecord};
use std::io::Write as _;
use std::path::Path;
use std::sync::OnceLock;

/// xorshift64 (Marsaglia 2003), seeded through SplitMix64: deterministic choices drawn from an input (how
/// it is cut into slices), and the regression test's generated inputs. Nothing secret depends on it.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        // SplitMix64's finaliser spreads small seeds (a single input byte) over all 64 bits.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        // Zero is the one state xorshift never leaves.
        Self((z ^ (z >> 31)).max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `bound`, or 0 if `bound` is 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next_u64() % bound }
    }

    /// An index into a collection of `len` items (0 if it is empty).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// FNV-1a: a seed drawn from a whole input, for targets whose every byte is the file itself.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Cuts `data` into consecutive slices of 0 to `max` bytes, as an upload or a file arrives: in frames and
/// reads of any size, empty ones included.
pub fn split<'a>(data: &'a [u8], rng: &mut XorShift, max: usize) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let take = (rng.below(max.max(1) as u64 + 1) as usize).min(rest.len());
        let (piece, tail) = rest.split_at(take);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// The largest slice sizes an input may choose: single bytes, odd sizes, WebSocket-frame and read-buffer
/// sizes, and slices longer than one 64 KiB age chunk.
const PIECE_SIZES: [usize; 6] = [1, 7, 64, 1000, 16 * 1024, 70_000];

// ---------------------------------------------------------------------------------------------------
// Target `age_stream_check`
// ---------------------------------------------------------------------------------------------------

/// The keyless check the server runs on every upload as it streams to disk (`envelope::inspect`). Byte 0
/// picks the office's key count (1 to 4), byte 1 how the rest is cut into slices; the rest is the upload.
/// Fed in slices, the check must decide exactly as on the whole object; what it accepts must parse as an
/// age header with that many stanzas. Returns the decision (`None` for inputs under 2 bytes).
pub fn age_stream_check(data: &[u8]) -> Option<Result<Summary, InspectError>> {
    let [count, slicing, upload @ ..] = data else { return None };
    let recipients = usize::from(*count % 4) + 1;
    let max = PIECE_SIZES[usize::from(*slicing) % PIECE_SIZES.len()];
    let mut rng = XorShift::new(u64::from(*slicing));
    let streamed = check_in_pieces(&split(upload, &mut rng, max), recipients);
    let whole = inspect::check(upload, recipients);
    assert_eq!(streamed, whole, "{recipients} recipients, slices of up to {max} bytes: streamed and whole differ");
    if let Ok(summary) = &whole {
        assert_eq!(summary.total_len, upload.len() as u64);
        assert!(summary.chunks >= 1, "an accepted file has at least its last chunk: {summary:?}");
        let header = envelope::age::parse_header(upload)
            .expect("an accepted header parses")
            .expect("an accepted header is complete");
        assert_eq!(header.len, summary.header_len);
        assert_eq!(header.stanzas.len(), recipients);
    }
    Some(whole)
}

/// [`ObjectCheck`] as the upload socket uses it: slice after slice, stopping at the first refusal.
fn check_in_pieces(pieces: &[&[u8]], recipients: usize) -> Result<Summary, InspectError> {
    let mut check = ObjectCheck::new(recipients);
    for piece in pieces {
        check.update(piece)?;
    }
    check.finish()
}

// ---------------------------------------------------------------------------------------------------
// Target `officer_documents`
// ---------------------------------------------------------------------------------------------------

/// The office identity of the fuzz targets and their seeds (made with `age-keygen` for this directory; it
/// protects nothing): `regressions/officer_documents/*.age` are encrypted to it, and the in-process portal
/// of `plain_form_multipart` encrypts to it.
pub const TEST_IDENTITY: &str = "AGE-SECRET-KEY-1FUDAA6K62PYMMY4EQW7A90DX9QUKULNKHA555QNSH68PWW5E2WPS8388QR";

pub fn test_identity() -> &'static Identity {
    static IDENTITY: OnceLock<Identity> = OnceLock::new();
    IDENTITY.get_or_init(|| TEST_IDENTITY.parse().expect("TEST_IDENTITY is an age identity"))
}

/// What `officer_documents` made of an input.
#[derive(Debug, Default)]
pub struct Opened {
    /// The plaintext, when the input is an age file the test identity opens.
    pub plaintext: Option<Vec<u8>>,
    /// The report or message that plaintext holds, read as `officer open` reads it.
    pub report: Option<Report>,
    pub message: Option<Message>,
}

/// What the officer tool does with hostile files on the air-gapped machine (officer/src/open.rs): an
/// input is decrypted with the test identity as a report or message is (whole, padding cut, schema
/// checked) and as an attachment is (streamed, then cut to a declared size and its padding checked). The
/// same bytes are also read as documents that were never encrypted, and encrypted (as a document and as a
/// padded attachment) to check that what the portal writes opens to exactly what went in.
pub fn officer_documents(data: &[u8]) -> Opened {
    let identities = std::slice::from_ref(test_identity());
    let mut rng = XorShift::new(fnv1a(data));
    let mut opened = Opened::default();

    let whole = envelope::decrypt(identities, data);
    let streamed = decrypt_in_pieces(data, identities, &mut rng);
    match (&whole, &streamed) {
        (_, Ok(plain)) => assert_eq!(whole.as_ref().ok(), Some(plain), "opened streamed, but not alike whole"),
        (Ok(_), Err(error)) => {
            // Only a header longer than the officer tool reads for it may open whole and not streamed.
            let head = &data[..data.len().min(inspect::MAX_HEADER_LEN)];
            assert!(matches!(envelope::age::parse_header(head), Ok(None)), "opened whole, not streamed: {error}");
        }
        (Err(_), Err(_)) => {}
    }
    if let Ok(plain) = &whole {
        let document = strip_padding(plain);
        opened.report = read_report(document);
        opened.message = read_message(document);
        opened.plaintext = Some(plain.clone());
    }
    read_report(data);
    read_message(data);

    let plain = whole.as_deref().unwrap_or(data);
    let size = declared_size(plain.len() as u64, &mut rng);
    check_unpadding(plain, size, &mut rng);

    round_trips(data, identities, &mut rng);
    opened
}

/// The officer tool's cut of a document's padding (`decrypt_document`): trailing ASCII spaces.
fn strip_padding(plain: &[u8]) -> &[u8] {
    let end = plain.iter().rposition(|b| *b != b' ').map_or(0, |i| i + 1);
    &plain[..end]
}

/// Decrypts as `officer open` decrypts an attachment (`open_attachment`): the header from the first
/// [`inspect::MAX_HEADER_LEN`] bytes, then the rest in reads of any size.
fn decrypt_in_pieces(data: &[u8], identities: &[Identity], rng: &mut XorShift) -> Result<Vec<u8>, DecryptError> {
    let head = &data[..data.len().min(inspect::MAX_HEADER_LEN)];
    let (mut decryptor, header_len) = Decryptor::new(head, identities)?;
    let mut out = Vec::new();
    decryptor.update(&head[header_len..], &mut out)?;
    for piece in split(&data[head.len()..], rng, 70_000) {
        decryptor.update(piece, &mut out)?;
    }
    decryptor.finish(&mut out)?;
    Ok(out)
}

/// Reads a report as the officer tool does; one that reads must read back the same once written again.
fn read_report(bytes: &[u8]) -> Option<Report> {
    match Report::from_json(bytes) {
        Ok(report) => {
            let written = report.to_padded_json(usize::MAX).expect("no size limit");
            assert_eq!(Report::from_json(&written).expect("a written report reads back"), report);
            Some(report)
        }
        Err(error) => {
            // The officer tool prints the reason.
            let _ = error.to_string();
            None
        }
    }
}

/// As [`read_report`], for a message on a case.
fn read_message(bytes: &[u8]) -> Option<Message> {
    match Message::from_json(bytes) {
        Ok(message) => {
            let written = message.to_padded_json(usize::MAX).expect("no size limit");
            assert_eq!(Message::from_json(&written).expect("a written message reads back"), message);
            Some(message)
        }
        Err(error) => {
            let _ = error.to_string();
            None
        }
    }
}

/// A size an attachment of `len` decrypted bytes might be declared with: its own length (stored before
/// padding), shorter (its padding follows), a little longer (cut), or anything.
fn declared_size(len: u64, rng: &mut XorShift) -> u64 {
    match rng.below(4) {
        0 => len,
        1 => len - rng.below(len + 1),
        2 => len + rng.below(64),
        _ => rng.next_u64(),
    }
}

/// Cuts `plain` at `size` through [`Unpadder`] in slices of any size, as the officer tool does, and checks
/// the part kept and the verdict against the rule in envelope/REPORT_FORMAT.md.
fn check_unpadding(plain: &[u8], size: u64, rng: &mut XorShift) -> PaddingCheck {
    let mut unpadder = Unpadder::new(size);
    let mut kept = Vec::new();
    for piece in split(plain, rng, 8 * 1024) {
        kept.extend_from_slice(unpadder.take(piece));
    }
    let cut = usize::try_from(size).map_or(plain.len(), |size| size.min(plain.len()));
    assert_eq!(kept.as_slice(), &plain[..cut], "the file is its first {size} bytes");
    let len = plain.len() as u64;
    let expected = if len == size {
        PaddingCheck::Unpadded
    } else if len == attachment::padded_len(size) && plain[cut..].iter().all(|b| *b == 0) {
        PaddingCheck::Padded
    } else {
        PaddingCheck::Mismatch
    };
    let verdict = unpadder.finish();
    assert_eq!(verdict, expected, "{len} decrypted bytes declared as {size}");
    verdict
}

/// `data` encrypted as a document and as a padded attachment opens, whole and streamed, to `data`; the
/// lengths are the ones the server expects and its keyless check accepts.
fn round_trips(data: &[u8], identities: &[Identity], rng: &mut XorShift) {
    let office = [identities[0].to_public()];
    let sealed = envelope::encrypt(&office, data).expect("one recipient is enough");
    assert_eq!(sealed.len() as u64, envelope::age::encrypted_len(data.len() as u64, 1));
    assert_eq!(inspect::check(&sealed, 1).map(|summary| summary.total_len), Ok(sealed.len() as u64));
    assert_eq!(envelope::decrypt(identities, &sealed).as_deref(), Ok(data));
    assert_eq!(decrypt_in_pieces(&sealed, identities, rng).as_deref(), Ok(data));

    let padded = attachment::encrypt(&office, data).expect("one recipient is enough");
    let len = padded.len() as u64;
    assert_eq!(len, attachment::ciphertext_len(data.len() as u64, 1));
    assert!(attachment::is_ciphertext_len(len, 1), "the server would refuse a padded attachment of {len} bytes");
    let opened = envelope::decrypt(identities, &padded).expect("a padded attachment opens");
    assert_eq!(&opened[..data.len()], data);
    assert_ne!(check_unpadding(&opened, data.len() as u64, rng), PaddingCheck::Mismatch);
}

// ---------------------------------------------------------------------------------------------------
// Target `incident_csv`
// ---------------------------------------------------------------------------------------------------

/// What `incident_csv` read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CsvOutcome {
    /// The first row is the header the importer requires (else it refuses the file; the row is parsed
    /// as a record anyway, for coverage).
    pub header: bool,
    /// Rows that are valid records, and rows refused.
    pub records: usize,
    pub refused: usize,
    /// Reading stopped at a CSV error (invalid UTF-8, ...), where the importer refuses the file.
    pub csv_error: bool,
}

/// The incident CSV importer's reading (app/src/transparency/storage.rs `import_csv`) without a database: rows
/// read with its `csv` settings, the header compared as it compares it, and every row through
/// `IncidentRecord::from_fields`. A refused row must name at least one problem; an accepted record,
/// written back as CSV, must read back as the same record.
pub fn incident_csv(data: &[u8]) -> CsvOutcome {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    let mut row = csv::StringRecord::new();
    let mut outcome = CsvOutcome::default();
    let mut first = true;
    loop {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let _ = error.to_string();
                outcome.csv_error = true;
                break;
            }
        }
        let fields: Vec<&str> = row.iter().collect();
        if std::mem::take(&mut first) {
            let found: Vec<&str> = fields.iter().map(|f| f.trim().trim_start_matches('\u{feff}')).collect();
            outcome.header = found == CSV_HEADER;
            if outcome.header {
                continue;
            }
        }
        let line = row.position().map_or(0, |position| position.line());
        if check_record(&fields, line) {
            outcome.records += 1;
        } else {
            outcome.refused += 1;
        }
    }
    outcome
}

/// One row through the record parser; whether it is a valid record.
fn check_record(fields: &[&str], line: u64) -> bool {
    match IncidentRecord::from_fields(fields) {
        Ok(record) => {
            let mut written = String::new();
            record.write_csv(&mut written).expect("writing to a String cannot fail");
            let columns: Vec<&str> = written.trim_end_matches('\n').split(',').collect();
            assert_eq!(IncidentRecord::from_fields(&columns).as_ref(), Ok(&record), "line {line}: {written:?}");
            assert_eq!(Month::parse(&record.occurred_at[..7]), Some(record.month), "line {line}: {record:?}");
            true
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "line {line}: refused without a reason: {fields:?}");
            if fields.len() != CSV_HEADER.len() {
                let expected = FieldError::ColumnCount { expected: CSV_HEADER.len(), found: fields.len() };
                assert_eq!(errors, [expected], "line {line}");
            }
            // The importer shows each one with its line.
            for error in &errors {
                let _ = error.to_string();
            }
            false
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Target `config_toml`
// ---------------------------------------------------------------------------------------------------

/// A deployer's `Leptos.toml` through `PortalConfig::load` (server/src/config.rs), which reads a file (there
/// is no function from text): written to a temporary file first. Loading must refuse or accept, never
/// panic; what it accepts must be valid and usable by the server's start-up, whose `Submissions::open`
/// parses every recipient with envelope's parser and `expect`s it to parse. `PORTAL_*` variables in the
/// environment apply, as they do to the server.
pub fn config_toml(data: &[u8]) -> Result<PortalConfig, ConfigError> {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(data).and_then(|()| file.flush()).expect("the temporary file takes the input");
    let loaded = PortalConfig::load(file.path());
    match &loaded {
        Ok(config) => {
            config.validate().expect("a loaded configuration is valid");
            let _ = config.default_locale();
            for key in config.configured_keys() {
                assert!(
                    key.recipient.parse::<envelope::Recipient>().is_ok(),
                    "recipient {:?} of key {:?} passes validation but the server cannot start with it",
                    key.recipient,
                    key.key_id
                );
            }
            let _ = portal_server::leptos_options(config);
        }
        Err(error) => {
            // The server prints it and exits.
            let _ = error.to_string();
        }
    }
    loaded
}

// ---------------------------------------------------------------------------------------------------
// Target `plain_form_multipart`
// ---------------------------------------------------------------------------------------------------

/// The multipart boundary every request of `plain_form_multipart` declares.
pub const BOUNDARY: &str = "X";

/// The portal the binary serves, in-process: built once per process (opening it applies the database's
/// migrations, far too slow for every input).
struct Portal {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    state: portal_server::AppState,
    /// Holds the configuration, the SQLite database and the object store; never dropped (a static), so
    /// scripts/fuzz points TMPDIR at a directory it removes afterwards.
    _dir: tempfile::TempDir,
}

fn portal() -> &'static Portal {
    static PORTAL: OnceLock<Portal> = OnceLock::new();
    PORTAL.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("Leptos.toml");
        std::fs::write(&path, portal_config(dir.path())).expect("the configuration is written");
        let config = PortalConfig::load(&path).expect("the fuzzing portal's configuration is valid");
        let (app, state) = runtime.block_on(async {
            let state = portal_server::AppState::open(&config).await.expect("the portal opens");
            (portal_server::router(&config, state.clone()), state)
        });
        Portal { runtime, app, state, _dir: dir }
    })
}

/// The sample configuration (`portal_server::config::sample`), with the test identity as the office key
/// and no wait for a plain form's ticket. The plain form keeps its default budget of 10 stored reports a
/// minute: past it a good form is answered 429 before any Argon2id, which keeps the fuzzer fast.
fn portal_config(dir: &Path) -> String {
    portal_server::config::sample(&dir.join("data"), "127.0.0.1:0", &test_identity().to_public().to_string())
}

/// The multipart part a real plain form sends first: its ticket.
pub fn ticket_part(ticket: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"form_ticket\"\r\n\r\n{ticket}\r\n")
}

/// The submission endpoints' multipart parsing, through the router the binary serves (in-process, no
/// socket). Byte 0 decides whether the plain form gets a valid ticket part first (even: yes; a form
/// without one has its files skipped unread); the rest is the body of `POST /denuncia/enviar` (after the
/// ticket) and of `POST /api/reports`, both `multipart/form-data; boundary=X`. No input may get a 5xx
/// answer, or fail while its answer streams. Returns the two statuses.
pub fn plain_form_multipart(data: &[u8]) -> Option<(StatusCode, StatusCode)> {
    let (&control, body) = data.split_first()?;
    let portal = portal();
    let mut form = Vec::with_capacity(body.len() + 200);
    if control % 2 == 0 {
        form.extend_from_slice(ticket_part(&portal.state.submissions.form_tickets.issue()).as_bytes());
    }
    form.extend_from_slice(body);
    portal.runtime.block_on(async {
        let form_status = post(&portal.app, "/denuncia/enviar", form).await;
        let api_status = post(&portal.app, "/api/reports", body.to_vec()).await;
        Some((form_status, api_status))
    })
}

async fn post(app: &axum::Router, uri: &str, body: Vec<u8>) -> StatusCode {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let request = http::Request::post(uri)
        .header(http::header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(axum::body::Body::from(body))
        .expect("a valid request");
    let response = app.clone().oneshot(request).await.expect("the router's errors are infallible");
    let status = response.status();
    // A page renders as it streams: read it to its end, so that a failure there is seen too.
    let read = response.into_body().collect().await;
    assert!(read.is_ok(), "POST {uri}: the answer failed while streaming: {:?}", read.err());
    assert!(!status.is_server_error(), "POST {uri} answered {status}");
    status
}
