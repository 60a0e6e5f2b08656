//! Every problem a page can show, as the wire code the server sends and the browser reads: the
//! sealed transport's, and each capability's own. A capability with problems of its own declares its
//! enum in its module and adds one variant here and one arm in [`Problem::message`]. Codes are
//! distinct across the enums, so a code alone says which one it is (`untagged`).

use crate::cases::CaseProblem;
use crate::i18n::Locale;
use crate::platform::problem::{AttachmentLimits, TransportProblem, transport_message};
use crate::reporting::form::{ReportProblem, ReportSettings};
use leptos_i18n::I18nContext;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Problem {
    Transport(TransportProblem),
    Report(ReportProblem),
    Case(CaseProblem),
}

impl From<TransportProblem> for Problem {
    fn from(problem: TransportProblem) -> Self {
        Problem::Transport(problem)
    }
}

impl From<ReportProblem> for Problem {
    fn from(problem: ReportProblem) -> Self {
        Problem::Report(problem)
    }
}

impl From<CaseProblem> for Problem {
    fn from(problem: CaseProblem) -> Self {
        Problem::Case(problem)
    }
}

// A problem compares equal to the capability's code it holds, so checks read `p.problem == code`.
impl PartialEq<TransportProblem> for Problem {
    fn eq(&self, other: &TransportProblem) -> bool {
        *self == Problem::Transport(*other)
    }
}

impl PartialEq<ReportProblem> for Problem {
    fn eq(&self, other: &ReportProblem) -> bool {
        *self == Problem::Report(*other)
    }
}

impl PartialEq<CaseProblem> for Problem {
    fn eq(&self, other: &CaseProblem) -> bool {
        *self == Problem::Case(*other)
    }
}

impl Problem {
    /// The message for this problem, in the reader's language.
    pub fn message(self, i18n: I18nContext<Locale>, settings: &ReportSettings) -> String {
        match self {
            Problem::Transport(problem) => {
                let limits = AttachmentLimits {
                    max_attachments: settings.max_attachments,
                    max_attachment_bytes: settings.max_attachment_bytes,
                };
                transport_message(i18n, problem, limits)
            }
            Problem::Report(problem) => crate::reporting::form::problem_message(i18n, problem, settings),
            Problem::Case(problem) => crate::cases::problem_message(i18n, problem),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_stay_as_browsers_and_tests_know_them() {
        let cases = [
            (Problem::from(TransportProblem::DocumentTooLarge), "\"report_too_large\""),
            (Problem::from(TransportProblem::UploadMalformed), "\"upload_malformed\""),
            (Problem::from(ReportProblem::DescriptionMissing), "\"description_missing\""),
            (Problem::from(ReportProblem::FormExpired), "\"form_expired\""),
            (Problem::from(CaseProblem::CaseNotFound), "\"case_not_found\""),
        ];
        for (problem, code) in cases {
            assert_eq!(serde_json::to_string(&problem).unwrap(), code);
            assert_eq!(serde_json::from_str::<Problem>(code).unwrap(), problem);
        }
        assert!(serde_json::from_str::<Problem>("\"no_such_problem\"").is_err());
    }

    #[test]
    fn every_code_reads_back_as_the_problem_that_wrote_it() {
        use TransportProblem::*;
        let transport = [
            TooManyAttachments,
            AttachmentTooLarge,
            DocumentTooLarge,
            ProofOfWorkFailed,
            ProofOfWorkExpired,
            UploadMalformed,
            NotEncrypted,
            WrongRecipients,
            UploadTruncated,
            UploadExpired,
            RateLimited,
            ServerError,
            Network,
            AttachmentUnreadable,
        ];
        use ReportProblem::*;
        let report = [
            DescriptionMissing,
            DescriptionTooLong,
            CategoryMissing,
            FieldTooLong,
            IdentityEmpty,
            IdentityNotConfirmed,
            EmailInvalid,
            PhoneInvalid,
            FormTooSoon,
            FormExpired,
        ];
        let all = transport
            .map(Problem::from)
            .into_iter()
            .chain(report.map(Problem::from))
            .chain([Problem::from(CaseProblem::CaseNotFound)]);
        // A code two enums shared would read back as the first enum's: untagged needs them distinct.
        for problem in all {
            let code = serde_json::to_string(&problem).unwrap();
            assert_eq!(serde_json::from_str::<Problem>(&code).unwrap(), problem, "{code}");
        }
    }
}
