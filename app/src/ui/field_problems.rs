//! A server-rendered form's problems, GOV.UK style: the summary at the top links to each field, the
//! field shows its message, and the input names the message (and its hint) in `aria-describedby`.

use leptos::prelude::*;

/// Each problem as (field id, message), in the order the summary lists them.
pub struct FieldProblems(pub Vec<(&'static str, String)>);

impl FieldProblems {
    /// For `ErrorSummary`.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.0.iter().map(|(field, text)| (field.to_string(), text.clone())).collect()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(name, _)| *name == field)
    }

    /// The field's first message.
    pub fn message(&self, field: &str) -> Option<String> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, text)| text.clone())
    }

    /// The field's first message, with the id its input refers to.
    pub fn error_of(&self, field: &'static str) -> Option<impl IntoView + use<>> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, text)| {
            let text = text.clone();
            view! { <p class="field-error" id=format!("{field}-error")>{text}</p> }
        })
    }

    /// `aria-describedby` for the field: its hint (if it has one) and its message (if it has one).
    pub fn described(&self, field: &'static str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{field}-hint"));
        }
        if self.has(field) {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }
}
