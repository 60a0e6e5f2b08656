//! The integrity office's case list: `/oficina/casos` (cases by metadata only: days, status, deadlines,
//! overdue flags).
//! The server's loader (`cases::office_web::load_case_list`) loads the list for a signed-in officer;
//! nothing here can decrypt anything, and nothing here needs JavaScript.

use crate::cases::OfficeView;
use crate::cases::status_label;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::format::format_day;
use crate::ui::page_link::use_localized_path;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

/// The triaged category as the reader's language names it; a code this build does not know, as stored.
fn category_text(locale: crate::i18n::Locale, code: Option<&str>) -> String {
    match code {
        None => "—".into(),
        Some(code) => match envelope::report::Category::parse(code) {
            Some(category) => crate::reporting::form::category_label(locale, category).to_string(),
            None => code.to_string(),
        },
    }
}

#[component]
pub fn OfficeCasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let sign_in = use_localized_path(crate::staff::paths::SIGN_IN);
    if let Some(missing) = use_context::<crate::staff::MissingRole>() {
        return view! {
            <PageTitle text=move || t_string!(i18n, cases.office.cases_title) />
            <h1>{t!(i18n, cases.office.cases_heading)}</h1>
            <p class="notice" id="missing-role">
                {t!(i18n, cases.office.missing_role, username = missing.username.clone())}
            </p>
        }
        .into_any();
    }
    let Some(view_data) = use_context::<OfficeView>() else {
        return view! {
            <PageTitle text=move || t_string!(i18n, cases.office.cases_title) />
            <h1>{t!(i18n, cases.office.cases_heading)}</h1>
            <p><a href=sign_in>{t!(i18n, staff.sign_in)}</a></p>
        }
        .into_any();
    };
    let overdue = view_data.cases.iter().filter(|c| c.overdue()).count();
    let count = view_data.cases.len();
    let rows = view_data
        .cases
        .into_iter()
        .map(|case| {
            let ack = match &case.acknowledged_on {
                Some(d) => format_day(d, locale),
                None => t_string!(i18n, cases.follow_up.due_by, day = format_day(&case.acknowledgement_due, locale))
                    .to_string(),
            };
            let feedback = match &case.feedback_on {
                Some(d) => format_day(d, locale),
                None => {
                    t_string!(i18n, cases.follow_up.due_by, day = format_day(&case.feedback_due, locale)).to_string()
                }
            };
            let flags = [
                case.acknowledgement_overdue.then(|| t_string!(i18n, cases.office.ack_overdue)),
                case.feedback_overdue.then(|| t_string!(i18n, cases.office.feedback_overdue)),
            ]
            .into_iter()
            .flatten()
            .map(|flag| view! { <strong class="tag tag--overdue">{flag}</strong> " " })
            .collect_view();
            view! {
                <tr class:row--overdue=case.overdue()>
                    <th scope="row"><code>{case.id.clone()}</code></th>
                    <td>{format_day(&case.received_on, locale)}</td>
                    <td>{status_label(i18n.get_locale(), case.status)}</td>
                    <td>{category_text(locale, case.category.as_deref())}</td>
                    <td>{ack}</td>
                    <td>{feedback}</td>
                    <td>{case.messages}</td>
                    <td>{flags}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || t_string!(i18n, cases.office.cases_title) />
        <h1>{t!(i18n, cases.office.cases_heading)}</h1>
        <p>
            {t!(i18n, cases.office.signed_in_as, name = view_data.username.clone())} " · "
            {t!(i18n, cases.office.summary, count = count, overdue = overdue)}
        </p>
        <crate::staff::pages::SignOut />
        <p>{t!(i18n, cases.office.metadata_only)}</p>
        <div class="table-scroll" role="region" aria-labelledby="cases-caption" tabindex="0">
            <table class="cases">
                <caption id="cases-caption">{t!(i18n, cases.office.table_caption, day = format_day(&view_data.today, locale))}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, cases.office.col_case)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_received)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_status)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_category)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_ack)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_feedback)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_messages)}</th>
                        <th scope="col">{t!(i18n, cases.office.col_flags)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
