//! Participation's server side: the token and ballot requests of the voting island and the files
//! published after the close (`public.rs`), the staff's census and polls (`office.rs`), the mixing of
//! ballots, and `verify-poll`, the check anyone can run on the published ballots.

mod office;
mod public;

use crate::AppState;
use crate::platform::rate_limit::GlobalRateLimit;
use crate::staff::no_store;
use app::participation::paths::{OFFICE_CENSUS_POST, OFFICE_POLL_POST, OFFICE_QUESTION_POST, POLL_FILES};
use axum::Router;
use axum::routing::{get, post};
pub use office::load_office;
pub use public::{load_polls, load_results, load_vote};

/// `[participation]` in `Leptos.toml`; every key has a default.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationConfig {
    /// Eligibility attempts matching no resident, per minute across the whole portal.
    #[serde(default = "default_wrong_attempts")]
    pub wrong_attempts_per_minute: u32,
    /// How often the ballots of open polls are mixed (PostgreSQL), in seconds.
    #[serde(default = "default_mix_every")]
    pub mix_every_seconds: u64,
    /// The random wait of the voter's browser before casting, in seconds.
    #[serde(default = "default_delay_min")]
    pub cast_delay_min_seconds: u32,
    #[serde(default = "default_delay_max")]
    pub cast_delay_max_seconds: u32,
}

fn default_wrong_attempts() -> u32 {
    30
}
fn default_mix_every() -> u64 {
    60
}
fn default_delay_min() -> u32 {
    10
}
fn default_delay_max() -> u32 {
    60
}

impl Default for ParticipationConfig {
    fn default() -> Self {
        Self {
            wrong_attempts_per_minute: default_wrong_attempts(),
            mix_every_seconds: default_mix_every(),
            cast_delay_min_seconds: default_delay_min(),
            cast_delay_max_seconds: default_delay_max(),
        }
    }
}

impl ParticipationConfig {
    pub(crate) fn check(&self, problem: &mut impl FnMut(&str, String)) {
        if self.wrong_attempts_per_minute == 0 {
            problem("participation.wrong_attempts_per_minute", "must be greater than 0".into());
        }
        if !(1..=3600).contains(&self.mix_every_seconds) {
            problem("participation.mix_every_seconds", "must be from 1 to 3600".into());
        }
        if self.cast_delay_max_seconds > 600 || self.cast_delay_min_seconds > self.cast_delay_max_seconds {
            problem(
                "participation.cast_delay_max_seconds",
                "must be at most 600 and not less than cast_delay_min_seconds".into(),
            );
        }
    }
}

/// What participation's handlers share.
pub struct Participation {
    pub wrong_attempts: GlobalRateLimit,
    pub delay: app::participation::island::CastDelay,
    pub mix_every: std::time::Duration,
}

impl Participation {
    pub fn new(config: &crate::config::PortalConfig) -> Self {
        let settings = &config.participation;
        Self {
            wrong_attempts: GlobalRateLimit::new(settings.wrong_attempts_per_minute),
            delay: app::participation::island::CastDelay {
                min: settings.cast_delay_min_seconds,
                max: settings.cast_delay_max_seconds,
            },
            mix_every: std::time::Duration::from_secs(settings.mix_every_seconds),
        }
    }
}

/// Mixes the ballots of open polls every `mix_every` (PostgreSQL; nothing to do on SQLite).
pub fn spawn_mixing(state: AppState) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(state.participation.mix_every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(error) = app::participation::storage::mix_open_polls(&state.database).await {
                tracing::warn!(%error, "mixing the ballots of open polls failed; retried at the next tick");
            }
        }
    });
}

/// A new poll's key pair (RSA, [`app::participation::KEY_BITS`]): seconds of work, off the async threads.
pub async fn new_keys() -> Result<app::participation::storage::PollKeys, String> {
    tokio::task::spawn_blocking(|| {
        use app::participation::blind_rsa::{DefaultRng, KeyPairSha384PSSRandomized};
        let pair = KeyPairSha384PSSRandomized::generate(&mut DefaultRng, app::participation::KEY_BITS)
            .map_err(|e| e.to_string())?;
        Ok(app::participation::storage::PollKeys {
            public_pem: pair.pk.to_pem().map_err(|e| e.to_string())?,
            secret_pem: pair.sk.to_pem().map_err(|e| e.to_string())?,
        })
    })
    .await
    .map_err(|e| e.to_string())?
}

/// `server verify-poll FILE`: checks a poll's published `papeletas.json`; prints the recount and every
/// problem. Returns whether everything checks.
pub fn verify_file(path: &std::path::Path) -> Result<bool, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let publication: app::participation::Publication =
        serde_json::from_str(&text).map_err(|e| format!("{} is not a poll's papeletas.json: {e}", path.display()))?;
    let report = app::participation::verify::check(&publication);
    println!(
        "{}: {} ballots, {} tokens issued, census {}",
        publication.poll.title, report.ballots, publication.tokens_issued, publication.census_size
    );
    for (question, counts) in publication.poll.questions.iter().zip(&report.recount) {
        println!("{}", question.text);
        for (option, count) in question.options.iter().zip(counts) {
            println!("  {count:>8}  {}", option.label);
        }
    }
    for problem in &report.problems {
        println!("PROBLEM: {problem}");
    }
    if report.is_valid() {
        println!("OK: every signature checks, no token is used twice, ballots do not exceed tokens, the tally matches");
    }
    Ok(report.is_valid())
}

/// The voting island's two requests, merged outside the request log: when a token was taken and when
/// a ballot arrived is not written anywhere (a log would let the two be matched by time afterwards).
pub fn vote_routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{POLL_FILES}/{{poll}}/ficha"), post(public::token))
        .route(&format!("{POLL_FILES}/{{poll}}/papeleta"), post(public::cast))
        .layer(axum::middleware::from_fn(no_store))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OFFICE_CENSUS_POST.path(), post(office::import_census))
        .route(OFFICE_POLL_POST.path(), post(office::create_poll))
        .route(OFFICE_QUESTION_POST.path(), post(office::add_question))
        .layer(axum::middleware::from_fn(no_store))
        .route(&format!("{POLL_FILES}/{{poll}}/papeletas.json"), get(public::ballots_json))
        .route(&format!("{POLL_FILES}/{{poll}}/papeletas.csv"), get(public::ballots_csv))
        .route(&format!("{POLL_FILES}/{{poll}}/clave-publica.pem"), get(public::public_key))
        .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))
}
