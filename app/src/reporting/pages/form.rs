//! `/denuncia/formulario`: the report form, and the receipt once the report is stored.
//!
//! One form serves both paths. It is a plain HTML form posting to `/denuncia/enviar` (the server
//! encrypts). Once the WebAssembly has hydrated the page, submitting runs [`crate::reporting::submit`]
//! instead: everything is encrypted here and only ciphertext is uploaded. The notice at the top always
//! says which path is in use. Errors follow the GOV.UK pattern: a summary linking to each field, the
//! message beside the field, and every typed value kept.

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::platform::text::percent_encode;
use crate::reporting::form::{
    FORM_TICKET_FIELD, Field, FieldProblem, MAX_DESCRIPTION_CHARS, Problem, ReportFields, ReportSettings,
    SubmissionOutcome,
};
use crate::ui::format::{format_count, format_day, format_size};
use crate::ui::islands::IslandContext;
use crate::ui::page_link::use_localized_path;
use envelope::report::Category;
use leptos::prelude::*;

/// A stored report, as the confirmation shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Receipted {
    receipt: String,
    received_on: String,
    encrypted_on_server: bool,
}

/// The page: its title, and the form as an island with everything it needs from the server.
#[cfg(feature = "ssr")]
#[component]
pub fn ReportFormPage() -> impl IntoView {
    use crate::reporting::form::FormTicketSource;
    use crate::ui::islands::{Bundle, IslandHost};
    use crate::ui::page_title::PageTitle;
    let i18n = use_i18n();
    let settings = use_context::<ReportSettings>().unwrap_or_default();
    let outcome = use_context::<SubmissionOutcome>();
    let receipted = matches!(outcome, Some(SubmissionOutcome::Accepted { .. }));
    let form_ticket = use_context::<FormTicketSource>().map(|source| (source.0)()).unwrap_or_default();
    let default_locale = use_context::<crate::locale::DefaultLocale>().unwrap_or_default().0;
    let locale = i18n.get_locale_untracked();
    let parameter = crate::reporting::paths::RELOADED_PARAMETER;
    let reloaded = leptos_router::hooks::use_query_map().with_untracked(|query| query.get(parameter).is_some());
    view! {
        <PageTitle text=move || {
            if receipted { t_string!(i18n, reporting.receipt.title) } else { t_string!(i18n, reporting.report_form.title) }
        } />
        {reloaded.then(|| view! {
            <p class="notice notice--warning" role="status" id="form-reloaded">{t!(i18n, reporting.report_form.reloaded)}</p>
        })}
        <IslandHost bundle=Bundle::ReportForm>
            <ReportFormIsland locale default_locale settings outcome form_ticket />
        </IslandHost>
    }
}

/// The form, or the receipt once the report is stored. Rendered by the server (the plain form that
/// works without JavaScript, with the outcome of a plain post) and hydrated by the `report-form`
/// bundle, which then encrypts in the browser.
#[island]
fn ReportFormIsland(
    locale: Locale,
    default_locale: Locale,
    settings: ReportSettings,
    outcome: Option<SubmissionOutcome>,
    form_ticket: String,
) -> impl IntoView {
    view! {
        <IslandContext locale default_locale>
            <FormOrReceipt settings=settings.clone() outcome=outcome.clone() form_ticket=form_ticket.clone() />
        </IslandContext>
    }
}

#[component]
fn FormOrReceipt(settings: ReportSettings, outcome: Option<SubmissionOutcome>, form_ticket: String) -> impl IntoView {
    // After a refused plain form post the typed fields come back, but no server can put files back
    // into a file input: `files_lost` says so.
    let (initial_problems, prefill, files_lost, initial_receipt) = match outcome {
        Some(SubmissionOutcome::Refused { problems, fields: Some(fields) }) => {
            let files_lost = fields.files_chosen > 0;
            (problems, *fields, files_lost, None)
        }
        Some(SubmissionOutcome::Refused { problems, fields: None }) => (problems, ReportFields::default(), false, None),
        Some(SubmissionOutcome::Accepted { received_on, receipt: Some(receipt) }) => {
            let receipted = Receipted { receipt, received_on, encrypted_on_server: true };
            (Vec::new(), ReportFields::default(), false, Some(receipted))
        }
        _ => (Vec::new(), ReportFields::default(), false, None),
    };
    let problems = RwSignal::new(initial_problems);
    let receipted = RwSignal::new(initial_receipt);
    retitle_on_receipt(receipted);

    view! {
        {move || match receipted.get() {
            Some(receipted) => view! { <ReceiptPanel receipted /> }.into_any(),
            None => {
                view! {
                    <ReportForm
                        settings=settings.clone()
                        prefill=prefill.clone()
                        problems
                        receipted
                        files_lost
                        form_ticket=form_ticket.clone()
                    />
                }
                    .into_any()
            }
        }}
    }
}

/// The document's title follows the page to the receipt (the server titles a plain post's receipt).
#[cfg(feature = "hydrate")]
fn retitle_on_receipt(receipted: RwSignal<Option<Receipted>>) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        if receipted.with(Option::is_some) {
            let title = format!("{} · {}", t_string!(i18n, reporting.receipt.title), t_string!(i18n, common.site.name));
            document().set_title(&title);
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn retitle_on_receipt(_: RwSignal<Option<Receipted>>) {}

/// Where a submission in the browser is, for the progress bar and its live text.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Working {
    Idle,
    Receipt,
    Encrypting(f64),
    ProofOfWork,
    Uploading(f64),
}

#[component]
fn ReportForm(
    settings: ReportSettings,
    prefill: ReportFields,
    problems: RwSignal<Vec<FieldProblem>>,
    receipted: RwSignal<Option<Receipted>>,
    files_lost: bool,
    form_ticket: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = use_localized_path(crate::reporting::paths::PLAIN_SUBMIT);
    // True once the WebAssembly runs this component: only then can the browser encrypt.
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    // Characters written in the description, for the count beside it.
    let written = RwSignal::new(prefill.description.chars().count());
    let working = RwSignal::new(Working::Idle);
    let summary_ref = NodeRef::<leptos::html::Div>::new();
    let errors = FormErrors { problems, settings: StoredValue::new(settings.clone()) };
    let language = crate::locale::language_tag(i18n.get_locale_untracked());
    let on_submit = {
        let settings = settings.clone();
        move |event: leptos::ev::SubmitEvent| {
            let parts = Submission { working, problems, receipted, summary_ref };
            start_submission(event, settings.clone(), language, parts);
        }
    };

    let attachments_hint = t_string!(
        i18n,
        reporting.report_form.attachments_hint,
        count = settings.max_attachments,
        size = format_size(settings.max_attachment_bytes)
    )
    .to_string();
    let lives = prefill.lives_in_district.clone();

    view! {
        <h1>{t!(i18n, reporting.report_form.heading)}</h1>
        <p class="notice" class:notice--secure=move || interactive.get() id="encryption-mode">
            {move || {
                if interactive.get() {
                    t_string!(i18n, reporting.report_form.mode_browser)
                } else {
                    t_string!(i18n, reporting.report_form.mode_server)
                }
            }}
        </p>
        <div
            class="error-summary"
            role="alert"
            tabindex="-1"
            node_ref=summary_ref
            hidden=move || problems.get().is_empty()
        >
            <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
            <ul>
                {
                    move || {
                        problems
                            .get()
                            .into_iter()
                            .map(|problem| {
                                let text = errors.text(problem.problem);
                                match problem.field {
                                    Some(field) => {
                                        view! {
                                            <li>
                                                <a href=format!("#{}", field.input_id()) target="_self">{text}</a>
                                            </li>
                                        }
                                            .into_any()
                                    }
                                    None => view! { <li>{text}</li> }.into_any(),
                                }
                            })
                            .collect_view()
                    }
                }
            </ul>
            {files_lost.then(|| view! { <p>{t!(i18n, reporting.report_form.files_again)}</p> })}
        </div>
        <form
            class="report-form"
            method="post"
            action=action
            enctype="multipart/form-data"
            novalidate
            on:submit=on_submit
        >
            <input type="hidden" name=FORM_TICKET_FIELD value=form_ticket />
            <div class="form-group" class:form-group--error=move || errors.invalid(Field::Description)>
                <label for="description">{t!(i18n, reporting.report_form.description)}</label>
                <p class="hint" id="description-hint">{t!(i18n, reporting.report_form.description_hint)}</p>
                <ErrorLine errors field=Field::Description />
                <textarea
                    id="description"
                    name="description"
                    rows="8"
                    aria-describedby=move || {
                        let count = if interactive.get() { " description-count" } else { "" };
                        errors.described_by(Field::Description, true).map(|ids| format!("{ids}{count}"))
                    }
                    aria-invalid=move || errors.invalid(Field::Description).then_some("true")
                    on:input=move |event| written.set(event_target_value(&event).chars().count())
                >
                    {prefill.description.clone()}
                </textarea>
                // Once the page is interactive, the limit counts down as the reporter writes.
                <p class="hint" id="description-count" hidden=move || !interactive.get()>
                    {move || {
                        let (written, locale) = (written.get(), i18n.get_locale_untracked());
                        if written <= MAX_DESCRIPTION_CHARS {
                            let count = format_count((MAX_DESCRIPTION_CHARS - written) as u64, locale);
                            t_string!(i18n, reporting.report_form.description_left, count).to_string()
                        } else {
                            let count = format_count((written - MAX_DESCRIPTION_CHARS) as u64, locale);
                            t_string!(i18n, reporting.report_form.description_over, count).to_string()
                        }
                    }}
                </p>
            </div>
            <div class="form-group" class:form-group--error=move || errors.invalid(Field::Category)>
                <label for="category">{t!(i18n, reporting.report_form.category)}</label>
                <ErrorLine errors field=Field::Category />
                <select
                    id="category"
                    name="category"
                    aria-describedby=move || errors.described_by(Field::Category, false)
                    aria-invalid=move || errors.invalid(Field::Category).then_some("true")
                >
                    <option value="">{t!(i18n, reporting.report_form.category_choose)}</option>
                    {Category::ALL
                        .into_iter()
                        .map(|category| {
                            view! {
                                <option value=category.as_str() selected=prefill.category == category.as_str()>
                                    {crate::reporting::form::category_label(i18n.get_locale(), category)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <TextField
                field=Field::Involved
                label=t_string!(i18n, reporting.report_form.involved)
                value=prefill.involved.clone()
                errors
                hint=None
            />
            <TextField
                field=Field::Place
                label=t_string!(i18n, reporting.report_form.place)
                value=prefill.place.clone()
                errors
                hint=None
            />
            <TextField
                field=Field::ApproximateDate
                label=t_string!(i18n, reporting.report_form.approximate_date)
                value=prefill.approximate_date.clone()
                errors
                hint=Some(t_string!(i18n, reporting.report_form.approximate_date_hint).to_string())
            />
            <div class="form-group" class:form-group--error=move || errors.invalid(Field::Attachments)>
                <label for="attachments">{t!(i18n, reporting.report_form.attachments)}</label>
                <p class="hint" id="attachments-hint">{attachments_hint}</p>
                <ErrorLine errors field=Field::Attachments />
                <input
                    type="file"
                    id="attachments"
                    name="attachments"
                    multiple
                    aria-describedby=move || errors.described_by(Field::Attachments, true)
                    aria-invalid=move || errors.invalid(Field::Attachments).then_some("true")
                />
            </div>
            <fieldset class="form-group identity">
                <legend>{t!(i18n, reporting.report_form.identity_heading)}</legend>
                <p class="hint" id="identity-hint">{t!(i18n, reporting.report_form.identity_hint)}</p>
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id="share_identity"
                        name="share_identity"
                        value="yes"
                        checked=prefill.share_identity
                        aria-describedby="identity-hint"
                    />
                    <label for="share_identity">{t!(i18n, reporting.report_form.share_identity)}</label>
                </div>
                <TextField
                    field=Field::Names
                    label=t_string!(i18n, reporting.report_form.names)
                    value=prefill.names.clone()
                    errors
                    hint=None
                    autocomplete="given-name"
                />
                <TextField
                    field=Field::Surnames
                    label=t_string!(i18n, reporting.report_form.surnames)
                    value=prefill.surnames.clone()
                    errors
                    hint=None
                    autocomplete="family-name"
                />
                <TextField
                    field=Field::Phone
                    label=t_string!(i18n, reporting.report_form.phone)
                    value=prefill.phone.clone()
                    errors
                    hint=None
                    input_type="tel"
                    autocomplete="tel"
                />
                <TextField
                    field=Field::Email
                    label=t_string!(i18n, reporting.report_form.email)
                    value=prefill.email.clone()
                    errors
                    hint=None
                    input_type="email"
                    autocomplete="email"
                />
                <fieldset class="radios">
                    <legend>{t!(i18n, reporting.report_form.lives_in_district)}</legend>
                    <div class="radio">
                        <input type="radio" id="lives-yes" name="lives_in_district" value="yes" checked=lives == "yes" />
                        <label for="lives-yes">{t!(i18n, reporting.report_form.lives_yes)}</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="lives-no" name="lives_in_district" value="no" checked=lives == "no" />
                        <label for="lives-no">{t!(i18n, reporting.report_form.lives_no)}</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="lives-unsaid" name="lives_in_district" value="" checked=lives.is_empty() />
                        <label for="lives-unsaid">{t!(i18n, reporting.report_form.lives_unsaid)}</label>
                    </div>
                </fieldset>
            </fieldset>
            <button type="submit" class="button" aria-disabled=move || (working.get() != Working::Idle).then_some("true")>
                {t!(i18n, reporting.report_form.submit)}
            </button>
            <div class="progress" hidden=move || working.get() == Working::Idle>
                <p role="status" aria-live="polite">
                    {move || match working.get() {
                        Working::Idle => "",
                        Working::Receipt => t_string!(i18n, reporting.report_form.stage_receipt),
                        Working::Encrypting(_) => t_string!(i18n, reporting.report_form.stage_encrypting),
                        Working::ProofOfWork => t_string!(i18n, reporting.report_form.stage_proof),
                        Working::Uploading(_) => t_string!(i18n, reporting.report_form.stage_uploading),
                    }}
                </p>
                <progress
                    max="100"
                    aria-label=move || t_string!(i18n, reporting.report_form.progress_label)
                    value=move || match working.get() {
                        Working::Encrypting(f) | Working::Uploading(f) => Some(format!("{:.0}", f * 100.0)),
                        _ => None,
                    }
                ></progress>
                <p class="hint">{t!(i18n, reporting.report_form.working)}</p>
            </div>
        </form>
    }
}

/// The form's signals that a submission in the browser updates.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Submission {
    working: RwSignal<Working>,
    problems: RwSignal<Vec<FieldProblem>>,
    receipted: RwSignal<Option<Receipted>>,
    summary_ref: NodeRef<leptos::html::Div>,
}

/// Takes over the form's submission once hydrated: encrypts in the browser and uploads ciphertext.
#[cfg(feature = "hydrate")]
fn start_submission(
    event: leptos::ev::SubmitEvent,
    settings: ReportSettings,
    language: &'static str,
    parts: Submission,
) {
    use crate::reporting::submit::Stage;
    use wasm_bindgen::JsCast;
    event.prevent_default();
    let Submission { working, problems, receipted, summary_ref } = parts;
    if working.get_untracked() != Working::Idle {
        return;
    }
    let Some(form) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let stage = move |stage: Stage| {
            working.set(match stage {
                Stage::Receipt => Working::Receipt,
                Stage::Encrypting(f) => Working::Encrypting(f),
                Stage::ProofOfWork => Working::ProofOfWork,
                Stage::Uploading(f) => Working::Uploading(f),
            })
        };
        working.set(Working::Receipt);
        let result = crate::reporting::submit::submit(form, settings, language, stage).await;
        working.set(Working::Idle);
        match result {
            Ok(accepted) => {
                problems.set(Vec::new());
                receipted.set(Some(Receipted {
                    receipt: accepted.receipt,
                    received_on: accepted.received_on,
                    encrypted_on_server: false,
                }));
                if let Some(window) = web_sys::window() {
                    window.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            Err(refused) => {
                problems.set(refused);
                // The summary is unhidden by the next render; focus it once it is visible.
                request_animation_frame(move || {
                    if let Some(summary) = summary_ref.get_untracked() {
                        let _ = summary.focus();
                    }
                });
            }
        }
    });
}

/// On the server the form is a plain HTML form; nothing to take over.
#[cfg(not(feature = "hydrate"))]
fn start_submission(
    _event: leptos::ev::SubmitEvent,
    _settings: ReportSettings,
    _language: &'static str,
    _parts: Submission,
) {
}

/// The form's problems and how to word them, shared by every field.
#[derive(Clone, Copy)]
struct FormErrors {
    problems: RwSignal<Vec<FieldProblem>>,
    settings: StoredValue<ReportSettings>,
}

impl FormErrors {
    fn invalid(self, field: Field) -> bool {
        self.problems.with(|problems| problems.iter().any(|p| p.field == Some(field)))
    }

    fn text(self, problem: Problem) -> String {
        self.settings.with_value(|settings| problem.message(use_i18n(), settings))
    }

    fn message(self, field: Field) -> Option<String> {
        let problem = self.problems.with(|problems| problems.iter().find(|p| p.field == Some(field)).copied())?;
        Some(self.text(problem.problem))
    }

    /// The ids that describe an input: its hint, and its error when it has one.
    fn described_by(self, field: Field, hint: bool) -> Option<String> {
        let id = field.input_id();
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{id}-hint"));
        }
        if self.invalid(field) {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A field's error message, shown above its input (GOV.UK pattern).
#[component]
fn ErrorLine(errors: FormErrors, field: Field) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        errors.message(field).map(|text| {
            view! {
                <p class="field-error" id=format!("{}-error", field.input_id())>
                    <span class="visually-hidden">{t!(i18n, common.form.error_prefix)} " "</span>
                    {text}
                </p>
            }
        })
    }
}

/// A labelled single-line input with its error line.
#[component]
fn TextField(
    field: Field,
    label: &'static str,
    value: String,
    errors: FormErrors,
    hint: Option<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let id = field.input_id();
    let has_hint = hint.is_some();
    view! {
        <div class="form-group" class:form-group--error=move || errors.invalid(field)>
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <ErrorLine errors field />
            <input
                type=input_type
                id=id
                name=id
                value=value
                autocomplete=autocomplete
                aria-describedby=move || errors.described_by(field, has_hint)
                aria-invalid=move || errors.invalid(field).then_some("true")
            />
        </div>
    }
}

/// The receipt, shown once: copy, download, print, and what happens next.
#[component]
fn ReceiptPanel(receipted: Receipted) -> impl IntoView {
    let i18n = use_i18n();
    let day = format_day(&receipted.received_on, i18n.get_locale_untracked());
    let file_text =
        t_string!(i18n, reporting.receipt.file_text, receipt = receipted.receipt.clone(), date = day.clone())
            .to_string();
    let download_href = format!("data:text/plain;charset=utf-8,{}", percent_encode(&file_text));
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let copied = RwSignal::new(false);
    let receipt_for_copy = receipted.receipt.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&receipt_for_copy);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &receipt_for_copy;
    };
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <section class="receipt" aria-labelledby="receipt-heading">
            <h1 id="receipt-heading">{t!(i18n, reporting.receipt.heading)}</h1>
            <p class="lead">{t!(i18n, reporting.receipt.received_on, date = day.clone())}</p>
            <div class="receipt__box">
                <h2>{t!(i18n, reporting.receipt.your_receipt)}</h2>
                <p class="receipt__number" id="receipt-number">{receipted.receipt.clone()}</p>
                <p class="notice notice--warning">
                    <strong>{t!(i18n, reporting.receipt.warning)}</strong>
                </p>
                <div class="receipt__actions">
                    <button type="button" class="button button--secondary" hidden=move || !interactive.get() on:click=copy>
                        {move || {
                            if copied.get() {
                                t_string!(i18n, reporting.receipt.copied)
                            } else {
                                t_string!(i18n, reporting.receipt.copy)
                            }
                        }}
                    </button>
                    <a class="button button--secondary" href=download_href download="constancia-denuncia.txt" rel="external">
                        {t!(i18n, reporting.receipt.download)}
                    </a>
                    <button type="button" class="button button--secondary" hidden=move || !interactive.get() on:click=print>
                        {t!(i18n, reporting.receipt.print)}
                    </button>
                </div>
            </div>
            <h2>{t!(i18n, reporting.receipt.next_heading)}</h2>
            <ul>
                <li>{t!(i18n, reporting.receipt.next_ack)}</li>
                <li>
                    {t!(i18n, reporting.receipt.next_follow)} " "
                    <a href=use_localized_path(crate::cases::paths::FOLLOW_UP)>{t!(i18n, reporting.report.follow)}</a>
                </li>
                {receipted.encrypted_on_server.then(|| view! { <li>{t!(i18n, reporting.receipt.next_trust_server)}</li> })}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_files_are_percent_encoded() {
        assert_eq!(percent_encode("Recibo: 12\n"), "Recibo%3A%2012%0A");
    }
}
