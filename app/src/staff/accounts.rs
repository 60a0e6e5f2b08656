//! Staff accounts for account admins: `/oficina/cuentas`. The accounts and their roles, a form to
//! create one (its authenticator key shown once), and per account a form to set its roles or to disable
//! or enable it. Plain HTML forms: the server's `staff::admin_web` checks and carries them out, and
//! renders this page again with the outcome. Nothing here needs JavaScript, and nothing here touches
//! the integrity office's cases.

use super::storage::AccountSummary;
use super::{AdminRefusal, MissingRole, Role, role_label};
use crate::i18n::{Locale, t, t_string, td_string, use_i18n};
use crate::staff::pages::{SignOut, language_prefix};
use crate::ui::format::format_day;
use crate::ui::page_title::PageTitle;
use leptos::prelude::*;

/// What the accounts page shows: loaded for the page, or made by a form's handler.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountsView {
    /// The signed-in account admin.
    pub username: String,
    pub accounts: Vec<AccountSummary>,
    /// A change carried out, after the redirect that followed it.
    pub done: Option<Done>,
    /// An account just created, with its authenticator key: shown on this one response only.
    pub created: Option<CreatedAccount>,
    pub refused: Option<Refused>,
    /// What was typed in the new-account form, to fill it again after a refusal (never the password).
    pub typed: NewAccountTyped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoneAction {
    Roles,
    Disable,
    Enable,
}

impl DoneAction {
    /// As the redirect's query names it.
    pub fn code(self) -> &'static str {
        match self {
            DoneAction::Roles => "roles",
            DoneAction::Disable => "disable",
            DoneAction::Enable => "enable",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [DoneAction::Roles, DoneAction::Disable, DoneAction::Enable].into_iter().find(|action| action.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    pub action: DoneAction,
    pub account: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedAccount {
    pub username: String,
    pub totp_secret: String,
    pub otpauth: String,
}

/// A refused form: the account whose form it was, or `None` for the new-account form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub account: Option<String>,
    pub refusal: AdminRefusal,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewAccountTyped {
    pub username: String,
    pub roles: Vec<Role>,
}

fn refusal_message(locale: Locale, refusal: AdminRefusal) -> &'static str {
    match refusal {
        AdminRefusal::BadUsername => td_string!(locale, staff.accounts.refused_bad_username),
        AdminRefusal::WeakPassword => td_string!(locale, staff.accounts.refused_weak_password),
        AdminRefusal::UnknownRole => td_string!(locale, staff.accounts.refused_unknown_role),
        AdminRefusal::NoRole => td_string!(locale, staff.accounts.refused_no_role),
        AdminRefusal::Exists => td_string!(locale, staff.accounts.refused_exists),
        AdminRefusal::NotFound => td_string!(locale, staff.accounts.refused_not_found),
        AdminRefusal::IntegrityOfficerRole => td_string!(locale, staff.accounts.refused_integrity),
        AdminRefusal::CannotDisableSelf => td_string!(locale, staff.accounts.refused_self),
        AdminRefusal::NothingToChange => td_string!(locale, staff.accounts.refused_nothing),
    }
}

/// The id of the field a refusal of the new-account form is about, for the error summary's link.
fn new_account_field(refusal: AdminRefusal) -> &'static str {
    match refusal {
        AdminRefusal::BadUsername | AdminRefusal::Exists => "new-username",
        AdminRefusal::WeakPassword => "new-password",
        _ => "new-roles",
    }
}

/// The id of an account's section on the page (user names are `[a-z0-9._-]`, valid in an id).
fn account_anchor(username: &str) -> String {
    format!("account-{username}")
}

/// Checkboxes for the roles an account admin may grant, `checked` ticked; ids start with `id_prefix`.
fn role_checkboxes(locale: Locale, id_prefix: &str, checked: &[Role]) -> impl IntoView + use<> {
    Role::ALL
        .into_iter()
        .filter(|role| role.portal_grantable())
        .map(|role| {
            let id = format!("{id_prefix}-{}", role.code());
            view! {
                <div class="checkbox">
                    <input type="checkbox" id=id.clone() name="role" value=role.code() checked=checked.contains(&role) />
                    <label for=id>{role_label(locale, role)}</label>
                </div>
            }
        })
        .collect_view()
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let title = move || t_string!(i18n, staff.accounts.title);
    if let Some(missing) = use_context::<MissingRole>() {
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, staff.accounts.heading)}</h1>
            <p class="notice" id="missing-role">
                {t!(i18n, staff.missing_role, username = missing.username.clone(), role = role_label(locale, missing.role))}
            </p>
        }
        .into_any();
    }
    let Some(view_data) = use_context::<AccountsView>() else {
        let sign_in = crate::ui::page_link::use_localized_path(super::paths::SIGN_IN);
        return view! {
            <PageTitle text=title />
            <h1>{t!(i18n, staff.accounts.heading)}</h1>
            <p><a href=sign_in>{t!(i18n, staff.sign_in)}</a></p>
        }
        .into_any();
    };
    let prefix = language_prefix(locale);
    let AccountsView { username, accounts, done, created, refused, typed } = view_data;
    let summary = refused.clone().map(|refused| {
        let target = match &refused.account {
            Some(account) => account_anchor(account),
            None => new_account_field(refused.refusal).to_string(),
        };
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="accounts-error" autofocus>
                <h2 class="error-summary__title">{t!(i18n, common.form.error_summary)}</h2>
                <ul>
                    <li><a href=format!("#{target}") target="_self">{refusal_message(locale, refused.refusal)}</a></li>
                </ul>
            </div>
        }
    });
    let done = done.map(|done| {
        let name = done.account;
        let text = match done.action {
            DoneAction::Roles => t_string!(i18n, staff.accounts.done_roles, name).to_string(),
            DoneAction::Disable => t_string!(i18n, staff.accounts.done_disable, name).to_string(),
            DoneAction::Enable => t_string!(i18n, staff.accounts.done_enable, name).to_string(),
        };
        view! { <p class="notice notice--secure" role="status" id="accounts-done">{text}</p> }
    });
    let created = created.map(|created| {
        view! {
            <section class="receipt__box" aria-labelledby="created-heading" id="account-created">
                <h2 id="created-heading">{t!(i18n, staff.accounts.created_heading, name = created.username.clone())}</h2>
                <p>{t!(i18n, staff.accounts.created_secret)}</p>
                <p class="receipt__number" id="created-secret">{created.totp_secret.clone()}</p>
                <p>{t!(i18n, staff.accounts.created_how)}</p>
                <p>{t!(i18n, staff.accounts.created_uri)}</p>
                <p class="fingerprint otpauth"><code>{created.otpauth.clone()}</code></p>
            </section>
        }
    });
    let count = accounts.len();
    let rows = accounts
        .iter()
        .map(|account| {
            let roles = account.roles.iter().map(|role| role_label(locale, *role)).collect::<Vec<_>>().join(", ");
            let created_on = format_day(account.created_at.get(..10).unwrap_or(&account.created_at), locale);
            let status = match &account.disabled_at {
                Some(at) => {
                    let day = format_day(at.get(..10).unwrap_or(at), locale);
                    t_string!(i18n, staff.accounts.disabled_since, day).to_string()
                }
                None => t_string!(i18n, staff.accounts.active).to_string(),
            };
            let anchor = format!("#{}", account_anchor(&account.username));
            view! {
                <tr>
                    <th scope="row"><a href=anchor target="_self">{account.username.clone()}</a></th>
                    <td>{roles}</td>
                    <td>{created_on}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let refused_for = |name: &str| refused.as_ref().filter(|r| r.account.as_deref() == Some(name)).map(|r| r.refusal);
    let sections = accounts
        .iter()
        .map(|account| {
            let name = account.username.clone();
            let anchor = account_anchor(&name);
            let error = refused_for(&name).map(|refusal| view! { <p class="field-error">{refusal_message(locale, refusal)}</p> });
            let has_error = error.is_some();
            let body = if account.roles.iter().any(|role| !role.portal_grantable()) {
                view! { <p class="notice">{t!(i18n, staff.accounts.integrity_cli)}</p> }.into_any()
            } else {
                let toggle = if account.disabled_at.is_some() {
                    ("enable", t_string!(i18n, staff.accounts.enable))
                } else {
                    ("disable", t_string!(i18n, staff.accounts.disable))
                };
                view! {
                    <form method="post" action=super::paths::ACCOUNTS_CHANGE_POST.path() class="staff-form">
                        <input type="hidden" name="prefix" value=prefix.clone() />
                        <input type="hidden" name="username" value=name.clone() />
                        <fieldset class="form-group" class:form-group--error=has_error>
                            <legend>{t!(i18n, staff.accounts.roles_of, name = name.clone())}</legend>
                            {error}
                            {role_checkboxes(locale, &anchor, &account.roles)}
                        </fieldset>
                        <div class="button-group">
                            <button type="submit" name="action" value="roles" class="button">{t!(i18n, staff.accounts.save_roles)}</button>
                            <button type="submit" name="action" value=toggle.0 class="button button--secondary">{toggle.1}</button>
                        </div>
                    </form>
                }
                .into_any()
            };
            view! {
                <section class="account" id=anchor.clone() aria-labelledby=format!("{anchor}-heading")>
                    <h3 id=format!("{anchor}-heading")>{name.clone()}</h3>
                    {body}
                </section>
            }
        })
        .collect_view();
    let new_refusal = refused.as_ref().filter(|r| r.account.is_none()).map(|r| r.refusal);
    let new_error = move |field: &'static str| {
        new_refusal
            .filter(|refusal| new_account_field(*refusal) == field)
            .map(|refusal| view! { <p class="field-error">{refusal_message(locale, refusal)}</p> })
    };
    let (username_error, password_error, roles_error) =
        (new_error("new-username"), new_error("new-password"), new_error("new-roles"));
    let (username_wrong, password_wrong, roles_wrong) =
        (username_error.is_some(), password_error.is_some(), roles_error.is_some());
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, staff.accounts.heading)}</h1>
        <p class="lead">{t!(i18n, staff.accounts.lead)}</p>
        <p>{t!(i18n, staff.signed_in_as, name = username.clone())}</p>
        <SignOut />
        {summary}
        {done}
        {created}
        <div class="table-scroll" role="region" aria-labelledby="accounts-caption" tabindex="0">
            <table class="accounts">
                <caption id="accounts-caption">{t!(i18n, staff.accounts.caption, count = count)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, staff.accounts.username)}</th>
                        <th scope="col">{t!(i18n, staff.accounts.roles)}</th>
                        <th scope="col">{t!(i18n, staff.accounts.created)}</th>
                        <th scope="col">{t!(i18n, staff.accounts.status)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>{t!(i18n, staff.accounts.new_heading)}</h2>
        <form method="post" action=super::paths::ACCOUNTS_CREATE_POST.path() class="staff-form" id="new-account">
            <input type="hidden" name="prefix" value=prefix.clone() />
            <div class="form-group" class:form-group--error=username_wrong>
                <label for="new-username">{t!(i18n, staff.accounts.username)}</label>
                <p class="hint" id="new-username-hint">{t!(i18n, staff.accounts.new_username_hint)}</p>
                {username_error}
                <input id="new-username" name="username" type="text" autocomplete="off" spellcheck="false"
                    aria-describedby="new-username-hint" required value=typed.username.clone() />
            </div>
            <div class="form-group" class:form-group--error=password_wrong>
                <label for="new-password">{t!(i18n, staff.accounts.new_password)}</label>
                <p class="hint" id="new-password-hint">{t!(i18n, staff.accounts.new_password_hint)}</p>
                {password_error}
                <input id="new-password" name="password" type="password" autocomplete="new-password"
                    aria-describedby="new-password-hint" required minlength="12" />
            </div>
            <fieldset class="form-group" class:form-group--error=roles_wrong id="new-roles" aria-describedby="new-roles-hint">
                <legend>{t!(i18n, staff.accounts.roles)}</legend>
                <p class="hint" id="new-roles-hint">{t!(i18n, staff.accounts.new_roles_hint)}</p>
                {roles_error}
                {role_checkboxes(locale, "new-role", &typed.roles)}
            </fieldset>
            <button type="submit" class="button">{t!(i18n, staff.accounts.create)}</button>
        </form>
        <h2>{t!(i18n, staff.accounts.change_heading)}</h2>
        {sections}
    }
    .into_any()
}
