//! Browser entry point: hydrates the HTML the server rendered, attaching event handlers to it.

use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The server wrote the deployment's default language into the page; the browser's route tree
    // must match the server's for hydration to line up.
    let default_locale = app::default_locale_from_document();
    let page_data = app::page_data_from_document();
    leptos::mount::hydrate_body(move || {
        provide_context(default_locale);
        provide_context(page_data.settings.clone());
        if let Some(outcome) = page_data.outcome.clone() {
            provide_context(outcome);
        }
        if let Some(office) = page_data.office.clone() {
            provide_context(office);
        }
        if let Some(transparency) = page_data.transparency.clone() {
            provide_context(transparency);
        }
        view! { <app::App /> }
    });
}

/// Encrypts `plaintext` to the given `age1…` recipients with the same envelope code the report form
/// uses. Exported so the benchmark can time our WASM against other age implementations in one page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn age_encrypt(recipients: Vec<String>, plaintext: &[u8]) -> Result<Vec<u8>, wasm_bindgen::JsError> {
    let recipients =
        recipients.iter().map(|text| text.parse::<envelope::Recipient>()).collect::<Result<Vec<_>, _>>()?;
    Ok(envelope::encrypt(&recipients, plaintext)?)
}
