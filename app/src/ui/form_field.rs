//! One labelled field of a server-rendered staff form, GOV.UK style: label, optional hint, the field's
//! message when it has one, and the input that names both in `aria-describedby`. The forms of the
//! registers are built from it rather than repeating the markup field by field.

use super::field_problems::FieldProblems;
use leptos::prelude::*;
use std::sync::Arc;

/// What kind of control: an `<input type=…>` or a `<textarea>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Text,
    Short,
    Date,
    Time,
    TextArea,
}

/// A field: `id` is also its `name` and the key of its problem.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    value: String,
    problems: Arc<FieldProblems>,
    #[prop(default = Control::Text)] control: Control,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let error = problems.message(id);
    let described = {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(format!("{id}-hint"));
        }
        if error.is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let has_error = error.is_some();
    let input = match control {
        Control::TextArea => view! {
            <textarea id=id name=id class="input" rows="5" aria-describedby=described>{value}</textarea>
        }
        .into_any(),
        other => {
            let (kind, class) = match other {
                Control::Date => ("date", "input"),
                Control::Time => ("time", "input input--short"),
                Control::Short => ("text", "input input--short"),
                _ => ("text", "input"),
            };
            view! { <input id=id name=id type=kind class=class value=value aria-describedby=described /> }.into_any()
        }
    };
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            {error.map(|text| view! { <p class="field-error" id=format!("{id}-error")>{text}</p> })}
            {input}
        </div>
    }
}
