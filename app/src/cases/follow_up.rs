//! The reporter's follow-up in the browser (WASM): the receipt becomes the lookup token and the reply
//! key here (Argon2id), only the token is sent (with a proof of work), and the office's replies are
//! decrypted here. Further messages go through the same encrypted upload path as the report: the text
//! is encrypted to the office keys and to the reporter's own reply key (so it shows again next time),
//! attachments to the office keys.

use crate::cases::CaseProblem;
use crate::cases::{
    CaseKeys, FollowUpCase, FollowUpObjectRequest, FollowUpRequest, OpenCase, ShownAttachment, ShownMessage,
};
use crate::platform::problem::TransportProblem;
use crate::platform::sealed_upload::{Body, general, refused_problems, request, sleep};
use crate::reporting::form::{FieldProblem, ReportProblem, ReportSettings};
use crate::reporting::submit::{Stage, chosen_files, post_document, prove_work, send_attachments};
use base64::Engine;
use envelope::message::{Author, Message};
use envelope::receipt::Receipt;
use envelope::{Identity, hex_lower};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement};

/// Turns a typed receipt into its keys; a mistyped one is refused before any request.
pub async fn keys_for(typed: &str) -> Result<CaseKeys, Vec<FieldProblem>> {
    let receipt = Receipt::parse(typed).map_err(|_| vec![FieldProblem::general(CaseProblem::CaseNotFound)])?;
    // Let the page show that work is under way before Argon2id takes the thread.
    sleep(0).await;
    let keys = receipt.derive_keys();
    Ok(CaseKeys {
        lookup_token: hex_lower(keys.lookup_token.as_ref()),
        reply_secret: keys.reply_identity.to_secret_string().to_string(),
    })
}

fn decrypt_message(identity: &Identity, ciphertext_base64: &str, expected: Author) -> Option<Message> {
    let ciphertext = base64::engine::general_purpose::STANDARD.decode(ciphertext_base64).ok()?;
    let plain = envelope::decrypt(std::slice::from_ref(identity), &ciphertext).ok()?;
    Message::from_json(&plain).ok().filter(|message| message.author == expected)
}

/// Fetches the case a lookup token opens, paying a proof of work; `CaseNotFound` if there is none.
pub async fn fetch_case(lookup_token: &str) -> Result<FollowUpCase, Vec<FieldProblem>> {
    let (challenge, nonce) = prove_work().await?;
    let lookup = serde_json::to_string(&FollowUpRequest { lookup_token: lookup_token.to_string(), challenge, nonce })
        .expect("JSON");
    let (status, body) = request("POST", super::paths::API_FOLLOW_UP, Body::Json(&lookup), |_| {})
        .await
        .map_err(|_| general(TransportProblem::Network))?;
    if status == 404 {
        return Err(general(CaseProblem::CaseNotFound));
    }
    match serde_json::from_str(&body) {
        Ok(case) if status == 200 => Ok(case),
        _ => Err(refused_problems(status, &body)),
    }
}

/// Looks the case up and decrypts its messages.
pub async fn look_up(keys: CaseKeys) -> Result<OpenCase, Vec<FieldProblem>> {
    let case = fetch_case(&keys.lookup_token).await?;
    let identity: Identity = keys.reply_secret.parse().map_err(|_| general(TransportProblem::ServerError))?;
    let messages = case
        .messages
        .iter()
        .map(|message| {
            let opened = decrypt_message(&identity, &message.ciphertext_base64, message.author);
            let attachments = opened
                .as_ref()
                .map(|m| {
                    m.attachments
                        .iter()
                        .enumerate()
                        .map(|(i, a)| ShownAttachment {
                            name: a.name.clone(),
                            media_type: a.media_type.clone(),
                            size: a.size,
                            // The reporter's own attachments are encrypted to the office only.
                            object: (message.author == Author::Office)
                                .then(|| message.attachments.get(i).cloned())
                                .flatten(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            ShownMessage {
                author: message.author,
                sent_on: message.sent_on.clone(),
                text: opened.map(|m| m.text),
                attachments,
            }
        })
        .collect();
    Ok(OpenCase { keys, case, messages })
}

/// Fetches an office attachment, decrypts it here and hands it to the browser as a download.
pub async fn download(keys: CaseKeys, attachment: ShownAttachment) -> Result<(), Vec<FieldProblem>> {
    let object = attachment.object.ok_or_else(|| general(TransportProblem::ServerError))?;
    let fetch =
        serde_json::to_string(&FollowUpObjectRequest { lookup_token: keys.lookup_token, object: object.object })
            .expect("JSON");
    let bytes = crate::platform::sealed_upload::request_bytes("POST", super::paths::API_FOLLOW_UP_OBJECT, &fetch)
        .await
        .map_err(|_| general(TransportProblem::Network))?;
    let identity: Identity = keys.reply_secret.parse().map_err(|_| general(TransportProblem::ServerError))?;
    let plain = envelope::decrypt(&[identity], &bytes).map_err(|_| general(TransportProblem::NotEncrypted))?;
    // The file, without the padding the office added (older replies have none).
    let mut unpadder = envelope::attachment::Unpadder::new(attachment.size);
    let file = unpadder.take(&plain);
    if unpadder.finish() == envelope::attachment::PaddingCheck::Mismatch {
        return Err(general(TransportProblem::NotEncrypted));
    }
    crate::platform::sealed_upload::save_as(file, &attachment.name, &attachment.media_type);
    Ok(())
}

/// Sends a further message (the form's `message` text and `attachments` files).
pub async fn send_message(
    form: HtmlFormElement,
    keys: CaseKeys,
    settings: ReportSettings,
    language: &'static str,
    on_stage: impl Fn(Stage) + Clone + 'static,
) -> Result<(), Vec<FieldProblem>> {
    let data = FormData::new_with_form(&form).expect("a form element");
    let text = data.get("message").as_string().unwrap_or_default();
    let files = chosen_files(&data);
    if text.trim().is_empty() {
        return Err(vec![FieldProblem::at(
            crate::reporting::form::Field::Description,
            ReportProblem::DescriptionMissing,
        )]);
    }
    if text.chars().count() > crate::reporting::form::MAX_DESCRIPTION_CHARS {
        return Err(vec![FieldProblem::at(
            crate::reporting::form::Field::Description,
            ReportProblem::DescriptionTooLong,
        )]);
    }
    let office: Vec<envelope::Recipient> = settings
        .office_keys
        .iter()
        .map(|key| key.recipient.parse())
        .collect::<Result<_, _>>()
        .map_err(|_| general(TransportProblem::WrongRecipients))?;
    if office.is_empty() || files.len() > settings.max_attachments as usize {
        return Err(general(if office.is_empty() {
            TransportProblem::WrongRecipients
        } else {
            TransportProblem::TooManyAttachments
        }));
    }
    let identity: Identity = keys.reply_secret.parse().map_err(|_| general(TransportProblem::ServerError))?;
    on_stage(Stage::ProofOfWork);
    let (token, nonce) = prove_work().await?;
    let (upload, attachments) = send_attachments(&files, &office, token, nonce, on_stage.clone()).await?;
    let mut message = Message::new(Author::Reporter, language, text);
    message.attachments = attachments;
    let padded = message
        .to_padded_json(settings.max_report_bytes as usize)
        .map_err(|_| general(TransportProblem::DocumentTooLarge))?;
    let mut recipients = office;
    recipients.push(identity.to_public());
    let ciphertext = envelope::encrypt(&recipients, &padded).map_err(|_| general(TransportProblem::WrongRecipients))?;
    let submission = FormData::new().expect("FormData");
    let field = |name: &str, value: &str| submission.append_with_str(name, value).expect("append");
    field("upload", &upload);
    field("lookup_token", &keys.lookup_token);
    for key in &settings.office_keys {
        field("key_id", &key.key_id);
    }
    post_document(submission, "message", &ciphertext, super::paths::API_FOLLOW_UP_MESSAGES, on_stage).await?;
    form.reset();
    Ok(())
}

/// The form element an event came from.
pub fn form_of(event: &web_sys::Event) -> Option<HtmlFormElement> {
    event.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
}
