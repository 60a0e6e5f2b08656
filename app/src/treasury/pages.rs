//! The neighbour's treasury pages: the statement (after the taxpayer code and check value), paying
//! chosen items by card or cash, the payment's page, and the printable receipt. Plain HTML forms.

use super::paths::{PAY_POST, RECEIPT, STATEMENT_POST};
use super::{Method, Payment, PaymentStatus, Statement, StatementLine, format_soles};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::language_prefix;
use crate::tramites::pages::ErrorSummary;
use crate::ui::format::format_day;
use crate::ui::page_title::PageTitle;
use crate::ui::table_scroll::TableScroll;
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementProblem {
    Missing,
    /// No taxpayer has this code with this check value (the same answer for both).
    NotFound,
    TooMany,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayProblem {
    NothingChosen,
    /// An item was paid meanwhile, or is not this taxpayer's.
    NotPayable,
    MethodMissing,
    /// The provider could not be reached; nothing was charged.
    ProviderDown,
    /// Online payment is not configured on this portal.
    Unavailable,
}

/// The statement page: the form, or the statement found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementView {
    pub taxpayer: String,
    pub check: String,
    pub problem: Option<StatementProblem>,
    pub statement: Option<Statement>,
    pub pay_problem: Option<PayProblem>,
    pub chosen: Vec<String>,
    /// Online payment is configured.
    pub payments_on: bool,
}

/// A payment's page, and its receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentView {
    pub payment: Payment,
    pub receipt: bool,
}

/// The choice of card or cash, and the form's button.
pub fn pay_methods(locale: Locale, button: String) -> impl IntoView + use<> {
    view! {
        <fieldset class="pay-methods">
            <legend>{td_string!(locale, treasury.method)}</legend>
            <div class="radio">
                <input type="radio" id="method-card" name="method" value=Method::Card.code() />
                <label for="method-card">{td_string!(locale, treasury.method_card)}</label>
            </div>
            <div class="radio">
                <input type="radio" id="method-cash" name="method" value=Method::Cash.code() />
                <label for="method-cash">{td_string!(locale, treasury.method_cash)}</label>
            </div>
        </fieldset>
        <button type="submit" class="button">{button}</button>
    }
}

/// A pending cash payment's code, how to pay it and until when.
pub fn cash_code(locale: Locale, payment: &Payment) -> impl IntoView + use<> {
    let expires = payment.expires_at.clone().unwrap_or_default().replace('T', " ").replace('Z', " UTC");
    view! {
        <section class="receipt__box" aria-labelledby="cash-heading" id="cash-code">
            <h2 id="cash-heading">{td_string!(locale, treasury.cash_heading)}</h2>
            <p class="receipt__number" id="cip">{payment.cash_code.clone().unwrap_or_default()}</p>
            <p>{td_string!(locale, treasury.cash_how).replace("{amount}", &format_soles(payment.amount, locale))}</p>
            <p id="cash-expires">{td_string!(locale, treasury.cash_expires).replace("{when}", &expires)}</p>
        </section>
    }
}

fn concept_period(locale: Locale, line: &StatementLine) -> String {
    let period = match line.concept {
        super::Concept::Predial => td_string!(locale, treasury.instalment).replace("{n}", &line.period.to_string()),
        _ => td_string!(locale, treasury.period).replace("{n}", &line.period.to_string()),
    };
    format!("{} {} · {period}", line.concept.label(locale), line.year)
}

fn lines_table(locale: Locale, lines: &[StatementLine], choose: Option<&[String]>) -> impl IntoView + use<> {
    let rows = lines
        .iter()
        .map(|line| {
            let id = format!("item-{}", line.id);
            let check = choose.map(|chosen| {
                if line.paid {
                    view! { <td>{td_string!(locale, treasury.paid_mark)}</td> }.into_any()
                } else {
                    view! {
                        <td>
                            <input type="checkbox" name="item" value=line.id.clone() id=id.clone() checked=chosen.contains(&line.id) />
                            <label for=id.clone() class="visually-hidden">{concept_period(locale, line)}</label>
                        </td>
                    }
                    .into_any()
                }
            });
            view! {
                <tr class:row--paid=line.paid>
                    {check}
                    <th scope="row">{concept_period(locale, line)}<br /><span class="hint">{line.property.clone()}</span></th>
                    <td class="nowrap">{format_day(&line.due_on, locale)}</td>
                    <td class="numeric">{format_soles(line.principal, locale)}</td>
                    <td class="numeric">{format_soles(line.adjustment, locale)}</td>
                    <td class="numeric">{format_soles(line.interest, locale)}</td>
                    <td class="numeric">{format_soles(-line.discount, locale)}</td>
                    <td class="numeric"><strong>{format_soles(line.total, locale)}</strong></td>
                </tr>
            }
        })
        .collect_view();
    let choose_heading = choose.map(|_| view! { <th scope="col">{td_string!(locale, treasury.col.pay)}</th> });
    view! {
        <TableScroll label=td_string!(locale, treasury.caption)>
            <table class="data-table statement" id="statement">
                <caption>{td_string!(locale, treasury.caption)}</caption>
                <thead>
                    <tr>
                        {choose_heading}
                        <th scope="col">{td_string!(locale, treasury.col.item)}</th>
                        <th scope="col">{td_string!(locale, treasury.col.due)}</th>
                        <th scope="col" class="numeric">{td_string!(locale, treasury.col.principal)}</th>
                        <th scope="col" class="numeric">{td_string!(locale, treasury.col.adjustment)}</th>
                        <th scope="col" class="numeric">{td_string!(locale, treasury.col.interest)}</th>
                        <th scope="col" class="numeric">{td_string!(locale, treasury.col.discount)}</th>
                        <th scope="col" class="numeric">{td_string!(locale, treasury.col.total)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

/// `/tributos`: the statement.
#[component]
pub fn StatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let data = use_context::<StatementView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let problem_text = data.problem.map(|problem| match problem {
        StatementProblem::Missing => td_string!(locale, treasury.problem.missing),
        StatementProblem::NotFound => td_string!(locale, treasury.problem.not_found),
        StatementProblem::TooMany => td_string!(locale, treasury.problem.too_many),
    });
    let title = move || td_string!(locale, treasury.title);
    let Some(statement) = data.statement.clone() else {
        let summary: Vec<(String, String)> =
            problem_text.map(|text| ("taxpayer".to_string(), text.to_string())).into_iter().collect();
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, treasury.heading)}</h1>
            <p class="lead">{t!(i18n, treasury.lead)}</p>
            <ErrorSummary id="statement-errors" problems=summary />
            <form class="staff-form" method="post" action=STATEMENT_POST.path()>
                <input type="hidden" name="prefix" value=prefix />
                <div class="form-group" class:form-group--error=data.problem.is_some()>
                    <label for="taxpayer">{t!(i18n, treasury.taxpayer)}</label>
                    <p class="hint" id="taxpayer-hint">{t!(i18n, treasury.taxpayer_hint)}</p>
                    <input id="taxpayer" name="taxpayer" type="text" value=data.taxpayer.clone() class="input input--receipt" aria-describedby="taxpayer-hint" />
                </div>
                <div class="form-group" class:form-group--error=data.problem.is_some()>
                    <label for="check">{t!(i18n, treasury.check)}</label>
                    <p class="hint" id="check-hint">{t!(i18n, treasury.check_hint)}</p>
                    <input id="check" name="check" type="text" autocomplete="off" class="input input--code" aria-describedby="check-hint" />
                </div>
                <button type="submit" class="button">{t!(i18n, treasury.open)}</button>
            </form>
        }
        .into_any();
    };
    let pay_problem = data.pay_problem.map(|problem| {
        let text = match problem {
            PayProblem::NothingChosen => td_string!(locale, treasury.problem.nothing_chosen),
            PayProblem::NotPayable => td_string!(locale, treasury.problem.not_payable),
            PayProblem::MethodMissing => td_string!(locale, treasury.problem.method_missing),
            PayProblem::ProviderDown => td_string!(locale, treasury.problem.provider_down),
            PayProblem::Unavailable => td_string!(locale, treasury.problem.unavailable),
        };
        vec![("statement".to_string(), text.to_string())]
    });
    let owed = statement.owed();
    let any_unpaid = statement.lines.iter().any(|line| !line.paid);
    let rate = format!("{},{:02}", statement.monthly_rate_bp / 100, statement.monthly_rate_bp % 100);
    let pay_form =
        (any_unpaid && data.payments_on).then(|| pay_methods(locale, td_string!(locale, treasury.pay).to_string()));
    let unavailable = (any_unpaid && !data.payments_on)
        .then(|| view! { <p class="notice">{t!(i18n, treasury.problem.unavailable)}</p> });
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, treasury.statement_heading)}</h1>
        <p>
            <strong>{statement.name.clone()}</strong> " · " {t!(i18n, treasury.taxpayer)} " " <code>{statement.taxpayer.clone()}</code>
        </p>
        <p id="statement-day">
            {td_string!(locale, treasury.as_of).replace("{day}", &format_day(&statement.on_day, locale)).replace("{rate}", &rate)}
        </p>
        <ErrorSummary id="pay-errors" problems=pay_problem.unwrap_or_default() />
        <form method="post" action=PAY_POST.path()>
            <input type="hidden" name="prefix" value=prefix />
            <input type="hidden" name="taxpayer" value=statement.taxpayer.clone() />
            <input type="hidden" name="check" value=data.check.clone() />
            {lines_table(locale, &statement.lines, Some(&data.chosen))}
            <p id="owed"><strong>{td_string!(locale, treasury.owed).replace("{amount}", &format_soles(owed, locale))}</strong></p>
            {pay_form}
        </form>
        {unavailable}
    }
    .into_any()
}

/// `/tributos/pago?id=…`: where the card checkout returns and where a cash code waits.
#[component]
pub fn PaymentPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let title = move || td_string!(locale, treasury.payment_title);
    let Some(PaymentView { payment, .. }) = use_context::<PaymentView>() else {
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, treasury.payment_title)}</h1>
            <p>{t!(i18n, treasury.payment_unknown)}</p>
        }
        .into_any();
    };
    let prefix = language_prefix(locale);
    let status_line = match payment.status {
        PaymentStatus::Pending if payment.method == Method::Cash => td_string!(locale, treasury.pending_cash),
        PaymentStatus::Pending => td_string!(locale, treasury.pending_card),
        PaymentStatus::Paid => td_string!(locale, treasury.done_paid),
        PaymentStatus::Duplicate | PaymentStatus::Refunded => td_string!(locale, treasury.done_duplicate),
        PaymentStatus::Declined => td_string!(locale, treasury.done_declined),
        PaymentStatus::Expired => td_string!(locale, treasury.done_expired),
        PaymentStatus::Failed => td_string!(locale, treasury.problem.provider_down),
    };
    let cash = (payment.method == Method::Cash && payment.status == PaymentStatus::Pending)
        .then(|| cash_code(locale, &payment));
    let receipt = (payment.status == PaymentStatus::Paid).then(|| {
        let href = format!("{prefix}{RECEIPT}?id={}", payment.id);
        view! { <p><a class="button" href=href>{t!(i18n, treasury.see_receipt)}</a></p> }
    });
    let refresh = (payment.status == PaymentStatus::Pending).then(|| {
        let href = format!("{prefix}{}?id={}", super::paths::PAYMENT, payment.id);
        view! { <p><a href=href id="refresh">{t!(i18n, treasury.refresh)}</a></p> }
    });
    let notice_class = if payment.status == PaymentStatus::Paid { "notice notice--secure" } else { "notice" };
    let fee_for = fee_line(locale, &payment);
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, treasury.payment_title)}</h1>
        <p class=notice_class role="status" id="payment-status" data-status=payment.status.code()>{status_line}</p>
        <p>{td_string!(locale, treasury.amount).replace("{amount}", &format_soles(payment.amount, locale))}</p>
        {cash}
        {receipt}
        {refresh}
        {fee_for}
        {(!payment.items.is_empty()).then(|| lines_table(locale, &payment.items, None))}
    }
    .into_any()
}

/// What a certificate's fee pays for, in place of a statement's lines.
fn fee_line(locale: Locale, payment: &Payment) -> Option<impl IntoView + use<>> {
    payment.request.as_ref().map(|number| {
        let text = td_string!(locale, civil_registry.follow.fee_for).replace("{number}", number);
        view! { <p id="payment-for">{text}</p> }
    })
}

/// `/tributos/recibo?id=…`: the printable receipt of a paid payment, with its verification code.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let title = move || td_string!(locale, treasury.receipt_title);
    let paid =
        use_context::<PaymentView>().map(|view| view.payment).filter(|payment| payment.status == PaymentStatus::Paid);
    let Some(payment) = paid else {
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, treasury.receipt_title)}</h1>
            <p>{t!(i18n, treasury.payment_unknown)}</p>
        }
        .into_any();
    };
    let paid_at = payment.paid_at.clone().unwrap_or_default();
    let language = match locale {
        Locale::es_PE => "es",
        Locale::en => "en",
    };
    let pdf = format!("{}?id={}&idioma={language}", super::paths::RECEIPT_PDF, payment.id);
    view! {
        <PageTitle text=title />
        <section class="receipt__box printable" aria-labelledby="receipt-heading" id="payment-receipt">
            <p>{t!(i18n, common.site.municipality)}</p>
            <h1 id="receipt-heading">{t!(i18n, treasury.receipt_title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, treasury.receipt_code)}</dt>
                <dd class="receipt__number" id="receipt-code">{crate::tramites::format_code(&payment.receipt_code.clone().unwrap_or_default())}</dd>
                <dt>{if payment.request.is_some() { td_string!(locale, civil_registry.follow.number) } else { td_string!(locale, treasury.taxpayer) }}</dt>
                <dd>{payment.payer().to_string()}</dd>
                <dt>{t!(i18n, treasury.paid_on)}</dt>
                <dd>{paid_at.replace('T', " ").replace('Z', " UTC")}</dd>
                <dt>{t!(i18n, treasury.method)}</dt>
                <dd>{match payment.method { Method::Card => td_string!(locale, treasury.method_card), Method::Cash => td_string!(locale, treasury.method_cash) }}</dd>
                <dt>{t!(i18n, treasury.total_paid)}</dt>
                <dd id="receipt-amount"><strong>{format_soles(payment.amount, locale)}</strong></dd>
            </dl>
            {fee_line(locale, &payment)}
            {(!payment.items.is_empty()).then(|| lines_table(locale, &payment.items, None))}
        </section>
        <p>
            <a href=pdf rel="external" download="">{t!(i18n, treasury.download_pdf)}</a>
        </p>
    }
    .into_any()
}
