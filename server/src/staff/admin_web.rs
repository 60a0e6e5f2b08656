//! The account admin's page in the browser, `/oficina/cuentas`: its loader, and the handlers of its
//! two forms (plain HTML, no JavaScript). Creating an account answers with the page itself, because the
//! new authenticator key must be shown once and never travel in a URL; a change answers with a
//! redirect back to the page, which says what was done. A refused form is shown again with its error
//! and what was typed (never the password). Both call [`super::admin`], as the JSON API does.

use super::admin::{self, AdminError};
use super::web::prefix_of;
use super::{AccountAdmin, Staff, WebStaff, page_staff_with, private};
use crate::AppState;
use crate::page_loaders::{self, Loaded, LoaderFuture, Request};
use app::staff::accounts::{AccountsView, CreatedAccount, Done, DoneAction, NewAccountTyped, Refused};
use app::staff::paths::ACCOUNTS;
use app::staff::storage as staff;
use app::staff::{AdminRefusal, Role};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::StatusCode;
use leptos::nonce::Nonce;

/// The accounts page's loader: every account, for a signed-in account admin, and what the last change
/// did (from the redirect's query: `?hecho=roles&cuenta=luis`).
pub fn load_accounts<'a>(request: &'a Request<'a>) -> LoaderFuture<'a> {
    Box::pin(async move {
        let admin = match page_staff_with::<AccountAdmin>(request).await {
            Ok(admin) => admin,
            Err(outcome) => return outcome,
        };
        let done = Query::<Vec<(String, String)>>::try_from_uri(&request.parts.uri).ok().and_then(|q| done_from(&q.0));
        match staff::list_accounts(&request.state.database).await {
            Ok(accounts) => {
                let view = AccountsView { username: admin.username, accounts, done, ..Default::default() };
                private(Loaded::context(view)).into()
            }
            Err(error) => page_loaders::failed("loading the staff accounts failed", error),
        }
    })
}

fn done_from(query: &[(String, String)]) -> Option<Done> {
    let value = |name: &str| query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let action = DoneAction::parse(value("hecho")?)?;
    Some(Done { action, account: value("cuenta")?.chars().take(64).collect() })
}

/// A form's fields, in order; a name may repeat (`role`).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(key, _)| key == name).map_or("", |(_, value)| value.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, value)| value.clone()).collect()
    }
}

/// A form posted by a signed-in account admin: its fields, the language prefix of the page it was on,
/// the response's nonce, and the admin.
struct AdminForm {
    fields: Fields,
    prefix: &'static str,
    nonce: Option<Nonce>,
    admin: Staff,
}

/// Who may use the forms: a signed-in account admin; anyone else gets what the page would give them.
async fn admin_form(
    state: &AppState,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    fields: Vec<(String, String)>,
) -> Result<AdminForm, Response> {
    let fields = Fields(fields);
    let prefix = prefix_of(fields.get("prefix"));
    let nonce = nonce.map(|Extension(nonce)| nonce);
    let staff = super::form_staff_with::<AccountAdmin>(state, nonce.clone(), staff, prefix, ACCOUNTS).await?;
    Ok(AdminForm { fields, prefix, nonce, admin: staff })
}

/// The accounts page with `view`'s outcome, as the answer to a form.
async fn answer(
    state: &AppState,
    prefix: &str,
    nonce: Option<Nonce>,
    status: StatusCode,
    view: AccountsView,
) -> Response {
    let mut view = view;
    match staff::list_accounts(&state.database).await {
        Ok(accounts) => view.accounts = accounts,
        Err(error) => return server_error(error),
    }
    let page = format!("{prefix}{ACCOUNTS}");
    let provide = move || leptos::prelude::provide_context(view.clone());
    state.page_context.render_with(&page, nonce, status, provide).await
}

fn server_error(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "an account admin's request failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `POST /oficina/cuentas/nueva`: `username`, `password`, `role` (repeated), `prefix`.
pub async fn create(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let AdminForm { fields, prefix, nonce, admin } = match admin_form(&state, nonce, staff, fields).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let username: String = fields.get("username").trim().chars().take(64).collect();
    let roles = fields.all("role");
    let mut view = AccountsView { username: admin.username.clone(), ..Default::default() };
    let status = match admin::create(&state.database, &admin.username, &username, fields.get("password"), &roles).await
    {
        Ok(created) => {
            let admin::Created { username, totp_secret, otpauth } = created;
            view.created = Some(CreatedAccount { username, totp_secret, otpauth });
            StatusCode::CREATED
        }
        Err(AdminError::Refused(refusal)) => {
            view.refused = Some(Refused { account: None, refusal });
            let roles = roles.iter().filter_map(|name| Role::parse(name)).collect();
            view.typed = NewAccountTyped { username, roles };
            admin::status_of(refusal)
        }
        Err(AdminError::Storage(error)) => return server_error(error),
    };
    answer(&state, prefix, nonce, status, view).await
}

/// `POST /oficina/cuentas/cambiar`: `username`, `action` (`roles` with `role` repeated, `disable` or
/// `enable`), `prefix`.
pub async fn change(
    State(state): State<AppState>,
    nonce: Option<Extension<Nonce>>,
    staff: Result<WebStaff, Response>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let AdminForm { fields, prefix, nonce, admin } = match admin_form(&state, nonce, staff, fields).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let username: String = fields.get("username").chars().take(64).collect();
    let roles = fields.all("role");
    let (action, roles, disabled) = match DoneAction::parse(fields.get("action")) {
        Some(DoneAction::Roles) => (Some(DoneAction::Roles), Some(roles.as_slice()), None),
        Some(DoneAction::Disable) => (Some(DoneAction::Disable), None, Some(true)),
        Some(DoneAction::Enable) => (Some(DoneAction::Enable), None, Some(false)),
        None => (None, None, None),
    };
    let refusal = match admin::change(&state.database, &admin.username, &username, roles, disabled).await {
        Ok(_) => {
            let action = action.expect("a change was made, so an action was named");
            let query = format!("hecho={}&cuenta={}", action.code(), super::percent_encode(&username));
            return Redirect::to(&format!("{prefix}{ACCOUNTS}?{query}")).into_response();
        }
        Err(AdminError::Refused(refusal)) => refusal,
        Err(AdminError::Storage(error)) => return server_error(error),
    };
    // The form named an account that is not there: the error goes with the new-account form.
    let account = (refusal != AdminRefusal::NotFound).then_some(username);
    let view =
        AccountsView { username: admin.username, refused: Some(Refused { account, refusal }), ..Default::default() };
    answer(&state, prefix, nonce, admin::status_of(refusal), view).await
}
