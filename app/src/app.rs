//! The document shell and the route tree, rendered by the server. The browser runs no router: pages
//! are HTML, and only their islands hydrate (`ui::islands`).

use crate::affidavits::office::AffidavitsOfficePage;
use crate::affidavits::pages::{AffidavitPage, AffidavitsPage};
use crate::affidavits::paths::{AFFIDAVIT, AFFIDAVITS, OFFICE as AFFIDAVITS_OFFICE};
use crate::alerts::office::AlertsOfficePage;
use crate::alerts::pages::AlertsPage;
use crate::alerts::paths::{ALERTS, OFFICE as ALERTS_OFFICE};
use crate::cases::pages::{follow_up::FollowUpPage, office::OfficeCasesPage};
use crate::cases::paths::{FOLLOW_UP, OFFICE_CASES};
use crate::civil_registry::office::CivilRegistryOfficePage;
use crate::civil_registry::pages::{FollowPage, RequestPage, VerifyPage};
use crate::civil_registry::paths::{
    FOLLOW as CERTIFICATE_FOLLOW, OFFICE as CIVIL_REGISTRY_OFFICE, REQUEST as CERTIFICATE_REQUEST, SERVICE_CERTIFICATE,
    VERIFY,
};
use crate::council::office::CouncilOfficePage;
use crate::council::pages::{CouncillorPage, SessionPage, SessionsPage};
use crate::council::paths::{COUNCILLOR, OFFICE as COUNCIL_OFFICE, SESSION, SESSIONS};
use crate::i18n::Locale;
use crate::integrity::pages::{HubPage, IntegrityOfficePage};
use crate::integrity::paths::{HUB as INTEGRITY_HUB, OFFICE as INTEGRITY_OFFICE};
use crate::locale::{DefaultLocale, split_path};
use crate::participation::office::ParticipationOfficePage;
use crate::participation::pages::{PollsPage, ResultsPage, VotePage};
use crate::participation::paths::{OFFICE as PARTICIPATION_OFFICE, POLLS, RESULTS as POLL_RESULTS, VOTE};
use crate::procurement::office::ProcurementOfficePage;
use crate::procurement::pages::{BidPage, TenderPage, TendersPage};
use crate::procurement::paths::{BID, OFFICE as PROCUREMENT_OFFICE, TENDER, TENDERS};
use crate::reporting::pages::{form::ReportFormPage, intro::ReportPage};
use crate::reporting::paths::{REPORT, REPORT_FORM};
use crate::site::paths::{HOME, PRIVACY};
use crate::site::{home::HomePage, not_found::NotFoundPage, privacy::PrivacyPage};
use crate::staff::accounts::AccountsPage;
use crate::staff::pages::{OfficeLoginPage, StaffHomePage};
use crate::staff::paths::{ACCOUNTS, SIGN_IN, STAFF_HOME};
use crate::tramites::catalogue::SERVICES;
use crate::tramites::office::{HolidaysPage, RegistryCasePage, RegistryPage};
use crate::tramites::pages::{CataloguePage, FilingPage, ServicePage, TrackPage};
use crate::tramites::paths::{CATALOGUE, FILE, HOLIDAYS, REGISTRY, REGISTRY_CASE, SERVICE_FILE, SERVICE_TRACK, TRACK};
use crate::transparency::StatisticsKind;
use crate::transparency::pages::{ComplaintsPage, OpenDataPage, StatisticsPage};
use crate::transparency::paths::{COMPLAINTS, MODULES, OPEN_DATA, STATISTICS};
use crate::treasury::office::TreasuryOfficePage;
use crate::treasury::pages::{PaymentPage, ReceiptPage, StatementPage};
use crate::treasury::paths::{OFFICE as TREASURY_OFFICE, PAYMENT, RECEIPT, SERVICE_PAY, STATEMENT};
use crate::ui::layout::Layout;
use crate::visits::office::VisitsOfficePage;
use crate::visits::pages::{AgendasPage, VisitsPage};
use crate::visits::paths::{AGENDAS, OFFICE as VISITS_OFFICE, VISITS};
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

/// The whole HTML document, rendered on the server for every page. Its one script is the site script
/// (menu, navigation without full loads, and loading a page's islands); pages without islands load
/// no WebAssembly.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let scripts = use_context::<crate::ui::islands::SiteScripts>().unwrap_or_default();
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options id="leptos" />
                <script type="module" src=scripts.site_js nonce=nonce></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
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
            <Route path=HOME view=HomePage />
            <Route path=PRIVACY view=PrivacyPage />
            <Route path=REPORT view=ReportPage />
            <Route path=REPORT_FORM view=ReportFormPage />
            <Route path=FOLLOW_UP view=FollowUpPage />
            <Route path=SIGN_IN view=OfficeLoginPage />
            <Route path=OFFICE_CASES view=OfficeCasesPage />
            <Route path=STAFF_HOME view=StaffHomePage />
            <Route path=ACCOUNTS view=AccountsPage />
            <Route path=STATISTICS view=|| view! { <StatisticsPage kind=StatisticsKind::Incidents /> } />
            <Route path=MODULES view=|| view! { <StatisticsPage kind=StatisticsKind::Modules /> } />
            <Route path=COMPLAINTS view=ComplaintsPage />
            <Route path=OPEN_DATA view=OpenDataPage />
            <Route path=CATALOGUE view=CataloguePage />
            <Route path=SERVICE_FILE view=|| view! { <ServicePage service=SERVICES[0] /> } />
            <Route path=SERVICE_TRACK view=|| view! { <ServicePage service=SERVICES[1] /> } />
            <Route path=FILE view=FilingPage />
            <Route path=TRACK view=TrackPage />
            <Route path=REGISTRY view=RegistryPage />
            <Route path=REGISTRY_CASE view=RegistryCasePage />
            <Route path=HOLIDAYS view=HolidaysPage />
            <Route path=SERVICE_PAY view=|| view! { <ServicePage service=SERVICES[2] /> } />
            <Route path=STATEMENT view=StatementPage />
            <Route path=PAYMENT view=PaymentPage />
            <Route path=RECEIPT view=ReceiptPage />
            <Route path=TREASURY_OFFICE view=TreasuryOfficePage />
            <Route path=SERVICE_CERTIFICATE view=|| view! { <ServicePage service=SERVICES[3] /> } />
            <Route path=CERTIFICATE_REQUEST view=RequestPage />
            <Route path=CERTIFICATE_FOLLOW view=FollowPage />
            <Route path=VERIFY view=VerifyPage />
            <Route path=CIVIL_REGISTRY_OFFICE view=CivilRegistryOfficePage />
            <Route path=POLLS view=PollsPage />
            <Route path=VOTE view=VotePage />
            <Route path=POLL_RESULTS view=ResultsPage />
            <Route path=PARTICIPATION_OFFICE view=ParticipationOfficePage />
            <Route path=SESSIONS view=SessionsPage />
            <Route path=SESSION view=SessionPage />
            <Route path=COUNCILLOR view=CouncillorPage />
            <Route path=COUNCIL_OFFICE view=CouncilOfficePage />
            <Route path=INTEGRITY_HUB view=HubPage />
            <Route path=INTEGRITY_OFFICE view=IntegrityOfficePage />
            <Route path=VISITS view=VisitsPage />
            <Route path=AGENDAS view=AgendasPage />
            <Route path=VISITS_OFFICE view=VisitsOfficePage />
            <Route path=AFFIDAVITS view=AffidavitsPage />
            <Route path=AFFIDAVIT view=AffidavitPage />
            <Route path=AFFIDAVITS_OFFICE view=AffidavitsOfficePage />
            <Route path=ALERTS view=AlertsPage />
            <Route path=ALERTS_OFFICE view=AlertsOfficePage />
            <Route path=TENDERS view=TendersPage />
            <Route path=TENDER view=TenderPage />
            <Route path=BID view=BidPage />
            <Route path=PROCUREMENT_OFFICE view=ProcurementOfficePage />
        </ParentRoute>
    }
    .into_inner()
}
