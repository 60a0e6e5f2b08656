//! Reading the front desk's multipart forms: text fields (bounded), and PDF documents streamed into
//! the file store as they arrive, each checked to be a PDF and within its size. A document refused or
//! left unused is removed again ([`KeptDocuments::discard`]).

use app::platform::files::FileStore;
use app::reporting::form::clean_file_name;
use app::tramites::fields::{FilingProblem, looks_like_pdf};
use app::tramites::storage::NewDocument;
use axum::extract::multipart::{Field, Multipart};
use sha2::{Digest, Sha256};

/// The longest text field read (longer ones are cut here; the checks then refuse them as too long).
const MAX_TEXT_BYTES: usize = 16 * 1024;
/// The longest CSV file the desk's import reads.
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

/// The limits a form's documents are held to.
#[derive(Clone, Copy, Debug)]
pub struct DocumentLimits {
    pub max_bytes: u64,
    pub max_count: usize,
}

/// What a form carried.
#[derive(Default)]
pub struct ReadForm {
    pub fields: Vec<(String, String)>,
    pub documents: Vec<NewDocument>,
    /// The first problem with the documents, if any (the documents are then discarded).
    pub document_problem: Option<FilingProblem>,
    /// A file was chosen (even if it was refused): the page says to choose it again.
    pub files_chosen: bool,
    /// The bytes of the `file` field, for the CSV import.
    pub file: Option<Vec<u8>>,
}

impl ReadForm {
    pub fn get(&self, name: &str) -> &str {
        self.fields.iter().rev().find(|(key, _)| key == name).map_or("", |(_, value)| value.as_str())
    }
}

/// Why a form could not be read at all.
#[derive(Debug)]
pub enum ReadFailure {
    /// Not a multipart body, or cut off.
    Malformed,
    /// The file store failed.
    Storage(std::io::Error),
}

/// Reads every part: `documents`/`document` parts as PDFs into `store`, `file` into memory, the rest
/// as text. On failure, whatever was stored is removed.
pub async fn read(
    multipart: &mut Multipart,
    store: &FileStore,
    limits: DocumentLimits,
) -> Result<ReadForm, ReadFailure> {
    let mut form = ReadForm::default();
    let result = read_parts(multipart, store, limits, &mut form).await;
    if result.is_err() || form.document_problem.is_some() {
        // A refused form keeps none of its documents.
        discard(store, &std::mem::take(&mut form.documents)).await;
    }
    if result.is_err() {
        drain(multipart).await;
    }
    result.map(|()| form)
}

async fn read_parts(
    multipart: &mut Multipart,
    store: &FileStore,
    limits: DocumentLimits,
    form: &mut ReadForm,
) -> Result<(), ReadFailure> {
    while let Some(mut field) = multipart.next_field().await.map_err(|_| ReadFailure::Malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "documents" | "document" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                if file_name.is_empty() {
                    // An empty file input still sends its part.
                    skip(&mut field).await?;
                    continue;
                }
                form.files_chosen = true;
                if form.document_problem.is_some() {
                    skip(&mut field).await?;
                    continue;
                }
                if form.documents.len() >= limits.max_count {
                    form.document_problem = Some(FilingProblem::TooManyDocuments);
                    skip(&mut field).await?;
                    continue;
                }
                match store_pdf(&mut field, store, &file_name, limits.max_bytes).await? {
                    Ok(document) => form.documents.push(document),
                    Err(problem) => form.document_problem = Some(problem),
                }
            }
            "file" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| ReadFailure::Malformed)? {
                    if bytes.len() + chunk.len() > MAX_CSV_BYTES {
                        return Err(ReadFailure::Malformed);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                form.file = Some(bytes);
            }
            _ => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| ReadFailure::Malformed)? {
                    let room = MAX_TEXT_BYTES.saturating_sub(bytes.len());
                    bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                form.fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    Ok(())
}

async fn skip(field: &mut Field<'_>) -> Result<(), ReadFailure> {
    while field.chunk().await.map_err(|_| ReadFailure::Malformed)?.is_some() {}
    Ok(())
}

/// Streams one document into the store: `Ok(Err(problem))` when it is too large or not a PDF (and then
/// nothing of it is kept).
async fn store_pdf(
    field: &mut Field<'_>,
    store: &FileStore,
    file_name: &str,
    max_bytes: u64,
) -> Result<Result<NewDocument, FilingProblem>, ReadFailure> {
    let mut object = store.create().await.map_err(ReadFailure::Storage)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(8);
    let mut tail: Vec<u8> = Vec::with_capacity(2048);
    let mut too_large = false;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) => {
                store.discard_incoming(object).await;
                return Err(ReadFailure::Malformed);
            }
        };
        if too_large {
            continue;
        }
        if object.len() + chunk.len() as u64 > max_bytes {
            too_large = true;
            continue;
        }
        if head.len() < 8 {
            head.extend_from_slice(&chunk[..chunk.len().min(8 - head.len())]);
        }
        tail.extend_from_slice(&chunk);
        if tail.len() > 1024 {
            tail.drain(..tail.len() - 1024);
        }
        hasher.update(&chunk);
        if let Err(error) = object.write(&chunk).await {
            store.discard_incoming(object).await;
            return Err(ReadFailure::Storage(error));
        }
    }
    if too_large {
        store.discard_incoming(object).await;
        return Ok(Err(FilingProblem::DocumentTooLarge));
    }
    if !looks_like_pdf(&head, &tail) {
        store.discard_incoming(object).await;
        return Ok(Err(FilingProblem::DocumentNotPdf));
    }
    let size = object.len();
    let kept = store.keep(object).await.map_err(ReadFailure::Storage)?;
    Ok(Ok(NewDocument {
        file_name: clean_file_name(file_name),
        object: kept.name,
        size,
        sha256: envelope::hex_lower(&hasher.finalize()),
    }))
}

/// Removes stored documents whose record did not commit.
pub async fn discard(store: &FileStore, documents: &[NewDocument]) {
    for document in documents {
        store.discard(&document.object).await;
    }
}

async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}
