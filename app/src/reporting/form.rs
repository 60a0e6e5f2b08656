//! The report form's fields, its validation rules and the portal settings the form needs. Compiled
//! into both the server (which always validates, and encrypts on the no-JavaScript path) and the
//! browser (which validates before encrypting, so a mistake costs no proof of work and no upload).

pub use crate::problem::Problem;
use envelope::report::{Category, EncryptedIn, Report, ReporterIdentity};
use serde::{Deserialize, Serialize};

/// Longest description accepted, in characters (about ten printed pages).
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Longest short field (office, place, date, names…), in characters.
pub const MAX_SHORT_FIELD_CHARS: usize = 300;

/// An integrity office key as the reporter sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeKeyView {
    pub key_id: String,
    pub name: String,
    pub recipient: String,
    pub fingerprint: String,
}

/// What the report pages need from the deployment; the islands get it as a prop (so the browser
/// renders exactly what the server rendered, with no extra request).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSettings {
    pub office_keys: Vec<OfficeKeyView>,
    pub max_report_bytes: u64,
    pub max_attachment_bytes: u64,
    pub max_attachments: u32,
    /// How long the plain form must have been open before it can be sent (its form ticket's minimum
    /// age), for the message that asks to wait.
    #[serde(default)]
    pub form_wait_seconds: u64,
}

/// Issues the plain form's ticket (the server's `reporting::form_ticket`) when the form renders on
/// the server; the form island gets it as a prop. The browser path never sends it.
#[derive(Clone)]
pub struct FormTicketSource(pub std::sync::Arc<dyn Fn() -> String + Send + Sync>);

/// The name of the plain form's ticket field: the form's first, so that the server knows before any
/// file arrives whether to read the files.
pub const FORM_TICKET_FIELD: &str = "form_ticket";

/// The form's fields, as typed. Field names are the HTML `name`s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFields {
    pub description: String,
    pub category: String,
    pub involved: String,
    pub place: String,
    pub approximate_date: String,
    pub share_identity: bool,
    pub names: String,
    pub surnames: String,
    pub phone: String,
    pub email: String,
    /// "yes", "no" or "" (not said).
    pub lives_in_district: String,
    /// Files a refused plain post carried (set by the server, no input has this name): a browser
    /// cannot be given them back, so the form asks for them again only when there were some.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub files_chosen: u32,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// A form field, for tying an error to its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Description,
    Category,
    Involved,
    Place,
    ApproximateDate,
    Names,
    Surnames,
    Phone,
    Email,
    Attachments,
}

impl Field {
    /// The id of the input, the target of the error summary's link.
    pub fn input_id(self) -> &'static str {
        match self {
            Field::Description => "description",
            Field::Category => "category",
            Field::Involved => "involved",
            Field::Place => "place",
            Field::ApproximateDate => "approximate_date",
            Field::Names => "names",
            Field::Surnames => "surnames",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Attachments => "attachments",
        }
    }
}

/// What can be wrong with a report's fields or its plain form, as stable codes the server sends and
/// both sides turn into a message in the reporter's language. The transport's problems (proof of work,
/// uploads, limits on files) are [`TransportProblem`](crate::platform::problem::TransportProblem).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportProblem {
    DescriptionMissing,
    DescriptionTooLong,
    CategoryMissing,
    FieldTooLong,
    IdentityEmpty,
    IdentityNotConfirmed,
    EmailInvalid,
    PhoneInvalid,
    /// The plain form was sent sooner after it was opened than a person could write a report.
    FormTooSoon,
    /// The plain form's ticket is missing, forged, a day old, already used, or from before a restart.
    FormExpired,
}

/// The message for a report problem, in the reader's language.
pub fn problem_message(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    problem: ReportProblem,
    settings: &ReportSettings,
) -> String {
    use crate::i18n::t_string;
    use ReportProblem::*;
    let text = match problem {
        DescriptionMissing => t_string!(i18n, reporting.problem.description_missing),
        DescriptionTooLong => t_string!(i18n, reporting.problem.description_too_long),
        CategoryMissing => t_string!(i18n, reporting.problem.category_missing),
        FieldTooLong => t_string!(i18n, reporting.problem.field_too_long),
        IdentityEmpty => t_string!(i18n, reporting.problem.identity_empty),
        IdentityNotConfirmed => t_string!(i18n, reporting.problem.identity_not_confirmed),
        EmailInvalid => t_string!(i18n, reporting.problem.email_invalid),
        PhoneInvalid => t_string!(i18n, reporting.problem.phone_invalid),
        FormTooSoon => {
            return t_string!(i18n, reporting.problem.form_too_soon, seconds = settings.form_wait_seconds).to_string();
        }
        FormExpired => t_string!(i18n, reporting.problem.form_expired),
    };
    text.to_string()
}

/// One problem, tied to a field when it concerns one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: Option<Field>,
    pub problem: Problem,
}

impl FieldProblem {
    pub fn at(field: Field, problem: impl Into<Problem>) -> Self {
        Self { field: Some(field), problem: problem.into() }
    }

    pub fn general(problem: impl Into<Problem>) -> Self {
        Self { field: None, problem: problem.into() }
    }
}

/// A category as the reader's language names it (the form, and the complaint statistics' tables).
pub fn category_label(locale: crate::i18n::Locale, category: Category) -> &'static str {
    use crate::i18n::td_string;
    match category {
        Category::Soborno => td_string!(locale, reporting.report_form.category_soborno),
        Category::Colusion => td_string!(locale, reporting.report_form.category_colusion),
        Category::AbusoDeAutoridad => td_string!(locale, reporting.report_form.category_abuso_de_autoridad),
        Category::OmisionDeFunciones => td_string!(locale, reporting.report_form.category_omision_de_funciones),
        Category::UsoIndebidoDeBienes => td_string!(locale, reporting.report_form.category_uso_indebido_de_bienes),
        Category::Nepotismo => td_string!(locale, reporting.report_form.category_nepotismo),
        Category::ConflictoDeIntereses => td_string!(locale, reporting.report_form.category_conflicto_de_intereses),
        Category::Otro => td_string!(locale, reporting.report_form.category_otro),
    }
}

fn too_long(text: &str, limit: usize) -> bool {
    text.chars().count() > limit
}

fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

fn plausible_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

impl ReportFields {
    /// Every problem with the typed fields, in the order the fields appear on the page.
    pub fn validate(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        if self.description.trim().is_empty() {
            problems.push(FieldProblem::at(Field::Description, ReportProblem::DescriptionMissing));
        } else if too_long(&self.description, MAX_DESCRIPTION_CHARS) {
            problems.push(FieldProblem::at(Field::Description, ReportProblem::DescriptionTooLong));
        }
        if Category::parse(&self.category).is_none() {
            problems.push(FieldProblem::at(Field::Category, ReportProblem::CategoryMissing));
        }
        for (field, value) in [
            (Field::Involved, &self.involved),
            (Field::Place, &self.place),
            (Field::ApproximateDate, &self.approximate_date),
        ] {
            if too_long(value, MAX_SHORT_FIELD_CHARS) {
                problems.push(FieldProblem::at(field, ReportProblem::FieldTooLong));
            }
        }
        let identity = [&self.names, &self.surnames, &self.phone, &self.email];
        if !self.share_identity && identity.iter().any(|value| !value.trim().is_empty()) {
            // Details typed but not confirmed: ask, rather than silently drop or silently send them.
            problems.push(FieldProblem::at(Field::Names, ReportProblem::IdentityNotConfirmed));
        }
        if self.share_identity {
            if identity.iter().all(|value| value.trim().is_empty()) {
                problems.push(FieldProblem::at(Field::Names, ReportProblem::IdentityEmpty));
            }
            for (field, value) in [(Field::Names, &self.names), (Field::Surnames, &self.surnames)] {
                if too_long(value, MAX_SHORT_FIELD_CHARS) {
                    problems.push(FieldProblem::at(field, ReportProblem::FieldTooLong));
                }
            }
            if !self.phone.trim().is_empty() && !plausible_phone(self.phone.trim()) {
                problems.push(FieldProblem::at(Field::Phone, ReportProblem::PhoneInvalid));
            }
            if !self.email.trim().is_empty()
                && (!plausible_email(self.email.trim()) || too_long(&self.email, MAX_SHORT_FIELD_CHARS))
            {
                problems.push(FieldProblem::at(Field::Email, ReportProblem::EmailInvalid));
            }
        }
        problems
    }

    /// The report document for valid fields. Identity fields are left out entirely unless the reporter
    /// chose to share them, whatever was typed in them.
    pub fn to_report(&self, language: &str, encrypted_in: EncryptedIn) -> Report {
        let category = Category::parse(&self.category).unwrap_or(Category::Otro);
        let mut report = Report::new(language, category, self.description.trim().to_string(), encrypted_in);
        report.involved = self.involved.trim().to_string();
        report.place = self.place.trim().to_string();
        report.approximate_date = self.approximate_date.trim().to_string();
        if self.share_identity {
            report.identity = Some(ReporterIdentity {
                names: self.names.trim().to_string(),
                surnames: self.surnames.trim().to_string(),
                phone: self.phone.trim().to_string(),
                email: self.email.trim().to_string(),
                lives_in_district: match self.lives_in_district.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
            });
        }
        report
    }
}

/// A proof-of-work challenge, as `POST /api/reports/challenge` answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub token: String,
    pub bits: u32,
}

/// `POST /api/uploads`: opens an upload for a report's attachments, paid for with a solved challenge.
/// `lengths` are the exact ciphertext lengths of the attachments, in the order they will be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRequest {
    pub challenge: String,
    pub nonce: u64,
    pub lengths: Vec<u64>,
}

/// The answer to [`UploadRequest`]: the upload's id, to name in every slice and in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadOpened {
    pub upload: String,
}

/// How many bytes of an attachment the server holds: the answer to every slice, and (with `409`) to a
/// slice sent at the wrong offset, so a browser whose connection dropped resumes from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadProgress {
    pub received: u64,
}

/// What the server answers to a submission, as JSON (browser path) or inside the page (no-JS path).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum SubmissionOutcome {
    Accepted {
        received_on: String,
        /// Only on the no-JavaScript path, where the server made the receipt; the browser path never
        /// sends the receipt anywhere.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receipt: Option<String>,
    },
    Refused {
        problems: Vec<FieldProblem>,
        /// The fields as submitted, to fill the form again (no-JavaScript path).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fields: Option<Box<ReportFields>>,
    },
}

/// The file name an attachment is listed under: path parts and control characters removed, at most
/// 200 characters. The integrity office's tool sanitises again before writing any file.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() { "adjunto".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ReportFields {
        ReportFields { description: "Me pidieron S/ 500".into(), category: "soborno".into(), ..Default::default() }
    }

    #[test]
    fn a_minimal_report_is_valid() {
        assert_eq!(valid().validate(), []);
    }

    #[test]
    fn each_rule_names_its_field() {
        let empty = ReportFields::default();
        assert_eq!(
            empty.validate(),
            [
                FieldProblem::at(Field::Description, ReportProblem::DescriptionMissing),
                FieldProblem::at(Field::Category, ReportProblem::CategoryMissing)
            ]
        );
        let mut fields = valid();
        fields.description = "   \n ".into();
        assert_eq!(fields.validate()[0], FieldProblem::at(Field::Description, ReportProblem::DescriptionMissing));
        fields.description = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        assert_eq!(fields.validate()[0], FieldProblem::at(Field::Description, ReportProblem::DescriptionTooLong));
        let mut fields = valid();
        fields.place = "x".repeat(MAX_SHORT_FIELD_CHARS + 1);
        assert_eq!(fields.validate(), [FieldProblem::at(Field::Place, ReportProblem::FieldTooLong)]);
        let mut fields = valid();
        fields.share_identity = true;
        assert_eq!(fields.validate(), [FieldProblem::at(Field::Names, ReportProblem::IdentityEmpty)]);
        fields.email = "rosa@ejemplo".into();
        fields.phone = "12".into();
        assert_eq!(
            fields.validate(),
            [
                FieldProblem::at(Field::Phone, ReportProblem::PhoneInvalid),
                FieldProblem::at(Field::Email, ReportProblem::EmailInvalid)
            ]
        );
        fields.email = "rosa@ejemplo.pe".into();
        fields.phone = "+51 987 654 321".into();
        assert_eq!(fields.validate(), []);
    }

    #[test]
    fn identity_is_left_out_unless_shared() {
        let mut fields = valid();
        fields.names = "Rosa".into();
        fields.email = "rosa@ejemplo.pe".into();
        assert_eq!(fields.validate(), [FieldProblem::at(Field::Names, ReportProblem::IdentityNotConfirmed)]);
        assert_eq!(fields.to_report("es-PE", EncryptedIn::Browser).identity, None);
        fields.share_identity = true;
        fields.lives_in_district = "yes".into();
        let identity = fields.to_report("es-PE", EncryptedIn::Browser).identity.unwrap();
        assert_eq!((identity.names.as_str(), identity.lives_in_district), ("Rosa", Some(true)));
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\rosa\\acta.pdf"), "acta.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("foto\u{0}\n.jpg"), "foto.jpg");
        assert_eq!(clean_file_name(".."), "adjunto");
    }
}
