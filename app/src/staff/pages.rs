//! Staff sign-in: `/oficina` (password and authenticator code, a plain HTML form; the server's
//! `staff` module checks it and sets the session cookie). Nothing here needs JavaScript.

use crate::i18n::{t, t_string, use_i18n};
use crate::locale::{DefaultLocale, localized_path};
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The language prefix of the current page (`/en`, or empty in the default language): the sign-in and
/// sign-out handlers send the officer back to a page in the same language.
pub fn language_prefix(locale: crate::i18n::Locale) -> String {
    let default = use_context::<DefaultLocale>().unwrap_or_default();
    match localized_path(locale, default.0, "/").as_str() {
        "/" => String::new(),
        prefixed => prefixed.to_string(),
    }
}

#[component]
pub fn OfficeLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let error = query.with_untracked(|q| q.get("error"));
    let username = query.with_untracked(|q| q.get("username")).unwrap_or_default();
    let prefix = language_prefix(i18n.get_locale_untracked());
    let message = error.map(|code| match code.as_str() {
        "missing" => t_string!(i18n, staff.error_missing),
        "locked" => t_string!(i18n, staff.error_locked),
        "server" => t_string!(i18n, common.problem.server_error),
        _ => t_string!(i18n, staff.error_invalid),
    });
    let has_error = message.is_some();
    view! {
        <PageTitle text=move || t_string!(i18n, staff.title) />
        <h1>{t!(i18n, staff.heading)}</h1>
        <p class="lead">{t!(i18n, staff.lead)}</p>
        {message.map(|text| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1" id="office-error" autofocus>
                    <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
                    <ul>
                        <li><a href="#username" target="_self">{text}</a></li>
                    </ul>
                </div>
            }
        })}
        <form method="post" action=super::paths::SIGN_IN_POST.path() class="office-login">
            <input type="hidden" name="prefix" value=prefix />
            <div class="form-group" class:form-group--error=has_error>
                <label for="username">{t!(i18n, staff.username)}</label>
                <input id="username" name="username" type="text" autocomplete="username" required value=username class="input" />
            </div>
            <div class="form-group">
                <label for="password">{t!(i18n, staff.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required class="input" />
            </div>
            <div class="form-group">
                <label for="code">{t!(i18n, staff.code)}</label>
                <p class="hint" id="code-hint">{t!(i18n, staff.code_hint)}</p>
                <input
                    id="code"
                    name="code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    aria-describedby="code-hint"
                    required
                    class="input input--code"
                />
            </div>
            <button type="submit" class="button">{t!(i18n, staff.sign_in)}</button>
        </form>
    }
}
