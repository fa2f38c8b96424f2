//! `/api/v1/products`: the catalogue.

use axum::{Router, extract::State, http::StatusCode, routing::get};
use serde::Deserialize;

use super::page::{Page, PageQuery, page};
use crate::{
    app::AppState,
    auth::Principal,
    db::{self, products::Product, products::ProductDraft},
    domain::role::Permission,
    error::{AppError, AppJson, AppPath, AppQuery, AppResult},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list_products).post(create_product))
        .route("/products/{id}", get(get_product).put(replace_product))
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    /// `true` for products still sold; text because of `#[serde(flatten)]` (see page.rs).
    active: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

/// A product on input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductInput {
    sku: String,
    name: String,
    unit: Option<String>,
    price_minor: i64,
    #[serde(default = "yes")]
    active: bool,
}

fn yes() -> bool {
    true
}

impl ProductInput {
    fn draft(&self) -> AppResult<ProductDraft<'_>> {
        // PostgreSQL cannot store U+0000 in text: a 422 here rather than a 500 there.
        let texts = [
            ("sku", Some(&self.sku)),
            ("name", Some(&self.name)),
            ("unit", self.unit.as_ref()),
        ];
        if let Some((field, _)) = texts
            .iter()
            .find(|(_, v)| v.is_some_and(|v| v.contains('\0')))
        {
            return Err(AppError::invalid(
                *field,
                "must not contain a NUL character",
            ));
        }
        let sku = self.sku.trim();
        if sku.is_empty() || sku.len() > 64 {
            return Err(AppError::invalid("sku", "1 to 64 characters"));
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 300 {
            return Err(AppError::invalid("name", "1 to 300 characters"));
        }
        if self.price_minor < 0 {
            return Err(AppError::invalid("price_minor", "cannot be negative"));
        }
        let unit = self
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or("pcs");
        Ok(ProductDraft {
            sku,
            name,
            unit,
            price_minor: self.price_minor,
            active: self.active,
        })
    }
}

async fn list_products(
    State(state): State<AppState>,
    principal: Principal,
    AppQuery(query): AppQuery<ListQuery>,
) -> AppResult<AppJson<Page<Product>>> {
    principal.require(Permission::ReadClients)?;
    let limit = query.page.limit()?;
    let after = query.page.after()?.unwrap_or(0);
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.contains('\0')) {
        return Err(AppError::invalid("q", "must not contain a NUL character"));
    }
    let active_only = match query.active.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => return Err(AppError::invalid("active", "expected true or false")),
    };
    let rows = db::products::list_products(&state.db, q, active_only, after, limit + 1).await?;
    Ok(AppJson(page(rows, limit, |p| p.id)))
}

async fn get_product(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<Product>> {
    principal.require(Permission::ReadClients)?;
    Ok(AppJson(db::products::get_product(&state.db, id).await?))
}

async fn create_product(
    State(state): State<AppState>,
    principal: Principal,
    AppJson(input): AppJson<ProductInput>,
) -> AppResult<(StatusCode, AppJson<Product>)> {
    principal.require(Permission::WriteProducts)?;
    let id = db::products::insert_product(&state.db, &input.draft()?).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(db::products::get_product(&state.db, id).await?),
    ))
}

async fn replace_product(
    State(state): State<AppState>,
    principal: Principal,
    AppPath(id): AppPath<i64>,
    AppJson(input): AppJson<ProductInput>,
) -> AppResult<AppJson<Product>> {
    principal.require(Permission::WriteProducts)?;
    db::products::update_product(&state.db, id, &input.draft()?).await?;
    Ok(AppJson(db::products::get_product(&state.db, id).await?))
}
