//! `/denuncia`: the way in (first, so a phone shows it at once), what happens to a report, how to stay safer, the office's key fingerprints, and what
//! changes without JavaScript. Read before the form, so nobody starts writing without knowing.

use crate::i18n::{t, t_string, use_i18n};
use crate::reporting::form::ReportSettings;
use crate::ui::page_link::use_localized_path;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = use_context::<ReportSettings>().unwrap_or_default();
    let form_path = use_localized_path(crate::reporting::paths::REPORT_FORM);
    let follow_path = use_localized_path(crate::cases::paths::FOLLOW_UP);
    let has_keys = !settings.office_keys.is_empty();
    view! {
        <PageTitle text=move || t_string!(i18n, reporting.report.title) />
        <h1>{t!(i18n, reporting.report.heading)}</h1>
        <p class="lead">{t!(i18n, reporting.report.lead)}</p>
        // The way forward comes first, so that a phone shows it without scrolling; what follows explains.
        {has_keys.then(|| view! {
            <div class="button-group" id="report-actions">
                <a class="button" href=form_path>{t!(i18n, reporting.report.start)}</a>
                <a class="button button--secondary" href=follow_path id="follow-up-link">{t!(i18n, reporting.report.follow)}</a>
            </div>
        })}
        <section aria-labelledby="what-happens-heading">
            <h2 id="what-happens-heading">{t!(i18n, reporting.report.what_happens_heading)}</h2>
            <ul>
                <li>{t!(i18n, reporting.report.what_encrypted)}</li>
                <li>{t!(i18n, reporting.report.what_kept)}</li>
                <li>{t!(i18n, reporting.report.what_not_kept)}</li>
                <li>{t!(i18n, reporting.report.what_identity)}</li>
                <li>{t!(i18n, reporting.report.what_receipt)}</li>
            </ul>
        </section>
        <section aria-labelledby="safer-heading">
            <h2 id="safer-heading">{t!(i18n, reporting.report.safer_heading)}</h2>
            <ul>
                <li>{t!(i18n, reporting.report.safer_device)}</li>
                <li>{t!(i18n, reporting.report.safer_tor)}</li>
                <li>{t!(i18n, reporting.report.safer_metadata)}</li>
            </ul>
        </section>
        <section aria-labelledby="no-js-heading">
            <h2 id="no-js-heading">{t!(i18n, reporting.report.no_js_heading)}</h2>
            <p>{t!(i18n, reporting.report.no_js_text)}</p>
        </section>
        <section aria-labelledby="keys-heading">
            <h2 id="keys-heading">{t!(i18n, reporting.report.keys_heading)}</h2>
            {if has_keys {
                view! {
                    <p>{t!(i18n, reporting.report.keys_text)}</p>
                    <ul class="office-keys">
                        {settings
                            .office_keys
                            .iter()
                            .map(|key| {
                                view! {
                                    <li>
                                        <span class="office-keys__name">{key.name.clone()}</span>
                                        <span>
                                            {t!(i18n, reporting.report.key_id)} ": " <code>{key.key_id.clone()}</code>
                                        </span>
                                        <span>
                                            {t!(i18n, reporting.report.key_fingerprint)} ": "
                                            <code class="fingerprint">{key.fingerprint.clone()}</code>
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            } else {
                view! { <p class="notice notice--warning">{t!(i18n, reporting.report.keys_none)}</p> }.into_any()
            }}
        </section>
    }
}
