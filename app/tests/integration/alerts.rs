//! Alerts on SQLite and PostgreSQL, from registers stored as the portal stores them: a seeded conflict
//! (the award to a company a committee member declared, the employer of an area official's relative
//! who is not published, a visit by a bidder to a committee member during the request) raises its
//! alerts; a clean request, a request still open, an official of another area and a visit before the
//! request raise none. Reviews are versions, only of alerts that are raised, in the audit chain.

use crate::common::{postgres, sqlite};
use app::affidavits::fields::AffidavitFields;
use app::alerts::storage::{self, AlertError};
use app::alerts::{Evidence, Rule, Tie};
use app::integrity::import::parse_officials;
use app::platform::audit::now_utc;
use app::platform::database::Database;
use app::procurement::fields::NewTender;
use app::procurement::storage::{self as procurement, NewBid};
use app::procurement::{Item, Opening};
use app::tramites::calendar::format_iso;
use app::tramites::storage::today_in_lima;
use app::visits::VISITS_HEADER;
use app::visits::import::parse_visits;

const OFFICIALS: &str = "id,nombre,cargo,area,inicio,fin\n\
    ana-ruiz,Ana Ruiz,Especialista en compras,Subgerencia de Logística,2023-01-02,\n\
    luis-soto,Luis Soto,Gerente de Administración,Gerencia de Administración,2023-01-02,\n\
    eva-diaz,Eva Díaz,Asesora legal,Gerencia Municipal,2023-01-02,\n\
    pedro-li,Pedro Li,Gerente de Obras,Gerencia de Obras,2023-01-02,\n";
const WINNER: &str = "20601112222";
const BIDDER: &str = "20512345671";
const CLEAN: &str = "20544332211";

fn tender(number: &str, deadline: &str) -> NewTender {
    NewTender {
        number: number.into(),
        title: format!("Conos {number}"),
        area: "SUBGERENCIA DE LOGISTICA".into(),
        estimated_cents: 1_500_000,
        deadline: deadline.into(),
        recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into(),
        threshold: 2,
        committee: vec!["luis-soto".into(), "eva-diaz".into()],
        items: vec![Item {
            position: 1,
            description: "Conos".into(),
            quantity: 10,
            unit: "unidad".into(),
            specification: String::new(),
        }],
    }
}

async fn bid(database: &Database, tender: &str, ruc: &str) {
    let bid = NewBid {
        tender: tender.into(),
        supplier_ruc: ruc.into(),
        supplier_name: format!("Empresa {ruc}"),
        object: format!("{tender}-{ruc}"),
        sha256: "0".repeat(64),
        size: 4096,
    };
    procurement::add_bid(database, &bid).await.unwrap();
}

async fn award(database: &Database, tender: &str, ruc: &str) {
    let opening = Opening {
        award_ruc: ruc.into(),
        award_name: format!("Empresa {ruc}"),
        award_cents: 1_000_000,
        award_reasons: "Menor precio".into(),
        ..Default::default()
    };
    procurement::publish_opening(database, "comite", tender, &opening).await.unwrap();
}

async fn affidavit(
    database: &Database,
    ids: &std::collections::HashSet<String>,
    official: &str,
    companies: &str,
    relatives: &str,
) {
    let typed = AffidavitFields {
        official: official.into(),
        kind: "anual".into(),
        presented_on: "2026-06-30".into(),
        sections: [companies.into(), String::new(), String::new(), String::new(), String::new(), relatives.into()],
    };
    let checked = typed.check(ids, "2026-12-01").unwrap();
    app::affidavits::storage::add(database, "editor", &checked).await.unwrap();
}

async fn registers_raise_alerts_and_reviews_are_kept(database: Database) {
    let list = parse_officials(OFFICIALS).unwrap();
    app::integrity::storage::import_officials(&database, "editor", &list).await.unwrap();
    let ids = list.iter().map(|o| o.id.clone()).collect();
    let published = now_utc();
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let soon = soon.replace_nanosecond(0).unwrap().format(&time::format_description::well_known::Rfc3339).unwrap();
    for number in ["SC-A-1", "SC-A-2"] {
        procurement::create(&database, "comite", &tender(number, &soon)).await.unwrap();
    }
    procurement::create(&database, "comite", &tender("SC-A-3", "2099-01-01T15:00:00Z")).await.unwrap();
    bid(&database, "SC-A-1", WINNER).await;
    bid(&database, "SC-A-1", BIDDER).await;
    bid(&database, "SC-A-2", CLEAN).await;
    bid(&database, "SC-A-3", BIDDER).await;

    // The committee member owns part of the winner; the area official's brother works there (kept
    // apart, not published); an official of another area declares it too.
    affidavit(&database, &ids, "luis-soto", &format!("Suministros SAC; {WINNER}; 10"), "").await;
    affidavit(&database, &ids, "ana-ruiz", "", &format!("Andrés Ruiz; hermano; Suministros SAC; {WINNER}")).await;
    affidavit(&database, &ids, "pedro-li", &format!("Suministros SAC; {WINNER}; 5"), "").await;
    let today = today_in_lima();
    let yesterday = format_iso(today.previous_day().unwrap());
    let today = format_iso(today);
    let visits = format!(
        "{VISITS_HEADER}\n\
         {today},{today},Jorge Pérez,DNI 41234567,Andes SAC,{BIDDER},eva-diaz,,Despacho,10:00,10:30,Consulta sobre conos,\n\
         {today},{today},Rosa Vera,DNI 41234568,Suministros SAC,{WINNER},pedro-li,,Despacho,11:00,11:30,Obras,\n\
         {today},{yesterday},Jorge Pérez,DNI 41234567,Andes SAC,{BIDDER},luis-soto,,Despacho,09:00,09:30,Antes de la solicitud,\n"
    );
    let visits = parse_visits(&visits, &ids, &today).unwrap();
    let visit_ids = app::visits::storage::add_visits(&database, "editor", &visits).await.unwrap();

    // Before the deadline nothing is raised, not even by the conflicts already in the registers.
    assert!(storage::alerts(&database, &published).await.unwrap().is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    award(&database, "SC-A-1", WINNER).await;
    award(&database, "SC-A-2", CLEAN).await;

    let alerts = storage::alerts(&database, &now_utc()).await.unwrap();
    let keys: Vec<&str> = alerts.iter().map(|a| a.key.as_str()).collect();
    let visit_key = format!("visita/SC-A-1/{}", visit_ids[0]);
    assert_eq!(
        keys,
        [
            "interes-declarado/SC-A-1/luis-soto/empresas",
            "interes-declarado/SC-A-1/ana-ruiz/parientes",
            visit_key.as_str()
        ],
        "the conflicts of SC-A-1 only: not the clean SC-A-2, not SC-A-3 before its deadline, not another area, not before the request"
    );
    assert_eq!((alerts[0].rule, alerts[0].tie), (Rule::DeclaredInterest, Tie::Committee));
    assert_eq!((alerts[1].tie, alerts[1].official_name.as_str()), (Tie::Area, "Ana Ruiz"));
    assert!(
        matches!(&alerts[1].evidence, Evidence::Declared { public: false, name, .. } if name == "Empresa 20601112222")
    );
    assert!(!format!("{alerts:?}").contains("Andrés"), "the relative is never in an alert");
    assert_eq!((alerts[2].rule, alerts[2].supplier_ruc.as_str()), (Rule::Visit, BIDDER));
    assert_eq!((alerts[2].from.as_str(), alerts[2].to.as_str()), (today.as_str(), today.as_str()));
    assert!(alerts.iter().all(|a| a.review.is_none()));

    // Reviews: versions of a raised alert; nothing for an alert the registers do not raise.
    let key = alerts[0].key.clone();
    assert!(matches!(storage::review(&database, "oficial", &key, "  ").await, Err(AlertError::Explanation)));
    assert!(matches!(
        storage::review(&database, "oficial", "interes-declarado/SC-A-2/luis-soto/empresas", "No aplica").await,
        Err(AlertError::NoAlert)
    ));
    assert_eq!(storage::review(&database, "oficial", &key, "Se abstuvo de votar.").await.unwrap(), 1);
    assert_eq!(storage::review(&database, "oficial", &key, "Se abstuvo; consta en acta 12.").await.unwrap(), 2);
    let alerts = storage::alerts(&database, &now_utc()).await.unwrap();
    let review = alerts[0].review.clone().unwrap();
    assert_eq!((review.version, review.explanation.as_str()), (2, "Se abstuvo; consta en acta 12."));
    assert!(alerts[1].review.is_none());

    let entries = app::platform::audit::entries_after(&database, 0).await.unwrap();
    assert_eq!(envelope::audit::verify(&entries), Ok(()));
    assert_eq!(entries.iter().filter(|e| e.action == "alerts.review").count(), 2);
}

#[tokio::test]
async fn sqlite_registers_raise_alerts_and_reviews_are_kept() {
    let file = sqlite().await;
    registers_raise_alerts_and_reviews_are_kept(file.database.clone()).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: run scripts/test, which starts one"]
async fn postgres_registers_raise_alerts_and_reviews_are_kept() {
    registers_raise_alerts_and_reviews_are_kept(postgres().await.database.clone()).await;
}
