//! `/denuncia/seguimiento`: the reporter types the receipt; the browser derives the lookup token and
//! the reply key, shows the case's status, days and deadlines, decrypts the office's replies, and sends
//! further messages encrypted like the report ([`crate::cases::follow_up`]). Without JavaScript the page says
//! why it cannot work: the receipt must never be sent to the server, so it cannot be a plain form.

use crate::cases::{OpenCase, ShownAttachment, status_label};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::reporting::form::{FieldProblem, ReportSettings};
use crate::ui::format::{format_day, format_size};
use crate::ui::islands::IslandContext;
use envelope::message::Author;
use leptos::prelude::*;

/// What the page is doing, for its live status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Busy {
    Idle,
    Keys,
    Looking,
    Sending,
}

#[derive(Clone, Copy)]
struct PageState {
    busy: RwSignal<Busy>,
    problems: RwSignal<Vec<FieldProblem>>,
    opened: RwSignal<Option<OpenCase>>,
    sent: RwSignal<bool>,
    summary: NodeRef<leptos::html::Div>,
}

/// The page: its title, and everything else as an island (nothing here works without the browser).
#[cfg(feature = "ssr")]
#[component]
pub fn FollowUpPage() -> impl IntoView {
    use crate::ui::islands::{Bundle, IslandHost};
    use crate::ui::page_title::PageTitle;
    let i18n = use_i18n();
    let settings = use_context::<ReportSettings>().unwrap_or_default();
    let default_locale = use_context::<crate::locale::DefaultLocale>().unwrap_or_default().0;
    let locale = i18n.get_locale_untracked();
    view! {
        <PageTitle text=move || t_string!(i18n, cases.follow_up.title) />
        <IslandHost bundle=Bundle::FollowUp>
            <FollowUpIsland locale default_locale settings />
        </IslandHost>
    }
}

/// Hydrated by the `follow-up` bundle.
#[island]
fn FollowUpIsland(locale: Locale, default_locale: Locale, settings: ReportSettings) -> impl IntoView {
    view! {
        <IslandContext locale default_locale>
            <FollowUp settings=settings.clone() />
        </IslandContext>
    }
}

#[component]
fn FollowUp(settings: ReportSettings) -> impl IntoView {
    let i18n = use_i18n();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let state = PageState {
        busy: RwSignal::new(Busy::Idle),
        problems: RwSignal::new(Vec::new()),
        opened: RwSignal::new(None),
        sent: RwSignal::new(false),
        summary: NodeRef::new(),
    };
    let stored_settings = StoredValue::new(settings.clone());
    let language = crate::locale::language_tag(i18n.get_locale_untracked());

    view! {
        <h1>{t!(i18n, cases.follow_up.heading)}</h1>
        <p class="lead">{t!(i18n, cases.follow_up.lead)}</p>
        <p class="notice" id="follow-up-needs-script" hidden=move || interactive.get()>
            {t!(i18n, cases.follow_up.needs_script)}
        </p>
        <div class="error-summary" role="alert" tabindex="-1" node_ref=state.summary hidden=move || state.problems.get().is_empty()>
            <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
            <ul>
                {move || {
                    state
                        .problems
                        .get()
                        .into_iter()
                        .map(|p| view! { <li>{stored_settings.with_value(|s| p.problem.message(i18n, s))}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
        <form class="follow-up-form" novalidate on:submit=move |event| start_lookup(event, state)>
            <div class="form-group">
                <label for="receipt">{t!(i18n, cases.follow_up.receipt_label)}</label>
                <p class="hint" id="receipt-hint">{t!(i18n, cases.follow_up.receipt_hint)}</p>
                <input
                    id="receipt"
                    name="receipt"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="receipt-hint"
                    class="input input--receipt"
                />
            </div>
            <button type="submit" class="button" disabled=move || !interactive.get() || state.busy.get() != Busy::Idle>
                {t!(i18n, cases.follow_up.look_up)}
            </button>
        </form>
        <p role="status" aria-live="polite" class="status-line">
            {move || match state.busy.get() {
                Busy::Idle => "",
                Busy::Keys => t_string!(i18n, cases.follow_up.busy_keys),
                Busy::Looking => t_string!(i18n, cases.follow_up.busy_looking),
                Busy::Sending => t_string!(i18n, cases.follow_up.busy_sending),
            }}
        </p>
        {move || state.opened.get().map(|open| view! { <CaseView open state language settings=stored_settings /> })}
    }
}

#[component]
fn CaseView(
    open: OpenCase,
    state: PageState,
    language: &'static str,
    settings: StoredValue<ReportSettings>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let case = open.case.clone();
    let day = move |d: &str| format_day(d, locale);
    let keys = open.keys.clone();
    let messages = open
        .messages
        .into_iter()
        .map(|message| {
            let from = match message.author {
                Author::Office => t_string!(i18n, cases.follow_up.from_office),
                Author::Reporter => t_string!(i18n, cases.follow_up.from_you),
            };
            let attachments = message
                .attachments
                .into_iter()
                .map(|attachment| view! { <AttachmentItem attachment keys=keys.clone() state /> })
                .collect_view();
            view! {
                <li class="message" class:message--office=message.author == Author::Office>
                    <h3 class="message__from">{from} " · " {format_day(&message.sent_on, locale)}</h3>
                    <p class="message__text">
                        {message.text.unwrap_or_else(|| t_string!(i18n, cases.follow_up.unreadable).to_string())}
                    </p>
                    <ul class="message__attachments">{attachments}</ul>
                </li>
            }
        })
        .collect_view();
    let no_messages = case.messages.is_empty();
    let keys_for_reply = open.keys.clone();
    view! {
        <section aria-labelledby="case-heading" class="case" id="case">
            <h2 id="case-heading">{t!(i18n, cases.follow_up.case_heading)}</h2>
            <dl class="case__facts">
                <dt>{t!(i18n, cases.follow_up.status)}</dt>
                <dd id="case-status">{status_label(i18n.get_locale(), case.status)}</dd>
                <dt>{t!(i18n, cases.follow_up.received_on)}</dt>
                <dd>{day(&case.received_on)}</dd>
                <dt>{t!(i18n, cases.follow_up.acknowledged)}</dt>
                <dd>
                    {match &case.acknowledged_on {
                        Some(d) => day(d),
                        None => t_string!(i18n, cases.follow_up.due_by, day = day(&case.acknowledgement_due)).to_string(),
                    }}
                </dd>
                <dt>{t!(i18n, cases.follow_up.feedback)}</dt>
                <dd>
                    {match &case.feedback_on {
                        Some(d) => day(d),
                        None => t_string!(i18n, cases.follow_up.due_by, day = day(&case.feedback_due)).to_string(),
                    }}
                </dd>
                {case.closed_on.clone().map(|d| view! { <dt>{t!(i18n, cases.follow_up.closed_on)}</dt><dd>{day(&d)}</dd> })}
            </dl>
            <h2>{t!(i18n, cases.follow_up.messages_heading)}</h2>
            {no_messages.then(|| view! { <p>{t!(i18n, cases.follow_up.no_messages)}</p> })}
            <ol class="messages">{messages}</ol>
            <h2 id="reply-heading">{t!(i18n, cases.follow_up.reply_heading)}</h2>
            <p hidden=move || !state.sent.get() class="notice notice--secure" id="message-sent">{t!(i18n, cases.follow_up.sent)}</p>
            <form
                class="follow-up-reply"
                novalidate
                aria-labelledby="reply-heading"
                on:submit=move |event| start_message(event, keys_for_reply.clone(), settings.get_value(), language, state)
            >
                <div class="form-group">
                    <label for="description">{t!(i18n, cases.follow_up.message_label)}</label>
                    <textarea id="description" name="message" rows="6" class="input"></textarea>
                </div>
                <div class="form-group">
                    <label for="attachments">{t!(i18n, cases.follow_up.attachments_label)}</label>
                    <p class="hint" id="attachments-hint">
                        {t!(i18n, cases.follow_up.attachments_hint, size = format_size(settings.with_value(|s| s.max_attachment_bytes)))}
                    </p>
                    <input id="attachments" name="attachments" type="file" multiple aria-describedby="attachments-hint" />
                </div>
                <button type="submit" class="button" disabled=move || state.busy.get() != Busy::Idle>
                    {t!(i18n, cases.follow_up.send)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn AttachmentItem(attachment: ShownAttachment, keys: crate::cases::CaseKeys, state: PageState) -> impl IntoView {
    let i18n = use_i18n();
    let label = format!("{} ({})", attachment.name, format_size(attachment.size));
    match attachment.object.is_some() {
        true => {
            let text = t_string!(i18n, cases.follow_up.download, name = label.clone()).to_string();
            view! {
                <li>
                    <button
                        type="button"
                        class="button button--secondary"
                        on:click=move |_| start_download(keys.clone(), attachment.clone(), state)
                    >
                        {text}
                    </button>
                </li>
            }
            .into_any()
        }
        false => view! { <li>{label}</li> }.into_any(),
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn show_problems(state: PageState, problems: Vec<FieldProblem>) {
    state.problems.set(problems);
    request_animation_frame(move || {
        if let Some(summary) = state.summary.get_untracked() {
            let _ = summary.focus();
        }
    });
}

#[cfg(feature = "hydrate")]
fn start_lookup(event: leptos::ev::SubmitEvent, state: PageState) {
    event.prevent_default();
    let Some(form) = crate::cases::follow_up::form_of(&event) else { return };
    if state.busy.get_untracked() != Busy::Idle {
        return;
    }
    let typed =
        web_sys::FormData::new_with_form(&form).ok().and_then(|d| d.get("receipt").as_string()).unwrap_or_default();
    leptos::task::spawn_local(async move {
        state.busy.set(Busy::Keys);
        state.sent.set(false);
        let result = match crate::cases::follow_up::keys_for(&typed).await {
            Ok(keys) => {
                state.busy.set(Busy::Looking);
                crate::cases::follow_up::look_up(keys).await
            }
            Err(problems) => Err(problems),
        };
        state.busy.set(Busy::Idle);
        match result {
            Ok(open) => {
                state.problems.set(Vec::new());
                state.opened.set(Some(open));
            }
            Err(problems) => {
                state.opened.set(None);
                show_problems(state, problems);
            }
        }
    });
}

#[cfg(feature = "hydrate")]
fn start_message(
    event: leptos::ev::SubmitEvent,
    keys: crate::cases::CaseKeys,
    settings: ReportSettings,
    language: &'static str,
    state: PageState,
) {
    event.prevent_default();
    let Some(form) = crate::cases::follow_up::form_of(&event) else { return };
    if state.busy.get_untracked() != Busy::Idle {
        return;
    }
    leptos::task::spawn_local(async move {
        state.busy.set(Busy::Sending);
        let sent = crate::cases::follow_up::send_message(form, keys.clone(), settings, language, |_| {}).await;
        let refreshed = match sent {
            Ok(()) => crate::cases::follow_up::look_up(keys).await,
            Err(problems) => Err(problems),
        };
        state.busy.set(Busy::Idle);
        match refreshed {
            Ok(open) => {
                state.problems.set(Vec::new());
                state.opened.set(Some(open));
                state.sent.set(true);
            }
            Err(problems) => show_problems(state, problems),
        }
    });
}

#[cfg(feature = "hydrate")]
fn start_download(keys: crate::cases::CaseKeys, attachment: ShownAttachment, state: PageState) {
    leptos::task::spawn_local(async move {
        if let Err(problems) = crate::cases::follow_up::download(keys, attachment).await {
            show_problems(state, problems);
        }
    });
}

// On the server nothing runs: the page needs the browser to keep the receipt on the device.
#[cfg(not(feature = "hydrate"))]
fn start_lookup(_event: leptos::ev::SubmitEvent, _state: PageState) {}
#[cfg(not(feature = "hydrate"))]
fn start_message(
    _: leptos::ev::SubmitEvent,
    _: crate::cases::CaseKeys,
    _: ReportSettings,
    _: &'static str,
    _: PageState,
) {
}
#[cfg(not(feature = "hydrate"))]
fn start_download(_: crate::cases::CaseKeys, _: ShownAttachment, _: PageState) {}
