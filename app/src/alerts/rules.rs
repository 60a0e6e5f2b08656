//! The two rules, over the registers as read (`storage::registers`). A pure function, so that each
//! edge of a rule is tested without a database.

use super::{Alert, Evidence, Rule, Tie};
use crate::affidavits::storage::DeclaredLink;
use crate::integrity::Official;
use crate::platform::text::fold;
use crate::visits::Visit;
use std::collections::{HashMap, HashSet};

/// A request for quotation as the rules see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TenderFacts {
    pub number: String,
    pub title: String,
    /// The requesting area, as typed by the committee.
    pub area: String,
    /// Lima day of its publication.
    pub published_on: String,
    /// Lima day of its opening, or today while it is not opened.
    pub ends_on: String,
    /// The deadline has passed. Before it nobody may learn who bid, so the rules skip the request.
    pub closed: bool,
    /// (RUC, name) of the awarded supplier, after the opening.
    pub award: Option<(String, String)>,
    /// Official ids.
    pub committee: Vec<String>,
    /// (RUC, name) of every bidder (only read for a closed request).
    pub bidders: Vec<(String, String)>,
}

/// Everything the rules join.
#[derive(Clone, Debug, Default)]
pub struct Registers {
    /// The latest first.
    pub tenders: Vec<TenderFacts>,
    pub officials: Vec<Official>,
    /// The RUCs in each official's latest affidavit.
    pub links: Vec<DeclaredLink>,
    /// Visits whose entity has a RUC.
    pub visits: Vec<Visit>,
}

/// The alerts the registers raise: by request (the latest first), the declared interests, then the
/// visits by date. Reviews are not attached here.
pub fn raise(registers: &Registers) -> Vec<Alert> {
    let officials: HashMap<&str, &Official> = registers.officials.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut alerts = Vec::new();
    for tender in registers.tenders.iter().filter(|t| t.closed) {
        let tie = |id: &str| tie_of(tender, officials.get(id).copied(), id);
        let alert = |rule: Rule, key: String, official: &str, tie: Tie, supplier: &(String, String), evidence| {
            let known = officials.get(official);
            Alert {
                key,
                rule,
                tender: tender.number.clone(),
                tender_title: tender.title.clone(),
                supplier_ruc: supplier.0.clone(),
                supplier_name: supplier.1.clone(),
                official: official.to_string(),
                official_name: known.map(|o| o.name.clone()).unwrap_or_else(|| official.to_string()),
                position: known.map(|o| o.position.clone()).unwrap_or_default(),
                tie,
                from: tender.published_on.clone(),
                to: tender.ends_on.clone(),
                evidence,
                review: None,
            }
        };
        if let Some(award) = &tender.award {
            // One alert an official and section: a company declared twice, or a relative's employer
            // both published and not, is one finding (the published entry is listed first).
            let mut seen = HashSet::new();
            for link in registers.links.iter().filter(|l| l.ruc == award.0) {
                let Some(tie) = tie(&link.official) else { continue };
                let key = format!(
                    "{}/{}/{}/{}",
                    Rule::DeclaredInterest.code(),
                    tender.number,
                    link.official,
                    link.section.code()
                );
                if !seen.insert(key.clone()) {
                    continue;
                }
                // An unpublished relative's employer is named as the supplier, never as typed: the
                // text could say more about the relative than the affidavit publishes.
                let name = if link.public { link.name.clone() } else { award.1.clone() };
                let evidence = Evidence::Declared {
                    affidavit: link.affidavit.clone(),
                    section: link.section,
                    name,
                    public: link.public,
                };
                alerts.push(alert(Rule::DeclaredInterest, key, &link.official, tie, award, evidence));
            }
        }
        let mut suppliers: Vec<&(String, String)> = tender.bidders.iter().collect();
        if let Some(award) = &tender.award
            && !suppliers.iter().any(|s| s.0 == award.0)
        {
            suppliers.push(award);
        }
        let mut visits: Vec<&Visit> = registers
            .visits
            .iter()
            .filter(|v| v.visit_date >= tender.published_on && v.visit_date <= tender.ends_on)
            .collect();
        visits.sort_by(|a, b| (&a.visit_date, &a.entry_time, &a.id).cmp(&(&b.visit_date, &b.entry_time, &b.id)));
        for visit in visits {
            let Some(supplier) = suppliers.iter().find(|s| s.0 == visit.entity_ruc) else { continue };
            let Some(tie) = tie(&visit.official) else { continue };
            let key = format!("{}/{}/{}", Rule::Visit.code(), tender.number, visit.id);
            let evidence = Evidence::Visit {
                id: visit.id.clone(),
                date: visit.visit_date.clone(),
                visitor: visit.visitor.clone(),
                entity: visit.entity.clone(),
                reason: visit.reason.clone(),
            };
            alerts.push(alert(Rule::Visit, key, &visit.official, tie, supplier, evidence));
        }
    }
    alerts
}

/// How an official is tied to a request: on its committee, or in its requesting area (the same
/// organic unit, without case or accents) while in office during the request.
fn tie_of(tender: &TenderFacts, official: Option<&Official>, id: &str) -> Option<Tie> {
    if tender.committee.iter().any(|member| member == id) {
        return Some(Tie::Committee);
    }
    let official = official?;
    let area = fold(official.area.trim());
    let same_area = !area.is_empty() && area == fold(tender.area.trim());
    let in_office = official.start_date <= tender.ends_on
        && official.end_date.as_deref().is_none_or(|end| end >= tender.published_on.as_str());
    (same_area && in_office).then_some(Tie::Area)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::affidavits::Section;

    const SUPPLIER: &str = "20601112222";
    const OTHER: &str = "20512345671";

    fn official(id: &str, area: &str, start: &str, end: Option<&str>) -> Official {
        Official {
            id: id.into(),
            name: format!("Nombre {id}"),
            position: "Gerente".into(),
            area: area.into(),
            start_date: start.into(),
            end_date: end.map(Into::into),
        }
    }

    fn tender(award: Option<&str>) -> TenderFacts {
        TenderFacts {
            number: "SC-1".into(),
            title: "Conos".into(),
            area: "Subgerencia de Logística".into(),
            published_on: "2026-11-02".into(),
            ends_on: "2026-11-10".into(),
            closed: true,
            award: award.map(|ruc| (ruc.to_string(), format!("Empresa {ruc}"))),
            committee: vec!["comite".into()],
            bidders: vec![(SUPPLIER.into(), "Suministros".into()), (OTHER.into(), "Otra".into())],
        }
    }

    fn link(official: &str, ruc: &str, section: Section, public: bool) -> DeclaredLink {
        DeclaredLink {
            official: official.into(),
            affidavit: format!("dj-{official}"),
            ruc: ruc.into(),
            section,
            name: "Suministros".into(),
            public,
        }
    }

    fn visit(id: &str, official: &str, ruc: &str, date: &str) -> Visit {
        Visit {
            id: id.into(),
            visit_date: date.into(),
            visitor: "Jorge".into(),
            entity: "Suministros".into(),
            entity_ruc: ruc.into(),
            official: official.into(),
            ..Default::default()
        }
    }

    fn registers(tenders: Vec<TenderFacts>, links: Vec<DeclaredLink>, visits: Vec<Visit>) -> Registers {
        Registers {
            tenders,
            officials: vec![
                official("comite", "Gerencia de Administración", "2020-01-01", None),
                official("area", "SUBGERENCIA DE LOGISTICA", "2020-01-01", None),
                official("left", "Subgerencia de Logística", "2020-01-01", Some("2026-11-01")),
                official("later", "Subgerencia de Logística", "2026-11-11", None),
                official("elsewhere", "Gerencia de Obras", "2020-01-01", None),
            ],
            links,
            visits,
        }
    }

    fn keys(alerts: &[Alert]) -> Vec<&str> {
        alerts.iter().map(|a| a.key.as_str()).collect()
    }

    #[test]
    fn an_award_declared_by_the_committee_or_the_area_raises_one_alert_a_section() {
        let links = vec![
            link("comite", SUPPLIER, Section::Companies, true),
            link("comite", SUPPLIER, Section::Companies, true),
            link("area", SUPPLIER, Section::Relatives, true),
            link("area", SUPPLIER, Section::Relatives, false),
            link("elsewhere", SUPPLIER, Section::Boards, true),
            link("left", SUPPLIER, Section::Jobs, true),
            link("later", SUPPLIER, Section::Jobs, true),
            link("comite", OTHER, Section::Boards, true),
        ];
        let alerts = raise(&registers(vec![tender(Some(SUPPLIER))], links, vec![]));
        assert_eq!(keys(&alerts), ["interes-declarado/SC-1/comite/empresas", "interes-declarado/SC-1/area/parientes"]);
        assert_eq!(alerts[0].tie, Tie::Committee);
        assert_eq!(alerts[1].tie, Tie::Area, "the same unit without case or accents");
        assert!(matches!(alerts[1].evidence, Evidence::Declared { public: true, .. }), "the published entry first");
        assert_eq!((alerts[0].supplier_ruc.as_str(), alerts[0].official_name.as_str()), (SUPPLIER, "Nombre comite"));
    }

    #[test]
    fn a_private_relative_alone_still_raises_it() {
        let mut private = link("comite", SUPPLIER, Section::Relatives, false);
        private.name = "Suministros, donde trabaja Pedro".into();
        let alerts = raise(&registers(vec![tender(Some(SUPPLIER))], vec![private], vec![]));
        assert!(
            matches!(&alerts[0].evidence, Evidence::Declared { public: false, name, .. } if name == "Empresa 20601112222"),
            "the supplier's name, never the text typed for the relative"
        );
    }

    #[test]
    fn no_award_or_another_supplier_raises_no_declared_interest() {
        let links = vec![link("comite", OTHER, Section::Companies, true)];
        assert!(raise(&registers(vec![tender(None)], links.clone(), vec![])).is_empty());
        assert!(raise(&registers(vec![tender(Some(SUPPLIER))], links, vec![])).is_empty());
    }

    #[test]
    fn visits_of_a_bidder_during_the_request_to_the_committee_or_the_area() {
        let visits = vec![
            visit("v1", "comite", OTHER, "2026-11-02"),
            visit("v2", "area", SUPPLIER, "2026-11-10"),
            visit("before", "comite", SUPPLIER, "2026-11-01"),
            visit("after", "comite", SUPPLIER, "2026-11-11"),
            visit("elsewhere", "elsewhere", SUPPLIER, "2026-11-05"),
            visit("stranger", "comite", "20100000001", "2026-11-05"),
            visit("left", "left", SUPPLIER, "2026-11-05"),
        ];
        let alerts = raise(&registers(vec![tender(None)], vec![], visits));
        assert_eq!(keys(&alerts), ["visita/SC-1/v1", "visita/SC-1/v2"]);
        assert_eq!(alerts[0].supplier_name, "Otra");
        assert_eq!((alerts[1].from.as_str(), alerts[1].to.as_str()), ("2026-11-02", "2026-11-10"));
    }

    #[test]
    fn the_awarded_supplier_counts_even_if_it_did_not_bid() {
        let mut facts = tender(Some("20100000001"));
        facts.bidders.clear();
        let alerts = raise(&registers(vec![facts], vec![], vec![visit("v", "comite", "20100000001", "2026-11-03")]));
        assert_eq!(keys(&alerts), ["visita/SC-1/v"]);
    }

    #[test]
    fn a_request_before_its_deadline_raises_nothing() {
        let mut open = tender(None);
        open.closed = false;
        let visits = vec![visit("v", "comite", SUPPLIER, "2026-11-03")];
        assert!(raise(&registers(vec![open], vec![], visits)).is_empty());
    }
}
