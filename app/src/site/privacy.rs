use crate::i18n::{t, t_string, use_i18n};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

/// What the portal keeps and does not keep, stated plainly. Each statement is enforced by code and
/// checked by a test (request log contents, response headers, no third-party origins).
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=move || t_string!(i18n, site.privacy.title) />
        <h1>{t!(i18n, site.privacy.heading)}</h1>
        <p class="lead">{t!(i18n, site.privacy.lead)}</p>
        <section aria-labelledby="kept-heading">
            <h2 id="kept-heading">{t!(i18n, site.privacy.kept_heading)}</h2>
            <p>{t!(i18n, site.privacy.kept_pages)}</p>
        </section>
        <section aria-labelledby="not-kept-heading">
            <h2 id="not-kept-heading">{t!(i18n, site.privacy.not_kept_heading)}</h2>
            <ul>
                <li>{t!(i18n, site.privacy.not_kept_ip)}</li>
                <li>{t!(i18n, site.privacy.not_kept_agent)}</li>
                <li>{t!(i18n, site.privacy.not_kept_cookies)}</li>
            </ul>
        </section>
        <section aria-labelledby="third-party-heading">
            <h2 id="third-party-heading">{t!(i18n, site.privacy.third_party_heading)}</h2>
            <p>{t!(i18n, site.privacy.third_party_text)}</p>
        </section>
        <section aria-labelledby="safer-heading">
            <h2 id="safer-heading">{t!(i18n, site.privacy.safer_heading)}</h2>
            <ul>
                <li>{t!(i18n, site.privacy.safer_device)}</li>
                <li>{t!(i18n, site.privacy.safer_tor)}</li>
            </ul>
        </section>
    }
}
