//! Treasury's server side: the statement and payments (`public.rs`), the provider's signed
//! notifications and the reconciliation job (`settle.rs`), the staff page and the import (`office.rs`),
//! and the provider boundary (`provider.rs`).

mod office;
pub mod provider;
pub(crate) mod public;
mod receipt_pdf;
pub mod settle;

use crate::AppState;
use crate::platform::rate_limit::GlobalRateLimit;
use crate::staff::no_store;
use app::treasury::paths::{API_NOTIFICATIONS, OFFICE_IMPORT_POST, PAY_POST, STATEMENT_POST};
use axum::Router;
use axum::routing::post;
pub use office::load_office;
use provider::PaymentProvider;
pub use public::{load_payment, load_receipt};
use std::sync::Arc;

/// `[payments]` in `Leptos.toml`. Without `provider_url`, statements show but online payment is off.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    /// The payment provider's API, e.g. `https://api.pasarela.pe` (the sandbox: `http://127.0.0.1:3100`).
    #[serde(default)]
    pub provider_url: String,
    /// The merchant's API key at the provider.
    #[serde(default)]
    pub api_key: String,
    /// The secret the provider signs its notifications with.
    #[serde(default)]
    pub notification_secret: String,
    /// How long a cash payment code stays payable.
    #[serde(default = "default_cash_code_hours")]
    pub cash_code_hours: u32,
    /// Late-payment interest (TIM), basis points a month: 90 is 0.90 %.
    #[serde(default = "default_monthly_interest")]
    pub monthly_interest_basis_points: u32,
    /// How often the reconciliation job asks the provider about payments still pending.
    #[serde(default = "default_reconcile_every")]
    pub reconcile_every_seconds: u64,
    /// A payment is asked about once it has been pending this long (its notification is late).
    #[serde(default = "default_reconcile_after")]
    pub reconcile_after_seconds: u64,
    /// Statement lookups with a wrong taxpayer code or check value, per minute across the portal.
    #[serde(default = "default_wrong_lookups")]
    pub wrong_lookups_per_minute: u32,
}

fn default_cash_code_hours() -> u32 {
    24
}
fn default_monthly_interest() -> u32 {
    90
}
fn default_reconcile_every() -> u64 {
    60
}
fn default_reconcile_after() -> u64 {
    120
}
fn default_wrong_lookups() -> u32 {
    60
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        Self {
            provider_url: String::new(),
            api_key: String::new(),
            notification_secret: String::new(),
            cash_code_hours: default_cash_code_hours(),
            monthly_interest_basis_points: default_monthly_interest(),
            reconcile_every_seconds: default_reconcile_every(),
            reconcile_after_seconds: default_reconcile_after(),
            wrong_lookups_per_minute: default_wrong_lookups(),
        }
    }
}

impl PaymentsConfig {
    pub(crate) fn check(&self, problem: &mut impl FnMut(&str, String)) {
        if !self.provider_url.is_empty() {
            if crate::security::origin_of(&self.provider_url).is_none() {
                problem("payments.provider_url", "must be an http:// or https:// URL".into());
            }
            if self.api_key.is_empty() {
                problem("payments.api_key", "must be set when provider_url is".into());
            }
            if self.notification_secret.len() < 16 {
                problem(
                    "payments.notification_secret",
                    "must be at least 16 characters when provider_url is set".into(),
                );
            }
        }
        if !(1..=24 * 30).contains(&self.cash_code_hours) {
            problem("payments.cash_code_hours", "must be from 1 to 720".into());
        }
        if self.monthly_interest_basis_points > 500 {
            problem("payments.monthly_interest_basis_points", "must be at most 500 (5 % a month)".into());
        }
        if self.reconcile_every_seconds == 0 {
            problem("payments.reconcile_every_seconds", "must be greater than 0".into());
        }
        if self.wrong_lookups_per_minute == 0 {
            problem("payments.wrong_lookups_per_minute", "must be greater than 0".into());
        }
    }
}

/// What the treasury's handlers share.
pub struct Treasury {
    pub provider: Option<Arc<dyn PaymentProvider>>,
    pub wrong_lookups: GlobalRateLimit,
    pub config: PaymentsConfig,
    /// Where the provider sends browsers back and notifications to (the portal's public URL).
    pub public_url: String,
}

impl Treasury {
    pub fn new(config: &crate::config::PortalConfig) -> Self {
        let payments = config.payments.clone();
        let provider: Option<Arc<dyn PaymentProvider>> = (!payments.provider_url.is_empty()).then(|| {
            Arc::new(provider::Gateway::new(&payments.provider_url, &payments.api_key, &payments.notification_secret))
                as Arc<dyn PaymentProvider>
        });
        Self {
            provider,
            wrong_lookups: GlobalRateLimit::new(payments.wrong_lookups_per_minute),
            public_url: config.site.public_url.trim_end_matches('/').to_string(),
            config: payments,
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(STATEMENT_POST.path(), post(public::statement))
        .route(PAY_POST.path(), post(public::pay))
        .route(OFFICE_IMPORT_POST.path(), post(office::import))
        .layer(axum::middleware::from_fn(no_store))
        .route(API_NOTIFICATIONS, post(settle::notification))
        .route(app::treasury::paths::RECEIPT_PDF, axum::routing::get(receipt_pdf::download))
        .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024))
}
