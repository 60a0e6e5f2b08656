//! `officer open` over a folder holding a damaged case: every other case still opens, and the damaged
//! one is named.

use case_api::{CaseDetail, CaseStatus, CaseSummary};
use envelope::Identity;
use envelope::report::{Category, EncryptedIn, Report};
use std::path::Path;
use std::process::Command;

/// Case ids are 32 hex digits; the damaged case sorts first.
const BAD: &str = "0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const GOOD: &str = "0bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn write_case(folder: &Path, id: &str, report_age: &[u8]) {
    let dir = folder.join("cases").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let summary = CaseSummary {
        id: id.into(),
        received_on: "2026-11-23".into(),
        status: CaseStatus::Received,
        category: None,
        acknowledged_on: None,
        feedback_on: None,
        closed_on: None,
        acknowledgement_due: "2026-11-30".into(),
        feedback_due: "2027-02-28".into(),
        acknowledgement_overdue: false,
        feedback_overdue: false,
        messages: 0,
        key_ids: vec!["integridad-1".into()],
    };
    let detail = CaseDetail {
        summary,
        reply_recipient: Identity::generate().to_public().to_string(),
        report_len: report_age.len() as u64,
        attachments: vec![],
        messages: vec![],
    };
    std::fs::write(dir.join("case.json"), serde_json::to_vec(&detail).unwrap()).unwrap();
    std::fs::write(dir.join("report.age"), report_age).unwrap();
}

#[test]
fn a_case_that_cannot_be_opened_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let office = Identity::generate();
    let key = dir.path().join("office.key");
    std::fs::write(&key, format!("{}\n", office.to_secret_string().as_str())).unwrap();
    let folder = dir.path().join("folder");
    let report = Report::new("es-PE", Category::Soborno, "Me pidieron dinero".into(), EncryptedIn::Browser);
    let good = envelope::encrypt(&[office.to_public()], &report.to_padded_json(1 << 20).unwrap()).unwrap();
    // A valid age file to the office whose content is not a report.
    let not_json = envelope::encrypt(&[office.to_public()], b"not a report").unwrap();
    write_case(&folder, BAD, &not_json);
    write_case(&folder, GOOD, &good);

    let output = Command::new(env!("CARGO_BIN_EXE_officer"))
        .arg("--folder")
        .arg(&folder)
        .arg("open")
        .arg("--identity")
        .arg(&key)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a case that could not be opened makes the run fail");
    assert!(stderr.contains(&format!("Case {BAD}: CANNOT BE OPENED")), "{stderr}");
    assert!(stderr.contains(&format!("1 case(s) could not be opened: {BAD}")), "{stderr}");
    let text = std::fs::read_to_string(folder.join("cases").join(GOOD).join("opened/report.txt")).unwrap();
    assert!(text.contains("| Me pidieron dinero"), "{text}");
    assert!(!folder.join("cases").join(BAD).join("opened/report.txt").exists());
}
