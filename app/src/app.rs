//! The document shell rendered by the server and the route tree shared by server and browser.

use crate::components::layout::Layout;
use crate::i18n::Locale;
use crate::locale::{DefaultLocale, language_tag, split_path};
use crate::pages::{
    follow_up::FollowUpPage,
    home::HomePage,
    not_found::NotFoundPage,
    office::{OfficeCasesPage, OfficeLoginPage},
    privacy::PrivacyPage,
    report::ReportPage,
    report_form::ReportFormPage,
    transparency::{ComplaintsPage, OpenDataPage, StatisticsPage},
};
use crate::report_form::{PageData, ReportSettings, SubmissionOutcome};
use crate::transparency::StatisticsKind;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
// `MatchNestedRoutes` is only named when components are not type-erased (the WASM build erases them).
#[cfg_attr(erase_components, allow(unused_imports))]
use leptos_router::{
    MatchNestedRoutes, PossibleRouteMatch,
    components::{Outlet, ParentRoute, Route, Router, Routes},
    hooks::use_location,
    path,
};

/// The name of the `<meta>` that tells the browser which language unprefixed paths are in.
pub const DEFAULT_LANGUAGE_META: &str = "portal-default-language";
/// The name of the `<meta>` that carries [`PageData`] to the browser.
pub const PAGE_DATA_META: &str = "portal-page-data";

/// The whole HTML document, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let default = use_context::<DefaultLocale>().unwrap_or_default();
    let page_data = PageData {
        settings: use_context::<ReportSettings>().unwrap_or_default(),
        outcome: use_context::<SubmissionOutcome>(),
        office: use_context::<crate::cases::OfficeView>(),
        transparency: use_context::<crate::transparency::TransparencyView>(),
    };
    let page_data = serde_json::to_string(&page_data).expect("page data serialises");
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <meta name=DEFAULT_LANGUAGE_META content=language_tag(default.0) />
                <meta name=PAGE_DATA_META content=page_data />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Reads the deployment's default language from the page the server rendered.
#[cfg(feature = "hydrate")]
pub fn default_locale_from_document() -> DefaultLocale {
    let tag = document()
        .query_selector(&format!("meta[name=\"{DEFAULT_LANGUAGE_META}\"]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"));
    tag.as_deref().and_then(crate::locale::parse_language).map(DefaultLocale).unwrap_or_default()
}

/// Reads the server's [`PageData`] from the page, to provide the same context before hydrating.
#[cfg(feature = "hydrate")]
pub fn page_data_from_document() -> PageData {
    document()
        .query_selector(&format!("meta[name=\"{PAGE_DATA_META}\"]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let default = use_context::<DefaultLocale>().unwrap_or_default();
    provide_context(default);

    view! {
        <Router>
            <Routes fallback=move || {
                let (prefix, _) = split_path(&use_location().pathname.get_untracked());
                view! {
                    <Layout locale=prefix.unwrap_or(default.0)>
                        <NotFoundPage />
                    </Layout>
                }
            }>
                <LocalizedRoutes prefix=path!("/en") locale=Locale::en />
                <LocalizedRoutes prefix=path!("/es") locale=Locale::es_PE />
                <LocalizedRoutes prefix=path!("") locale=default.0 />
            </Routes>
        </Router>
    }
}

/// The portal's pages under one language prefix. Every page exists once, in every language.
#[component(transparent)]
fn LocalizedRoutes<Segments>(prefix: Segments, locale: Locale) -> impl MatchNestedRoutes + Clone
where
    Segments: PossibleRouteMatch + Clone + Send + Sync + 'static,
{
    view! {
        <ParentRoute
            path=prefix
            view=move || {
                view! {
                    <Layout locale>
                        <Outlet />
                    </Layout>
                }
            }
        >
            <Route path=path!("") view=HomePage />
            <Route path=path!("privacidad") view=PrivacyPage />
            <Route path=path!("denuncia") view=ReportPage />
            <Route path=path!("denuncia/formulario") view=ReportFormPage />
            <Route path=path!("denuncia/seguimiento") view=FollowUpPage />
            <Route path=path!("oficina") view=OfficeLoginPage />
            <Route path=path!("oficina/casos") view=OfficeCasesPage />
            <Route path=path!("transparencia") view=|| view! { <StatisticsPage kind=StatisticsKind::Incidents /> } />
            <Route path=path!("transparencia/modulos") view=|| view! { <StatisticsPage kind=StatisticsKind::Modules /> } />
            <Route path=path!("transparencia/denuncias") view=ComplaintsPage />
            <Route path=path!("transparencia/datos") view=OpenDataPage />
        </ParentRoute>
    }
    .into_inner()
}
