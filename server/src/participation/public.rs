//! The public side: the polls, voting and results pages' loaders; the island's two requests (a token
//! for an eligible resident, a ballot for a signed token); and the files published after the close.
//!
//! The ballot request is read without looking at cookies, addresses or any header: nothing about who
//! sends it reaches storage or a log (the request log has the path, status and time, as for every
//! request; no body is logged).

use crate::AppState;
use crate::page_loaders::{Loaded, LoaderFuture, Request as PageRequest};
use crate::platform::server_error;
use app::participation::blind_rsa::{PublicKeySha384PSSRandomized, SecretKeySha384PSSRandomized};
use app::participation::pages::{PollsView, ResultsView, VoteView};
use app::participation::storage::{self, Taken, VoteError};
use app::participation::{
    CastAnswer, CastRequest, Phase, Poll, TokenAnswer, TokenRequest, VoteProblem, b64, check_choices, unb64,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use sha2::{Digest, Sha256};

fn refuse(status: StatusCode, problem: VoteProblem) -> Response {
    (status, axum::Json(serde_json::json!({ "problem": problem, "code": problem.code() }))).into_response()
}

fn status_of(problem: VoteProblem) -> StatusCode {
    match problem {
        VoteProblem::Invalid
        | VoteProblem::NotInCensus
        | VoteProblem::BadToken
        | VoteProblem::ChoicesNotInToken
        | VoteProblem::Choices(_) => StatusCode::UNPROCESSABLE_ENTITY,
        VoteProblem::AlreadyTaken | VoteProblem::TokenUsed | VoteProblem::NotOpen => StatusCode::CONFLICT,
        VoteProblem::TooMany => StatusCode::TOO_MANY_REQUESTS,
        VoteProblem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The poll named in the path, if it exists.
async fn poll_of(state: &AppState, id: &str) -> Result<Poll, Response> {
    if id.len() > 32 {
        return Err(StatusCode::NOT_FOUND.into_response());
    }
    match storage::poll(&state.database, id).await {
        Ok(Some(poll)) => Ok(poll),
        Ok(None) => Err(StatusCode::NOT_FOUND.into_response()),
        Err(error) => Err(server_error("reading a poll failed", error)),
    }
}

/// `POST /participacion/consultas/{poll}/ficha`: `{dni, birth_date, blinded}` → `{blind_signature}`.
/// An attempt that matches no resident spends the portal-wide budget of wrong attempts.
pub async fn token(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Response {
    let poll = match poll_of(&state, &id).await {
        Ok(poll) => poll,
        Err(response) => return response,
    };
    if poll.phase(&storage::now()) != Phase::Open {
        return refuse(StatusCode::CONFLICT, VoteProblem::NotOpen);
    }
    let Ok(request) = serde_json::from_slice::<TokenRequest>(&body) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::Invalid);
    };
    let dni = app::participation::import::normalize_dni(&request.dni);
    let birth_date =
        app::tramites::calendar::parse_day(&request.birth_date).map(|_| request.birth_date.trim().to_string());
    let blinded = unb64(&request.blinded).filter(|bytes| bytes.len() == app::participation::KEY_BITS / 8);
    let (Some(dni), Some(birth_date), Some(blinded)) = (dni, birth_date, blinded) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::Invalid);
    };
    // Signed first: a blinded message the key cannot sign (not below its modulus) is refused before
    // anything is recorded against the DNI.
    let secret = match storage::secret_key(&state.database, &poll.id).await {
        Ok(Some(secret)) => secret,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return server_error("reading a poll's key failed", error),
    };
    let to_sign = blinded.clone();
    let signed = tokio::task::spawn_blocking(move || {
        let key = SecretKeySha384PSSRandomized::from_pem(&secret).map_err(|e| e.to_string())?;
        key.blind_sign(&to_sign).map_err(|e| e.to_string())
    })
    .await;
    let blind_signature = match signed {
        Ok(Ok(signature)) => signature,
        Ok(Err(_)) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::Invalid),
        Err(error) => return server_error("signing a token failed", error),
    };
    let budget = &state.participation.wrong_attempts;
    if !budget.try_acquire() {
        return refuse(StatusCode::TOO_MANY_REQUESTS, VoteProblem::TooMany);
    }
    let blinded_hash = envelope::hex_lower(&Sha256::digest(&blinded));
    match storage::take_token(&state.database, &poll, &dni, &birth_date, &blinded_hash).await {
        Ok(Taken::First | Taken::Again) => {
            budget.release();
            axum::Json(TokenAnswer { blind_signature: b64(&blind_signature.0) }).into_response()
        }
        Err(VoteError::Refused(VoteProblem::NotInCensus)) => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::NotInCensus)
        }
        Err(VoteError::Refused(problem)) => {
            budget.release();
            refuse(status_of(problem), problem)
        }
        Err(VoteError::Storage(error)) => {
            budget.release();
            server_error("recording a token failed", error)
        }
    }
}

/// `POST /participacion/consultas/{poll}/papeleta`: `{token, randomizer, signature, choices}` →
/// `{ballot_code}`.
pub async fn cast(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Response {
    let poll = match poll_of(&state, &id).await {
        Ok(poll) => poll,
        Err(response) => return response,
    };
    if poll.phase(&storage::now()) != Phase::Open {
        return refuse(StatusCode::CONFLICT, VoteProblem::NotOpen);
    }
    let Ok(request) = serde_json::from_slice::<CastRequest>(&body) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::Invalid);
    };
    let Ok(key) = PublicKeySha384PSSRandomized::from_pem(&poll.public_key_pem) else {
        return server_error("reading a poll's public key failed", "not a public key");
    };
    if !app::participation::verify::token_is_signed(&key, &request.token, &request.randomizer, &request.signature) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::BadToken);
    }
    if unb64(&request.token).and_then(|token| app::participation::choices_of_token(&token)).as_ref()
        != Some(&request.choices)
    {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::ChoicesNotInToken);
    }
    if let Err(problem) = check_choices(&poll.questions, &request.choices) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, VoteProblem::Choices(problem));
    }
    // Stored as the canonical base64url of the decoded bytes, so that one token cannot be spent twice
    // under two spellings (with and without padding).
    let canonical = |text: &str| unb64(text).map(|bytes| b64(&bytes)).unwrap_or_default();
    let (token, randomizer, signature) =
        (canonical(&request.token), canonical(&request.randomizer), canonical(&request.signature));
    match storage::cast(&state.database, &poll.id, &token, &randomizer, &signature, &request.choices).await {
        Ok(ballot_code) => axum::Json(CastAnswer { ballot_code }).into_response(),
        Err(VoteError::Refused(problem)) => refuse(status_of(problem), problem),
        Err(VoteError::Storage(error)) => server_error("storing a ballot failed", error),
    }
}

/// The publication of a closed poll (sealed on the way), or the answer that it is not published yet.
async fn published(state: &AppState, id: &str) -> Result<app::participation::Publication, Response> {
    let poll = poll_of(state, id).await?;
    if let Err(error) = storage::seal(&state.database, &poll).await {
        return Err(server_error("sealing a poll failed", error));
    }
    match storage::publication(&state.database, &poll).await {
        Ok(Some(publication)) => Ok(publication),
        Ok(None) => Err((StatusCode::NOT_FOUND, "The ballots are published after the poll closes.\n").into_response()),
        Err(error) => Err(server_error("reading a poll's ballots failed", error)),
    }
}

fn download(media_type: &'static str, name: String, body: String) -> Response {
    (
        [
            (http::header::CONTENT_TYPE, media_type.to_string()),
            (http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

/// `GET …/{poll}/papeletas.json`: the whole publication, which `server verify-poll` checks.
pub async fn ballots_json(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match published(&state, &id).await {
        Ok(publication) => download(
            "application/json",
            format!("papeletas-{id}.json"),
            serde_json::to_string_pretty(&publication).expect("serialisable"),
        ),
        Err(response) => response,
    }
}

/// A ballot's answers in one CSV cell: `1:2; 2:1+3` (question:options, both counted from 1).
pub fn answers_cell(choices: &app::participation::Choices) -> String {
    choices
        .iter()
        .enumerate()
        .map(|(at, chosen)| {
            let options = chosen.iter().map(|option| (option + 1).to_string()).collect::<Vec<_>>().join("+");
            format!("{}:{options}", at + 1)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `GET …/{poll}/papeletas.csv`: `codigo,respuestas,ficha,aleatorizador,firma`, in code order.
pub async fn ballots_csv(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let publication = match published(&state, &id).await {
        Ok(publication) => publication,
        Err(response) => return response,
    };
    // No field can hold a comma, a quote or a line break (codes, base64url, `1:2; 2:1+3`): no quoting.
    let mut body = String::from("codigo,respuestas,ficha,aleatorizador,firma\n");
    for ballot in &publication.ballots {
        let answers = answers_cell(&ballot.choices);
        body.push_str(&format!(
            "{},{answers},{},{},{}\n",
            ballot.code, ballot.token, ballot.randomizer, ballot.signature
        ));
    }
    download("text/csv; charset=utf-8", format!("papeletas-{id}.csv"), body)
}

/// `GET …/{poll}/clave-publica.pem`: the poll's public key, from its creation on.
pub async fn public_key(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match poll_of(&state, &id).await {
        Ok(poll) => download("application/x-pem-file", format!("clave-publica-{id}.pem"), poll.public_key_pem),
        Err(response) => response,
    }
}

/// The poll named by `?consulta=`, or the page's 404.
async fn poll_of_page(request: &PageRequest<'_>) -> Result<Option<Poll>, crate::page_loaders::Outcome> {
    let Some(id) = request.query_value("consulta") else { return Ok(None) };
    storage::poll(&request.state.database, id.trim())
        .await
        .map_err(|error| crate::page_loaders::failed("reading a poll failed", error))
}

pub fn load_polls<'a>(request: &'a PageRequest<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        match storage::polls(&request.state.database).await {
            Ok(polls) => Loaded::context(PollsView { polls, now: storage::now() }).into(),
            Err(error) => crate::page_loaders::failed("listing polls failed", error),
        }
    })
}

pub fn load_vote<'a>(request: &'a PageRequest<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let poll = match poll_of_page(request).await {
            Ok(poll) => poll,
            Err(outcome) => return outcome,
        };
        let status = if poll.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
        let view = VoteView { poll, now: storage::now(), delay: request.state.participation.delay };
        Loaded::context(view).with_status(status).into()
    })
}

/// A ballot code as typed: letters and digits, upper case, in groups of four.
fn normalize_ballot_code(text: &str) -> String {
    let letters: Vec<char> =
        text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).take(12).collect();
    letters.chunks(4).map(|chunk| chunk.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

pub fn load_results<'a>(request: &'a PageRequest<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let poll = match poll_of_page(request).await {
            Ok(poll) => poll,
            Err(outcome) => return outcome,
        };
        let now = storage::now();
        let Some(poll) = poll else {
            return Loaded::context(ResultsView { now, ..Default::default() })
                .with_status(StatusCode::NOT_FOUND)
                .into();
        };
        let database = &request.state.database;
        if let Err(error) = storage::seal(database, &poll).await {
            return crate::page_loaders::failed("sealing a poll failed", error);
        }
        let publication = match storage::publication(database, &poll).await {
            Ok(publication) => publication,
            Err(error) => return crate::page_loaders::failed("reading a poll's ballots failed", error),
        };
        let search = request.query_value("codigo").filter(|code| !code.trim().is_empty()).map(|code| {
            let code = normalize_ballot_code(&code);
            let found = publication.as_ref().and_then(|p| p.ballots.iter().find(|ballot| ballot.code == code).cloned());
            (code, found)
        });
        let results = publication.as_ref().map(|publication| publication.results());
        Loaded::context(ResultsView { poll: Some(poll), now, results, search }).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballot_codes_are_read_as_typed_and_answers_fit_one_cell() {
        assert_eq!(normalize_ballot_code(" abcd efgh-jk lm "), "ABCD-EFGH-JKLM");
        assert_eq!(answers_cell(&vec![vec![1], vec![0, 2]]), "1:2; 2:1+3");
    }
}
