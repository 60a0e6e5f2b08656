//! Alerts through the router the binary serves: the registers filled through the editor's forms and
//! imports, a request awarded to a company its committee member declared and visited by a bidder; the
//! page states the rules and shows the alerts with their evidence links and never the unpublished
//! relative; the downloads hold the same alerts; a clean request has none; the integrity office's
//! review is refused with what was typed kept, then published beside its alert (page and files);
//! another role cannot review.

use crate::common::{Portal, get, import_as as import, portal, post_as as post, staff_session};
use app::procurement::storage::{self as procurement, NewBid};
use app::procurement::{Item, Opening};
use app::staff::Role;
use app::tramites::calendar::format_iso;
use app::tramites::storage::today_in_lima;
use app::visits::VISITS_HEADER;
use http::StatusCode;

const FORM: &str = "application/x-www-form-urlencoded";
const WINNER: &str = "20601112222";
const BIDDER: &str = "20512345671";

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(pairs);
    body.finish().into_bytes()
}

async fn get_as(portal: &Portal, uri: &str, cookie: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = http::Request::get(uri).header("cookie", cookie).body(axum::body::Body::empty()).unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    (status, String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).replace("<!>", ""))
}

/// A request closing in two seconds, with its bids, awarded once closed.
async fn tender(portal: &Portal, number: &str, bids: &[&str]) {
    let deadline = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let deadline =
        deadline.replace_nanosecond(0).unwrap().format(&time::format_description::well_known::Rfc3339).unwrap();
    let new = app::procurement::fields::NewTender {
        number: number.into(),
        title: format!("Uniformes {number}"),
        area: "Gerencia de Seguridad Ciudadana".into(),
        estimated_cents: 3_000_000,
        deadline,
        recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into(),
        threshold: 2,
        committee: vec!["rosa-paz".into(), "juan-vega".into()],
        items: vec![Item {
            position: 1,
            description: "Uniformes".into(),
            quantity: 50,
            unit: "juego".into(),
            specification: String::new(),
        }],
    };
    procurement::create(&portal.state.database, "comite", &new).await.unwrap();
    for ruc in bids {
        let bid = NewBid {
            tender: number.into(),
            supplier_ruc: (*ruc).into(),
            supplier_name: format!("Confecciones {ruc}"),
            object: format!("{number}-{ruc}"),
            sha256: "1".repeat(64),
            size: 4096,
        };
        procurement::add_bid(&portal.state.database, &bid).await.unwrap();
    }
}

async fn award(portal: &Portal, number: &str, ruc: &str) {
    let opening = Opening {
        award_ruc: ruc.into(),
        award_name: format!("Confecciones {ruc}"),
        award_cents: 2_500_000,
        award_reasons: "Menor precio".into(),
        ..Default::default()
    };
    procurement::publish_opening(&portal.state.database, "comite", number, &opening).await.unwrap();
}

#[tokio::test]
async fn a_seeded_conflict_raises_alerts_a_clean_request_does_not_and_reviews_show_beside_them() {
    let portal = portal().await;
    let editor = staff_session(&portal, "editora", &[Role::TransparencyEditor]).await;
    let officials = "id,nombre,cargo,area,inicio,fin\n\
                     rosa-paz,Rosa Paz,Gerente de Seguridad Ciudadana,Gerencia de Seguridad Ciudadana,2023-01-02,\n\
                     juan-vega,Juan Vega,Subgerente de Logística,Subgerencia de Logística,2023-01-02,\n\
                     mia-rios,Mía Ríos,Especialista,Gerencia de Seguridad Ciudadana,2023-01-02,\n";
    assert_eq!(import(&portal, &editor, "/oficina/integridad/funcionarios", officials).await.0, StatusCode::OK);
    tender(&portal, "SC-H-1", &[WINNER, BIDDER]).await;
    tender(&portal, "SC-H-2", &["20544332211"]).await;

    // The committee member declares a share in the winner; an area official's sister works there.
    let company = format!("Confecciones Lima SAC; {WINNER}; 20");
    let sister = format!("Carla Paz Secreta; hermana; Confecciones Lima SAC; {WINNER}");
    for (official, companies, relatives) in [("rosa-paz", company.as_str(), ""), ("mia-rios", "", sister.as_str())] {
        let fields = [
            ("prefix", ""),
            ("official", official),
            ("kind", "anual"),
            ("presented_on", "2026-06-30"),
            ("empresas", companies),
            ("parientes", relatives),
        ];
        let (status, page) = post(&portal, "/oficina/declaraciones/registrar", &editor, FORM, form(&fields)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    }
    let today = format_iso(today_in_lima());
    let visits = format!(
        "{VISITS_HEADER}\n{today},{today},Hugo Salas,DNI 41234567,Confecciones Andinas,{BIDDER},juan-vega,,Despacho,10:00,10:20,Consulta,\n"
    );
    assert_eq!(import(&portal, &editor, "/oficina/visitas/importar", &visits).await.0, StatusCode::OK);

    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    award(&portal, "SC-H-1", WINNER).await;
    award(&portal, "SC-H-2", "20544332211").await;

    // The page: the rules, three alerts of SC-H-1 with their evidence, none of SC-H-2.
    let (status, _, page) = get(&portal, "/integridad/alertas").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"rule-declared\"") && page.contains("id=\"rule-visit\""));
    assert!(page.contains("3 alertas con los registros actuales."), "{page}");
    let declared = "interes-declarado/SC-H-1/rosa-paz/empresas";
    let relative = "interes-declarado/SC-H-1/mia-rios/parientes";
    for key in [declared, relative, "visita/SC-H-1/"] {
        assert!(page.contains(&format!("data-alert=\"{key}")), "{key} in the page");
    }
    assert!(!page.contains("SC-H-2 —"), "the clean request raises nothing");
    assert!(!page.contains("Carla Paz Secreta") && !page.contains("hermana"), "the relative is not published");
    assert!(page.contains(&format!("empleador de un pariente que no se publica: Confecciones {WINNER}.")));
    assert!(!page.contains("Confecciones Lima SAC; hermana"));
    assert!(page.contains(&format!("/integridad/visitas?q={BIDDER}&amp;funcionario=juan-vega&amp;desde={today}")));
    assert!(page.contains("/integridad/declaracion?id="));
    let (_, _, english) = get(&portal, "/en/integridad/alertas").await;
    assert!(english.contains("Declared interest") && english.contains("Not reviewed yet."));
    let (_, _, clean) = get(&portal, "/integridad/alertas?cotizacion=SC-H-2").await;
    assert!(clean.contains("Ninguna alerta con los registros actuales."));
    let (_, _, tender_page) = get(&portal, "/integridad/cotizacion?numero=SC-H-1").await;
    assert!(tender_page.contains("/integridad/alertas?cotizacion=SC-H-1"));

    // The downloads: the same alerts.
    let (status, _, csv) = get(&portal, "/datos/integridad/alertas.csv").await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows.iter().all(|row| row.contains("SC-H-1")) && !csv.contains("Carla"));
    let (_, _, json) = get(&portal, "/datos/integridad/alertas.json?cotizacion=SC-H-2").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["rows"].as_array().map(Vec::len), Some(0), "{json}");

    // The review: another role and no session refused; a bad form keeps what was typed.
    let review =
        |alert: &'static str, text: &'static str| form(&[("prefix", ""), ("alert", alert), ("explanation", text)]);
    assert_eq!(
        post(&portal, "/oficina/alertas/revisar", &editor, FORM, review(declared, "x")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&portal, "/oficina/alertas/revisar", "", FORM, review(declared, "x")).await.0,
        StatusCode::SEE_OTHER
    );
    let officer = staff_session(&portal, "integridad", &[Role::IntegrityOfficer]).await;
    let (status, page) = get_as(&portal, &format!("/oficina/alertas?alerta={declared}"), &officer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("value=\"{declared}\" selected")), "the chosen alert");
    let (status, page) = post(&portal, "/oficina/alertas/revisar", &officer, FORM, review(declared, "   ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("href=\"#explanation\"") && page.contains(&format!("value=\"{declared}\" selected")),
        "{page}"
    );
    let kept = "Texto que no se pierde";
    let (status, page) =
        post(&portal, "/oficina/alertas/revisar", &officer, FORM, review("visita/SC-H-2/x", kept)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("href=\"#alert\"") && page.contains(kept), "{page}");
    let explanation = "La gerente se inhibió de evaluar; consta en el acta del comité.";
    let (status, page) = post(&portal, "/oficina/alertas/revisar", &officer, FORM, review(declared, explanation)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Revisión publicada para la alerta"));
    let (_, _, page) = get(&portal, "/integridad/alertas").await;
    let card = page.split(&format!("data-alert=\"{declared}\"")).nth(1).unwrap().split("</article>").next().unwrap();
    assert!(card.contains(explanation) && card.contains("(versión 1)"), "{card}");
    let (_, _, csv) = get(&portal, "/datos/integridad/alertas.csv").await;
    assert!(csv.contains(explanation));
    let (_, _, package) = get(&portal, "/datos/datapackage.json").await;
    assert!(package.contains("integridad-alertas"));
}
