//! The integrity registers through the router the binary serves: the transparency editor's officials
//! file, the door's visit form (refused with every field kept, then stored), an exit, an agenda act and
//! the CSV imports refused line by line; the public search whose CSV download holds exactly the
//! page's table rows; an affidavit whose private relative is absent from the page, the list and the
//! downloads; another role refused.

use crate::common::{get, import_as as import, portal, post_as as post, staff_session, table_rows};
use app::staff::Role;
use http::StatusCode;

const FORM: &str = "application/x-www-form-urlencoded";

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(pairs);
    body.finish().into_bytes()
}

#[tokio::test]
async fn registers_are_kept_searched_downloaded_and_private_parts_stay_private() {
    let portal = portal().await;
    let editor = staff_session(&portal, "editora", &[Role::TransparencyEditor]).await;

    let (status, page) = import(
        &portal,
        &editor,
        "/oficina/integridad/funcionarios",
        "id,nombre,cargo,area,inicio,fin\nlucia-mendoza,Lucía Mendoza,Gerente,Gerencia de Obras,2023-01-02,\nMAL,x,y,z,2023,\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Línea 3"), "the refused line is named");
    let officials = "id,nombre,cargo,area,inicio,fin\n\
                     lucia-mendoza,Lucía Mendoza,Gerente de Obras,Gerencia de Obras,2023-01-02,\n\
                     raul-quispe,Raúl Quispe,Subgerente de Logística,Subgerencia de Logística,2023-01-02,\n";
    let (status, page) = import(&portal, &editor, "/oficina/integridad/funcionarios", officials).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Se importaron 2 funcionarios."));

    // The door's form: refused with the summary and every typed value kept, then stored.
    let mut visit = vec![
        ("prefix", ""),
        ("visit_date", "2020-01-01"),
        ("visitor", "Jorge Pérez Salas"),
        ("document", "DNI 4123"),
        ("entity", "Constructora Los Andes SAC"),
        ("entity_ruc", "20512345671"),
        ("official", "lucia-mendoza"),
        ("place", "Despacho"),
        ("entry_time", "10:00"),
        ("exit_time", ""),
        ("reason", "Mantenimiento de pistas"),
        ("remarks", ""),
    ];
    let (status, page) = post(&portal, "/oficina/visitas/registrar", &editor, FORM, form(&visit)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("href=\"#document\"") && page.contains("value=\"Jorge Pérez Salas\""), "{page}");
    assert!(page.contains("value=\"20512345671\""));
    visit[3] = ("document", "dni 41234567");
    let (status, page) = post(&portal, "/oficina/visitas/registrar", &editor, FORM, form(&visit)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Visita de Jorge Pérez Salas registrada."));
    let (_, _, search) = get(&portal, "/integridad/visitas?q=perez").await;
    let rows = table_rows(&search, "visits-table");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2], "DNI 41234567");
    assert_eq!(rows[0][9], "sí", "the visit was in 2020: registered late");

    let visits = format!(
        "{}\n2026-11-18,2026-11-17,Carmen Ruiz,DNI 09876543,Vecinos de Santa Cruz,,raul-quispe,,Sala 2,15:30,16:00,Presupuesto,\n\
         2026-11-18,2026-11-17,Ana,DNI 1,X,,nadie,,Sala,25:00,,Motivo,\n",
        app::visits::VISITS_HEADER
    );
    let (status, page) = import(&portal, &editor, "/oficina/visitas/importar", &visits).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Línea 3"), "{page}");
    let good: String = visits.lines().take(2).collect::<Vec<_>>().join("\n");
    let (status, page) = import(&portal, &editor, "/oficina/visitas/importar", &good).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Se importaron 1 visitas."));

    let agenda = [
        ("prefix", ""),
        ("agenda_official", "lucia-mendoza"),
        ("agenda_date", "2026-11-16"),
        ("agenda_time", "10:00"),
        ("agenda_place", "Despacho"),
        ("agenda_subject", "Pistas de Santa Cruz"),
        ("agenda_participants", "Jorge Pérez Salas"),
        ("agenda_represents", "Constructora Los Andes SAC"),
        ("agenda_lobbying", "si"),
    ];
    let (status, page) = post(&portal, "/oficina/visitas/agenda", &editor, FORM, form(&agenda)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (_, _, page) = get(&portal, "/integridad/agendas?funcionario=lucia-mendoza").await;
    let rows = table_rows(&page, "agenda-table");
    assert_eq!(
        rows,
        vec![vec![
            "Lucía Mendoza",
            "2026-11-16",
            "10:00",
            "Despacho",
            "Pistas de Santa Cruz",
            "Jorge Pérez Salas",
            "Constructora Los Andes SAC",
            "sí",
        ]]
    );

    // The search's CSV has exactly the page's rows, for the same query.
    for query in
        ["", "?funcionario=raul-quispe", "?q=santa+cruz", "?desde=2026-11-17&hasta=2026-11-17", "?q=nadie+existe"]
    {
        let (status, _, page) = get(&portal, &format!("/integridad/visitas{query}")).await;
        assert_eq!(status, StatusCode::OK);
        let shown = table_rows(&page, "visits-table");
        // The page's own download link (the search repeated in its query), followed as a browser would.
        let link = page.split("id=\"downloads\"").nth(1).unwrap().split("href=\"").nth(1).unwrap();
        let link = link.split('"').next().unwrap().replace("&amp;", "&");
        assert!(link.starts_with("/datos/integridad/visitas.csv"), "{link}");
        let (status, headers, csv) = get(&portal, &link).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().unwrap().len(), 14);
        // The file has every column; the page shows some of them (the rest are named on the page).
        let published: Vec<Vec<String>> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                app::visits::pages::PAGE_VISIT_COLUMNS.iter().map(|at| r[*at].to_string()).collect()
            })
            .collect();
        assert_eq!(shown, published, "query {query:?}, link {link}");
    }
    let (_, _, page) = get(&portal, "/integridad/visitas?q=santa+cruz").await;
    assert_eq!(table_rows(&page, "visits-table").len(), 1);

    // An affidavit: a bad line named and everything kept; then stored, its brother nowhere public.
    let relatives = "Jorge Mendoza; cónyuge; Municipalidad de Lima; \nAndrés Mendoza Arce; hermano; Constructora Los Andes SAC; 20512345671";
    let mut affidavit = vec![
        ("prefix", ""),
        ("official", "lucia-mendoza"),
        ("kind", "inicio"),
        ("presented_on", "2023-01-15"),
        ("empresas", "Inmobiliaria Costa Verde SAC; 20544332211; 150"),
        ("parientes", relatives),
    ];
    let (status, page) = post(&portal, "/oficina/declaraciones/registrar", &editor, FORM, form(&affidavit)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Empresas y participaciones (Línea 1)"), "{page}");
    assert!(page.contains("Andrés Mendoza Arce"), "the editor's own text is kept on the form");
    affidavit[4] = ("empresas", "Inmobiliaria Costa Verde SAC; 20544332211; 15");
    let (status, page) = post(&portal, "/oficina/declaraciones/registrar", &editor, FORM, form(&affidavit)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("registrada como versión 1"));
    let id = page.split("/integridad/declaracion?id=").nth(1).unwrap().split('"').next().unwrap().to_string();
    for uri in [
        format!("/integridad/declaracion?id={id}"),
        "/integridad/declaraciones".to_string(),
        "/integridad/declaraciones?q=gerencia+obras".to_string(),
        "/datos/integridad/declaraciones.csv".to_string(),
        "/datos/integridad/declaraciones.json".to_string(),
        "/en/integridad/declaracion?id=".to_string() + &id,
    ] {
        let (status, _, body) = get(&portal, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!body.contains("Andrés") && !body.contains("hermano"), "{uri} shows a private relative");
    }
    let (_, _, page) = get(&portal, &format!("/integridad/declaracion?id={id}")).await;
    assert!(page.contains("Jorge Mendoza") && page.contains("15 %"), "{page}");
    let (_, _, csv) = get(&portal, "/datos/integridad/declaraciones.csv").await;
    assert!(csv.contains("Inmobiliaria Costa Verde SAC") && csv.contains("Jorge Mendoza"));
    let (_, _, list) = get(&portal, "/integridad/declaraciones?q=logistica").await;
    assert!(list.contains("id=\"no-affidavits\""));

    // Another role, and no session: refused.
    let secretary = staff_session(&portal, "secretaria", &[Role::CouncilSecretary]).await;
    let (status, _) = post(&portal, "/oficina/declaraciones/registrar", &secretary, FORM, form(&affidavit)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(&portal, "/oficina/visitas/registrar", "", FORM, form(&visit)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = get(&portal, "/oficina/visitas").await;
    assert_ne!(status, StatusCode::OK);

    let (_, _, package) = get(&portal, "/datos/datapackage.json").await;
    for table in ["integridad-funcionarios", "integridad-visitas", "integridad-agendas", "integridad-declaraciones"] {
        assert!(package.contains(table), "{table} in datapackage.json");
    }
    let (status, _, _) = get(&portal, "/datos/integridad/nada.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&portal, "/integridad/declaracion?id=nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
