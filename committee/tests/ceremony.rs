//! The committee's ceremony with the real binary and Debian's reference `age`: a 2-of-3 key made,
//! three bids encrypted by `age -r` to the published recipient (one for another tender, one not on the
//! published list), the list written by `sha256sum`; the opening refused with one share, refused with a
//! bid altered after publication, and done with two shares: the comparison table orders the bids by
//! total, a bid's files are written beside it (one whose file does not match its SHA-256 is not read),
//! and the published key opens the bids again with `age -d -i`.

use std::path::Path;
use std::process::{Command, Output};

fn committee(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_committee")).args(args).output().unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn bid_with(tender: &str, ruc: &str, name: &str, unit_price_cents: i64, files: &[envelope::bid::Attachment]) -> String {
    serde_json::json!({
        "format": 1, "tender": tender, "supplier_ruc": ruc, "supplier_name": name,
        "lines": [{"item": 1, "quantity": 10, "unit_price_cents": unit_price_cents},
                  {"item": 2, "quantity": 1, "unit_price_cents": 50_000}],
        "delivery_days": 15, "validity_days": 30, "terms": "Garantía de un año",
        "attachments": files
    })
    .to_string()
}

fn bid(tender: &str, ruc: &str, name: &str, unit_price_cents: i64) -> String {
    bid_with(tender, ruc, name, unit_price_cents, &[])
}

/// Encrypts with Debian's `age` CLI to `recipient`.
fn age_encrypt(recipient: &str, plaintext: &str, out: &Path) {
    let mut child = Command::new("age")
        .args(["-r", recipient, "-o"])
        .arg(out)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("Debian's age is installed (scripts/test installs it)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(plaintext.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn two_of_three_members_open_the_published_bids_and_anyone_can_check_them() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    let keys = at("llaves");
    let keys_arg = keys.display().to_string();
    let made =
        committee(&["keygen", "--tender", "SC-2026-001", "--threshold", "2", "--members", "3", "--out", &keys_arg]);
    assert!(made.status.success(), "{}", text(&made));
    let recipient = std::fs::read_to_string(keys.join("recipient.txt")).unwrap().trim().to_string();
    assert!(text(&made).contains(&recipient));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(keys.join("share-1.txt")).unwrap().permissions().mode() & 0o777, 0o600);
    let files_there: Vec<String> =
        std::fs::read_dir(&keys).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(files_there.len(), 4, "the recipient and three shares, no key: {files_there:?}");

    let bids = at("ofertas");
    std::fs::create_dir(&bids).unwrap();
    age_encrypt(
        &recipient,
        &bid("SC-2026-001", "20512345671", "Constructora Los Andes SAC", 12_000),
        &bids.join("a.age"),
    );
    let sheet: Vec<u8> = (0..70_000u32).map(|i| (i % 253) as u8).collect();
    let files = [envelope::bid::Attachment::new("ficha técnica.pdf", "application/pdf", &sheet)];
    age_encrypt(
        &recipient,
        &bid_with("SC-2026-001", "20601112222", "Suministros Miraflores EIRL", 9_500, &files),
        &bids.join("b.age"),
    );
    age_encrypt(&recipient, &bid("SC-2026-999", "20544332211", "Otra Licitación SAC", 1), &bids.join("c.age"));
    let mut damaged = envelope::bid::Attachment::new("carta.pdf", "application/pdf", b"carta");
    damaged.sha256 = "0".repeat(64);
    age_encrypt(&recipient, &bid_with("SC-2026-001", "20100000001", "Dañada SAC", 1, &[damaged]), &bids.join("e.age"));
    // The list the portal published at the deadline: a, b, c, e (d arrived late and is not on it).
    let list =
        Command::new("sha256sum").current_dir(&bids).args(["a.age", "b.age", "c.age", "e.age"]).output().unwrap();
    std::fs::write(at("sha256.txt"), &list.stdout).unwrap();
    age_encrypt(&recipient, &bid("SC-2026-001", "10401234565", "Tardío", 1), &bids.join("d.age"));

    let share = |i: u32| keys.join(format!("share-{i}.txt")).display().to_string();
    let open = |shares: &[String], out: &str| {
        let mut args = vec!["open", "--tender", "SC-2026-001", "--recipient", &recipient];
        for share in shares {
            args.extend(["--share", share]);
        }
        let (bids, hashes, out) =
            (bids.display().to_string(), at("sha256.txt").display().to_string(), at(out).display().to_string());
        args.extend(["--bids", &bids, "--hashes", &hashes, "--out", &out]);
        committee(&args)
    };
    let refused = open(&[share(3)], "apertura-1");
    assert!(!refused.status.success());
    assert!(text(&refused).contains("1 different shares given; this tender's key needs 2"), "{}", text(&refused));
    assert!(!at("apertura-1").exists());

    // A bid altered after the list was published stops the opening, named.
    let original = std::fs::read(bids.join("b.age")).unwrap();
    let mut altered = original.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    std::fs::write(bids.join("b.age"), &altered).unwrap();
    let refused = open(&[share(1), share(3)], "apertura-2");
    assert!(text(&refused).contains("b.age is not the ciphertext the portal published"), "{}", text(&refused));
    std::fs::write(bids.join("b.age"), &original).unwrap();

    let opened = open(&[share(1), share(3)], "apertura");
    assert!(opened.status.success(), "{}", text(&opened));
    assert!(text(&opened).contains("4 bids on the published list, 2 opened"), "{}", text(&opened));
    let table = std::fs::read_to_string(at("apertura").join("cuadro-comparativo.csv")).unwrap();
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(
        rows[0],
        "orden,archivo,sha256,ruc,postor,total_soles,plazo_entrega_dias,validez_dias,observacion,archivos"
    );
    assert!(
        rows[1].starts_with("1,b.age,")
            && rows[1].ends_with(",20601112222,Suministros Miraflores EIRL,1450.00,15,30,,1"),
        "{table}"
    );
    assert!(rows[2].starts_with("2,a.age,") && rows[2].ends_with(",1700.00,15,30,,0"), "{table}");
    assert!(
        rows[3].starts_with(",c.age,") && rows[3].ends_with("\"a bid for tender SC-2026-999, not SC-2026-001\","),
        "{table}"
    );
    assert!(rows[4].starts_with(",e.age,") && rows[4].contains("carta.pdf is not the size or SHA-256"), "{table}");
    assert_eq!(rows.len(), 5, "the late bid is not opened");
    assert!(!at("apertura").join("d.json").exists());
    // The file beside its bid, as sent; the document lists it without its bytes.
    assert_eq!(std::fs::read(at("apertura").join("b-archivos").join("1-ficha_t_cnica.pdf")).unwrap(), sheet);
    let listed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(at("apertura").join("b.json")).unwrap()).unwrap();
    assert_eq!(listed["attachments"][0]["size"], 70_000);
    assert_eq!(listed["attachments"][0]["content"], "");

    // The published key opens the published bids with the reference age: anyone can redo the table.
    let key = at("apertura").join("clave-SC-2026-001.txt");
    let again = Command::new("age").arg("-d").arg("-i").arg(&key).arg(bids.join("a.age")).output().unwrap();
    assert!(again.status.success(), "{}", text(&again));
    let document: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(document["supplier_name"], "Constructora Los Andes SAC");
}
