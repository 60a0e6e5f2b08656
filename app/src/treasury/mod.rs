//! Treasury: property tax (impuesto predial) and municipal fees (arbitrios), fines, and their payment
//! online through a payment provider. A neighbour opens their statement with the taxpayer code and
//! the check value printed on the yearly tax booklet, chooses items and pays by card (a checkout at
//! the provider, by redirect) or in cash (a payment code paid later at a bank or agent). An item is
//! paid once, ever: a payment applies all its items or none, and a second successful charge for an
//! item already paid is refunded through the provider. Money is integer céntimos.
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod interest;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::i18n::Locale;

/// What an item of the statement is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Concept {
    /// Impuesto predial: four quarterly instalments (due at the end of February, May, August and November).
    Predial,
    /// Arbitrios, one per service.
    StreetSweeping,
    WasteCollection,
    Parks,
    CitizenSecurity,
    /// An administrative fine.
    Fine,
}

impl Concept {
    pub const ALL: [Concept; 6] = [
        Concept::Predial,
        Concept::StreetSweeping,
        Concept::WasteCollection,
        Concept::Parks,
        Concept::CitizenSecurity,
        Concept::Fine,
    ];

    /// As stored and in the import's CSV.
    pub fn code(self) -> &'static str {
        match self {
            Concept::Predial => "predial",
            Concept::StreetSweeping => "barrido",
            Concept::WasteCollection => "recojo",
            Concept::Parks => "parques",
            Concept::CitizenSecurity => "serenazgo",
            Concept::Fine => "multa",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|concept| concept.code() == code.trim())
    }

    /// Whether it is charged as interest-bearing tax debt (all are; kept for fines whose ordinance says otherwise).
    pub fn label(self, locale: Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Concept::Predial => td_string!(locale, treasury.concept.predial),
            Concept::StreetSweeping => td_string!(locale, treasury.concept.sweeping),
            Concept::WasteCollection => td_string!(locale, treasury.concept.waste),
            Concept::Parks => td_string!(locale, treasury.concept.parks),
            Concept::CitizenSecurity => td_string!(locale, treasury.concept.security),
            Concept::Fine => td_string!(locale, treasury.concept.fine),
        }
    }
}

/// A line of the statement, on the day it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    pub id: String,
    pub property: String,
    pub concept: Concept,
    pub year: i32,
    /// The instalment or month (1 to 4 for the predial's quarters).
    pub period: u32,
    pub due_on: String,
    pub principal: i64,
    /// Inflation adjustment (IPM) of the predial's later instalments, as the municipality computed it.
    pub adjustment: i64,
    /// Late-payment interest to the day of the statement.
    pub interest: i64,
    pub discount: i64,
    pub total: i64,
    pub paid: bool,
    /// The payment that paid it (its receipt).
    pub paid_by: Option<String>,
}

/// A taxpayer's statement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statement {
    pub taxpayer: String,
    pub name: String,
    pub on_day: String,
    pub lines: Vec<StatementLine>,
    /// The monthly interest rate applied, in basis points (90 = 0.90 % a month).
    pub monthly_rate_bp: u32,
}

impl Statement {
    pub fn owed(&self) -> i64 {
        self.lines.iter().filter(|line| !line.paid).map(|line| line.total).sum()
    }
}

/// Where a payment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Waiting for the provider's word.
    Pending,
    /// Confirmed by the provider and applied to its items.
    Paid,
    /// Confirmed by the provider, but an item was already paid by another payment: being refunded.
    Duplicate,
    /// Refunded through the provider.
    Refunded,
    /// The card was declined.
    Declined,
    /// The cash code expired unpaid.
    Expired,
    /// The provider could not be reached to create the charge.
    Failed,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 7] = [
        PaymentStatus::Pending,
        PaymentStatus::Paid,
        PaymentStatus::Duplicate,
        PaymentStatus::Refunded,
        PaymentStatus::Declined,
        PaymentStatus::Expired,
        PaymentStatus::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Duplicate => "duplicate",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::Declined => "declined",
            PaymentStatus::Expired => "expired",
            PaymentStatus::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            PaymentStatus::Pending => td_string!(locale, treasury.status.pending),
            PaymentStatus::Paid => td_string!(locale, treasury.status.paid),
            PaymentStatus::Duplicate => td_string!(locale, treasury.status.duplicate),
            PaymentStatus::Refunded => td_string!(locale, treasury.status.refunded),
            PaymentStatus::Declined => td_string!(locale, treasury.status.declined),
            PaymentStatus::Expired => td_string!(locale, treasury.status.expired),
            PaymentStatus::Failed => td_string!(locale, treasury.status.failed),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Card,
    Cash,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Card => "card",
            Method::Cash => "cash",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Method::Card, Method::Cash].into_iter().find(|method| method.code() == code)
    }
}

/// A payment as its pages and the staff see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub id: String,
    pub taxpayer: String,
    pub method: Method,
    pub amount: i64,
    pub status: PaymentStatus,
    pub provider_charge: Option<String>,
    pub cash_code: Option<String>,
    /// RFC 3339, UTC.
    pub expires_at: Option<String>,
    pub created_at: String,
    pub paid_at: Option<String>,
    /// The receipt's verification code (a paid payment has one).
    pub receipt_code: Option<String>,
    /// The certificate request it pays (then `taxpayer` is empty and `items` too).
    pub request: Option<String>,
    pub items: Vec<StatementLine>,
}

/// `S/ 1 234,56` in Spanish, `S/ 1,234.56` in English; céntimos in, never a float.
pub fn format_soles(cents: i64, locale: Locale) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let units = crate::ui::format::format_count(cents / 100, locale);
    let separator = match locale {
        Locale::es_PE => ',',
        Locale::en => '.',
    };
    format!("{sign}S/ {units}{separator}{:02}", cents % 100)
}

impl Payment {
    /// What the payment is for, as a receipt names it: the certificate request's number, or the
    /// taxpayer's code.
    pub fn payer(&self) -> &str {
        self.request.as_deref().unwrap_or(&self.taxpayer)
    }
}

/// The words of a receipt, for the server's PDF of it (which renders no page).
#[cfg(feature = "ssr")]
pub struct ReceiptLabels {
    pub municipality: &'static str,
    pub title: &'static str,
    pub code: &'static str,
    pub taxpayer: &'static str,
    /// Instead of `taxpayer`, for a certificate's fee.
    pub request: &'static str,
    pub paid_on: &'static str,
    pub method: &'static str,
    pub method_card: &'static str,
    pub method_cash: &'static str,
    pub total_paid: &'static str,
    /// "cuota {n}", "periodo {n}".
    pub instalment: &'static str,
    pub period: &'static str,
}

#[cfg(feature = "ssr")]
pub fn receipt_labels(locale: Locale) -> ReceiptLabels {
    use crate::i18n::td_string;
    ReceiptLabels {
        municipality: td_string!(locale, common.site.municipality),
        title: td_string!(locale, treasury.receipt_title),
        code: td_string!(locale, treasury.receipt_code),
        taxpayer: td_string!(locale, treasury.taxpayer),
        request: td_string!(locale, civil_registry.follow.number),
        paid_on: td_string!(locale, treasury.paid_on),
        method: td_string!(locale, treasury.method),
        method_card: td_string!(locale, treasury.method_card),
        method_cash: td_string!(locale, treasury.method_cash),
        total_paid: td_string!(locale, treasury.total_paid),
        instalment: td_string!(locale, treasury.instalment),
        period: td_string!(locale, treasury.period),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soles_are_written_from_cents_in_each_language() {
        assert_eq!(format_soles(123_456, Locale::es_PE), "S/ 1\u{a0}234,56");
        assert_eq!(format_soles(123_456, Locale::en), "S/ 1,234.56");
        assert_eq!(format_soles(5, Locale::en), "S/ 0.05");
    }
}
