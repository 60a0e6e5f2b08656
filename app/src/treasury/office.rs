//! The treasury's staff page: recent payments with their state (duplicates refunded through the
//! provider shown as such), and the import of tax items from the tax system's CSV.

use super::import::ItemProblem;
use super::paths::OFFICE_IMPORT_POST;
use super::{Payment, PaymentStatus, format_soles};
use crate::i18n::{t, td_string, use_i18n};
use crate::staff::pages::{SignOut, StaffPageRefused, import_outcome, language_prefix};
use crate::ui::page_title::PageTitle;
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreasuryView {
    pub username: String,
    pub payments: Vec<Payment>,
    /// The last import: items added, or each refused line.
    pub import: Option<Result<usize, Vec<(usize, ItemProblem)>>>,
}

/// `/oficina/tributos`.
#[component]
pub fn TreasuryOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, treasury.office.heading);
    let Some(data) = use_context::<TreasuryView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let import = data.import.clone().map(|outcome| {
        outcome
            .map(|count| td_string!(locale, treasury.office.imported).replace("{count}", &count.to_string()))
            .map_err(|errors| errors.iter().map(|(line, problem)| (*line, problem.message())).collect())
    });
    let import = import_outcome(locale, import, "items-file");
    let rows = data
        .payments
        .iter()
        .map(|payment| {
            let flagged = matches!(payment.status, PaymentStatus::Duplicate | PaymentStatus::Refunded);
            view! {
                <tr class:row--flagged=flagged data-status=payment.status.code()>
                    <th scope="row" class="nowrap"><code>{payment.id[..12.min(payment.id.len())].to_string()}</code></th>
                    <td class="nowrap">{payment.created_at.replace('T', " ").replace('Z', "")}</td>
                    <td>{payment.payer().to_string()}</td>
                    <td>{payment.method.code()}</td>
                    <td class="numeric">{format_soles(payment.amount, locale)}</td>
                    <td>{payment.status.label(locale)}</td>
                    <td class="nowrap"><code>{payment.provider_charge.clone().unwrap_or_default()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {import}
        <h2>{t!(i18n, treasury.office.payments)}</h2>
        <p>{t!(i18n, treasury.office.payments_lead)}</p>
        <TableScroll label=td_string!(locale, treasury.office.payments)>
            <table class="data-table" id="payments">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, treasury.office.payment)}</th>
                        <th scope="col">{t!(i18n, treasury.office.created)}</th>
                        <th scope="col">{t!(i18n, treasury.taxpayer)}</th>
                        <th scope="col">{t!(i18n, treasury.method)}</th>
                        <th scope="col" class="numeric">{t!(i18n, treasury.col.total)}</th>
                        <th scope="col">{t!(i18n, treasury.office.status)}</th>
                        <th scope="col">{t!(i18n, treasury.office.charge)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <h2>{t!(i18n, treasury.office.import_heading)}</h2>
        <p>{t!(i18n, treasury.office.import_lead)}</p>
        <p class="hint"><code>{super::import::CSV_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_IMPORT_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix />
            <div class="form-group">
                <label for="items-file">{t!(i18n, tramites.import.file)}</label>
                <input id="items-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
    }
    .into_any()
}
