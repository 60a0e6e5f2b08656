//! The neighbour's civil-registry pages: the request form, following a request (paying its fee and
//! downloading its certificate), and `/verificar`. Plain HTML forms.

use super::fields::{FollowProblem, FollowView, RequestFields, RequestProblem, RequestView, VerifyOutcome, VerifyView};
use super::paths::{DOWNLOAD_POST, FOLLOW_POST, PAY_POST, PUBLIC_KEY, REQUEST_POST, VERIFY};
use super::seal::SealError;
use super::{FEE_CENTS, RecordKind, Relationship, Request, RequestState};
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::staff::pages::language_prefix;
use crate::tramites::pages::{ErrorSummary, id_type_label};
use crate::tramites::{IdType, format_code};
use crate::treasury::pages::{PayProblem, cash_code, pay_methods};
use crate::treasury::{Method, PaymentStatus, format_soles};
use crate::ui::field_problems::FieldProblems;
use crate::ui::format::format_day;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

fn request_problem(locale: Locale, problem: RequestProblem) -> String {
    use RequestProblem::*;
    match problem {
        KindMissing => td_string!(locale, civil_registry.problem.kind).into(),
        RecordNumberMissing => td_string!(locale, civil_registry.problem.record_number).into(),
        DateInvalid => td_string!(locale, civil_registry.problem.date).into(),
        IdTypeMissing => td_string!(locale, civil_registry.problem.id_type).into(),
        DniInvalid => td_string!(locale, tramites.problem.dni_invalid).into(),
        CeInvalid => td_string!(locale, tramites.problem.ce_invalid).into(),
        NameMissing => td_string!(locale, tramites.problem.name_missing).into(),
        NameTooLong => td_string!(locale, tramites.problem.name_too_long).into(),
        EmailInvalid => td_string!(locale, tramites.problem.email_invalid).into(),
        RelationshipMissing => td_string!(locale, civil_registry.problem.relationship).into(),
        RecordNotFound => td_string!(locale, civil_registry.problem.not_found).into(),
        Reserved(reserve) => {
            td_string!(locale, civil_registry.problem.reserved).replace("{reason}", reserve.reason(locale))
        }
        TooMany => td_string!(locale, civil_registry.problem.too_many).into(),
    }
}

fn pay_problem(locale: Locale, problem: PayProblem) -> &'static str {
    match problem {
        PayProblem::NothingChosen | PayProblem::NotPayable => td_string!(locale, civil_registry.problem.already_paid),
        PayProblem::MethodMissing => td_string!(locale, treasury.problem.method_missing),
        PayProblem::ProviderDown => td_string!(locale, treasury.problem.provider_down),
        PayProblem::Unavailable => td_string!(locale, treasury.problem.unavailable),
    }
}

/// `/tramites/partidas`: the request form (again with its problems, fields kept).
#[component]
pub fn RequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let RequestView { fields, problems, busy } = use_context::<RequestView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let problems =
        FieldProblems(problems.iter().map(|problem| (problem.field(), request_problem(locale, *problem))).collect());
    let summary = problems.summary();
    let error_of = |field: &'static str| problems.error_of(field);
    let has_error = |field: &'static str| problems.has(field);
    let described = |field: &'static str, hint: bool| problems.described(field, hint);
    let RequestFields { kind, record_number, event_date, id_type, applicant_id, name, email, relationship } = fields;
    let kinds = RecordKind::ALL
        .into_iter()
        .map(|option| {
            let id = format!("kind-{}", option.code());
            view! {
                <div class="radio">
                    <input type="radio" id=id.clone() name="kind" value=option.code() checked=kind == option.code() />
                    <label for=id>{option.label(locale)}</label>
                </div>
            }
        })
        .collect_view();
    let id_options = [IdType::Dni, IdType::Ce]
        .into_iter()
        .map(|option| {
            view! { <option value=option.code() selected=id_type == option.code()>{id_type_label(locale, option)}</option> }
        })
        .collect_view();
    let relationships = Relationship::ALL
        .into_iter()
        .map(|option| {
            view! { <option value=option.code() selected=relationship == option.code()>{option.label(locale)}</option> }
        })
        .collect_view();
    let input = |field: &'static str,
                 label: &'static str,
                 value: String,
                 kind: &'static str,
                 hint: Option<&'static str>| {
        let autocomplete = match field {
            "name" => "name",
            "email" => "email",
            _ => "off",
        };
        view! {
            <div class="form-group" class:form-group--error=has_error(field)>
                <label for=field>{label}</label>
                {hint.map(|hint| view! { <p class="hint" id=format!("{field}-hint")>{hint}</p> })}
                {error_of(field)}
                <input id=field name=field type=kind value=value class="input" autocomplete=autocomplete aria-describedby=described(field, hint.is_some()) />
            </div>
        }
    };
    view! {
        <PageTitle text=move || td_string!(locale, civil_registry.request.title) />
        <h1>{t!(i18n, civil_registry.request.title)}</h1>
        <p class="lead">{t!(i18n, civil_registry.request.lead)}</p>
        <p id="fee">{td_string!(locale, civil_registry.request.fee).replace("{amount}", &format_soles(FEE_CENTS, locale))}</p>
        <p class="notice">{t!(i18n, civil_registry.request.reserve_note)}</p>
        {busy.then(|| view! { <p class="notice" role="alert" id="busy">{t!(i18n, tramites.file.busy)}</p> })}
        <ErrorSummary id="request-errors" problems=summary />
        <form class="staff-form" method="post" action=REQUEST_POST.path() novalidate>
            <input type="hidden" name="prefix" value=prefix />
            <fieldset>
                <legend>{t!(i18n, civil_registry.request.record)}</legend>
                <div class="form-group" class:form-group--error=has_error("kind")>
                    <fieldset id="kind">
                        <legend>{t!(i18n, civil_registry.request.kind)}</legend>
                        {error_of("kind")}
                        {kinds}
                    </fieldset>
                </div>
                {input("record_number", td_string!(locale, civil_registry.request.record_number), record_number, "text", Some(td_string!(locale, civil_registry.request.record_number_hint)))}
                {input("event_date", td_string!(locale, civil_registry.request.event_date), event_date, "date", Some(td_string!(locale, civil_registry.request.event_date_hint)))}
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, civil_registry.request.applicant)}</legend>
                <div class="form-group" class:form-group--error=has_error("id_type")>
                    <label for="id_type">{t!(i18n, tramites.file.id_type)}</label>
                    {error_of("id_type")}
                    <select id="id_type" name="id_type" class="input">
                        <option value="">{t!(i18n, tramites.file.choose)}</option>
                        {id_options}
                    </select>
                </div>
                {input("applicant_id", td_string!(locale, tramites.file.applicant_id), applicant_id, "text", None)}
                {input("name", td_string!(locale, civil_registry.request.applicant_name), name, "text", None)}
                {input("email", td_string!(locale, tramites.file.email), email, "email", None)}
                <div class="form-group" class:form-group--error=has_error("relationship")>
                    <label for="relationship">{t!(i18n, civil_registry.request.relationship)}</label>
                    <p class="hint" id="relationship-hint">{t!(i18n, civil_registry.request.relationship_hint)}</p>
                    {error_of("relationship")}
                    <select id="relationship" name="relationship" class="input" aria-describedby=described("relationship", true)>
                        <option value="">{t!(i18n, tramites.file.choose)}</option>
                        {relationships}
                    </select>
                </div>
            </fieldset>
            <button type="submit" class="button">{t!(i18n, civil_registry.request.send)}</button>
        </form>
    }
}

/// The hidden fields that carry a request's number and code through its page's forms.
fn carried(prefix: String, number: String, code: String) -> impl IntoView {
    view! {
        <input type="hidden" name="prefix" value=prefix />
        <input type="hidden" name="number" value=number />
        <input type="hidden" name="code" value=code />
    }
}

fn request_facts(locale: Locale, request: &Request) -> impl IntoView + use<> {
    let record = &request.record;
    view! {
        <dl class="facts" id="request-facts">
            <dt>{td_string!(locale, civil_registry.follow.number)}</dt>
            <dd id="request-number">{request.number.clone()}</dd>
            <dt>{td_string!(locale, civil_registry.request.kind)}</dt>
            <dd>{record.kind.label(locale)}</dd>
            <dt>{td_string!(locale, civil_registry.request.record_number)}</dt>
            <dd>{record.number.clone()}</dd>
            <dt>{td_string!(locale, civil_registry.request.event_date)}</dt>
            <dd>{format_day(&record.event_date, locale)}</dd>
            <dt>{td_string!(locale, civil_registry.follow.names)}</dt>
            <dd>{record.names.clone()}</dd>
            <dt>{td_string!(locale, civil_registry.follow.applicant)}</dt>
            <dd>{format!("{} ({})", request.applicant_name, request.relationship.label(locale))}</dd>
            <dt>{td_string!(locale, civil_registry.follow.fee)}</dt>
            <dd>{format_soles(request.fee, locale)}</dd>
        </dl>
    }
}

/// `/tramites/partidas/solicitud`: the lookup form, or a request with what can be done next.
#[component]
pub fn FollowPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let data = use_context::<FollowView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let title = move || td_string!(locale, civil_registry.follow.title);
    let Some(request) = data.request.clone() else {
        let summary: Vec<(String, String)> = data
            .problem
            .map(|problem| {
                let text = match problem {
                    FollowProblem::Missing => td_string!(locale, civil_registry.follow.missing),
                    FollowProblem::NotFound => td_string!(locale, civil_registry.follow.not_found),
                    FollowProblem::TooMany => td_string!(locale, civil_registry.problem.too_many),
                };
                ("number".to_string(), text.to_string())
            })
            .into_iter()
            .collect();
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, civil_registry.follow.title)}</h1>
            <p class="lead">{t!(i18n, civil_registry.follow.lead)}</p>
            <ErrorSummary id="follow-errors" problems=summary />
            <form class="staff-form" method="post" action=FOLLOW_POST.path()>
                <input type="hidden" name="prefix" value=prefix />
                <div class="form-group" class:form-group--error=data.problem.is_some()>
                    <label for="number">{t!(i18n, civil_registry.follow.number)}</label>
                    <p class="hint" id="number-hint">{t!(i18n, civil_registry.follow.number_hint)}</p>
                    <input id="number" name="number" type="text" value=data.number.clone() class="input input--receipt" aria-describedby="number-hint" />
                </div>
                <div class="form-group" class:form-group--error=data.problem.is_some()>
                    <label for="code">{t!(i18n, tramites.track.code)}</label>
                    <input id="code" name="code" type="text" autocomplete="off" class="input input--code" />
                </div>
                <button type="submit" class="button">{t!(i18n, civil_registry.follow.open)}</button>
            </form>
        }
        .into_any();
    };
    let state = request.state();
    let created = data.created.then(|| {
        view! {
            <section class="receipt__box printable" aria-labelledby="keep-heading" id="request-receipt">
                <h2 id="keep-heading">{t!(i18n, civil_registry.follow.keep)}</h2>
                <p>{t!(i18n, civil_registry.follow.number)} ": " <strong class="receipt__number" id="receipt-number">{request.number.clone()}</strong></p>
                <p>{t!(i18n, tramites.track.code)} ": " <strong class="receipt__number" id="receipt-code">{format_code(&data.code)}</strong></p>
                <p class="hint">{t!(i18n, civil_registry.follow.keep_hint)}</p>
            </section>
        }
    });
    let pay_errors: Vec<(String, String)> = data
        .pay_problem
        .map(|problem| ("pay".to_string(), pay_problem(locale, problem).to_string()))
        .into_iter()
        .collect();
    let payment = request.payment.clone().filter(|payment| payment.status == PaymentStatus::Pending).map(|payment| {
        let detail = if payment.method == Method::Cash {
            cash_code(locale, &payment).into_any()
        } else {
            view! { <p id="card-pending">{t!(i18n, treasury.pending_card)}</p> }.into_any()
        };
        let href = format!("{prefix}{}?id={}", crate::treasury::paths::PAYMENT, payment.id);
        view! {
            {detail}
            <p><a href=href id="payment-link">{t!(i18n, civil_registry.follow.payment_page)}</a></p>
        }
    });
    let next = match state {
        RequestState::AwaitingPayment => {
            let form = data.payments_on.then(|| {
                view! {
                    <form method="post" action=PAY_POST.path() id="pay">
                        {carried(prefix.clone(), request.number.clone(), data.code.clone())}
                        {pay_methods(locale, td_string!(locale, civil_registry.follow.pay).replace("{amount}", &format_soles(request.fee, locale)))}
                    </form>
                }
            });
            let off =
                (!data.payments_on).then(|| view! { <p class="notice">{t!(i18n, treasury.problem.unavailable)}</p> });
            view! { {payment} {form} {off} }.into_any()
        }
        RequestState::Paid => view! { <p>{t!(i18n, civil_registry.follow.preparing)}</p> }.into_any(),
        RequestState::Issued => {
            let code = request.certificate.as_ref().map(|certificate| certificate.code.clone()).unwrap_or_default();
            let verify = format!("{prefix}{VERIFY}?c={code}");
            view! {
                <form method="post" action=DOWNLOAD_POST.path()>
                    {carried(prefix.clone(), request.number.clone(), data.code.clone())}
                    <input type="hidden" name="language" value=if locale == Locale::en { "en" } else { "es" } />
                    <button type="submit" class="button" id="download">{t!(i18n, civil_registry.follow.download)}</button>
                </form>
                <p>{t!(i18n, civil_registry.follow.seal_code)}</p>
                <p><code class="seal-code" id="seal-code">{code}</code></p>
                <p><a href=verify id="verify-link">{t!(i18n, civil_registry.follow.verify)}</a></p>
            }
            .into_any()
        }
        RequestState::Revoked => {
            let certificate = request.certificate.clone();
            let when = certificate.as_ref().and_then(|c| c.revoked_at.clone()).unwrap_or_default();
            let reason = certificate.and_then(|c| c.revoked_reason).unwrap_or_default();
            view! {
                <p class="notice" id="revoked">
                    {td_string!(locale, civil_registry.follow.revoked).replace("{when}", &when.replace('T', " ").replace('Z', " UTC")).replace("{reason}", &reason)}
                </p>
            }
            .into_any()
        }
    };
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, civil_registry.follow.title)}</h1>
        {created}
        <p class="notice" role="status" id="request-state" data-state=state.code()>{state.label(locale)}</p>
        <ErrorSummary id="pay-errors" problems=pay_errors />
        {request_facts(locale, &request)}
        {next}
        <form method="post" action=FOLLOW_POST.path()>
            {carried(prefix.clone(), request.number.clone(), data.code.clone())}
            <button type="submit" class="button button--secondary" id="refresh">{t!(i18n, civil_registry.follow.refresh)}</button>
        </form>
    }
    .into_any()
}

/// `/verificar`: checks a certificate's code (from its QR or typed), and says how to check offline.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let data = use_context::<VerifyView>().unwrap_or_default();
    let prefix = language_prefix(locale);
    let outcome = data.outcome.clone().map(|outcome| match outcome {
        VerifyOutcome::Invalid(error) => {
            let text = match error {
                SealError::Malformed => td_string!(locale, civil_registry.verify.malformed),
                SealError::BadSignature => td_string!(locale, civil_registry.verify.bad_signature),
            };
            view! { <ErrorSummary id="verify-errors" problems=vec![("c".to_string(), text.to_string())] /> }.into_any()
        }
        VerifyOutcome::Valid(verified) => {
            let super::fields::Verified { data, certificate } = *verified;
            let (class, status, text) = match &certificate {
                Some(certificate) if certificate.revoked_at.is_some() => (
                    "notice notice--danger",
                    "revoked",
                    td_string!(locale, civil_registry.verify.revoked)
                        .replace(
                            "{when}",
                            &certificate.revoked_at.clone().unwrap_or_default().replace('T', " ").replace('Z', " UTC"),
                        )
                        .replace("{reason}", certificate.revoked_reason.as_deref().unwrap_or_default()),
                ),
                Some(_) => {
                    ("notice notice--secure", "valid", td_string!(locale, civil_registry.verify.valid).to_string())
                }
                None => ("notice", "unknown", td_string!(locale, civil_registry.verify.unknown).to_string()),
            };
            view! {
                <p class=class role="status" id="verify-status" data-status=status>{text}</p>
                <dl class="facts" id="certificate-data">
                    <dt>{td_string!(locale, civil_registry.follow.number)}</dt>
                    <dd>{data.number.clone()}</dd>
                    <dt>{td_string!(locale, civil_registry.request.kind)}</dt>
                    <dd>{data.kind.label(locale)}</dd>
                    <dt>{td_string!(locale, civil_registry.request.record_number)}</dt>
                    <dd>{data.record_number.clone()}</dd>
                    <dt>{td_string!(locale, civil_registry.request.event_date)}</dt>
                    <dd>{format_day(&data.event_date, locale)}</dd>
                    <dt>{td_string!(locale, civil_registry.follow.names)}</dt>
                    <dd id="certificate-names">{data.names.clone()}</dd>
                    <dt>{td_string!(locale, civil_registry.verify.issued_on)}</dt>
                    <dd>{format_day(&data.issued_on, locale)}</dd>
                </dl>
            }
            .into_any()
        }
    });
    let key_href = format!("{prefix}{PUBLIC_KEY}");
    view! {
        <PageTitle text=move || td_string!(locale, civil_registry.verify.title) />
        <h1>{t!(i18n, civil_registry.verify.title)}</h1>
        <p class="lead">{t!(i18n, civil_registry.verify.lead)}</p>
        {outcome}
        <form class="staff-form" method="get" action=format!("{prefix}{VERIFY}")>
            <div class="form-group">
                <label for="c">{t!(i18n, civil_registry.verify.code)}</label>
                <p class="hint" id="c-hint">{t!(i18n, civil_registry.verify.code_hint)}</p>
                <textarea id="c" name="c" rows="4" class="input" aria-describedby="c-hint">{data.input.clone()}</textarea>
            </div>
            <button type="submit" class="button">{t!(i18n, civil_registry.verify.check)}</button>
        </form>
        <section aria-labelledby="offline-heading">
            <h2 id="offline-heading">{t!(i18n, civil_registry.verify.offline_heading)}</h2>
            <p>{t!(i18n, civil_registry.verify.offline_lead)}</p>
            <p>
                <a href=key_href rel="external" download="clave-publica.pem" id="public-key-link">{t!(i18n, civil_registry.verify.download_key)}</a>
                " · " {t!(i18n, civil_registry.verify.key_id)} " " <code id="key-id">{data.key_id.clone()}</code>
            </p>
            <pre class="code-block" id="public-key">{data.public_key_pem.clone()}</pre>
            <pre class="code-block">{OFFLINE_STEPS}</pre>
        </section>
    }
}

/// The offline check, with standard tools (coreutils and OpenSSL 3).
pub const OFFLINE_STEPS: &str = "c='…'   # the text after ?c= in the QR\n\
printf '%s' \"${c%%.*}\" | basenc --base64url -d > datos.txt\n\
printf '%s' \"${c#*.}\" | basenc --base64url -d > firma.bin\n\
openssl pkeyutl -verify -pubin -inkey clave-publica.pem -rawin -in datos.txt -sigfile firma.bin\n\
cat datos.txt";
