//! The transparency editor's affidavit form (`/oficina/declaraciones`): an official's affidavit, kept as
//! their next version.

use super::fields::{AffidavitFields, Problem};
use super::paths::{AFFIDAVIT, OFFICE_POST};
use super::{Kind, Section, Summary};
use crate::i18n::{t, td_string, use_i18n};
use crate::integrity::Official;
use crate::staff::pages::{SignOut, StaffPageRefused, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::field_problems::FieldProblems;
use crate::ui::form_field::{Control, Field};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AffidavitsOfficeView {
    pub username: String,
    pub officials: Vec<Official>,
    /// The latest affidavits.
    pub recent: Vec<Summary>,
    /// The affidavit just stored: (id, official's name, version).
    pub done: Option<(String, String, i64)>,
    pub form: AffidavitFields,
    pub problems: Vec<Problem>,
}

/// `/oficina/declaraciones`.
#[component]
pub fn AffidavitsOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, affidavits.office.heading);
    let Some(data) = use_context::<AffidavitsOfficeView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let done = data.done.clone().map(|(id, name, version)| {
        let text = td_string!(locale, affidavits.office.done)
            .replace("{name}", &name)
            .replace("{version}", &version.to_string());
        view! {
            <p class="notice notice--secure" role="status" id="action-done">
                {text} " " <a href=format!("{prefix}{AFFIDAVIT}?id={id}")>{t!(i18n, affidavits.office.see)}</a>
            </p>
        }
    });
    let problems = Arc::new(FieldProblems(data.problems.iter().map(|p| (p.field(), p.message(locale))).collect()));
    let summary = problems.summary();
    let form = data.form.clone();
    let officials = data
        .officials
        .iter()
        .map(|o| view! { <option value=o.id.clone() selected=form.official == o.id>{format!("{} — {}", o.name, o.position)}</option> })
        .collect_view();
    let kinds = Kind::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("kind-{}", kind.code());
            view! {
                <div class="radio">
                    <input type="radio" id=id.clone() name="kind" value=kind.code() checked=form.kind == kind.code() />
                    <label for=id>{kind.label(locale)}</label>
                </div>
            }
        })
        .collect_view();
    let sections = Section::ALL
        .into_iter()
        .zip(form.sections.clone())
        .map(|(section, text)| {
            view! {
                <Field id=section.code() label=section.label(locale) value=text problems=problems.clone()
                    control=Control::TextArea hint=section.line_format(locale) />
            }
        })
        .collect_view();
    let recent = data
        .recent
        .iter()
        .map(|a| {
            view! {
                <li>
                    <a href=format!("{prefix}{AFFIDAVIT}?id={}", a.id)>
                        {format!("{} — {} {} ({})", a.official_name, td_string!(locale, affidavits.list.version), a.version, a.presented_on)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {done}
        <ErrorSummary id="affidavit-errors" problems=summary />
        <p>{t!(i18n, affidavits.office.lead)}</p>
        <p>{t!(i18n, affidavits.list.private_rule)}</p>
        <form class="staff-form" method="post" action=OFFICE_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("official")>
                <label for="official">{t!(i18n, visits.column.official)}</label>
                {problems.error_of("official")}
                <select id="official" name="official" class="select"><option value="">""</option>{officials}</select>
            </div>
            <div class="form-group" class:form-group--error=problems.has("kind")>
                <fieldset id="kind">
                    <legend>{t!(i18n, affidavits.list.kind)}</legend>
                    {problems.error_of("kind")}
                    {kinds}
                </fieldset>
            </div>
            <Field id="presented_on" label=td_string!(locale, affidavits.list.presented_on) value=form.presented_on.clone()
                problems=problems.clone() control=Control::Date />
            {sections}
            <button type="submit" class="button">{t!(i18n, affidavits.office.submit)}</button>
        </form>
        <h2 id="recent">{t!(i18n, affidavits.office.recent)}</h2>
        <ul>{recent}</ul>
    }
    .into_any()
}
