//! Browser entry point: hydrates the HTML the server rendered, attaching event handlers to it.

use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The server wrote the deployment's default language into the page; the browser's route tree
    // must match the server's for hydration to line up.
    let default_locale = app::default_locale_from_document();
    leptos::mount::hydrate_body(move || {
        provide_context(default_locale);
        view! { <app::App /> }
    });
}
