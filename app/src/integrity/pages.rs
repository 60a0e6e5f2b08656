//! The hub of the integrity registers (`/integridad`) and the transparency editor's page for the
//! officials file (`/oficina/integridad`).

use super::import::LineProblem;
use super::paths::{OFFICE_OFFICIALS_POST, OPEN_DATA};
use super::{OFFICIALS_HEADER, Official};
use crate::i18n::{t, td_string, use_i18n};
use crate::staff::pages::{SignOut, StaffPageRefused, import_outcome, language_prefix};
use crate::ui::page_title::PageTitle;
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HubView {
    pub officials: Vec<Official>,
}

/// `/integridad`.
#[component]
pub fn HubPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let HubView { officials } = use_context::<HubView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let visits = crate::visits::paths::VISITS;
    let agendas = crate::visits::paths::AGENDAS;
    let affidavits = crate::affidavits::paths::AFFIDAVITS;
    let rows = officials
        .iter()
        .map(|o| {
            let of = |page: crate::paths::Page| format!("{prefix}{page}?funcionario={}", o.id);
            view! {
                <tr>
                    <th scope="row">{o.name.clone()}</th>
                    <td>{o.position.clone()}</td>
                    <td>{o.area.clone()}</td>
                    <td>
                        <a href=of(visits)>{t!(i18n, integrity.hub.their_visits)}</a> " · "
                        <a href=of(agendas)>{t!(i18n, integrity.hub.their_agenda)}</a> " · "
                        <a href=of(affidavits)>{t!(i18n, integrity.hub.their_affidavits)}</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || td_string!(locale, integrity.hub.title) />
        <h1>{t!(i18n, integrity.hub.title)}</h1>
        <p class="lead">{t!(i18n, integrity.hub.lead)}</p>
        <ul>
            <li><a href=format!("{prefix}{}", crate::procurement::paths::TENDERS)>{t!(i18n, procurement.list.title)}</a> " — " {t!(i18n, integrity.hub.tenders)}</li>
            <li><a href=format!("{prefix}{visits}")>{t!(i18n, visits.registry.title)}</a> " — " {t!(i18n, integrity.hub.visits)}</li>
            <li><a href=format!("{prefix}{agendas}")>{t!(i18n, visits.agendas.title)}</a> " — " {t!(i18n, integrity.hub.agendas)}</li>
            <li><a href=format!("{prefix}{affidavits}")>{t!(i18n, affidavits.list.title)}</a> " — " {t!(i18n, integrity.hub.affidavits)}</li>
            <li><a href=format!("{prefix}{}", crate::alerts::paths::ALERTS)>{t!(i18n, alerts.title)}</a> " — " {t!(i18n, integrity.hub.alerts)}</li>
        </ul>
        <h2 id="officials">{t!(i18n, integrity.hub.officials)}</h2>
        <TableScroll label=td_string!(locale, integrity.hub.officials)>
            <table class="data-table" id="officials-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, integrity.hub.name)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.position)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.area)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.registers)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        <p>
            {t!(i18n, integrity.hub.open_data)} " "
            <a href=format!("{OPEN_DATA}/funcionarios.csv") rel="external" download="">"CSV"</a> " · "
            <a href=format!("{OPEN_DATA}/funcionarios.json") rel="external">"JSON"</a>
        </p>
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntegrityOfficeView {
    pub username: String,
    pub officials: Vec<Official>,
    /// The last import: how many, or each refused line.
    pub import: Option<Result<usize, Vec<(usize, LineProblem)>>>,
}

/// `/oficina/integridad`.
#[component]
pub fn IntegrityOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, integrity.office.heading);
    let Some(data) = use_context::<IntegrityOfficeView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let outcome = data.import.clone().map(|outcome| match outcome {
        Ok(count) => Ok(td_string!(locale, integrity.office.imported).replace("{count}", &count.to_string())),
        Err(errors) => Err(errors.iter().map(|(line, problem)| (*line, problem.message())).collect()),
    });
    let rows = data
        .officials
        .iter()
        .map(|o| {
            view! {
                <tr>
                    <td><code>{o.id.clone()}</code></td>
                    <th scope="row">{o.name.clone()}</th>
                    <td>{o.position.clone()}</td>
                    <td>{o.area.clone()}</td>
                    <td>{o.start_date.clone()}</td>
                    <td>{o.end_date.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {import_outcome(locale, outcome, "officials-file")}
        <ul>
            <li><a href=format!("{prefix}{}", crate::visits::paths::OFFICE)>{t!(i18n, visits.office.heading)}</a></li>
            <li><a href=format!("{prefix}{}", crate::affidavits::paths::OFFICE)>{t!(i18n, affidavits.office.heading)}</a></li>
        </ul>
        <h2 id="officials">{t!(i18n, integrity.hub.officials)}</h2>
        <p>{t!(i18n, integrity.office.lead)}</p>
        <p class="hint"><code>{OFFICIALS_HEADER}</code></p>
        <form class="staff-form" method="post" action=OFFICE_OFFICIALS_POST.path() enctype="multipart/form-data">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group">
                <label for="officials-file">{t!(i18n, integrity.office.file)}</label>
                <input id="officials-file" name="file" type="file" accept="text/csv,.csv" />
            </div>
            <button type="submit" class="button">{t!(i18n, tramites.import.submit)}</button>
        </form>
        <TableScroll label=td_string!(locale, integrity.hub.officials)>
            <table class="data-table" id="officials-table">
                <thead>
                    <tr>
                        <th scope="col">"id"</th>
                        <th scope="col">{t!(i18n, integrity.hub.name)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.position)}</th>
                        <th scope="col">{t!(i18n, integrity.hub.area)}</th>
                        <th scope="col">{t!(i18n, integrity.office.start)}</th>
                        <th scope="col">{t!(i18n, integrity.office.end)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
