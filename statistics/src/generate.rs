//! A realistic Central Alerta data set from a seed, for demonstrations, tests and benchmarks.
//!
//! Most months are drawn at random from the proportions the municipality publishes. Three windows are
//! built to reproduce the published figures exactly when the portal aggregates the raw records:
//! - January–May 2023: 41,687 incidents.
//! - January–May 2024: 104,050 incidents (+150 %), by channel 67.9 % patrols, 14.4 % cameras, 10.4 %
//!   WhatsApp, 6.9 % phone and under 1 % social media; by type 55.8 % fiscalización and 34.5 %
//!   seguridad ciudadana, the rest obras y servicios públicos, defensa civil, seguridad vial and apoyo
//!   al turista.
//! - November 2025–February 2026: 7,199 attentions at the five security modules, 52.7 % fiscalización,
//!   32.6 % seguridad ciudadana, 12.3 % obras y servicios públicos, the rest seguridad vial, apoyo al
//!   turista, defensa civil and desarrollo humano; 1,770 at Jorge Chávez and 1,472 at Francisco de Zela.
//!
//! Exact counts are dealt out as shuffled decks of labels, so every split holds to the unit. Every
//! month draws from its own stream (seed, month) and every window from its own (seed, window), so a
//! month's records are the same whatever range is generated: re-generating and re-importing is
//! idempotent.

use crate::catalogue::{Channel, IncidentType, Module, Month, Subtype, Zone};
use crate::record::IncidentRecord;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub seed: u64,
    pub from: Month,
    pub to: Month,
    /// Incidents per month outside the published windows (channels other than the modules); by
    /// default the 2023 rate until 2023 and the 2024 rate after.
    pub per_month: Option<u64>,
}

const FIRST_MODULE_MONTH: (u32, u32) = (2025, 11);
/// Central Alerta's monthly volume before and after the 2024 staffing increase (69 → 105 agents).
const RATE_2023: u64 = 8_340;
const RATE_2024: u64 = 20_810;
/// Module attentions per month outside the published window.
const MODULE_RATE: u64 = 1_800;

struct Window {
    id: u64,
    from: Month,
    to: Month,
    total: u64,
    /// Exact channel counts, in `Channel::ALL` order (empty: drawn from the usual weights).
    channels: Vec<u64>,
    /// Exact type counts, in `IncidentType::ALL` order (empty: drawn).
    types: Vec<u64>,
    /// Exact module counts, in `Module::ALL` order; for module windows only.
    modules: Vec<u64>,
}

fn month(year: u32, number: u32) -> Month {
    Month::new(year, number).expect("valid month")
}

/// The published figures, as windows of exact counts.
fn central_windows() -> Vec<Window> {
    vec![
        Window {
            id: 2023,
            from: month(2023, 1),
            to: month(2023, 5),
            total: 41_687,
            channels: vec![],
            types: vec![],
            modules: vec![],
        },
        Window {
            id: 2024,
            from: month(2024, 1),
            to: month(2024, 5),
            total: 104_050,
            // 67.9 %, 14.4 %, 10.4 %, 6.9 %, 0.4 %, and no modules yet.
            channels: vec![70_650, 14_983, 10_821, 7_179, 417, 0],
            // 55.8 %, 34.5 %, then obras, defensa civil, seguridad vial, apoyo al turista.
            types: vec![58_060, 35_897, 4_100, 1_900, 2_500, 1_593, 0],
            modules: vec![],
        },
    ]
}

fn module_window() -> Window {
    Window {
        id: 2025,
        from: month(2025, 11),
        to: month(2026, 2),
        total: 7_199,
        channels: vec![],
        // 52.7 %, 32.6 %, 12.3 %, then defensa civil, seguridad vial, apoyo al turista, desarrollo humano.
        types: vec![3_794, 2_347, 885, 30, 70, 55, 18],
        // Jorge Chávez 1,770 and Francisco de Zela 1,472 as published; the other three share the rest.
        modules: vec![1_770, 1_472, 1_391, 1_318, 1_248],
    }
}

// Usual proportions (per mille) where no figure is published.
const CHANNEL_WEIGHTS: [u32; 5] = [679, 144, 104, 69, 4];
const TYPE_WEIGHTS: [u32; 7] = [558, 345, 40, 18, 24, 12, 3];
const MODULE_TYPE_WEIGHTS: [u32; 7] = [527, 326, 123, 4, 10, 8, 2];
const MODULE_WEIGHTS: [u32; 5] = [246, 204, 193, 183, 174];
/// Busier zones are the commercial and nightlife ones (Larco, Pardo, Benavides…).
const ZONE_WEIGHTS: [u32; Zone::COUNT as usize] = [50, 60, 70, 110, 120, 95, 80, 65, 55, 60, 70, 45, 75, 45];
/// Incidents by hour of day: quiet before dawn, peaks in the evening.
const HOUR_WEIGHTS: [u32; 24] =
    [45, 35, 25, 18, 14, 14, 20, 30, 40, 45, 48, 50, 52, 52, 52, 54, 58, 64, 72, 78, 80, 76, 68, 56];

fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut pick = rng.random_range(0..total);
    for (index, weight) in weights.iter().enumerate() {
        if pick < *weight {
            return index;
        }
        pick -= weight;
    }
    weights.len() - 1
}

fn subtype_for(rng: &mut ChaCha8Rng, incident_type: IncidentType, at_module: bool) -> Option<Subtype> {
    let (choices, weights): (&[Subtype], &[u32]) = match (incident_type, at_module) {
        (IncidentType::Fiscalizacion, false) => {
            (&[Subtype::RuidosMolestos, Subtype::OrdenPublico, Subtype::ComercioAmbulatorio], &[40, 35, 25])
        }
        (IncidentType::Fiscalizacion, true) => {
            (&[Subtype::RuidosMolestos, Subtype::OrdenPublico, Subtype::ComercioAmbulatorio], &[15, 15, 70])
        }
        (IncidentType::SeguridadCiudadana, false) => (
            &[Subtype::Arrebatos, Subtype::AccidentesTransito, Subtype::ConsumoLicor, Subtype::PersonasSospechosas],
            &[22, 28, 27, 23],
        ),
        (IncidentType::SeguridadCiudadana, true) => (
            &[Subtype::Arrebatos, Subtype::AccidentesTransito, Subtype::ConsumoLicor, Subtype::PersonasSospechosas],
            &[10, 5, 45, 40],
        ),
        (IncidentType::ObrasServicios, _) => {
            return (rng.random_range(0..10) < 8).then_some(Subtype::TrabajosViaPublica);
        }
        _ => return None,
    };
    Some(choices[weighted(rng, weights)])
}

/// Splits `total` over `parts` months with weights near 1, exactly (largest remainder).
fn split_exact(rng: &mut ChaCha8Rng, total: u64, parts: usize) -> Vec<u64> {
    let weights: Vec<u64> = (0..parts).map(|_| rng.random_range(900..1100)).collect();
    let sum: u64 = weights.iter().sum();
    let mut shares: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let mut remainders: Vec<(u64, usize)> = weights.iter().enumerate().map(|(i, w)| ((total * w) % sum, i)).collect();
    remainders.sort_by(|a, b| b.cmp(a));
    let missing = total - shares.iter().sum::<u64>();
    for (_, index) in remainders.into_iter().take(missing as usize) {
        shares[index] += 1;
    }
    shares
}

/// A shuffled deck with `counts[i]` copies of `i`.
fn deck(rng: &mut ChaCha8Rng, counts: &[u64]) -> Vec<u8> {
    let mut cards: Vec<u8> =
        counts.iter().enumerate().flat_map(|(i, n)| std::iter::repeat_n(i as u8, *n as usize)).collect();
    cards.shuffle(rng);
    cards
}

/// Labels dealt for one record: indexes into the catalogues, or `None` to draw.
#[derive(Clone, Copy, Default)]
struct Dealt {
    channel: Option<u8>,
    incident_type: Option<u8>,
    module: Option<u8>,
}

/// A window's months (volumes) and dealt labels, record by record in month order.
fn deal(seed: u64, window: &Window) -> (Vec<u64>, Vec<Dealt>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (window.id << 32) ^ 0x5749_4e44);
    let months = split_exact(&mut rng, window.total, window.from.span_to(window.to) as usize);
    let channels = if window.channels.is_empty() { None } else { Some(deck(&mut rng, &window.channels)) };
    let types = if window.types.is_empty() { None } else { Some(deck(&mut rng, &window.types)) };
    let modules = if window.modules.is_empty() { None } else { Some(deck(&mut rng, &window.modules)) };
    let dealt = (0..window.total as usize)
        .map(|i| Dealt {
            channel: channels.as_ref().map(|d| d[i]),
            incident_type: types.as_ref().map(|d| d[i]),
            module: modules.as_ref().map(|d| d[i]),
        })
        .collect();
    (months, dealt)
}

/// The records of one month, given its dealt labels: central (non-module) ones then module ones.
fn month_records(seed: u64, m: Month, central: &[Dealt], modules: &[Dealt]) -> Vec<IncidentRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(
        seed ^ (u64::from(m.year()) * 100 + u64::from(m.number())).wrapping_mul(0x9e37_79b9_7f4a_7c15),
    );
    let mut records = Vec::with_capacity(central.len() + modules.len());
    for (dealt, at_module) in central.iter().map(|d| (d, false)).chain(modules.iter().map(|d| (d, true))) {
        let (channel, incident_type, module) = if at_module {
            let module =
                Module::ALL[usize::from(dealt.module.unwrap_or_else(|| weighted(&mut rng, &MODULE_WEIGHTS) as u8))];
            let incident_type =
                dealt.incident_type.map(usize::from).unwrap_or_else(|| weighted(&mut rng, &MODULE_TYPE_WEIGHTS));
            (Channel::SecurityModule, IncidentType::ALL[incident_type], Some(module))
        } else {
            let channel = dealt.channel.map(usize::from).unwrap_or_else(|| weighted(&mut rng, &CHANNEL_WEIGHTS));
            let incident_type =
                dealt.incident_type.map(usize::from).unwrap_or_else(|| weighted(&mut rng, &TYPE_WEIGHTS));
            (Channel::ALL[channel], IncidentType::ALL[incident_type], None)
        };
        let zone = module.map(Module::zone).unwrap_or_else(|| Zone(weighted(&mut rng, &ZONE_WEIGHTS) as u8 + 1));
        let subtype = subtype_for(&mut rng, incident_type, at_module);
        let day = rng.random_range(1..=m.days());
        let hour = weighted(&mut rng, &HOUR_WEIGHTS);
        let minute = rng.random_range(0..60);
        records.push(IncidentRecord {
            id: String::new(),
            occurred_at: format!("{m}-{day:02}T{hour:02}:{minute:02}"),
            month: m,
            channel,
            incident_type,
            subtype,
            zone,
            module,
        });
    }
    records.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at));
    for (sequence, record) in records.iter_mut().enumerate() {
        record.id = format!("CA-{}{:02}-{:06}", m.year(), m.number(), sequence + 1);
    }
    records
}

/// Generates `plan`'s records month by month, in time order, passing each to `emit`.
pub fn generate(plan: &Plan, mut emit: impl FnMut(&IncidentRecord)) {
    let windows = central_windows();
    let dealt_central: Vec<(&Window, Vec<u64>, Vec<Dealt>)> = windows
        .iter()
        .filter(|w| w.from <= plan.to && w.to >= plan.from)
        .map(|w| {
            let (months, dealt) = deal(plan.seed, w);
            (w, months, dealt)
        })
        .collect();
    let modules = module_window();
    let dealt_modules = (modules.from <= plan.to && modules.to >= plan.from).then(|| deal(plan.seed, &modules));
    let first_module_month = month(FIRST_MODULE_MONTH.0, FIRST_MODULE_MONTH.1);
    let mut m = plan.from;
    while m <= plan.to {
        let mut volume_rng = ChaCha8Rng::seed_from_u64(plan.seed ^ u64::from(m.year() * 12 + m.number()) ^ 0x0056_4f4c);
        let mut drawn = |rate: u64| {
            let spread = rate / 16;
            rate - spread + volume_rng.random_range(0..=2 * spread)
        };
        let central: Vec<Dealt> = match dealt_central.iter().find(|(w, ..)| w.from <= m && m <= w.to) {
            Some((w, months, dealt)) => slice_of_month(w, months, dealt, m).to_vec(),
            None => {
                let rate = plan.per_month.unwrap_or(if m.year() <= 2023 { RATE_2023 } else { RATE_2024 });
                vec![Dealt::default(); drawn(rate) as usize]
            }
        };
        let at_modules: Vec<Dealt> = match &dealt_modules {
            Some((months, dealt)) if modules.from <= m && m <= modules.to => {
                slice_of_month(&modules, months, dealt, m).to_vec()
            }
            _ if m >= first_module_month => vec![Dealt::default(); drawn(MODULE_RATE) as usize],
            _ => Vec::new(),
        };
        for record in month_records(plan.seed, m, &central, &at_modules) {
            emit(&record);
        }
        m = m.plus(1);
    }
}

fn slice_of_month<'a>(window: &Window, months: &[u64], dealt: &'a [Dealt], m: Month) -> &'a [Dealt] {
    let index = window.from.span_to(m) as usize - 1;
    let start: u64 = months[..index].iter().sum();
    &dealt[start as usize..(start + months[index]) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_months_whatever_the_range() {
        let plan = |from: Month, to: Month| Plan { seed: 7, from, to, per_month: Some(500) };
        let mut wide = Vec::new();
        generate(&plan(month(2024, 4), month(2024, 7)), |r| wide.push(r.clone()));
        let mut narrow = Vec::new();
        generate(&plan(month(2024, 5), month(2024, 6)), |r| narrow.push(r.clone()));
        let wide_slice: Vec<_> =
            wide.into_iter().filter(|r| r.month >= month(2024, 5) && r.month <= month(2024, 6)).collect();
        assert_eq!(wide_slice, narrow);
        let mut other_seed = Vec::new();
        generate(&Plan { seed: 8, ..plan(month(2024, 5), month(2024, 6)) }, |r| other_seed.push(r.clone()));
        assert_ne!(other_seed, narrow);
        // Ids are unique and records in time order.
        let ids: std::collections::HashSet<_> = narrow.iter().map(|r| r.id.clone()).collect();
        assert_eq!(ids.len(), narrow.len());
        assert!(narrow.windows(2).all(|w| w[0].occurred_at <= w[1].occurred_at));
    }

    #[test]
    fn every_generated_record_passes_the_importers_validation() {
        let mut count = 0;
        generate(&Plan { seed: 1, from: month(2025, 10), to: month(2025, 12), per_month: Some(2_000) }, |record| {
            let mut line = String::new();
            record.write_csv(&mut line).unwrap();
            let fields: Vec<&str> = line.trim_end().split(',').collect();
            assert_eq!(IncidentRecord::from_fields(&fields).as_ref(), Ok(record));
            count += 1;
        });
        assert!(count > 6_000, "{count}");
    }
}
