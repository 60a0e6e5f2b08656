use crate::i18n::{t, t_string, use_i18n};
use crate::ui::page_link::PageLink;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <PageTitle text=move || t_string!(i18n, site.not_found.title) />
        <h1>{t!(i18n, site.not_found.heading)}</h1>
        <p>{t!(i18n, site.not_found.text)}</p>
        <p>
            <PageLink page=super::paths::HOME>{t!(i18n, site.not_found.home_link)}</PageLink>
        </p>
    }
}
