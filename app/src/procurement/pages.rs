//! The public pages of requests for quotation: the list, one request (items, deadline by the server's
//! clock, the key's recipient; after the deadline the bids' hashes and files; after the opening the
//! comparison table, the award and the key), and the bid page (an island: the page says why it needs
//! JavaScript).

use super::island::BidIsland;
use super::paths::{BID, FILES, TENDER, TENDERS};
use super::{Bid, BidSettings, Stage, Tender};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::participation::fields::utc_to_lima;
use crate::staff::pages::language_prefix;
use crate::treasury::format_soles;
use crate::ui::islands::{Bundle, IslandHost};
use crate::ui::page_title::{PageTitle, PageTitleText};
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TendersView {
    pub tenders: Vec<Tender>,
    pub now: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TenderView {
    pub tender: Option<Tender>,
    pub now: String,
    /// After the deadline only.
    pub bids: Vec<Bid>,
    /// The committee's names, by official id.
    pub committee: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BidView {
    pub tender: Option<Tender>,
    pub now: String,
    pub max_bid_bytes: u64,
}

pub fn stage_label(locale: Locale, stage: Stage) -> &'static str {
    match stage {
        Stage::Open => td_string!(locale, procurement.stage.open),
        Stage::Closed => td_string!(locale, procurement.stage.closed),
        Stage::Opened => td_string!(locale, procurement.stage.opened),
    }
}

/// `/integridad/cotizaciones`.
#[component]
pub fn TendersPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let TendersView { tenders, now } = use_context::<TendersView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let rows = tenders
        .iter()
        .map(|tender| {
            view! {
                <tr>
                    <th scope="row"><a href=format!("{prefix}{TENDER}?numero={}", tender.number)>{tender.number.clone()}</a></th>
                    <td>{tender.title.clone()}</td>
                    <td>{tender.area.clone()}</td>
                    <td class="num">{format_soles(tender.estimated_cents, locale)}</td>
                    <td class="nowrap">{utc_to_lima(&tender.deadline)}</td>
                    <td>{stage_label(locale, tender.stage(&now))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=move || td_string!(locale, procurement.list.title) />
        <h1>{t!(i18n, procurement.list.title)}</h1>
        <p class="lead">{t!(i18n, procurement.list.lead)}</p>
        <p>{t!(i18n, procurement.list.sealed)}</p>
        <TableScroll label=td_string!(locale, procurement.list.title)>
            <table class="data-table" id="tenders-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, procurement.tender.number)}</th>
                        <th scope="col">{t!(i18n, procurement.tender.title)}</th>
                        <th scope="col">{t!(i18n, procurement.tender.area)}</th>
                        <th scope="col" class="num">{t!(i18n, procurement.tender.estimated)}</th>
                        <th scope="col">{t!(i18n, procurement.tender.deadline)}</th>
                        <th scope="col">{t!(i18n, procurement.tender.stage)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn TenderMissing() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <PageTitle text=move || td_string!(locale, procurement.missing) />
        <h1>{t!(i18n, procurement.missing)}</h1>
        <p><a href=format!("{}{TENDERS}", language_prefix(locale))>{t!(i18n, procurement.list.title)}</a></p>
    }
}

/// `/integridad/cotizacion?numero=…`.
#[component]
pub fn TenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let TenderView { tender, now, bids, committee } = use_context::<TenderView>().unwrap_or_default();
    let Some(tender) = tender else { return view! { <TenderMissing /> }.into_any() };
    let prefix = language_prefix(locale);
    let stage = tender.stage(&now);
    let items = tender
        .items
        .iter()
        .map(|item| {
            view! {
                <tr>
                    <td class="num">{item.position.to_string()}</td>
                    <td>{item.description.clone()}</td>
                    <td class="num">{item.quantity.to_string()}</td>
                    <td>{item.unit.clone()}</td>
                    <td>{item.specification.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let deadline = td_string!(locale, procurement.tender.deadline_line)
        .replace("{deadline}", &utc_to_lima(&tender.deadline))
        .replace("{now}", &utc_to_lima(&now));
    let number = tender.number.clone();
    let action = match stage {
        Stage::Open => view! {
            <p><a class="button" id="bid-link" href=format!("{prefix}{BID}?numero={number}")>{t!(i18n, procurement.tender.bid)}</a></p>
        }
        .into_any(),
        _ => view! { <p class="notice" id="deadline-passed">{t!(i18n, procurement.tender.closed)}</p> }.into_any(),
    };
    let hashes = (stage != Stage::Open).then(|| {
        let rows = bids
            .iter()
            .map(|bid| {
                view! {
                    <tr>
                        <td><code class="hash">{bid.sha256.clone()}</code></td>
                        <td>{bid.supplier_ruc.clone()}</td>
                        <td>{bid.supplier_name.clone()}</td>
                        <td class="num">{bid.size.to_string()}</td>
                        <td><a href=format!("{FILES}/{number}/{}.age", bid.sha256) rel="external" download="">{t!(i18n, procurement.tender.ciphertext)}</a></td>
                    </tr>
                }
            })
            .collect_view();
        let count = td_string!(locale, procurement.tender.bid_count).replace("{count}", &bids.len().to_string());
        view! {
            <h2 id="bids">{t!(i18n, procurement.tender.bids)}</h2>
            <p id="bid-count">{count}</p>
            <p>
                {t!(i18n, procurement.tender.hash_list)} " "
                <a href=format!("{FILES}/{number}/sha256.txt") rel="external" download="">"sha256.txt"</a>
            </p>
            <TableScroll label=td_string!(locale, procurement.tender.bids)>
                <table class="data-table" id="bids-table">
                    <thead>
                        <tr>
                            <th scope="col">"SHA-256"</th>
                            <th scope="col">"RUC"</th>
                            <th scope="col">{t!(i18n, procurement.bid.supplier)}</th>
                            <th scope="col" class="num">{t!(i18n, procurement.tender.bytes)}</th>
                            <th scope="col">{t!(i18n, procurement.tender.file)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
        }
    });
    let opening = tender.opening.clone().map(|opening| {
        let award = td_string!(locale, procurement.tender.award_line)
            .replace("{name}", &opening.award_name)
            .replace("{ruc}", &opening.award_ruc)
            .replace("{amount}", &format_soles(opening.award_cents, locale));
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(opening.comparison.as_bytes());
        let headings = reader
            .headers()
            .map(|h| h.iter().map(|cell| view! { <th scope="col">{cell.to_string()}</th> }).collect_view())
            .ok();
        let rows = reader
            .records()
            .filter_map(Result::ok)
            .map(|record| {
                let cells = record.iter().map(|cell| view! { <td>{cell.to_string()}</td> }).collect_view();
                view! { <tr>{cells}</tr> }
            })
            .collect_view();
        view! {
            <h2 id="opening">{t!(i18n, procurement.tender.opening)}</h2>
            <p id="award">{award}</p>
            <p id="award-reasons">{opening.award_reasons.clone()}</p>
            <TableScroll label=td_string!(locale, procurement.tender.comparison)>
                <table class="data-table" id="comparison-table">
                    <thead><tr>{headings}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </TableScroll>
            <h3 id="key">{t!(i18n, procurement.tender.key)}</h3>
            <p>{t!(i18n, procurement.tender.key_lead)}</p>
            <pre class="key-block" id="tender-key">{opening.secret_key.clone()}</pre>
            <pre class="key-block">"age -d -i clave.txt <sha256>.age"</pre>
        }
    });
    let title = format!("{} — {}", tender.number, tender.title);
    let heading = title.clone();
    view! {
        <PageTitleText text=title />
        <h1>{heading}</h1>
        <p class="lead">{format!("{} · {} · {}", tender.area, format_soles(tender.estimated_cents, locale), stage_label(locale, stage))}</p>
        <p id="deadline">{deadline}</p>
        {action}
        <h2 id="items">{t!(i18n, procurement.tender.items)}</h2>
        <TableScroll label=td_string!(locale, procurement.tender.items)>
            <table class="data-table" id="items-table">
                <thead>
                    <tr>
                        <th scope="col" class="num">"N.°"</th>
                        <th scope="col">{t!(i18n, procurement.tender.description)}</th>
                        <th scope="col" class="num">{t!(i18n, procurement.tender.quantity)}</th>
                        <th scope="col">{t!(i18n, procurement.tender.unit)}</th>
                        <th scope="col">{t!(i18n, procurement.tender.specification)}</th>
                    </tr>
                </thead>
                <tbody>{items}</tbody>
            </table>
        </TableScroll>
        <h2 id="sealing">{t!(i18n, procurement.tender.sealing)}</h2>
        <p>{td_string!(locale, procurement.tender.sealing_lead).replace("{k}", &tender.threshold.to_string()).replace("{n}", &tender.committee.len().to_string())}</p>
        <p>{t!(i18n, procurement.tender.committee)} " " {committee.join(", ")}</p>
        <pre class="key-block" id="recipient">{tender.recipient.clone()}</pre>
        {hashes}
        {opening}
        {(stage != Stage::Open).then(|| view! {
            <p><a id="tender-alerts" href=format!("{prefix}{}?cotizacion={number}", crate::alerts::paths::ALERTS)>{t!(i18n, procurement.tender.alerts)}</a></p>
        })}
        <p><a href=format!("{FILES}/{}.json", tender.number) rel="external">{t!(i18n, procurement.tender.ocds)}</a></p>
    }
    .into_any()
}

/// `/integridad/cotizacion/ofertar?numero=…`.
#[component]
pub fn BidPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let default_locale = use_context::<crate::locale::DefaultLocale>().unwrap_or_default().0;
    let BidView { tender, now, max_bid_bytes } = use_context::<BidView>().unwrap_or_default();
    let Some(tender) = tender else { return view! { <TenderMissing /> }.into_any() };
    let prefix = language_prefix(locale);
    let title = td_string!(locale, procurement.bid.title).replace("{number}", &tender.number);
    let heading = title.clone();
    let body = if tender.stage(&now) == Stage::Open {
        let settings = BidSettings {
            tender: tender.number.clone(),
            recipient: tender.recipient.clone(),
            deadline: tender.deadline.clone(),
            items: tender.items.clone(),
            max_bid_bytes,
        };
        view! {
            <IslandHost bundle=Bundle::Procurement>
                <BidIsland locale default_locale settings />
            </IslandHost>
        }
        .into_any()
    } else {
        view! { <p class="notice" id="deadline-passed">{t!(i18n, procurement.tender.closed)}</p> }.into_any()
    };
    view! {
        <PageTitleText text=title />
        <h1>{heading}</h1>
        <p class="lead">{tender.title.clone()}</p>
        <p>{td_string!(locale, procurement.tender.deadline_line).replace("{deadline}", &utc_to_lima(&tender.deadline)).replace("{now}", &utc_to_lima(&now))}</p>
        <p>{t!(i18n, procurement.bid.why_script)}</p>
        {body}
        <p><a href=format!("{prefix}{TENDER}?numero={}", tender.number)>{t!(i18n, procurement.bid.back)}</a></p>
    }
    .into_any()
}
