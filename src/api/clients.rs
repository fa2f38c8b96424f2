//! `/api/v1/clients`: create, read, replace, patch, soft-delete and search.

use axum::{Router, extract::State, http::StatusCode, routing::get};
use serde::Deserialize;

use super::{
    client_input::{ClientInput, ClientOut},
    page::{Page, PageQuery, page},
};
use crate::{
    app::AppState,
    auth::Principal,
    db::{self, clients::ClientFilter},
    domain::{client::ClientDraft, role::Permission},
    error::{AppError, AppJson, AppPath, AppQuery, AppResult},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clients", get(list_clients).post(create_client))
        .route(
            "/clients/{id}",
            get(get_client)
                .put(replace_client)
                .patch(patch_client)
                .delete(delete_client),
        )
}

/// `?q=` (name, company, e-mail fragment) and `?phone=` (digits of a number), plus paging.
#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    phone: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_clients(
    State(state): State<AppState>,
    principal: Principal,
    AppQuery(query): AppQuery<ListQuery>,
) -> AppResult<AppJson<Page<ClientOut>>> {
    principal.require(Permission::ReadClients)?;
    let limit = query.page.limit()?;
    if query.q.as_deref().is_some_and(|q| q.contains('\0')) {
        return Err(AppError::invalid("q", "must not contain a NUL character"));
    }
    let digits = query
        .phone
        .as_deref()
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>());
    let filter = ClientFilter {
        text: query
            .q
            .filter(|q| !q.trim().is_empty())
            .map(|q| q.trim().to_owned()),
        phone_digits: digits.filter(|d| !d.is_empty()),
    };
    let after = query.page.after()?.unwrap_or(0);
    let rows = db::clients::list_clients(&state.db, &filter, after, limit + 1).await?;
    let p = page(rows, limit, |c| c.id);
    Ok(AppJson(Page {
        items: p.items.into_iter().map(ClientOut::from).collect(),
        next_cursor: p.next_cursor,
    }))
}

async fn get_client(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<ClientOut>> {
    principal.require(Permission::ReadClients)?;
    let client = db::clients::get_client(&state.db, id).await?;
    db::audit::record(
        &state.db,
        principal.actor,
        "client.open",
        Some(&format!("client:{id}")),
        &serde_json::json!({}),
    )
    .await?;
    Ok(AppJson(client.into()))
}

async fn create_client(
    State(state): State<AppState>,
    principal: Principal,
    AppJson(input): AppJson<ClientInput>,
) -> AppResult<(StatusCode, AppJson<ClientOut>)> {
    principal.require(Permission::WriteClients)?;
    let draft = validated(&state, input).await?;
    let mut tx = state.db.begin().await?;
    let id = db::clients::insert_client(&mut tx, &draft).await?;
    tx.commit().await?;
    state.callers.clear();
    Ok((
        StatusCode::CREATED,
        AppJson(db::clients::get_client(&state.db, id).await?.into()),
    ))
}

async fn replace_client(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<ClientInput>,
) -> AppResult<AppJson<ClientOut>> {
    principal.require(Permission::WriteClients)?;
    let draft = validated(&state, input).await?;
    save(&state, id, &draft).await
}

async fn patch_client(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(patch): AppJson<serde_json::Map<String, serde_json::Value>>,
) -> AppResult<AppJson<ClientOut>> {
    principal.require(Permission::WriteClients)?;
    let current = db::clients::get_client(&state.db, id).await?;
    let mut merged =
        serde_json::to_value(ClientInput::from_client(&current)).map_err(anyhow::Error::from)?;
    if let Some(obj) = merged.as_object_mut() {
        obj.extend(patch);
    }
    let input: ClientInput = serde_json::from_value(merged).map_err(|e| AppError::Validation {
        field: None,
        message: e.to_string(),
    })?;
    let draft = validated(&state, input).await?;
    save(&state, id, &draft).await
}

async fn delete_client(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    principal.require(Permission::DeleteClients)?;
    db::clients::soft_delete_client(&state.db, id).await?;
    state.callers.clear();
    Ok(StatusCode::NO_CONTENT)
}

async fn save(state: &AppState, id: i64, draft: &ClientDraft) -> AppResult<AppJson<ClientOut>> {
    let mut tx = state.db.begin().await?;
    db::clients::update_client(&mut tx, id, draft).await?;
    tx.commit().await?;
    state.callers.clear();
    Ok(AppJson(
        db::clients::get_client(&state.db, id).await?.into(),
    ))
}

/// Field validation plus the checks that need the database (the personal manager exists).
pub(crate) async fn validated(state: &AppState, input: ClientInput) -> AppResult<ClientDraft> {
    let draft = input.into_draft(state.config.default_region)?;
    if let Some(manager) = draft.personal_manager_id {
        match db::users::get_user(&state.db, manager).await {
            Ok(u) if u.active => {}
            Ok(_) | Err(db::DbError::NotFound(_)) => {
                return Err(AppError::invalid(
                    "personal_manager_id",
                    "no active user with this id",
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(draft)
}
