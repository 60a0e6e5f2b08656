//! The bid island (compiled into the `procurement` bundle, and rendered by the server): the supplier
//! types their RUC, name and a unit price for each item, and may add files; their browser writes the
//! bid document (`envelope::bid`, the files inside it), pads it, encrypts it to the tender's
//! recipient, pays the proof of work and posts the ciphertext. The answer is the SHA-256 of the stored ciphertext, which the page shows as the
//! receipt and which the portal publishes in the tender's list at the deadline. The plaintext never
//! leaves the page.

use super::BidSettings;
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::ui::islands::IslandContext;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Step {
    Typing,
    Encrypting,
    ProvingWork,
    Sending,
    /// Stored: the ciphertext's SHA-256 and when it arrived.
    Done(String, String),
}

#[derive(Clone, Copy)]
struct BidState {
    step: RwSignal<Step>,
    problems: RwSignal<Vec<String>>,
    summary: NodeRef<leptos::html::Div>,
}

#[island]
pub fn BidIsland(locale: Locale, default_locale: Locale, settings: BidSettings) -> impl IntoView {
    view! {
        <IslandContext locale default_locale>
            <BidForm settings=settings.clone() />
        </IslandContext>
    }
}

/// What a refusal of the server says, by its problem code.
pub fn refusal_text(locale: Locale, code: &str) -> &'static str {
    match code {
        "tender_closed" => td_string!(locale, procurement.bid.closed),
        "already_bid" => td_string!(locale, procurement.bid.already),
        "no_tender" => td_string!(locale, procurement.bid.no_tender),
        "rate_limited" => td_string!(locale, procurement.bid.busy),
        _ => td_string!(locale, procurement.bid.failed),
    }
}

#[component]
fn BidForm(settings: BidSettings) -> impl IntoView {
    let i18n = use_i18n();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let state =
        BidState { step: RwSignal::new(Step::Typing), problems: RwSignal::new(Vec::new()), summary: NodeRef::new() };
    let settings = StoredValue::new(settings);
    let items = settings.with_value(|s| s.items.clone());
    let prices = items
        .iter()
        .map(|item| {
            let id = format!("price-{}", item.position);
            let label = format!("{}. {} ({} {})", item.position, item.description, item.quantity, item.unit);
            view! {
                <div class="form-group">
                    <label for=id.clone()>{label}</label>
                    <p class="hint" id=format!("{id}-hint")>{t!(i18n, procurement.bid.unit_price_hint)}</p>
                    <input id=id.clone() name=id.clone() type="text" inputmode="decimal" class="input input--short"
                        autocomplete="off" aria-describedby=format!("{id}-hint") />
                </div>
            }
        })
        .collect_view();
    let step = move || state.step.get();
    let busy = move || !matches!(step(), Step::Typing);
    view! {
        <p class="notice" id="bid-needs-script" hidden=move || interactive.get()>{t!(i18n, procurement.bid.needs_script)}</p>
        <div class="error-summary" role="alert" tabindex="-1" node_ref=state.summary hidden=move || state.problems.get().is_empty()>
            <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
            <ul>{move || state.problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        </div>
        <form class="staff-form" id="bid-form" novalidate hidden=move || matches!(step(), Step::Done(..))
            on:submit=move |event| start(event, state, settings, i18n.get_locale_untracked())>
            <div class="form-group">
                <label for="ruc">{t!(i18n, procurement.bid.ruc)}</label>
                <input id="ruc" name="ruc" type="text" inputmode="numeric" class="input input--short" maxlength="11" autocomplete="off" />
            </div>
            <div class="form-group">
                <label for="supplier">{t!(i18n, procurement.bid.supplier)}</label>
                <input id="supplier" name="supplier" type="text" class="input" autocomplete="organization" />
            </div>
            <fieldset class="form-group" id="prices">
                <legend>{t!(i18n, procurement.bid.prices)}</legend>
                {prices}
            </fieldset>
            <div class="form-group">
                <label for="delivery">{t!(i18n, procurement.bid.delivery)}</label>
                <input id="delivery" name="delivery" type="text" inputmode="numeric" class="input input--short" />
            </div>
            <div class="form-group">
                <label for="validity">{t!(i18n, procurement.bid.validity)}</label>
                <input id="validity" name="validity" type="text" inputmode="numeric" class="input input--short" />
            </div>
            <div class="form-group">
                <label for="terms">{t!(i18n, procurement.bid.terms)}</label>
                <textarea id="terms" name="terms" class="input" rows="4"></textarea>
            </div>
            <div class="form-group">
                <label for="files">{t!(i18n, procurement.bid.files)}</label>
                <p class="hint" id="files-hint">{t!(i18n, procurement.bid.files_hint)}</p>
                <input type="file" id="files" name="files" multiple aria-describedby="files-hint" />
            </div>
            <button type="submit" class="button" disabled=move || !interactive.get() || busy()>
                {t!(i18n, procurement.bid.submit)}
            </button>
        </form>
        <p role="status" aria-live="polite" class="status-line" id="bid-status">
            {move || match step() {
                Step::Encrypting => t_string!(i18n, procurement.bid.encrypting).to_string(),
                Step::ProvingWork => t_string!(i18n, procurement.bid.proving).to_string(),
                Step::Sending => t_string!(i18n, procurement.bid.sending).to_string(),
                _ => String::new(),
            }}
        </p>
        {move || match step() {
            Step::Done(sha256, received_at) => Some(view! {
                <section aria-labelledby="bid-done" class="receipt" id="bid-receipt">
                    <h2 id="bid-done">{t!(i18n, procurement.bid.done_title)}</h2>
                    <p>{t!(i18n, procurement.bid.done_lead)}</p>
                    <p class="receipt-code" id="bid-sha256">{sha256}</p>
                    <p id="bid-received">{received_at}</p>
                </section>
            }),
            _ => None,
        }}
    }
}

/// The typed bid, checked in the browser (the server cannot read it, so this is the only check of
/// its contents): every problem in words.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn read_bid(
    locale: Locale,
    settings: &BidSettings,
    field: impl Fn(&str) -> String,
) -> Result<envelope::bid::BidDocument, Vec<String>> {
    let mut problems = Vec::new();
    let ruc = field("ruc").trim().to_string();
    if !crate::platform::text::is_ruc(&ruc) {
        problems.push(td_string!(locale, procurement.bid.problem_ruc).to_string());
    }
    let supplier = field("supplier").trim().to_string();
    if supplier.is_empty() || supplier.chars().count() > 200 {
        problems.push(td_string!(locale, procurement.bid.problem_supplier).to_string());
    }
    let mut lines = Vec::new();
    for item in &settings.items {
        match parse_cents(&field(&format!("price-{}", item.position))) {
            Some(unit_price_cents) if unit_price_cents > 0 => {
                lines.push(envelope::bid::BidLine { item: item.position, quantity: item.quantity, unit_price_cents })
            }
            _ => problems
                .push(td_string!(locale, procurement.bid.problem_price).replace("{item}", &item.position.to_string())),
        }
    }
    let days = |name: &str| field(name).trim().parse::<u32>().ok().filter(|d| (1..=3650).contains(d));
    let (delivery, validity) = (days("delivery"), days("validity"));
    if delivery.is_none() {
        problems.push(td_string!(locale, procurement.bid.problem_delivery).to_string());
    }
    if validity.is_none() {
        problems.push(td_string!(locale, procurement.bid.problem_validity).to_string());
    }
    let terms = field("terms");
    if terms.chars().count() > 4000 {
        problems.push(td_string!(locale, procurement.bid.problem_terms).to_string());
    }
    match (problems.is_empty(), delivery, validity) {
        (true, Some(delivery_days), Some(validity_days)) => Ok(envelope::bid::BidDocument {
            format: 1,
            tender: settings.tender.clone(),
            supplier_ruc: ruc,
            supplier_name: supplier,
            lines,
            delivery_days,
            validity_days,
            terms,
            attachments: Vec::new(),
        }),
        _ => Err(problems),
    }
}

/// What is wrong with the chosen files' sizes, if anything: too many, or too much in all.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn files_problems(locale: Locale, sizes: &[u64]) -> Option<String> {
    use envelope::bid::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS};
    if sizes.len() > MAX_ATTACHMENTS {
        return Some(td_string!(locale, procurement.bid.problem_files).to_string());
    }
    (sizes.iter().sum::<u64>() > MAX_ATTACHMENT_BYTES)
        .then(|| td_string!(locale, procurement.bid.problem_files_size).to_string())
}

/// Soles typed as `1234.5` or `1234,50` → céntimos.
fn parse_cents(text: &str) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || whole.len() > 12
        || fraction.len() > 2
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(whole.parse::<i64>().ok()? * 100 + format!("{fraction:0<2}").parse::<i64>().ok()?)
}

#[cfg(feature = "hydrate")]
fn start(event: leptos::ev::SubmitEvent, state: BidState, settings: StoredValue<BidSettings>, locale: Locale) {
    use wasm_bindgen::JsCast;
    event.prevent_default();
    if state.step.get_untracked() != Step::Typing {
        return;
    }
    let Some(form) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
    let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
    let field = |name: &str| data.get(name).as_string().unwrap_or_default();
    // An empty file input still sends one nameless, empty file.
    let files: Vec<web_sys::File> = data
        .get_all("files")
        .iter()
        .filter_map(|value| value.dyn_into::<web_sys::File>().ok())
        .filter(|file| !file.name().is_empty())
        .collect();
    let sizes: Vec<u64> = files.iter().map(|file| file.size() as u64).collect();
    let document = match (settings.with_value(|s| read_bid(locale, s, field)), files_problems(locale, &sizes)) {
        (Ok(document), None) => document,
        (Ok(_), Some(problem)) => return show(state, vec![problem]),
        (Err(mut problems), files) => {
            problems.extend(files);
            return show(state, problems);
        }
    };
    state.problems.set(Vec::new());
    state.step.set(Step::Encrypting);
    leptos::task::spawn_local(async move {
        let document = match attach(document, &files, locale).await {
            Ok(document) => document,
            Err(problems) => {
                state.step.set(Step::Typing);
                return show(state, problems);
            }
        };
        match send(state, settings.get_value(), document, locale).await {
            Ok((sha256, received_at)) => state.step.set(Step::Done(sha256, received_at)),
            Err(problems) => {
                state.step.set(Step::Typing);
                show(state, problems);
            }
        }
    });
}

#[cfg(feature = "hydrate")]
fn show(state: BidState, problems: Vec<String>) {
    state.problems.set(problems);
    if let Some(summary) = state.summary.get_untracked() {
        let _ = summary.focus();
    }
}

/// Reads the chosen files into the document (they are encrypted with it).
#[cfg(feature = "hydrate")]
async fn attach(
    mut document: envelope::bid::BidDocument,
    files: &[web_sys::File],
    locale: Locale,
) -> Result<envelope::bid::BidDocument, Vec<String>> {
    for file in files {
        let unreadable = || vec![td_string!(locale, procurement.bid.problem_file_read).replace("{name}", &file.name())];
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|_| unreadable())?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        document.attachments.push(envelope::bid::Attachment::new(&file.name(), &file.type_(), &bytes));
    }
    Ok(document)
}

#[cfg(feature = "hydrate")]
async fn send(
    state: BidState,
    settings: BidSettings,
    document: envelope::bid::BidDocument,
    locale: Locale,
) -> Result<(String, String), Vec<String>> {
    use crate::platform::sealed_upload::{Body, request, sleep};
    let failed = || vec![td_string!(locale, procurement.bid.failed).to_string()];
    let recipient: envelope::Recipient = settings.recipient.parse().map_err(|_| failed())?;
    sleep(0).await;
    let padded = document.to_padded_json();
    let ciphertext = envelope::encrypt(&[recipient], &padded).map_err(|_| failed())?;
    drop(padded);
    state.step.set(Step::ProvingWork);
    let (token, nonce) = crate::reporting::submit::prove_work().await.map_err(|_| failed())?;
    state.step.set(Step::Sending);
    let form = web_sys::FormData::new().map_err(|_| failed())?;
    let text = |name: &str, value: &str| form.append_with_str(name, value).map_err(|_| failed());
    text("tender", &settings.tender)?;
    text("supplier_ruc", &document.supplier_ruc)?;
    text("supplier_name", &document.supplier_name)?;
    text("challenge", &token)?;
    text("nonce", &nonce.to_string())?;
    let blob = {
        use js_sys::{Array, Uint8Array};
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/octet-stream");
        web_sys::Blob::new_with_u8_array_sequence_and_options(
            &Array::of1(&Uint8Array::from(ciphertext.as_slice())),
            &options,
        )
        .map_err(|_| failed())?
    };
    form.append_with_blob_and_filename("bid", &blob, "bid.age").map_err(|_| failed())?;
    let (status, body) =
        request("POST", super::paths::API_BIDS, Body::Form(&form), |_| {}).await.map_err(|_| failed())?;
    if status == 201 {
        let accepted: super::BidAccepted = serde_json::from_str(&body).map_err(|_| failed())?;
        return Ok((accepted.sha256, accepted.received_at));
    }
    let code = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .unwrap_or_default();
    Err(vec![refusal_text(locale, &code).to_string()])
}

// On the server nothing runs: a bid needs the browser to encrypt it.
#[cfg(not(feature = "hydrate"))]
fn start(_: leptos::ev::SubmitEvent, _: BidState, _: StoredValue<BidSettings>, _: Locale) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_limited_in_number_and_in_total_size() {
        let locale = Locale::es_PE;
        assert_eq!(files_problems(locale, &[]), None);
        assert_eq!(files_problems(locale, &[1_000_000; 6]), None);
        assert!(files_problems(locale, &[1; 11]).unwrap().contains("10 archivos"));
        assert!(files_problems(locale, &[4 * 1024 * 1024, 3 * 1024 * 1024]).unwrap().contains("6 MB"));
    }
}
