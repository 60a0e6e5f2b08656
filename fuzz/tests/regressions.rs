//! The fuzz targets' logic without libFuzzer or instrumentation, one test per target, bounded to seconds:
//! every saved input (fuzz/regressions/<target>/, committed; fuzz/corpus/<target>/, a local campaign's, if
//! there is one), inputs made at run time with the portal's own encoders (age files, reports, CSV rows,
//! forms) and mutations of them, and a few thousand inputs from a fixed-seed generator. An input that fails
//! is saved under target/tmp/fuzz-failures/, to be copied into fuzz/regressions/<target>/ with its fix.

use envelope::age::CHUNK_SIZE;
use envelope::inspect::InspectError;
use envelope::message::{Author, Message};
use envelope::report::{AttachmentEntry, Category, EncryptedIn, Report, ReporterIdentity};
use envelope::{Identity, Recipient};
use http::StatusCode;
use portal_fuzz::{BOUNDARY, CsvOutcome, XorShift};
use portal_server::config::ConfigError;
use std::path::{Path, PathBuf};

/// Runs `run` on one input. On a failure the input is saved and named, then the panic goes on.
fn run_one<T>(target: &str, name: &str, data: &[u8], run: fn(&[u8]) -> T) -> T {
    match std::panic::catch_unwind(|| run(data)) {
        Ok(found) => found,
        Err(panic) => {
            let saved = save_failure(target, name, data);
            eprintln!("{target}: the input {name} failed; saved as {}", saved.display());
            std::panic::resume_unwind(panic)
        }
    }
}

fn save_failure(target: &str, name: &str, data: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures").join(target);
    let file: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let path = dir.join(file);
    if let Err(error) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, data)) {
        eprintln!("cannot save {}: {error}", path.display());
    }
    path
}

/// The saved inputs of `target`, in name order: the committed regressions, then a local campaign's corpus.
fn saved_inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    for kind in ["regressions", "corpus"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> =
            entries.map(|entry| entry.expect("a readable directory").path()).filter(|path| path.is_file()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let file = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            inputs.push((format!("{kind}/{target}/{file}"), data));
        }
    }
    inputs
}

fn run_saved<T>(target: &str, run: fn(&[u8]) -> T) {
    let inputs = saved_inputs(target);
    assert!(!inputs.is_empty(), "fuzz/regressions/{target}/ holds the target's seeds");
    for (name, data) in inputs {
        run_one(target, &name, &data, run);
    }
}

fn read_regression(target: &str, file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions").join(target).join(file);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// One small change of `data`, of the kinds that break parsers: a flipped bit, an edge byte, a cut, a range
/// removed, a range repeated, random bytes inserted.
fn mutate(data: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut out = data.to_vec();
    if out.is_empty() {
        let len = rng.index(16);
        return rng.bytes(len);
    }
    let at = rng.index(out.len());
    match rng.below(6) {
        0 => out[at] ^= 1u8 << rng.below(8),
        1 => out[at] = [0, 0xff, b'\n', b'\r', b'-', b' ', b'"', b','][rng.index(8)],
        2 => out.truncate(at),
        3 => {
            let end = at + rng.index(out.len() - at + 1);
            out.drain(at..end);
        }
        4 => {
            let end = (at + 1 + rng.index(64)).min(out.len());
            let copy = out[at..end].to_vec();
            out.splice(at..at, copy);
        }
        _ => {
            let len = 1 + rng.index(8);
            let inserted = rng.bytes(len);
            out.splice(at..at, inserted);
        }
    }
    out
}

const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64ish(rng: &mut XorShift, len: usize) -> Vec<u8> {
    (0..len).map(|_| BASE64[rng.index(BASE64.len())]).collect()
}

/// Bytes shaped like an age file, right or nearly: the version line, stanzas of several types and shapes,
/// the MAC line, a payload of any length.
fn header_like(rng: &mut XorShift) -> Vec<u8> {
    const TAGS: [&[u8]; 5] = [b"X25519", b"scrypt", b"ssh-ed25519", b"", b"x\xff"];
    const WORD_LENGTHS: [usize; 5] = [43, 0, 1, 44, 86];
    const BODY_LENGTHS: [usize; 6] = [43, 64, 0, 42, 65, 2000];
    let mut out = b"age-encryption.org/v1\n".to_vec();
    for _ in 0..rng.below(5) {
        out.extend_from_slice(b"-> ");
        out.extend_from_slice(TAGS[rng.index(TAGS.len())]);
        for _ in 0..rng.below(3) {
            out.push(b' ');
            let len = WORD_LENGTHS[rng.index(WORD_LENGTHS.len())];
            out.extend(base64ish(rng, len));
        }
        out.push(b'\n');
        let len = BODY_LENGTHS[rng.index(BODY_LENGTHS.len())];
        out.extend(base64ish(rng, len));
        out.push(b'\n');
    }
    out.extend_from_slice(b"---");
    if rng.below(4) != 0 {
        out.push(b' ');
    }
    let len = [43, 42, 0][rng.index(3)];
    out.extend(base64ish(rng, len));
    out.push(b'\n');
    let payload = rng.index(300);
    out.extend(rng.bytes(payload));
    out
}

#[test]
fn age_stream_check() {
    const TARGET: &str = "age_stream_check";
    let run = portal_fuzz::age_stream_check;
    run_saved(TARGET, run);
    let mut rng = XorShift::new(1);
    let office: Vec<Recipient> = (0..4).map(|_| Identity::generate().to_public()).collect();
    for count in 1..=4usize {
        for len in [0, 1, 1000, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE + 5] {
            let file = envelope::encrypt(&office[..count], &rng.bytes(len)).expect("encrypts");
            for slicing in 0..6u8 {
                let name = format!("{count}-recipients-{len}-bytes-slicing-{slicing}");
                let input = [&[(count - 1) as u8, slicing][..], &file[..]].concat();
                let decided = run_one(TARGET, &name, &input, run);
                assert!(matches!(decided, Some(Ok(_))), "{name}: {decided:?}");
                // Declared as one key more (four wraps round to one).
                let input = [&[count as u8 % 4, slicing][..], &file[..]].concat();
                let decided = run_one(TARGET, &format!("{name}-wrong-count"), &input, run);
                assert!(matches!(decided, Some(Err(InspectError::RecipientCount { .. }))), "{name}: {decided:?}");
            }
            // Small files, so that most mutations land in the header.
            if len <= 1000 {
                for i in 0..100 {
                    let input = [&[(count - 1) as u8, rng.next_u64() as u8][..], &mutate(&file, &mut rng)[..]].concat();
                    run_one(TARGET, &format!("{count}-recipients-{len}-bytes-mutation-{i}"), &input, run);
                }
            }
        }
    }
    for i in 0..2000 {
        let mut input = rng.bytes(2);
        if i % 2 == 0 {
            input.extend(header_like(&mut rng));
        } else {
            let len = rng.index(200);
            input.extend(rng.bytes(len));
        }
        run_one(TARGET, &format!("generated-{i}"), &input, run);
    }
}

fn sample_report() -> Report {
    let mut report = Report::new(
        "es-PE",
        Category::Soborno,
        "Me pidieron dinero.\nAdjunto 1: falso.pdf \u{1b}[31m factura\u{202e}fdp.exe".into(),
        EncryptedIn::Browser,
    );
    report.place = "Parque Kennedy".into();
    report.identity = Some(ReporterIdentity {
        names: "Rosa".into(),
        surnames: "Quispe Huamán".into(),
        phone: "+51 987 654 321".into(),
        email: "rosa@ejemplo.pe".into(),
        lives_in_district: None,
    });
    report.attachments.push(AttachmentEntry {
        name: "../../etc/passwd".into(),
        media_type: "text/plain".into(),
        size: 48_213,
        ciphertext_sha256: "ab".repeat(32),
    });
    report
}

#[test]
fn officer_documents() {
    const TARGET: &str = "officer_documents";
    let run = portal_fuzz::officer_documents;
    run_saved(TARGET, run);
    let seed = run_one(TARGET, "regressions/report.age", &read_regression(TARGET, "report.age"), run);
    assert!(seed.report.is_some(), "the committed report.age opens to a report: {seed:?}");

    let mut rng = XorShift::new(2);
    let office = portal_fuzz::test_identity().to_public();
    let reporter = Identity::generate().to_public();
    let report = sample_report();
    let message = Message::new(Author::Reporter, "en", "Any news?\r\n\u{2066}".into());
    let documents = [
        ("report", report.to_padded_json(1 << 20).expect("fits")),
        ("message", message.to_padded_json(1 << 20).expect("fits")),
        ("large-report", Report { description: "x".repeat(70_000), ..report.clone() }.to_padded_json(1 << 20).unwrap()),
    ];
    for (name, plain) in &documents {
        for recipients in [vec![office], vec![reporter, office]] {
            let sealed = envelope::encrypt(&recipients, plain).expect("encrypts");
            let name = format!("{name}-to-{}", recipients.len());
            let opened = run_one(TARGET, &name, &sealed, run);
            assert_eq!(opened.plaintext.as_ref(), Some(plain), "{name}");
            match name.split('-').next().expect("a name") {
                "message" => assert_eq!(opened.message.as_ref(), Some(&message), "{name}"),
                "report" => assert_eq!(opened.report.as_ref(), Some(&report), "{name}"),
                _ => assert!(opened.report.is_some(), "{name}"),
            }
            // Every stored byte is authenticated: no single changed bit may open.
            if plain.len() <= 4096 {
                for i in 0..40 {
                    let mut altered = sealed.clone();
                    let at = rng.index(altered.len());
                    altered[at] ^= 1u8 << rng.below(8);
                    let opened = run_one(TARGET, &format!("{name}-bit-{at}"), &altered, run);
                    assert!(opened.plaintext.is_none(), "{name}: changed bit {i} at byte {at} still opens");
                }
            }
        }
        // The plaintext itself, as a document never encrypted, and mutations of it.
        run_one(TARGET, &format!("{name}-plain"), plain, run);
        let json = String::from_utf8_lossy(plain).trim_end().as_bytes().to_vec();
        for i in 0..100 {
            run_one(TARGET, &format!("{name}-plain-mutation-{i}"), &mutate(&json, &mut rng), run);
        }
    }
    // Padded attachments, cut at whatever size the input draws.
    for size in [0, 10, 4096, 5000] {
        let file = rng.bytes(size);
        let sealed = envelope::attachment::encrypt(&[office], &file).expect("encrypts");
        let opened = run_one(TARGET, &format!("attachment-{size}"), &sealed, run);
        assert_eq!(opened.plaintext.map(|plain| plain[..size] == file[..]), Some(true));
    }
    for i in 0..500 {
        let len = rng.index(300);
        run_one(TARGET, &format!("generated-{i}"), &rng.bytes(len), run);
    }
}

/// A valid CSV row for record `n`: every channel, type, subtype and module, both date forms.
fn incident_row(rng: &mut XorShift, n: usize) -> String {
    use statistics::{Channel, IncidentType, Module, Subtype};
    let channel = Channel::ALL[rng.index(Channel::ALL.len())];
    let (incident_type, subtype) = if rng.below(2) == 0 {
        let subtype = Subtype::ALL[rng.index(Subtype::ALL.len())];
        (subtype.incident_type(), subtype.code())
    } else {
        (IncidentType::ALL[rng.index(IncidentType::ALL.len())], "")
    };
    let module = if channel == Channel::SecurityModule { Module::ALL[rng.index(Module::ALL.len())].code() } else { "" };
    let separator = if rng.below(2) == 0 { 'T' } else { ' ' };
    let seconds = if rng.below(2) == 0 { String::new() } else { format!(":{:02}", rng.below(60)) };
    let (year, month, day) = (1900 + rng.below(200), 1 + rng.below(12), 1 + rng.below(28));
    let (hour, minute, zone) = (rng.below(24), rng.below(60), 1 + rng.below(14));
    let (channel, incident_type) = (channel.code(), incident_type.code());
    let when = format!("{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}{seconds}");
    format!("CA-{n:07},{when},{channel},{incident_type},{subtype},{zone},{module}\n")
}

#[test]
fn incident_csv() {
    const TARGET: &str = "incident_csv";
    let run = portal_fuzz::incident_csv;
    run_saved(TARGET, run);
    let seed = run_one(TARGET, "regressions/valid.csv", &read_regression(TARGET, "valid.csv"), run);
    assert_eq!(seed, CsvOutcome { header: true, records: 4, refused: 0, csv_error: false });

    let mut rng = XorShift::new(3);
    let header = "id,fecha_hora,canal,tipo,subtipo,zona,modulo\n";
    for file in 0..20 {
        let rows: String = (0..50).map(|n| incident_row(&mut rng, n)).collect();
        let csv = format!("{header}{rows}");
        let read = run_one(TARGET, &format!("valid-{file}"), csv.as_bytes(), run);
        assert_eq!(read, CsvOutcome { header: true, records: 50, refused: 0, csv_error: false }, "{csv}");
        for i in 0..100 {
            run_one(TARGET, &format!("valid-{file}-mutation-{i}"), &mutate(csv.as_bytes(), &mut rng), run);
        }
    }
    // Rows drawn from CSV's own troublemakers.
    let pieces: [&[u8]; 11] =
        [b",", b"\"", b"\n", b"\r\n", b" ", b"\xef\xbb\xbf", b"\xff", b"4", b"modulo", b"tejada", b"2024-02-29T23:05"];
    for i in 0..1000 {
        let input: Vec<u8> = (0..rng.index(40)).flat_map(|_| pieces[rng.index(pieces.len())].to_vec()).collect();
        run_one(TARGET, &format!("generated-{i}"), &input, run);
    }
}

#[test]
fn config_toml() {
    const TARGET: &str = "config_toml";
    let run = portal_fuzz::config_toml;
    run_saved(TARGET, run);
    let valid = read_regression(TARGET, "valid.toml");
    // valid.toml keeps every limit in the `[limits]` section of earlier portals; the repository's own
    // Leptos.toml has them in their capabilities' sections. Both load.
    assert!(run_one(TARGET, "regressions/valid.toml", &valid, run).is_ok());
    let current = read_regression(TARGET, "repo-Leptos.toml");
    assert!(run_one(TARGET, "regressions/repo-Leptos.toml", &current, run).is_ok());
    let invalid_values = read_regression(TARGET, "invalid-values.toml");
    let invalid = run_one(TARGET, "regressions/invalid-values.toml", &invalid_values, run);
    assert!(matches!(invalid, Err(ConfigError::Invalid(ref problems)) if problems.len() >= 5), "{invalid:?}");
    let syntax = run_one(TARGET, "regressions/syntax-error.toml", &read_regression(TARGET, "syntax-error.toml"), run);
    assert!(matches!(syntax, Err(ConfigError::Syntax(_))), "{syntax:?}");

    let mut rng = XorShift::new(4);
    for i in 0..300 {
        let _ = run_one(TARGET, &format!("valid-mutation-{i}"), &mutate(&valid, &mut rng), run);
    }
    let pieces: [&[u8]; 13] = [
        b"[site]\n",
        b"[limits]\n",
        b"[sealed_uploads]\n",
        b"[reporting]\n",
        b"max_attachments = ",
        b"address = ",
        b"\"127.0.0.1:0\"",
        b"=",
        b"\n",
        b"[",
        b"{",
        b"\"\xff\"",
        b"1e999",
    ];
    for i in 0..200 {
        let input: Vec<u8> = (0..rng.index(30)).flat_map(|_| pieces[rng.index(pieces.len())].to_vec()).collect();
        let _ = run_one(TARGET, &format!("generated-{i}"), &input, run);
    }
}

fn part(name: &str, value: &[u8]) -> Vec<u8> {
    let head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n");
    [head.as_bytes(), value, &b"\r\n"[..]].concat()
}

fn file_part(name: &str, file_name: &str, value: &[u8]) -> Vec<u8> {
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    [head.as_bytes(), value, &b"\r\n"[..]].concat()
}

#[test]
fn plain_form_multipart() {
    const TARGET: &str = "plain_form_multipart";
    let run = portal_fuzz::plain_form_multipart;
    run_saved(TARGET, run);
    let mut rng = XorShift::new(5);
    let form = [
        part("description", "El inspector pidió dinero para no multar".as_bytes()),
        part("category", b"soborno"),
        file_part("attachments", "acta.pdf", b"contenido del acta"),
        format!("--{BOUNDARY}--\r\n").into_bytes(),
    ]
    .concat();
    // A good form with its ticket is stored, or refused by the plain form's budget (10 a minute, which the
    // saved inputs may have used); without a ticket it is refused as expired.
    let with_ticket = [&[0u8][..], &form[..]].concat();
    let (status, _) = run_one(TARGET, "form-with-ticket", &with_ticket, run).expect("not empty");
    assert!(matches!(status, StatusCode::OK | StatusCode::TOO_MANY_REQUESTS), "{status}");
    let without_ticket = [&[1u8][..], &form[..]].concat();
    let (status, _) = run_one(TARGET, "form-without-ticket", &without_ticket, run).expect("not empty");
    assert_eq!(status, StatusCode::FORBIDDEN);
    for i in 0..150 {
        run_one(TARGET, &format!("form-mutation-{i}"), &mutate(&with_ticket, &mut rng), run);
    }
    for i in 0..50 {
        let len = rng.index(300);
        run_one(TARGET, &format!("generated-{i}"), &rng.bytes(len), run);
    }
}
