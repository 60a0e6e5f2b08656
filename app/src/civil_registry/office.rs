//! The civil registry's staff page: requests (paid ones waiting first), issuing and revoking
//! certificates, and the import of records.

use super::import::RecordProblem;
use super::paths::{OFFICE_ACTION_POST, OFFICE_IMPORT_POST};
use super::storage::{IssueRefusal, RevokeRefusal};
use super::{Request, RequestState};
use crate::i18n::{t, td_string, use_i18n};
use crate::staff::pages::{SignOut, StaffPageRefused, import_outcome, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::page_title::PageTitle;
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

/// What the last action did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfficeNotice {
    Issued(String),
    Revoked(String),
    IssueRefused(IssueRefusal),
    RevokeRefused(RevokeRefusal),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CivilRegistryView {
    pub username: String,
    pub requests: Vec<Request>,
    pub notice: Option<OfficeNotice>,
    /// The last import: records stored, or each refused line.
    pub import: Option<Result<usize, Vec<(usize, RecordProblem)>>>,
}

/// `/oficina/registro-civil`.
#[component]
pub fn CivilRegistryOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, civil_registry.office.heading);
    let Some(data) = use_context::<CivilRegistryView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let notice = data.notice.clone().map(|notice| {
        let (done, text) = match notice {
            OfficeNotice::Issued(number) => {
                (true, td_string!(locale, civil_registry.office.issued).replace("{number}", &number))
            }
            OfficeNotice::Revoked(number) => {
                (true, td_string!(locale, civil_registry.office.revoked).replace("{number}", &number))
            }
            OfficeNotice::IssueRefused(refusal) => (
                false,
                match refusal {
                    IssueRefusal::NotFound => td_string!(locale, civil_registry.office.not_found),
                    IssueRefusal::NotPaid => td_string!(locale, civil_registry.office.not_paid),
                    IssueRefusal::AlreadyIssued => td_string!(locale, civil_registry.office.already_issued),
                    IssueRefusal::Reserved => td_string!(locale, civil_registry.office.reserved),
                }
                .to_string(),
            ),
            OfficeNotice::RevokeRefused(refusal) => (
                false,
                match refusal {
                    RevokeRefusal::NotIssued => td_string!(locale, civil_registry.office.not_issued),
                    RevokeRefusal::AlreadyRevoked => td_string!(locale, civil_registry.office.already_revoked),
                    RevokeRefusal::ReasonMissing => td_string!(locale, civil_registry.office.reason_missing),
                }
                .to_string(),
            ),
        };
        if done {
            view! { <p class="notice notice--secure" role="status" id="action-done">{text}</p> }.into_any()
        } else {
            view! { <ErrorSummary id="action-errors" problems=vec![("requests".to_string(), text)] /> }.into_any()
        }
    });
    let import = data.import.clone().map(|outcome| {
        outcome
            .map(|count| td_string!(locale, civil_registry.office.imported).replace("{count}", &count.to_string()))
            .map_err(|errors| errors.iter().map(|(line, problem)| (*line, problem.message())).collect())
    });
    let import = import_outcome(locale, import, "records-file");
    let rows = data
        .requests
        .iter()
        .map(|request| {
            let state = request.state();
            let number = request.number.clone();
            let action = |name: &'static str, label: &'static str, reason: bool| {
                let reason_id = format!("reason-{number}");
                view! {
                    <form method="post" action=OFFICE_ACTION_POST.path() class="inline-form">
                        <input type="hidden" name="prefix" value=prefix.clone() />
                        <input type="hidden" name="number" value=number.clone() />
                        <input type="hidden" name="action" value=name />
                        {reason.then(|| view! {
                            <label for=reason_id.clone()>{td_string!(locale, civil_registry.office.reason)}</label>
                            <input id=reason_id.clone() name="reason" type="text" class="input" />
                        })}
                        <button type="submit" class="button button--secondary">{label}</button>
                    </form>
                }
            };
            let act = match (state, request.record.reserve) {
                (_, Some(reserve)) if state != RequestState::Issued => {
                    view! { <span>{reserve.reason(locale)}</span> }.into_any()
                }
                (RequestState::Paid, _) => action("issue", td_string!(locale, civil_registry.office.issue), false).into_any(),
                (RequestState::Issued, _) => action("revoke", td_string!(locale, civil_registry.office.revoke), true).into_any(),
                _ => ().into_any(),
            };
            view! {
                <tr data-state=state.code() id=format!("request-{}", request.number)>
                    <th scope="row" class="nowrap">{request.number.clone()}</th>
                    <td class="nowrap">{request.created_at.get(..10).unwrap_or_default().to_string()}</td>
                    <td>{format!("{} {}", request.record.kind.label(locale), request.record.number)}<br /><span class="hint">{request.record.event_date.clone()}</span></td>
                    <td>{request.record.names.clone()}</td>
                    <td>
                        {request.applicant_name.clone()}<br />
                        <span class="hint">{format!("{} {} · {}", request.applicant_id_type.to_uppercase(), request.applicant_id, request.relationship.label(locale))}</span>
                    </td>
                    <td>{state.label(locale)}</td>
                    <td>{act}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {notice}
        {import}
        <h2 id="requests">{t!(i18n, civil_registry.office.requests)}</h2>
        <p>{t!(i18n, civil_registry.office.requests_lead)}</p>
        <TableScroll label=td_string!(locale, civil_registry.office.requests)>
            <table class="data-table" id="request-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, civil_registry.follow.number)}</th>
                        <th scope="col">{t!(i18n, civil_registry.office.created)}</th>
                        <th scope="col">{t!(i18n, civil_registry.office.record)}</th>
                        <th scope="col">{t!(i18n, civil_registry.follow.names)}</th>
                        <th scope="col">{t!(i18n, civil_registry.follow.applicant)}</th>
                        <th scope="col">{t!(i18n, civil_registry.office.state)}</th>
                        <th scope="col">{t!(i18n, civil_registry.office.action)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <h2>{t!(i18n, civil_registry.office.import_heading)}</h2>
        <p>{t!(i18n, civil_registry.office.import_lead)}</p>
        <p class="hint"><code>{super::CSV_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_IMPORT_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="records-file">{t!(i18n, tramites.import.file)}</label>
                <input id="records-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
    }
    .into_any()
}
