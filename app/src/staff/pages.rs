//! Staff pages: sign-in at `/oficina` (password and authenticator code, a plain HTML form; the server's
//! `staff` module checks it and sets the session cookie). Nothing here needs JavaScript.

use super::{Role, StaffHome, role_label};
use crate::i18n::{t, t_string, use_i18n};
use crate::locale::{DefaultLocale, localized_path};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The language prefix of the current page (`/en`, or empty in the default language): the sign-in and
/// sign-out handlers send the officer back to a page in the same language.
pub fn language_prefix(locale: crate::i18n::Locale) -> String {
    let default = use_context::<DefaultLocale>().unwrap_or_default();
    match localized_path(locale, default.0, "/").as_str() {
        "/" => String::new(),
        prefixed => prefixed.to_string(),
    }
}

#[component]
pub fn OfficeLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let error = query.with_untracked(|q| q.get("error"));
    let username = query.with_untracked(|q| q.get("username")).unwrap_or_default();
    let prefix = language_prefix(i18n.get_locale_untracked());
    let message = error.map(|code| match code.as_str() {
        "missing" => t_string!(i18n, staff.error_missing),
        "locked" => t_string!(i18n, staff.error_locked),
        "server" => t_string!(i18n, common.problem.server_error),
        _ => t_string!(i18n, staff.error_invalid),
    });
    let has_error = message.is_some();
    view! {
        <PageTitle text=move || t_string!(i18n, staff.title) />
        <h1>{t!(i18n, staff.heading)}</h1>
        <p class="lead">{t!(i18n, staff.lead)}</p>
        {message.map(|text| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1" id="office-error" autofocus>
                    <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
                    <ul>
                        <li><a href="#username" target="_self">{text}</a></li>
                    </ul>
                </div>
            }
        })}
        <form method="post" action=super::paths::SIGN_IN_POST.path() class="office-login staff-form">
            <input type="hidden" name="prefix" value=prefix />
            <div class="form-group" class:form-group--error=has_error>
                <label for="username">{t!(i18n, staff.username)}</label>
                <input id="username" name="username" type="text" autocomplete="username" required value=username class="input" />
            </div>
            <div class="form-group">
                <label for="password">{t!(i18n, staff.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required class="input" />
            </div>
            <div class="form-group">
                <label for="code">{t!(i18n, staff.code)}</label>
                <p class="hint" id="code-hint">{t!(i18n, staff.code_hint)}</p>
                <input
                    id="code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    aria-describedby="code-hint"
                    required
                    class="input input--code"
                />
            </div>
            <button type="submit" class="button">{t!(i18n, staff.sign_in)}</button>
        </form>
    }
}

/// The sign-out button, for every staff page.
#[component]
pub fn SignOut() -> impl IntoView {
    let i18n = use_i18n();
    let prefix = language_prefix(i18n.get_locale_untracked());
    view! {
        <form method="post" action=super::paths::SIGN_OUT_POST.path() class="office-sign-out">
            <input type="hidden" name="prefix" value=prefix />
            <button type="submit" class="button button--secondary">{t!(i18n, staff.sign_out)}</button>
        </form>
    }
}

/// A staff page shown without its data: its heading and, when that is why, the role it needs.
#[component]
pub fn StaffPageRefused(heading: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let missing = use_context::<super::MissingRole>().map(|missing| {
        view! {
            <p class="notice" id="missing-role">
                {t!(i18n, staff.missing_role, username = missing.username.clone(), role = super::role_label(locale, missing.role))}
            </p>
        }
    });
    view! { <PageTitle text=move || heading /> <h1>{heading}</h1> {missing} }
}

/// What a CSV import did, on its staff page: `done` (how many were stored), or each refused line with
/// its number, linked to the file field `file_field`.
pub fn import_outcome(
    locale: crate::i18n::Locale,
    outcome: Option<Result<String, Vec<(usize, &'static str)>>>,
    file_field: &'static str,
) -> impl IntoView + use<> {
    use crate::i18n::td_string;
    outcome.map(|outcome| match outcome {
        Ok(done) => view! { <p class="notice notice--secure" role="status" id="import-done">{done}</p> }.into_any(),
        Err(errors) => {
            let line = td_string!(locale, tramites.import.line);
            let problems = errors
                .iter()
                .map(|(number, problem)| (file_field.to_string(), format!("{line} {number}: {problem}")))
                .collect();
            view! { <crate::tramites::pages::ErrorSummary id="import-errors" problems=problems /> }.into_any()
        }
    })
}

/// The staff pages, each with the role that opens it: the staff home lists those the account's roles
/// open. A capability with staff pages adds a line here.
fn staff_pages(locale: crate::i18n::Locale) -> [(crate::paths::Page, Role, &'static str); 13] {
    use crate::i18n::td_string;
    [
        (crate::cases::paths::OFFICE_CASES, Role::IntegrityOfficer, td_string!(locale, staff.home.page_cases)),
        (crate::alerts::paths::OFFICE, Role::IntegrityOfficer, td_string!(locale, alerts.office.heading)),
        (crate::tramites::paths::REGISTRY, Role::DocumentRegistry, td_string!(locale, tramites.registry.heading)),
        (crate::tramites::paths::HOLIDAYS, Role::DocumentRegistry, td_string!(locale, tramites.holidays.heading)),
        (crate::treasury::paths::OFFICE, Role::Treasury, td_string!(locale, treasury.office.heading)),
        (crate::civil_registry::paths::OFFICE, Role::CivilRegistry, td_string!(locale, civil_registry.office.heading)),
        (crate::participation::paths::OFFICE, Role::Participation, td_string!(locale, participation.office.heading)),
        (crate::council::paths::OFFICE, Role::CouncilSecretary, td_string!(locale, council.office.heading)),
        (crate::procurement::paths::OFFICE, Role::ProcurementCommittee, td_string!(locale, procurement.office.heading)),
        (crate::integrity::paths::OFFICE, Role::TransparencyEditor, td_string!(locale, integrity.office.heading)),
        (crate::visits::paths::OFFICE, Role::TransparencyEditor, td_string!(locale, visits.office.heading)),
        (crate::affidavits::paths::OFFICE, Role::TransparencyEditor, td_string!(locale, affidavits.office.heading)),
        (super::paths::ACCOUNTS, Role::AccountAdmin, td_string!(locale, staff.home.page_accounts)),
    ]
}

/// `/oficina/inicio`: who is signed in, their roles, and the pages those open.
#[component]
pub fn StaffHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let title = move || t_string!(i18n, staff.home.title);
    let Some(home) = use_context::<StaffHome>() else {
        let sign_in = crate::ui::page_link::use_localized_path(super::paths::SIGN_IN);
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, staff.home.heading)}</h1>
            <p><a href=sign_in>{t!(i18n, staff.sign_in)}</a></p>
        }
        .into_any();
    };
    let roles = home.roles.iter().map(|role| view! { <li>{role_label(locale, *role)}</li> }).collect_view();
    let pages: Vec<_> = staff_pages(locale)
        .into_iter()
        .filter(|(_, role, _)| home.roles.contains(role))
        .map(|(page, _, label)| {
            (localized_path(locale, use_context::<DefaultLocale>().unwrap_or_default().0, page.path()), label)
        })
        .collect();
    let pages = if pages.is_empty() {
        view! { <p class="notice" id="no-pages">{t!(i18n, staff.home.no_pages)}</p> }.into_any()
    } else {
        let items = pages.into_iter().map(|(href, label)| view! { <li><a href=href>{label}</a></li> }).collect_view();
        view! { <ul class="staff-pages">{items}</ul> }.into_any()
    };
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, staff.home.heading)}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = home.username.clone())}</p>
        <SignOut />
        <h2>{t!(i18n, staff.home.your_pages)}</h2>
        {pages}
        <h2>{t!(i18n, staff.home.your_roles)}</h2>
        <ul>{roles}</ul>
    }
    .into_any()
}
