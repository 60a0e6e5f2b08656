//! Council sessions through the router the binary serves: the council secretary's forms (a session with
//! its minutes PDF, an item with each councillor's vote) and CSV imports refused line by line; the
//! public search by date, topic and councillor; the session and councillor pages; the open data, whose
//! votes rows equal the session page's table, listed in `datapackage.json`; the minutes download.

use crate::common::{Portal, get, import_as as import, multipart, portal, post_as as post, staff_session, table_rows};
use app::staff::Role;
use http::StatusCode;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// A signed-in council secretary's session cookie.
async fn secretary(portal: &Portal) -> String {
    staff_session(portal, "secretaria", &[Role::CouncilSecretary]).await
}

#[tokio::test]
async fn sessions_are_entered_found_by_councillor_and_topic_and_published_as_open_data() {
    let portal = portal().await;
    let cookie = secretary(&portal).await;
    let (status, page) = import(
        &portal,
        &cookie,
        "/oficina/concejo/regidores",
        "id,nombre,partido,cargo,inicio,fin\nmaria-paz,María Paz,Renovación Popular,regidor,2023-01-01,\n\
         jose-rios,José Ríos,Somos Perú,regidor,2023-01-01,\nMAL,x,,concejal,2023-01-01,\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Línea 4"), "the refused line is named");
    let members = "id,nombre,partido,cargo,inicio,fin\nmaria-paz,María Paz,Renovación Popular,regidor,2023-01-01,\n\
                   jose-rios,José Ríos,Somos Perú,regidor,2023-01-01,\n";
    let (status, page) = import(&portal, &cookie, "/oficina/concejo/regidores", members).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let votes = "sesion,fecha,tipo,punto,asunto,tema,acuerdo,regidor,voto\n\
                 015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045,maria-paz,a-favor\n\
                 015-2026,2026-11-20,ordinaria,1,Presupuesto 2027,presupuesto,Acuerdo 045,jose-rios,en-contra\n";
    let (status, page) = import(&portal, &cookie, "/oficina/concejo/votaciones", votes).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Importadas 1 sesiones, 1 puntos y 2 votos"));

    // A session through the form: a file that is not a PDF is refused and what was typed is kept.
    let fields = [
        ("prefix", ""),
        ("number", "016-2026"),
        ("kind", "extraordinaria"),
        ("date", "2026-11-27"),
        ("video_url", "https://video.example/16"),
    ];
    let (content_type, body) = multipart(&fields, &[("document", "acta.pdf", b"not a pdf")]);
    let (status, page) = post(&portal, "/oficina/concejo/sesion", &cookie, &content_type, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("El acta debe ser un PDF") && page.contains("value=\"016-2026\""));
    let (content_type, body) = multipart(&fields, &[("document", "acta.pdf", PDF)]);
    let (status, page) = post(&portal, "/oficina/concejo/sesion", &cookie, &content_type, body).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let item = "prefix=&session=016-2026&title=Parques+de+Miraflores&topic=parques&agreement=Ordenanza+612&vote-maria-paz=a-favor&vote-jose-rios=licencia";
    let (status, page) =
        post(&portal, "/oficina/concejo/punto", &cookie, "application/x-www-form-urlencoded", item.into()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Punto 1 de la sesión 016-2026 guardado"));
    // Without the role: refused.
    let (status, _) =
        post(&portal, "/oficina/concejo/punto", "", "application/x-www-form-urlencoded", item.into()).await;
    assert_ne!(status, StatusCode::OK);

    // The public search: by councillor (present), by topic, by dates.
    let (_, _, page) = get(&portal, "/concejo?regidor=jose-rios").await;
    assert!(
        page.contains("data-session=\"015-2026\"") && !page.contains("data-session=\"016-2026\""),
        "on leave at 016"
    );
    let (_, _, page) = get(&portal, "/concejo?tema=PARQUES").await;
    assert!(page.contains("data-session=\"016-2026\"") && !page.contains("data-session=\"015-2026\""));
    let (_, _, page) = get(&portal, "/concejo?desde=2026-11-21&hasta=2026-11-30").await;
    assert!(page.contains("data-session=\"016-2026\"") && !page.contains("data-session=\"015-2026\""));
    let (_, _, page) = get(&portal, "/concejo/regidor?id=jose-rios").await;
    assert!(page.contains("Asistió a 1 de 2 sesiones registradas."), "{page}");

    // The session page's votes table equals the rows of votos.csv for that session.
    let (status, _, page) = get(&portal, "/concejo/sesion?numero=015-2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No aprobado"), "one for, one against");
    let shown = table_rows(&page, "votes-table");
    let (status, _, csv) = get(&portal, "/datos/concejo/votos.csv").await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("sesion,fecha,punto,asunto,regidor_id,regidor,voto,opcion"));
    let published: Vec<Vec<String>> = lines
        .map(|line| line.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|cells| cells[0] == "015-2026")
        .map(|cells| vec![cells[2].clone(), cells[3].clone(), cells[5].clone(), cells[6].clone()])
        .collect();
    assert_eq!(shown, published);
    assert_eq!(shown.len(), 2);
    let (_, _, json) = get(&portal, "/datos/concejo/votos.json").await;
    assert!(json.contains("\"opcion\":\"no\"") || json.contains("\"opcion\": \"no\""), "{json}");

    // The minutes, the datapackage, and a session that does not exist.
    let (status, headers, _) = get(&portal, "/concejo/actas/016-2026.pdf").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let (status, _, _) = get(&portal, "/concejo/actas/015-2026.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, package) = get(&portal, "/datos/datapackage.json").await;
    for table in ["concejo-sesiones", "concejo-puntos", "concejo-votos", "concejo-asistencia", "concejo-regidores"] {
        assert!(package.contains(table), "{table} in datapackage.json");
    }
    let (status, _, _) = get(&portal, "/concejo/sesion?numero=999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
