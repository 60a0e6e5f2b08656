//! `/integridad/alertas`: the rules stated, then every alert with its evidence and, beside it, the
//! integrity office's reviewed explanation. Plain HTML.

use super::paths::ALERTS;
use super::{Alert, Evidence, Rule};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::participation::fields::utc_to_lima;
use crate::platform::text::percent_encode;
use crate::staff::pages::language_prefix;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertsView {
    pub alerts: Vec<Alert>,
    /// `?cotizacion=`: one request's alerts only.
    pub tender: String,
}

/// The evidence of an alert, in words, and the page that shows it (after `prefix`, the language's).
pub fn evidence_of(alert: &Alert, locale: Locale, prefix: &str) -> (String, String) {
    match &alert.evidence {
        Evidence::Declared { affidavit, section, name, public: true } => (
            td_string!(locale, alerts.evidence.declared)
                .replace("{section}", section.label(locale))
                .replace("{name}", name),
            format!("{prefix}{}?id={affidavit}", crate::affidavits::paths::AFFIDAVIT),
        ),
        Evidence::Declared { affidavit, name, public: false, .. } => (
            td_string!(locale, alerts.evidence.private_relative).replace("{name}", name),
            format!("{prefix}{}?id={affidavit}", crate::affidavits::paths::AFFIDAVIT),
        ),
        Evidence::Visit { date, visitor, entity, reason, .. } => (
            td_string!(locale, alerts.evidence.visit)
                .replace("{date}", date)
                .replace("{visitor}", visitor)
                .replace("{entity}", entity)
                .replace("{reason}", reason),
            format!(
                "{prefix}{}?q={}&funcionario={}&desde={date}&hasta={date}",
                crate::visits::paths::VISITS,
                percent_encode(&alert.supplier_ruc),
                percent_encode(&alert.official)
            ),
        ),
    }
}

/// The review beside an alert, in words.
pub fn review_of(alert: &Alert, locale: Locale) -> (String, String) {
    match &alert.review {
        None => (td_string!(locale, alerts.review.none).to_string(), String::new()),
        Some(review) => (
            review.explanation.clone(),
            td_string!(locale, alerts.review.line)
                .replace("{date}", &utc_to_lima(&review.reviewed_at))
                .replace("{version}", &review.version.to_string()),
        ),
    }
}

/// One alert: its rule, the request, the supplier, the official and how they are tied, the evidence
/// with its link, and the review beside it. `action`: a link for the staff's page.
#[component]
pub fn AlertCard(alert: Alert, #[prop(optional)] action: Option<(String, &'static str)>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let prefix = language_prefix(locale);
    let (evidence, evidence_link) = evidence_of(&alert, locale, &prefix);
    let evidence_label = match alert.evidence {
        Evidence::Declared { .. } => td_string!(locale, alerts.evidence.affidavit),
        Evidence::Visit { .. } => td_string!(locale, alerts.evidence.visits),
    };
    let (review, reviewed) = review_of(&alert, locale);
    let reviewed_class =
        if alert.review.is_some() { "alert-card__review" } else { "alert-card__review alert-card__review--none" };
    let period = (alert.rule == Rule::Visit).then(|| {
        view! {
            <dt>{td_string!(locale, alerts.field.period)}</dt>
            <dd>{format!("{} — {}", alert.from, alert.to)}</dd>
        }
    });
    let tender_link = format!("{prefix}{}?numero={}", crate::procurement::paths::TENDER, alert.tender);
    let official = format!("{} ({}) — {}", alert.official_name, alert.position, alert.tie.label(locale));
    let action = action.map(|(href, label)| view! { <p><a href=href>{label}</a></p> });
    view! {
        <article class="alert-card" data-alert=alert.key.clone() data-rule=alert.rule.code()>
            <h3>{format!("{} — {}", alert.rule.label(locale), alert.tender)}</h3>
            <dl class="facts">
                <dt>{td_string!(locale, alerts.field.tender)}</dt>
                <dd><a href=tender_link>{format!("{} — {}", alert.tender, alert.tender_title)}</a></dd>
                <dt>{td_string!(locale, alerts.field.supplier)}</dt>
                <dd>{format!("{} (RUC {})", alert.supplier_name, alert.supplier_ruc)}</dd>
                <dt>{td_string!(locale, alerts.field.official)}</dt>
                <dd>{official}</dd>
                {period}
                <dt>{td_string!(locale, alerts.field.evidence)}</dt>
                <dd class="alert-card__evidence">{evidence} " " <a href=evidence_link>{evidence_label}</a></dd>
                <dt>{td_string!(locale, alerts.field.review)}</dt>
                <dd class=reviewed_class>
                    <span class="alert-card__explanation">{review}</span>
                    {(!reviewed.is_empty()).then(|| view! { <br /><small>{reviewed}</small> })}
                </dd>
            </dl>
            {action}
        </article>
    }
}

/// The rules, stated: the same words on the public page and the staff's.
#[component]
pub fn AlertRules() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 id="rules">{t!(i18n, alerts.rules_heading)}</h2>
        <ol class="rules">
            <li id="rule-declared"><strong>{t!(i18n, alerts.rule.declared)} ". "</strong>{t!(i18n, alerts.rule_declared)}</li>
            <li id="rule-visit"><strong>{t!(i18n, alerts.rule.visit)} ". "</strong>{t!(i18n, alerts.rule_visit)}</li>
        </ol>
        <p>{t!(i18n, alerts.rules_how)}</p>
    }
}

/// `/integridad/alertas`.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let AlertsView { alerts, tender } = use_context::<AlertsView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let open_data = super::paths::OPEN_DATA;
    let scope = if tender.is_empty() {
        None
    } else {
        Some(view! {
            <p id="alerts-scope">
                {td_string!(locale, alerts.of_tender).replace("{number}", &tender)} " "
                <a href=format!("{prefix}{ALERTS}")>{t!(i18n, alerts.all)}</a>
            </p>
        })
    };
    let count = if alerts.is_empty() {
        td_string!(locale, alerts.none).to_string()
    } else {
        td_string!(locale, alerts.count).replace("{count}", &alerts.len().to_string())
    };
    let query = if tender.is_empty() { String::new() } else { format!("?cotizacion={}", percent_encode(&tender)) };
    let cards = alerts.into_iter().map(|alert| view! { <AlertCard alert /> }).collect_view();
    view! {
        <PageTitle text=move || td_string!(locale, alerts.title) />
        <h1>{t!(i18n, alerts.title)}</h1>
        <p class="lead">{t!(i18n, alerts.lead)}</p>
        <AlertRules />
        <h2 id="alerts">{t!(i18n, alerts.list)}</h2>
        {scope}
        <p id="alert-count">{count}</p>
        {cards}
        <p>
            {t!(i18n, alerts.open_data)} " "
            <a href=format!("{open_data}.csv{query}") rel="external">"CSV"</a> " · "
            <a href=format!("{open_data}.json{query}") rel="external">"JSON"</a>
        </p>
    }
}
