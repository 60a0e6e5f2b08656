//! The integrity office's page (`/oficina/alertas`): every alert, and a reviewed explanation for one,
//! published beside it (each version kept).

use super::pages::{AlertCard, AlertRules};
use super::paths::{ALERTS, OFFICE, OFFICE_POST};
use super::{Alert, MAX_EXPLANATION};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::platform::text::percent_encode;
use crate::staff::pages::{SignOut, StaffPageRefused, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::field_problems::FieldProblems;
use crate::ui::form_field::{Control, Field};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use std::sync::Arc;

/// The review form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewFields {
    pub alert: String,
    pub explanation: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewProblem {
    /// No alert chosen.
    Alert,
    /// The chosen alert is no longer raised.
    Unknown,
    Explanation,
    TooLong,
}

impl ReviewFields {
    /// The checks that need no database; whether the alert is raised is the storage's.
    pub fn check(&self) -> Vec<ReviewProblem> {
        let mut problems = Vec::new();
        if self.alert.trim().is_empty() {
            problems.push(ReviewProblem::Alert);
        }
        let explanation = self.explanation.trim();
        if explanation.is_empty() {
            problems.push(ReviewProblem::Explanation);
        } else if explanation.chars().count() > MAX_EXPLANATION {
            problems.push(ReviewProblem::TooLong);
        }
        problems
    }
}

impl ReviewProblem {
    pub fn field(self) -> &'static str {
        match self {
            ReviewProblem::Alert | ReviewProblem::Unknown => "alert",
            ReviewProblem::Explanation | ReviewProblem::TooLong => "explanation",
        }
    }

    pub fn message(self, locale: Locale) -> String {
        match self {
            ReviewProblem::Alert => td_string!(locale, alerts.problem.alert).into(),
            ReviewProblem::Unknown => td_string!(locale, alerts.problem.unknown).into(),
            ReviewProblem::Explanation => td_string!(locale, alerts.problem.explanation).into(),
            ReviewProblem::TooLong => {
                td_string!(locale, alerts.problem.too_long).replace("{most}", &MAX_EXPLANATION.to_string())
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertsOfficeView {
    pub username: String,
    pub alerts: Vec<Alert>,
    /// The review just published: (alert key, version).
    pub done: Option<(String, i64)>,
    pub form: ReviewFields,
    pub problems: Vec<ReviewProblem>,
}

/// `/oficina/alertas`.
#[component]
pub fn AlertsOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, alerts.office.heading);
    let Some(data) = use_context::<AlertsOfficeView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let done = data.done.clone().map(|(key, version)| {
        let text =
            td_string!(locale, alerts.office.done).replace("{key}", &key).replace("{version}", &version.to_string());
        view! {
            <p class="notice notice--secure" role="status" id="action-done">
                {text} " " <a href=format!("{prefix}{ALERTS}")>{t!(i18n, alerts.title)}</a>
            </p>
        }
    });
    let problems = Arc::new(FieldProblems(data.problems.iter().map(|p| (p.field(), p.message(locale))).collect()));
    let summary = problems.summary();
    let form = data.form.clone();
    let options = data
        .alerts
        .iter()
        .map(|alert| {
            let label =
                format!("{} — {} — {} ({})", alert.rule.label(locale), alert.tender, alert.official_name, alert.key);
            view! { <option value=alert.key.clone() selected=form.alert == alert.key>{label}</option> }
        })
        .collect_view();
    let review = td_string!(locale, alerts.office.choose);
    let cards = data
        .alerts
        .iter()
        .cloned()
        .map(|alert| {
            let href = format!("{prefix}{OFFICE}?alerta={}#review", percent_encode(&alert.key));
            view! { <AlertCard alert action=(href, review) /> }
        })
        .collect_view();
    view! {
        <PageTitle text=move || heading />
        <h1>{heading}</h1>
        <p>{t!(i18n, staff.signed_in_as, name = data.username.clone())}</p>
        <SignOut />
        {done}
        <ErrorSummary id="review-errors" problems=summary />
        <p>{t!(i18n, alerts.office.lead)}</p>
        <h2 id="review">{t!(i18n, alerts.office.form)}</h2>
        <form class="staff-form" method="post" action=OFFICE_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("alert")>
                <label for="alert">{t!(i18n, alerts.office.alert)}</label>
                {problems.error_of("alert")}
                <select id="alert" name="alert" class="select" aria-describedby=problems.has("alert").then(|| problems.described("alert", false))>
                    <option value="">""</option>
                    {options}
                </select>
            </div>
            <Field id="explanation" label=td_string!(locale, alerts.office.explanation) value=form.explanation.clone()
                problems=problems.clone() control=Control::TextArea hint=td_string!(locale, alerts.office.explanation_hint) />
            <button type="submit" class="button">{t!(i18n, alerts.office.submit)}</button>
        </form>
        <h2 id="alerts">{t!(i18n, alerts.list)}</h2>
        {cards}
        <AlertRules />
    }
    .into_any()
}
