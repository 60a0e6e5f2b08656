//! Islands: the interactive parts of a page. Pages are server-rendered HTML; a page with an island
//! wraps it in an [`IslandHost`] naming its [`Bundle`], the WebAssembly that hydrates it, which the
//! site script (`frontend/site.js`) loads for that page only. Inside the island, [`IslandContext`]
//! gives back what the page around it had (the language), since the browser sees only the island.

use crate::i18n::{I18nSubContextProvider, Locale};
use crate::locale::DefaultLocale;
use leptos::prelude::*;

/// A WebAssembly bundle of the `frontend` crate: the islands of one kind of page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// `/denuncia/formulario`: encryption in the browser, proof of work, uploads.
    ReportForm,
    /// `/denuncia/seguimiento`: receipt keys, decryption of replies, messages.
    FollowUp,
    /// `/participacion/votar`: blinding and unblinding the voter's token, the ballot.
    Participation,
    /// `/integridad/cotizacion/ofertar`: a bid encrypted to the tender's key, proof of work.
    Procurement,
}

impl Bundle {
    pub const ALL: [Bundle; 4] = [Bundle::ReportForm, Bundle::FollowUp, Bundle::Participation, Bundle::Procurement];

    /// The bundle's name: its `frontend` feature and its files' names (`scripts/lib/build.sh`).
    pub fn name(self) -> &'static str {
        match self {
            Bundle::ReportForm => "report-form",
            Bundle::FollowUp => "follow-up",
            Bundle::Participation => "participation",
            Bundle::Procurement => "procurement",
        }
    }
}

/// The URLs of a bundle's JavaScript glue and WebAssembly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleFiles {
    pub js: String,
    pub wasm: String,
}

/// The browser files of the site as the server found them at start (content-hashed names in a
/// release site): the site script every page loads, and each bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteScripts {
    pub site_js: String,
    pub bundles: Vec<(&'static str, BundleFiles)>,
}

impl SiteScripts {
    pub fn bundle(&self, bundle: Bundle) -> BundleFiles {
        self.bundles.iter().find(|(name, _)| *name == bundle.name()).map(|(_, files)| files.clone()).unwrap_or_default()
    }
}

/// Where an island sits in the server's HTML: the element the site script finds it by, naming the
/// bundle to load, and hints that let the browser fetch that bundle while it reads the page.
#[cfg(feature = "ssr")]
#[component]
pub fn IslandHost(bundle: Bundle, children: Children) -> impl IntoView {
    use leptos_meta::Link;
    let files = use_context::<SiteScripts>().unwrap_or_default().bundle(bundle);
    view! {
        <Link rel="modulepreload" href=files.js.clone() />
        <Link rel="preload" href=files.wasm.clone() as_="fetch" type_="application/wasm" crossorigin="anonymous" />
        <div class="island" data-bundle-js=files.js data-bundle-wasm=files.wasm>
            {children()}
        </div>
    }
}

/// The context an island's components expect from the page around them, rebuilt inside the island:
/// its props travel in the HTML, and this is all the browser knows of the page.
#[component]
pub fn IslandContext(locale: Locale, default_locale: Locale, children: Children) -> impl IntoView {
    provide_context(DefaultLocale(default_locale));
    view! { <I18nSubContextProvider initial_locale=locale>{children()}</I18nSubContextProvider> }
}
