//! Browser entry point of a page bundle. The page is server-rendered HTML; the site script
//! (`frontend/site.js`) loads the bundle of a page that has islands, calls [`hydrate`], then the
//! island's own export (made by `#[island]` in the `app` crate) on each `<leptos-island>` element.
//! Which islands a bundle holds is chosen by this crate's features.

// The islands are `app`'s exports; nothing here names them, so the crate is linked explicitly.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

/// Encrypts `plaintext` to the given `age1…` recipients with the same envelope code the report form
/// uses. Exported so the benchmark can time our WASM against other age implementations in one page.
#[cfg(feature = "report-form")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn age_encrypt(recipients: Vec<String>, plaintext: &[u8]) -> Result<Vec<u8>, wasm_bindgen::JsError> {
    let recipients =
        recipients.iter().map(|text| text.parse::<envelope::Recipient>()).collect::<Result<Vec<_>, _>>()?;
    Ok(envelope::encrypt(&recipients, plaintext)?)
}
