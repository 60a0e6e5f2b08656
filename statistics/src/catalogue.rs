//! What an incident record says, as closed lists with stable codes (in CSV files, URLs and the API) and
//! labels in both of the portal's languages. The lists follow the municipality's own publications
//! (Central Alerta, June 2024; the security modules, March 2026).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The language of labels and number formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[default]
    Spanish,
    English,
}

/// Defines a catalogue: an enum with its stable codes, every value in display order, and labels.
macro_rules! catalogue {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $es:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code used in CSV files, URLs and the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn label(self, language: Language) -> &'static str {
                match (self, language) {
                    $(($name::$variant, Language::Spanish) => $es, ($name::$variant, Language::English) => $en,)+
                }
            }

            /// Every code, for error messages and schemas.
            pub fn codes() -> Vec<&'static str> {
                Self::ALL.iter().map(|value| value.code()).collect()
            }

            /// The position in [`Self::ALL`], for dense counting arrays.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.code()
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(code: String) -> Result<Self, String> {
                $name::parse(&code).ok_or_else(|| format!("unknown {} code {code:?}", stringify!($name)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

catalogue! {
    /// How Central Alerta learnt of an incident.
    Channel {
        Patrol => "patrullaje", "Patrullaje de serenazgo", "Serenazgo patrol";
        VideoSurveillance => "videovigilancia", "Videovigilancia y bodycams", "Video surveillance and bodycams";
        WhatsApp => "whatsapp", "WhatsApp", "WhatsApp";
        Phone => "telefono", "Central telefónica", "Phone line";
        SocialMedia => "redes_sociales", "Redes sociales", "Social media";
        SecurityModule => "modulo", "Módulo de seguridad", "Security module";
    }
}

catalogue! {
    /// What kind of incident it was.
    IncidentType {
        Fiscalizacion => "fiscalizacion", "Fiscalización", "Inspection and enforcement";
        SeguridadCiudadana => "seguridad_ciudadana", "Seguridad ciudadana", "Public safety";
        ObrasServicios => "obras_servicios_publicos", "Obras y servicios públicos", "Public works and services";
        DefensaCivil => "defensa_civil", "Defensa civil", "Civil defence";
        SeguridadVial => "seguridad_vial", "Seguridad vial", "Road safety";
        ApoyoTurista => "apoyo_turista", "Apoyo al turista", "Tourist assistance";
        DesarrolloHumano => "desarrollo_humano", "Desarrollo humano", "Human development";
    }
}

catalogue! {
    /// The finer kind, where the municipality names one. Each belongs to one [`IncidentType`].
    Subtype {
        RuidosMolestos => "ruidos_molestos", "Ruidos molestos", "Noise nuisance";
        OrdenPublico => "orden_publico", "Orden público", "Public order";
        ComercioAmbulatorio => "comercio_ambulatorio", "Comercio ambulatorio", "Street vending";
        Arrebatos => "arrebatos", "Arrebatos", "Snatch thefts";
        AccidentesTransito => "accidentes_transito", "Accidentes de tránsito", "Traffic accidents";
        ConsumoLicor => "consumo_licor_via_publica", "Consumo de licor en la vía pública", "Drinking in public";
        PersonasSospechosas => "personas_sospechosas", "Personas sospechosas", "Suspicious persons";
        TrabajosViaPublica => "trabajos_via_publica", "Trabajos en la vía pública", "Works on the public road";
    }
}

impl Subtype {
    pub fn incident_type(self) -> IncidentType {
        match self {
            Subtype::RuidosMolestos | Subtype::OrdenPublico | Subtype::ComercioAmbulatorio => {
                IncidentType::Fiscalizacion
            }
            Subtype::Arrebatos | Subtype::AccidentesTransito | Subtype::ConsumoLicor | Subtype::PersonasSospechosas => {
                IncidentType::SeguridadCiudadana
            }
            Subtype::TrabajosViaPublica => IncidentType::ObrasServicios,
        }
    }
}

catalogue! {
    /// The decentralised security modules, opened in November 2025.
    Module {
        JorgeChavez => "jorge_chavez", "Módulo av. Jorge Chávez", "Av. Jorge Chávez module";
        FranciscoDeZela => "francisco_de_zela", "Módulo parque Francisco de Zela", "Francisco de Zela park module";
        LeoncioPrado => "leoncio_prado", "Módulo parque Leoncio Prado", "Leoncio Prado park module";
        Tejada => "tejada", "Módulo parque Tejada", "Tejada park module";
        ClorindaMattoDeTurner => "clorinda_matto_de_turner", "Módulo parque Clorinda Matto de Turner",
            "Clorinda Matto de Turner park module";
    }
}

impl Module {
    /// The zone the module stands in. The source places Jorge Chávez (block 2) in zone 4 and Francisco de
    /// Zela in zone 13, and the other three in zones 7, 10 and 11 without saying which is where; the
    /// assignment of those three is ours.
    pub fn zone(self) -> Zone {
        Zone(match self {
            Module::JorgeChavez => 4,
            Module::FranciscoDeZela => 13,
            Module::LeoncioPrado => 7,
            Module::Tejada => 10,
            Module::ClorindaMattoDeTurner => 11,
        })
    }

    /// Where it is, as the municipality describes it.
    pub fn location(self, language: Language) -> &'static str {
        match (self, language) {
            (Module::JorgeChavez, Language::Spanish) => "Av. Jorge Chávez, cuadra 2",
            (Module::JorgeChavez, Language::English) => "Av. Jorge Chávez, block 2",
            (Module::FranciscoDeZela, _) => "Parque Francisco de Zela",
            (Module::LeoncioPrado, _) => "Parque Leoncio Prado",
            (Module::Tejada, _) => "Parque Tejada",
            (Module::ClorindaMattoDeTurner, _) => "Parque Clorinda Matto de Turner",
        }
    }
}

/// One of the district's numbered zones, 1 to [`Zone::COUNT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Zone(pub u8);

impl Zone {
    /// Miraflores is divided into 14 zones for its security services.
    pub const COUNT: u8 = 14;

    pub fn all() -> impl Iterator<Item = Zone> {
        (1..=Self::COUNT).map(Zone)
    }

    pub fn parse(text: &str) -> Option<Zone> {
        let number: u8 = text.trim().parse().ok()?;
        (1..=Self::COUNT).contains(&number).then_some(Zone(number))
    }

    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }

    pub fn label(self, language: Language) -> String {
        match language {
            Language::Spanish => format!("Zona {}", self.0),
            Language::English => format!("Zone {}", self.0),
        }
    }
}

/// A calendar month, counted from year 0 so that months compare and subtract as integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Month(u32);

impl Month {
    /// `month` is 1 to 12.
    pub fn new(year: u32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then(|| Month(year * 12 + month - 1))
    }

    pub fn year(self) -> u32 {
        self.0 / 12
    }

    /// 1 to 12.
    pub fn number(self) -> u32 {
        self.0 % 12 + 1
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        Month::new(year.parse().ok()?, month.parse().ok()?)
    }

    pub fn plus(self, months: i32) -> Month {
        Month(self.0.saturating_add_signed(months))
    }

    /// The same month a year earlier.
    pub fn year_before(self) -> Month {
        self.plus(-12)
    }

    /// Months from `self` to `other`, both included (0 if `other` is earlier).
    pub fn span_to(self, other: Month) -> u32 {
        (other.0 + 1).saturating_sub(self.0)
    }

    pub fn days(self) -> u32 {
        match self.number() {
            4 | 6 | 9 | 11 => 30,
            2 if is_leap_year(self.year()) => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// `ene. 2024` or `Jan 2024`.
    pub fn label(self, language: Language) -> String {
        const ES: [&str; 12] =
            ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "set.", "oct.", "nov.", "dic."];
        const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let names = match language {
            Language::Spanish => ES,
            Language::English => EN,
        };
        format!("{} {}", names[(self.number() - 1) as usize], self.year())
    }
}

pub fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

impl From<Month> for String {
    fn from(month: Month) -> String {
        month.to_string()
    }
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Month::parse(&text).ok_or_else(|| format!("not a month (YYYY-MM): {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_subtypes_belong_to_one_type() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.code()), Some(*channel));
        }
        for (index, subtype) in Subtype::ALL.iter().enumerate() {
            assert_eq!(Subtype::parse(subtype.code()), Some(*subtype));
            assert_eq!(subtype.index(), index);
        }
        assert_eq!(Subtype::ConsumoLicor.incident_type(), IncidentType::SeguridadCiudadana);
        assert_eq!(Channel::parse("Patrullaje"), None, "codes are exact");
    }

    #[test]
    fn months_parse_print_and_count() {
        let may = Month::parse("2024-05").unwrap();
        assert_eq!(may.to_string(), "2024-05");
        assert_eq!(may.year_before().to_string(), "2023-05");
        assert_eq!(Month::parse("2025-11").unwrap().plus(3).to_string(), "2026-02");
        assert_eq!(Month::parse("2024-01").unwrap().span_to(may), 5);
        assert_eq!(Month::parse("2024-02").unwrap().days(), 29);
        assert_eq!(Month::parse("2100-02").unwrap().days(), 28);
        for bad in ["2024-13", "2024-00", "24-01", "2024-1", "2024/01", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(may.label(Language::Spanish), "may. 2024");
        assert_eq!(Zone::parse("14"), Some(Zone(14)));
        assert_eq!(Zone::parse("15"), None);
        assert_eq!(Zone::parse("0"), None);
    }
}
