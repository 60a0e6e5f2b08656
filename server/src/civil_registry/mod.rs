//! The civil registry's server side: requests, their fee and their certificate (`public.rs`), the
//! staff's page, actions and records import (`office.rs`), the certificate PDF with its QR code
//! (`certificate_pdf.rs`), `/verificar` and the published public key, and the municipality's signing
//! key, kept in a PKCS#8 PEM file that openssl reads as well.

mod certificate_pdf;
mod office;
mod public;

use crate::AppState;
use crate::staff::no_store;
use app::civil_registry::paths::{
    DOWNLOAD_POST, FOLLOW_POST, OFFICE_ACTION_POST, OFFICE_IMPORT_POST, PAY_POST, PUBLIC_KEY, REQUEST_POST,
};
use axum::Router;
use axum::routing::{get, post};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
pub use office::load_office;
pub use public::load_verify;
use std::path::{Path, PathBuf};

/// `[civil_registry]` in `Leptos.toml`; it may be left out.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CivilRegistryConfig {
    /// The municipality's certificate-signing key (Ed25519, PKCS#8 PEM). Empty: `certificate-signing-key.pem`
    /// in the data directory, created at the first start. Keep a copy offline: certificates already
    /// issued are checked against its public key.
    #[serde(default)]
    pub signing_key_file: String,
}

/// What the civil registry's handlers share: the signing key and what is published of it.
pub struct CivilRegistry {
    pub signing: SigningKey,
    pub verifying: VerifyingKey,
    /// The public key, SPKI PEM: served at `/verificar/clave-publica.pem` and shown on `/verificar`.
    pub public_pem: String,
    pub key_id: String,
}

impl CivilRegistry {
    pub fn open(config: &crate::config::PortalConfig) -> Result<Self, String> {
        let path = match config.civil_registry.signing_key_file.as_str() {
            "" => config.site.data_dir.join("certificate-signing-key.pem"),
            path => PathBuf::from(path),
        };
        let signing = load_or_create(&path)?;
        let verifying = signing.verifying_key();
        let public_pem = verifying.to_public_key_pem(LineEnding::LF).map_err(|e| e.to_string())?;
        let key_id = app::civil_registry::seal::key_id(&verifying);
        Ok(Self { signing, verifying, public_pem, key_id })
    }
}

/// Reads the key file, or creates it (readable by the portal's user only) if there is none.
fn load_or_create(path: &Path) -> Result<SigningKey, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => SigningKey::from_pkcs8_pem(&text)
            .map_err(|e| format!("{} is not an Ed25519 private key in PKCS#8 PEM: {e}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::getrandom(&mut seed).map_err(|e| format!("no randomness for a signing key: {e}"))?;
            let key = SigningKey::from_bytes(&seed);
            let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?;
            match write_private(path, pem.as_bytes()) {
                Ok(()) => {
                    tracing::warn!(path = %path.display(), "created the certificate-signing key: keep a copy of it offline");
                    Ok(key)
                }
                // Another process (a command run as the server starts) made it first: use that one.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
                Err(error) => Err(format!("cannot write the certificate-signing key {}: {error}", path.display())),
            }
        }
        Err(error) => Err(format!("cannot read the certificate-signing key {}: {error}", path.display())),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `GET /verificar/clave-publica.pem`.
async fn public_key(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (http::header::CONTENT_TYPE, "application/x-pem-file"),
            (http::header::CONTENT_DISPOSITION, "attachment; filename=\"clave-publica.pem\""),
        ],
        state.civil_registry.public_pem.clone(),
    )
        .into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(REQUEST_POST.path(), post(public::request))
        .route(FOLLOW_POST.path(), post(public::follow))
        .route(PAY_POST.path(), post(public::pay))
        .route(DOWNLOAD_POST.path(), post(public::download))
        .route(OFFICE_ACTION_POST.path(), post(office::act))
        .route(OFFICE_IMPORT_POST.path(), post(office::import))
        .layer(axum::middleware::from_fn(no_store))
        .route(PUBLIC_KEY, get(public_key))
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
}
