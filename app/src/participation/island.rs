//! The voting island (compiled into the `participation` bundle, and rendered by the server): the
//! resident chooses, proves eligibility and receives a blind signature on a token their browser made of
//! a nonce and the choices, and the browser casts the ballot after a random wait, in a request without
//! cookies that carries the token, its signature and the choices. The token and the blinding secret
//! live only in this page's memory; nothing is kept in the browser's storage.

use super::{ChoiceProblem, Poll, QuestionKind, VoteProblem};
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::treasury::format_soles;
use crate::ui::islands::IslandContext;
use leptos::prelude::*;

/// Where the voter is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Step {
    /// The ballot.
    Choosing,
    /// The choices are made: the eligibility form.
    Eligibility,
    /// Asking for the token.
    Taking,
    /// The token is signed; the ballot leaves in this many seconds.
    Waiting(u32),
    Casting,
    /// The ballot could not be sent (the network, after its retries): the signed token is kept for
    /// another try, since this DNI cannot get a second one.
    Failed,
    /// Cast: the ballot's code.
    Done(String),
}

/// The signed token, as the cast sends it (base64url).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct SignedToken {
    token: String,
    randomizer: String,
    signature: String,
}

#[derive(Clone, Copy)]
struct VoteState {
    step: RwSignal<Step>,
    problems: RwSignal<Vec<String>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    choices: RwSignal<super::Choices>,
    /// The signed token once received, until its ballot is cast.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    signed: RwSignal<Option<SignedToken>>,
    summary: NodeRef<leptos::html::Div>,
}

/// The wait before a ballot leaves, in seconds: at least `min`, at most `max`, chosen at random.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CastDelay {
    pub min: u32,
    pub max: u32,
}

impl Default for CastDelay {
    fn default() -> Self {
        Self { min: 10, max: 60 }
    }
}

/// What a refusal says to the voter.
pub fn problem_text(locale: Locale, problem: VoteProblem) -> String {
    use VoteProblem::*;
    let text = match problem {
        Invalid => td_string!(locale, participation.problem.invalid),
        NotInCensus => td_string!(locale, participation.problem.not_in_census),
        AlreadyTaken => td_string!(locale, participation.problem.already_taken),
        NotOpen => td_string!(locale, participation.problem.not_open),
        BadToken => td_string!(locale, participation.problem.bad_token),
        TokenUsed => td_string!(locale, participation.problem.token_used),
        ChoicesNotInToken => td_string!(locale, participation.problem.choices_not_in_token),
        TooMany => td_string!(locale, participation.problem.too_many),
        Unavailable => td_string!(locale, participation.problem.unavailable),
        Choices(choice) => return choice_text(locale, choice),
    };
    text.to_string()
}

pub fn choice_text(locale: Locale, problem: ChoiceProblem) -> String {
    let (text, at) = match problem {
        ChoiceProblem::Shape => return td_string!(locale, participation.problem.shape).to_string(),
        ChoiceProblem::NoneChosen(at) => (td_string!(locale, participation.problem.none_chosen), at),
        ChoiceProblem::TooMany(at) => (td_string!(locale, participation.problem.too_many_choices), at),
        ChoiceProblem::OverBudget(at) => (td_string!(locale, participation.problem.over_budget), at),
        ChoiceProblem::UnknownOption(at) => (td_string!(locale, participation.problem.unknown_option), at),
    };
    text.replace("{question}", &(at + 1).to_string())
}

/// Hydrated by the `participation` bundle.
#[island]
pub fn VoteIsland(locale: Locale, default_locale: Locale, poll: Poll, delay: CastDelay) -> impl IntoView {
    view! {
        <IslandContext locale default_locale>
            <Vote poll=poll.clone() delay />
        </IslandContext>
    }
}

#[component]
fn Vote(poll: Poll, delay: CastDelay) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let state = VoteState {
        step: RwSignal::new(Step::Choosing),
        problems: RwSignal::new(Vec::new()),
        choices: RwSignal::new(Vec::new()),
        signed: RwSignal::new(None),
        summary: NodeRef::new(),
    };
    let poll = StoredValue::new(poll);
    let questions = poll.with_value(|poll| poll.questions.clone());
    let ballot = questions
        .into_iter()
        .enumerate()
        .map(|(at, question)| {
            let name = format!("q{at}");
            let kind_hint = match question.kind {
                QuestionKind::Single => td_string!(locale, participation.vote.single).to_string(),
                QuestionKind::Multiple => {
                    td_string!(locale, participation.vote.multiple).replace("{n}", &question.max_choices.to_string())
                }
                QuestionKind::Budget => td_string!(locale, participation.vote.budget)
                    .replace("{total}", &format_soles(question.budget_cents, locale)),
            };
            let input_type = if question.kind == QuestionKind::Single { "radio" } else { "checkbox" };
            let options = question
                .options
                .iter()
                .enumerate()
                .map(|(position, option)| {
                    let id = format!("q{at}-o{position}");
                    let cost = (question.kind == QuestionKind::Budget)
                        .then(|| format!(" — {}", format_soles(option.cost_cents, locale)));
                    view! {
                        <div class=input_type>
                            <input type=input_type id=id.clone() name=name.clone() value=position.to_string() />
                            <label for=id>{option.label.clone()}{cost}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="form-group" id=format!("question-{at}")>
                    <legend>{format!("{}. {}", at + 1, question.text)}</legend>
                    <p class="hint">{kind_hint}</p>
                    {options}
                </fieldset>
            }
        })
        .collect_view();
    let step = move || state.step.get();
    view! {
        <p class="notice" id="vote-needs-script" hidden=move || interactive.get()>
            {t!(i18n, participation.vote.needs_script)}
        </p>
        <div class="error-summary" role="alert" tabindex="-1" node_ref=state.summary hidden=move || state.problems.get().is_empty()>
            <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
            <ul>{move || state.problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        </div>
        <section aria-labelledby="step-1" hidden=move || step() != Step::Choosing>
            <h2 id="step-1">{t!(i18n, participation.vote.step_ballot)}</h2>
            <form class="staff-form" id="ballot" novalidate on:submit=move |event| start_choose(event, state, poll, locale)>
                {ballot}
                <button type="submit" class="button" disabled=move || !interactive.get() || step() != Step::Choosing>
                    {t!(i18n, participation.vote.next)}
                </button>
            </form>
        </section>
        <section aria-labelledby="step-2" hidden=move || !matches!(step(), Step::Eligibility | Step::Taking)>
            <h2 id="step-2">{t!(i18n, participation.vote.step_eligibility)}</h2>
            <p>{t!(i18n, participation.vote.eligibility_lead)}</p>
            <form class="staff-form" novalidate on:submit=move |event| start_token(event, state, poll, delay, locale)>
                <div class="form-group">
                    <label for="dni">{t!(i18n, participation.vote.dni)}</label>
                    <input id="dni" name="dni" type="text" inputmode="numeric" autocomplete="off" class="input" maxlength="12" />
                </div>
                <div class="form-group">
                    <label for="birth_date">{t!(i18n, participation.vote.birth_date)}</label>
                    <p class="hint" id="birth_date-hint">{t!(i18n, participation.vote.birth_date_hint)}</p>
                    <input id="birth_date" name="birth_date" type="date" autocomplete="off" class="input" aria-describedby="birth_date-hint" />
                </div>
                <button type="submit" class="button" disabled=move || step() != Step::Eligibility>
                    {t!(i18n, participation.vote.cast)}
                </button>
                " "
                <button type="button" class="button button--secondary" disabled=move || step() != Step::Eligibility
                    on:click=move |_| state.step.set(Step::Choosing)>
                    {t!(i18n, participation.vote.change)}
                </button>
            </form>
        </section>
        <p role="status" aria-live="polite" class="status-line" id="vote-status">
            {move || match step() {
                Step::Taking => t_string!(i18n, participation.vote.busy_token).to_string(),
                Step::Waiting(seconds) => {
                    t_string!(i18n, participation.vote.waiting).replace("{seconds}", &seconds.to_string())
                }
                Step::Casting => t_string!(i18n, participation.vote.busy_cast).to_string(),
                Step::Failed => t_string!(i18n, participation.vote.failed).to_string(),
                _ => String::new(),
            }}
        </p>
        <button type="button" class="button" id="send-again" hidden=move || step() != Step::Failed
            on:click=move |_| start_send(state, poll, locale)>
            {t!(i18n, participation.vote.send_again)}
        </button>
        {move || match step() {
            Step::Done(code) => Some(view! {
                <section aria-labelledby="step-3" class="receipt" id="ballot-cast">
                    <h2 id="step-3">{t!(i18n, participation.vote.done_title)}</h2>
                    <p>{t!(i18n, participation.vote.done_lead)}</p>
                    <p class="receipt-code" id="ballot-code">{code}</p>
                    <p>{t!(i18n, participation.vote.done_check)}</p>
                </section>
            }),
            _ => None,
        }}
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::participation::{
        CastAnswer, CastRequest, NONCE_BYTES, TokenAnswer, TokenRequest, b64, token_message, unb64,
    };
    use blind_rsa_signatures::{BlindSignature, DefaultRng, PublicKeySha384PSSRandomized};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    pub(super) fn show(state: VoteState, problems: Vec<String>) {
        state.problems.set(problems);
        if let Some(summary) = state.summary.get_untracked() {
            let _ = summary.focus();
        }
    }

    /// A JSON `POST` without cookies or referrer: the ballot must carry nothing about who sends it.
    /// `Err(())` when the server could not be reached.
    pub(super) async fn post_json(url: &str, body: &str) -> Result<(u16, String), ()> {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_credentials(web_sys::RequestCredentials::Omit);
        init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
        init.set_cache(web_sys::RequestCache::NoStore);
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
        let headers = web_sys::Headers::new().map_err(|_| ())?;
        headers.set("content-type", "application/json").map_err(|_| ())?;
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| ())?;
        let window = web_sys::window().ok_or(())?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| ())?.dyn_into().map_err(|_| ())?;
        let text = JsFuture::from(response.text().map_err(|_| ())?).await.map_err(|_| ())?;
        Ok((response.status(), text.as_string().unwrap_or_default()))
    }

    /// The refusal in an error answer (`{"problem": …}`), or "unavailable".
    pub(super) fn refusal(locale: Locale, status: u16, body: &str) -> String {
        #[derive(serde::Deserialize)]
        struct Refusal {
            problem: VoteProblem,
        }
        match serde_json::from_str::<Refusal>(body) {
            Ok(refusal) => problem_text(locale, refusal.problem),
            Err(_) if status == 429 => problem_text(locale, VoteProblem::TooMany),
            Err(_) => problem_text(locale, VoteProblem::Unavailable),
        }
    }

    pub(super) async fn sleep(milliseconds: i32) {
        crate::platform::sealed_upload::sleep(milliseconds).await
    }

    /// Blinds a fresh token, asks for its signature, and unblinds it.
    pub(super) async fn take(
        locale: Locale,
        poll: &Poll,
        choices: &super::super::Choices,
        dni: String,
        birth_date: String,
    ) -> Result<SignedToken, String> {
        let unavailable = || problem_text(locale, VoteProblem::Unavailable);
        let key = PublicKeySha384PSSRandomized::from_pem(&poll.public_key_pem).map_err(|_| unavailable())?;
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom04::fill(&mut nonce).map_err(|_| unavailable())?;
        let token = token_message(&nonce, choices);
        let blinding = key.blind(&mut DefaultRng, &token).map_err(|_| unavailable())?;
        let request = TokenRequest { dni, birth_date, blinded: b64(&blinding.blind_message.0) };
        let body = serde_json::to_string(&request).expect("serialisable");
        // A lost answer is asked again with the same blinded message, which the server signs again.
        let mut attempt = 0;
        let (status, text) = loop {
            match post_json(&super::super::paths::token_url(&poll.id), &body).await {
                Ok(answer) => break answer,
                Err(()) if attempt < 3 => {
                    attempt += 1;
                    sleep(1000 << attempt).await;
                }
                Err(()) => return Err(unavailable()),
            }
        };
        if status != 200 {
            return Err(refusal(locale, status, &text));
        }
        let answer: TokenAnswer = serde_json::from_str(&text).map_err(|_| unavailable())?;
        let blind_signature = unb64(&answer.blind_signature).ok_or_else(unavailable)?;
        let signature = key.finalize(&BlindSignature(blind_signature), &blinding, &token).map_err(|_| unavailable())?;
        let randomizer = blinding.msg_randomizer.map(|r| r.0).unwrap_or_default();
        Ok(SignedToken { token: b64(&token), randomizer: b64(&randomizer), signature: b64(&signature.0) })
    }

    pub(super) async fn cast(
        locale: Locale,
        poll: &Poll,
        signed: SignedToken,
        choices: super::super::Choices,
    ) -> Result<String, String> {
        let unavailable = || problem_text(locale, VoteProblem::Unavailable);
        let request =
            CastRequest { token: signed.token, randomizer: signed.randomizer, signature: signed.signature, choices };
        let body = serde_json::to_string(&request).expect("serialisable");
        // The same ballot again after a lost answer gets the same code.
        let mut attempt = 0;
        let (status, text) = loop {
            match post_json(&super::super::paths::cast_url(&poll.id), &body).await {
                Ok((status, text)) if status < 500 => break (status, text),
                _ if attempt < 4 => {
                    attempt += 1;
                    sleep(1000 << attempt).await;
                }
                Ok((status, text)) => break (status, text),
                Err(()) => return Err(unavailable()),
            }
        };
        if status != 200 {
            return Err(refusal(locale, status, &text));
        }
        serde_json::from_str::<CastAnswer>(&text).map(|answer| answer.ballot_code).map_err(|_| unavailable())
    }

    /// A uniformly random whole number of seconds from `delay.min` to `delay.max`.
    pub(super) fn random_wait(delay: CastDelay) -> u32 {
        let mut bytes = [0u8; 4];
        let _ = getrandom04::fill(&mut bytes);
        let span = delay.max.saturating_sub(delay.min) + 1;
        delay.min + u32::from_le_bytes(bytes) % span
    }

    pub(super) fn form_data(event: &leptos::ev::SubmitEvent) -> Option<web_sys::FormData> {
        let form = event.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
        web_sys::FormData::new_with_form(&form).ok()
    }
}

#[cfg(feature = "hydrate")]
fn start_choose(event: leptos::ev::SubmitEvent, state: VoteState, poll: StoredValue<Poll>, locale: Locale) {
    event.prevent_default();
    if state.step.get_untracked() != Step::Choosing {
        return;
    }
    let Some(data) = browser::form_data(&event) else { return };
    let questions = poll.with_value(|poll| poll.questions.clone());
    let choices: super::Choices = (0..questions.len())
        .map(|at| {
            data.get_all(&format!("q{at}")).iter().filter_map(|value| value.as_string()?.parse::<u32>().ok()).collect()
        })
        .collect();
    if let Err(problem) = super::check_choices(&questions, &choices) {
        browser::show(state, vec![choice_text(locale, problem)]);
        return;
    }
    state.problems.set(Vec::new());
    state.choices.set(choices);
    state.step.set(Step::Eligibility);
}

#[cfg(feature = "hydrate")]
fn start_token(
    event: leptos::ev::SubmitEvent,
    state: VoteState,
    poll: StoredValue<Poll>,
    delay: CastDelay,
    locale: Locale,
) {
    event.prevent_default();
    if state.step.get_untracked() != Step::Eligibility {
        return;
    }
    let Some(data) = browser::form_data(&event) else { return };
    let field = |name: &str| data.get(name).as_string().unwrap_or_default();
    let (dni, birth_date) = (field("dni"), field("birth_date"));
    let dni: String = dni.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if dni.len() != 8 || !dni.bytes().all(|b| b.is_ascii_digit()) || birth_date.len() != 10 {
        browser::show(state, vec![problem_text(locale, VoteProblem::Invalid)]);
        return;
    }
    state.step.set(Step::Taking);
    leptos::task::spawn_local(async move {
        let poll = poll.get_value();
        let choices = state.choices.get_untracked();
        let signed = match browser::take(locale, &poll, &choices, dni, birth_date).await {
            Ok(signed) => signed,
            Err(problem) => {
                state.step.set(Step::Eligibility);
                browser::show(state, vec![problem]);
                return;
            }
        };
        state.problems.set(Vec::new());
        state.signed.set(Some(signed));
        // The wait that keeps the ballot's arrival from following the token's request.
        let wait = browser::random_wait(delay);
        for left in (1..=wait).rev() {
            state.step.set(Step::Waiting(left));
            browser::sleep(1000).await;
        }
        send(state, &poll, locale).await;
    });
}

/// Casts the ballot of the signed token kept in `state` (again, after a failure: the same ballot gets
/// the same code).
#[cfg(feature = "hydrate")]
async fn send(state: VoteState, poll: &Poll, locale: Locale) {
    let Some(signed) = state.signed.get_untracked() else { return };
    state.problems.set(Vec::new());
    state.step.set(Step::Casting);
    match browser::cast(locale, poll, signed, state.choices.get_untracked()).await {
        Ok(code) => {
            state.problems.set(Vec::new());
            state.signed.set(None);
            state.step.set(Step::Done(code));
        }
        Err(problem) => {
            state.step.set(Step::Failed);
            browser::show(state, vec![problem]);
        }
    }
}

#[cfg(feature = "hydrate")]
fn start_send(state: VoteState, poll: StoredValue<Poll>, locale: Locale) {
    if state.step.get_untracked() != Step::Failed {
        return;
    }
    leptos::task::spawn_local(async move { send(state, &poll.get_value(), locale).await });
}

// On the server nothing runs: a ballot needs the browser to blind its token.
#[cfg(not(feature = "hydrate"))]
fn start_choose(_: leptos::ev::SubmitEvent, _: VoteState, _: StoredValue<Poll>, _: Locale) {}
#[cfg(not(feature = "hydrate"))]
fn start_send(_: VoteState, _: StoredValue<Poll>, _: Locale) {}
#[cfg(not(feature = "hydrate"))]
fn start_token(_: leptos::ev::SubmitEvent, _: VoteState, _: StoredValue<Poll>, _: CastDelay, _: Locale) {}
