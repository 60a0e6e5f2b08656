//! The document title: the page's own title, then the portal's name, in the current language.

use crate::i18n::{t_string, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PageTitle(#[prop(into)] text: Signal<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=move || format!("{} · {}", text.get(), t_string!(i18n, common.site.name)) /> }
}

/// [`PageTitle`] for a title made at run time (a poll's, a session's).
#[component]
pub fn PageTitleText(text: String) -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=move || format!("{} · {}", text, t_string!(i18n, common.site.name)) /> }
}
