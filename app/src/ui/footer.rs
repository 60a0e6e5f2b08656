//! The site footer: what the portal is and its privacy promise.

use crate::i18n::{t, use_i18n};
use crate::ui::page_link::PageLink;
use leptos::prelude::*;

#[component]
pub fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <p>{t!(i18n, common.footer.about)}</p>
                <p>
                    {t!(i18n, common.footer.no_tracking)}
                    " "
                    <PageLink page=crate::site::paths::PRIVACY>{t!(i18n, common.footer.privacy_link)}</PageLink>
                </p>
                <p class="site-footer__municipality">{t!(i18n, common.site.municipality)}</p>
            </div>
        </footer>
    }
}
