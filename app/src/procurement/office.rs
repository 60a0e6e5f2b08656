//! The procurement committee's page (`/oficina/cotizaciones`): a new request for quotation (with the
//! recipient `committee keygen` printed), and after the deadline the opening's results (`committee
//! open`'s table and key, the award with its reasons).

use super::fields::{OpeningFields, OpeningProblem, TenderFields, TenderProblem};
use super::paths::{OFFICE_OPENING_POST, OFFICE_TENDER_POST, TENDER};
use super::{Stage, Tender};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::integrity::Official;
use crate::staff::pages::{SignOut, StaffPageRefused, language_prefix};
use crate::tramites::pages::ErrorSummary;
use crate::ui::field_problems::FieldProblems;
use crate::ui::form_field::{Control, Field};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcurementDone {
    Tender(String),
    Opening(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcurementOfficeView {
    pub username: String,
    pub officials: Vec<Official>,
    pub tenders: Vec<Tender>,
    pub now: String,
    pub done: Option<ProcurementDone>,
    pub form: TenderFields,
    pub problems: Vec<TenderProblem>,
    pub opening_form: OpeningFields,
    pub opening_problems: Vec<OpeningProblem>,
}

impl TenderProblem {
    pub fn field(self) -> &'static str {
        match self {
            TenderProblem::Number | TenderProblem::Exists => "number",
            TenderProblem::Title => "title",
            TenderProblem::Area => "area",
            TenderProblem::Estimated => "estimated",
            TenderProblem::Deadline => "deadline",
            TenderProblem::Recipient => "recipient",
            TenderProblem::Threshold => "threshold",
            TenderProblem::Committee => "committee",
            TenderProblem::Item(_) | TenderProblem::NoItems => "items",
        }
    }

    pub fn message(self, locale: Locale) -> String {
        match self {
            TenderProblem::Number => td_string!(locale, procurement.problem.number).into(),
            TenderProblem::Exists => td_string!(locale, procurement.problem.exists).into(),
            TenderProblem::Title => td_string!(locale, procurement.problem.title).into(),
            TenderProblem::Area => td_string!(locale, procurement.problem.area).into(),
            TenderProblem::Estimated => td_string!(locale, procurement.problem.estimated).into(),
            TenderProblem::Deadline => td_string!(locale, procurement.problem.deadline).into(),
            TenderProblem::Recipient => td_string!(locale, procurement.problem.recipient).into(),
            TenderProblem::Threshold => td_string!(locale, procurement.problem.threshold).into(),
            TenderProblem::Committee => td_string!(locale, procurement.problem.committee).into(),
            TenderProblem::Item(line) => {
                td_string!(locale, procurement.problem.item).replace("{line}", &line.to_string())
            }
            TenderProblem::NoItems => td_string!(locale, procurement.problem.no_items).into(),
        }
    }
}

impl OpeningProblem {
    pub fn field(self) -> &'static str {
        match self {
            OpeningProblem::NoTender | OpeningProblem::NotClosed | OpeningProblem::AlreadyOpened => "opening_tender",
            OpeningProblem::Key => "secret_key",
            OpeningProblem::Comparison => "comparison",
            OpeningProblem::AwardRuc => "award_ruc",
            OpeningProblem::AwardName => "award_name",
            OpeningProblem::AwardAmount => "award_amount",
            OpeningProblem::AwardReasons => "award_reasons",
        }
    }

    pub fn message(self, locale: Locale) -> &'static str {
        match self {
            OpeningProblem::NoTender => td_string!(locale, procurement.problem.no_tender),
            OpeningProblem::NotClosed => td_string!(locale, procurement.problem.not_closed),
            OpeningProblem::AlreadyOpened => td_string!(locale, procurement.problem.already_opened),
            OpeningProblem::Key => td_string!(locale, procurement.problem.key),
            OpeningProblem::Comparison => td_string!(locale, procurement.problem.comparison),
            OpeningProblem::AwardRuc => td_string!(locale, procurement.problem.award_ruc),
            OpeningProblem::AwardName => td_string!(locale, procurement.problem.award_name),
            OpeningProblem::AwardAmount => td_string!(locale, procurement.problem.award_amount),
            OpeningProblem::AwardReasons => td_string!(locale, procurement.problem.award_reasons),
        }
    }
}

/// `/oficina/cotizaciones`.
#[component]
pub fn ProcurementOfficePage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let heading = td_string!(locale, procurement.office.heading);
    let Some(data) = use_context::<ProcurementOfficeView>() else {
        return view! { <StaffPageRefused heading /> }.into_any();
    };
    let prefix = language_prefix(locale);
    let done = data.done.clone().map(|done| {
        let (text, number) = match done {
            ProcurementDone::Tender(number) => (td_string!(locale, procurement.office.tender_done), number),
            ProcurementDone::Opening(number) => (td_string!(locale, procurement.office.opening_done), number),
        };
        view! {
            <p class="notice notice--secure" role="status" id="action-done">
                {text.replace("{number}", &number)} " "
                <a href=format!("{prefix}{TENDER}?numero={number}")>{number.clone()}</a>
            </p>
        }
    });
    let mut listed: Vec<(&'static str, String)> =
        data.problems.iter().map(|p| (p.field(), p.message(locale))).collect();
    listed.extend(data.opening_problems.iter().map(|p| (p.field(), p.message(locale).to_string())));
    let problems = Arc::new(FieldProblems(listed));
    let summary = problems.summary();
    let form = data.form.clone();
    let opening = data.opening_form.clone();
    let p = || problems.clone();
    let members = data
        .officials
        .iter()
        .filter(|o| o.end_date.is_none())
        .map(|o| {
            let id = format!("member-{}", o.id);
            view! {
                <div class="checkbox">
                    <input type="checkbox" id=id.clone() name="committee" value=o.id.clone() checked=form.committee.contains(&o.id) />
                    <label for=id>{format!("{} — {}", o.name, o.position)}</label>
                </div>
            }
        })
        .collect_view();
    let closed = data
        .tenders
        .iter()
        .filter(|t| t.stage(&data.now) == Stage::Closed)
        .map(|t| view! { <option value=t.number.clone() selected=opening.tender == t.number>{format!("{} — {}", t.number, t.title)}</option> })
        .collect_view();
    let tenders = data
        .tenders
        .iter()
        .map(|t| {
            view! {
                <li>
                    <a href=format!("{prefix}{TENDER}?numero={}", t.number)>{format!("{} — {}", t.number, t.title)}</a>
                    {format!(" ({})", super::pages::stage_label(locale, t.stage(&data.now)))}
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
        <ErrorSummary id="procurement-errors" problems=summary />
        <h2 id="tenders">{t!(i18n, procurement.office.tenders)}</h2>
        <ul>{tenders}</ul>
        <h2 id="new-tender">{t!(i18n, procurement.office.new_tender)}</h2>
        <p>{t!(i18n, procurement.office.new_tender_lead)}</p>
        <pre class="key-block">"committee keygen --tender SC-2026-001 --threshold 2 --members 3 --out llaves"</pre>
        <form class="staff-form" method="post" action=OFFICE_TENDER_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <Field id="number" label=td_string!(locale, procurement.tender.number) value=form.number.clone() problems=p()
                control=Control::Short hint=td_string!(locale, procurement.office.number_hint) />
            <Field id="title" label=td_string!(locale, procurement.tender.title) value=form.title.clone() problems=p() />
            <Field id="area" label=td_string!(locale, procurement.tender.area) value=form.area.clone() problems=p()
                hint=td_string!(locale, procurement.office.area_hint) />
            <Field id="estimated" label=td_string!(locale, procurement.tender.estimated) value=form.estimated.clone() problems=p()
                control=Control::Short hint=td_string!(locale, procurement.office.estimated_hint) />
            <div class="form-group" class:form-group--error=problems.has("deadline")>
                <label for="deadline">{t!(i18n, procurement.tender.deadline)}</label>
                <p class="hint" id="deadline-hint">{t!(i18n, procurement.office.deadline_hint)}</p>
                {problems.error_of("deadline")}
                <input id="deadline" name="deadline" type="datetime-local" class="input" value=form.deadline.clone()
                    aria-describedby=problems.described("deadline", true) />
            </div>
            <Field id="items" label=td_string!(locale, procurement.tender.items) value=form.items.clone() problems=p()
                control=Control::TextArea hint=td_string!(locale, procurement.office.items_hint) />
            <div class="form-group" class:form-group--error=problems.has("committee")>
                <fieldset id="committee">
                    <legend>{t!(i18n, procurement.tender.committee)}</legend>
                    {problems.error_of("committee")}
                    {members}
                </fieldset>
            </div>
            <Field id="threshold" label=td_string!(locale, procurement.office.threshold) value=form.threshold.clone() problems=p()
                control=Control::Short />
            <Field id="recipient" label=td_string!(locale, procurement.office.recipient) value=form.recipient.clone() problems=p()
                hint=td_string!(locale, procurement.office.recipient_hint) />
            <button type="submit" class="button">{t!(i18n, procurement.office.publish)}</button>
        </form>
        <h2 id="opening">{t!(i18n, procurement.office.opening)}</h2>
        <p>{t!(i18n, procurement.office.opening_lead)}</p>
        <pre class="key-block">"committee open --tender SC-2026-001 --recipient age1… --share a.txt --share b.txt --bids ofertas --hashes ofertas/sha256.txt --out apertura"</pre>
        <form class="staff-form" method="post" action=OFFICE_OPENING_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=problems.has("opening_tender")>
                <label for="opening_tender">{t!(i18n, procurement.tender.number)}</label>
                {problems.error_of("opening_tender")}
                <select id="opening_tender" name="opening_tender" class="select"><option value="">""</option>{closed}</select>
            </div>
            <Field id="secret_key" label=td_string!(locale, procurement.office.secret_key) value=opening.secret_key.clone() problems=p()
                control=Control::TextArea />
            <Field id="comparison" label=td_string!(locale, procurement.office.comparison) value=opening.comparison.clone() problems=p()
                control=Control::TextArea />
            <Field id="award_ruc" label=td_string!(locale, procurement.office.award_ruc) value=opening.award_ruc.clone() problems=p() control=Control::Short />
            <Field id="award_name" label=td_string!(locale, procurement.office.award_name) value=opening.award_name.clone() problems=p() />
            <Field id="award_amount" label=td_string!(locale, procurement.office.award_amount) value=opening.award_amount.clone() problems=p() control=Control::Short />
            <Field id="award_reasons" label=td_string!(locale, procurement.office.award_reasons) value=opening.award_reasons.clone() problems=p()
                control=Control::TextArea />
            <button type="submit" class="button">{t!(i18n, procurement.office.publish_opening)}</button>
        </form>
    }
    .into_any()
}
