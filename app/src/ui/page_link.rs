//! Links to the portal's own pages, kept in the language the reader is using.

use crate::i18n::use_i18n;
use crate::locale::{DefaultLocale, localized_path};
use crate::paths::Page;
use leptos::prelude::*;

/// The path of `page` in the current language.
pub fn use_localized_path(page: Page) -> Signal<String> {
    let i18n = use_i18n();
    let default = expect_context::<DefaultLocale>();
    Signal::derive(move || localized_path(i18n.get_locale(), default.0, page.path()))
}

/// A link to one of the portal's pages in the current language.
#[component]
pub fn PageLink(page: Page, children: Children) -> impl IntoView {
    view! { <a href=use_localized_path(page)>{children()}</a> }
}
