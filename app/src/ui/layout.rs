//! The frame around every page: language, skip link, header, main landmark and footer.

use crate::i18n::{I18nSubContextProvider, Locale};
use crate::locale::language_tag;
use crate::ui::{footer::SiteFooter, header::SiteHeader};
use leptos::prelude::*;
use leptos_meta::Html;

/// The id of the `<main>` element, the skip link's target.
pub const MAIN_CONTENT_ID: &str = "contenido";

#[component]
pub fn Layout(locale: Locale, children: Children) -> impl IntoView {
    view! {
        <I18nSubContextProvider initial_locale=locale>
            <Html attr:lang=language_tag(locale) attr:dir="ltr" />
            <Frame children />
        </I18nSubContextProvider>
    }
}

#[component]
fn Frame(children: Children) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        // target="_self" (the default anyway) keeps the router from handling this in-page link, so
        // the browser moves focus to <main> as a skip link must.
        <a class="skip-link" href=format!("#{MAIN_CONTENT_ID}") target="_self">
            {crate::i18n::t!(i18n, common.site.skip_link)}
        </a>
        <SiteHeader />
        <main id=MAIN_CONTENT_ID tabindex="-1" class="page">
            {children()}
        </main>
        <SiteFooter />
    }
}
