use crate::i18n::{t, t_string, use_i18n};
use crate::ui::page_link::use_localized_path;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=move || t_string!(i18n, site.home.title) />
        <h1>{t!(i18n, site.home.heading)}</h1>
        <p class="lead">{t!(i18n, site.home.lead)}</p>
        <section class="call-to-action" aria-labelledby="report-heading">
            <h2 id="report-heading">{t!(i18n, site.home.report_link)}</h2>
            <p>{t!(i18n, site.home.report_text)}</p>
            <p>
                <a class="button" href=use_localized_path(crate::reporting::paths::REPORT)>{t!(i18n, site.home.report_link)}</a>
            </p>
        </section>
        <section aria-labelledby="promises-heading">
            <h2 id="promises-heading">{t!(i18n, site.home.promises_heading)}</h2>
            <ul class="promises">
                <li>{t!(i18n, site.home.promise_encryption)}</li>
                <li>{t!(i18n, site.home.promise_no_ip)}</li>
                <li>{t!(i18n, site.home.promise_no_third_party)}</li>
                <li>{t!(i18n, site.home.promise_language)}</li>
            </ul>
        </section>
    }
}
