//! The site header: the portal's name, the main navigation and the language switch.

use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::locale::{DefaultLocale, language_tag, localized_path, split_path};
use crate::reporting::paths::REPORT;
use crate::site::paths::{HOME, PRIVACY};
use crate::tramites::paths::CATALOGUE;
use crate::transparency::paths::STATISTICS;
use crate::ui::page_link::{PageLink, use_localized_path};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    let home = use_localized_path(HOME);
    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <a class="site-header__name" href=home>
                    <span class="site-header__municipality">{t!(i18n, common.site.municipality)}</span>
                    <span class="site-header__portal">{t!(i18n, common.site.name)}</span>
                </a>
                <LanguageSwitch />
            </div>
            <MainNavigation />
        </header>
    }
}

/// The main navigation. On a narrow screen the site script (`frontend/site.js`) folds it behind the
/// "Menú" button, which it shows; without JavaScript the button stays hidden and the links are simply
/// shown, so nobody is ever left with a button that does nothing.
#[component]
fn MainNavigation() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="site-nav">
            <button type="button" class="site-nav__toggle" aria-controls="site-nav-links" aria-expanded="false" hidden>
                {t!(i18n, common.site.menu)}
            </button>
            <nav id="site-nav-links" class="site-nav__links" aria-label=move || t_string!(i18n, common.site.nav_label)>
                <ul>
                    <li>
                        <PageLink page=HOME>{t!(i18n, common.nav.home)}</PageLink>
                    </li>
                    <li>
                        <PageLink page=REPORT>{t!(i18n, common.nav.report)}</PageLink>
                    </li>
                    <li>
                        <PageLink page=CATALOGUE>{t!(i18n, common.nav.tramites)}</PageLink>
                    </li>
                    <li>
                        <PageLink page=crate::participation::paths::POLLS>{t!(i18n, common.nav.participation)}</PageLink>
                    </li>
                    <li>
                        <PageLink page=STATISTICS>{t!(i18n, common.nav.transparency)}</PageLink>
                    </li>
                    <li>
                        <PageLink page=crate::integrity::paths::HUB>{t!(i18n, common.nav.integrity)}</PageLink>
                    </li>
                    <li>
                        <PageLink page=PRIVACY>{t!(i18n, common.nav.privacy)}</PageLink>
                    </li>
                </ul>
            </nav>
        </div>
    }
}

/// A plain link to the same page in the other language, so it works without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let default = expect_context::<DefaultLocale>();
    let location = use_location();
    let other = move || match i18n.get_locale() {
        Locale::es_PE => Locale::en,
        Locale::en => Locale::es_PE,
    };
    let href = move || {
        let path = location.pathname.get();
        let (_, page) = split_path(&path);
        localized_path(other(), default.0, page)
    };
    view! {
        <a class="language-switch" href=href hreflang=move || language_tag(other())>
            <span class="visually-hidden">{t!(i18n, common.site.language_label)} ": "</span>
            // Only the language's own name is in that language, so a screen reader voices it right.
            <span lang=move || language_tag(other())>{t!(i18n, common.site.other_language)}</span>
        </a>
    }
}
