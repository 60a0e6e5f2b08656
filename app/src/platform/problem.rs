//! What can go wrong in the sealed-upload transport, whichever capability uses it (a report, a
//! follow-up message, later a sealed bid): stable wire codes, and their messages.

use crate::i18n::{Locale, t_string};
use crate::ui::format::format_size;
use leptos_i18n::I18nContext;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportProblem {
    TooManyAttachments,
    AttachmentTooLarge,
    /// The sealed document itself (a report, a message) is over its limit. The wire code predates
    /// the transport's other users.
    #[serde(rename = "report_too_large")]
    DocumentTooLarge,
    ProofOfWorkFailed,
    ProofOfWorkExpired,
    UploadMalformed,
    NotEncrypted,
    WrongRecipients,
    UploadTruncated,
    /// The upload named by a submission is unknown: it expired while idle, or was already used.
    UploadExpired,
    RateLimited,
    ServerError,
    /// The browser could not reach the server (never sent by the server itself).
    Network,
    /// The browser could not read a chosen file, or it changed while being sent (browser only).
    AttachmentUnreadable,
}

/// The limits a transport message quotes.
#[derive(Clone, Copy, Debug)]
pub struct AttachmentLimits {
    pub max_attachments: u32,
    pub max_attachment_bytes: u64,
}

/// The message for a transport problem, in the reader's language.
pub fn transport_message(i18n: I18nContext<Locale>, problem: TransportProblem, limits: AttachmentLimits) -> String {
    use TransportProblem::*;
    let text = match problem {
        TooManyAttachments => {
            return t_string!(i18n, common.problem.too_many_attachments, count = limits.max_attachments).to_string();
        }
        AttachmentTooLarge => {
            let size = format_size(limits.max_attachment_bytes);
            return t_string!(i18n, common.problem.attachment_too_large, size).to_string();
        }
        DocumentTooLarge => t_string!(i18n, common.problem.report_too_large),
        ProofOfWorkFailed => t_string!(i18n, common.problem.proof_of_work_failed),
        ProofOfWorkExpired => t_string!(i18n, common.problem.proof_of_work_expired),
        UploadMalformed => t_string!(i18n, common.problem.upload_malformed),
        NotEncrypted => t_string!(i18n, common.problem.not_encrypted),
        WrongRecipients => t_string!(i18n, common.problem.wrong_recipients),
        UploadTruncated => t_string!(i18n, common.problem.upload_truncated),
        UploadExpired => t_string!(i18n, common.problem.upload_expired),
        RateLimited => t_string!(i18n, common.problem.rate_limited),
        ServerError => t_string!(i18n, common.problem.server_error),
        Network => t_string!(i18n, common.problem.network),
        AttachmentUnreadable => t_string!(i18n, common.problem.attachment_unreadable),
    };
    text.to_string()
}
