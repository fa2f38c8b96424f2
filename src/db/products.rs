//! The product catalogue.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbError, DbResult, like_escape, with_pool};
use crate::domain::time::now_ms;

/// A product.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Product {
    /// Id.
    pub id: i64,
    /// Stock keeping unit.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Unit ("pcs", "kg", "box").
    pub unit: String,
    /// Price in minor units.
    pub price_minor: i64,
    /// Still sold.
    pub active: bool,
}

/// A product to create or replace.
pub struct ProductDraft<'a> {
    /// SKU (unique).
    pub sku: &'a str,
    /// Name.
    pub name: &'a str,
    /// Unit.
    pub unit: &'a str,
    /// Price in minor units.
    pub price_minor: i64,
    /// Still sold.
    pub active: bool,
}

const COLUMNS: &str = "id, sku, name, unit, price_minor, active";

/// Inserts a product.
pub async fn insert_product(db: &Db, d: &ProductDraft<'_>) -> DbResult<i64> {
    const SQL: &str = "INSERT INTO products (sku, name, unit, price_minor, active, search_text, created_at, updated_at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
    let search = format!("{} {}", d.sku, d.name).to_lowercase();
    Ok(with_pool!(db, |p| sqlx::query_scalar(SQL)
        .bind(d.sku)
        .bind(d.name)
        .bind(d.unit)
        .bind(d.price_minor)
        .bind(d.active)
        .bind(&search)
        .bind(now_ms())
        .fetch_one(p)
        .await)?)
}

/// Replaces a product's fields.
pub async fn update_product(db: &Db, id: i64, d: &ProductDraft<'_>) -> DbResult<()> {
    const SQL: &str = "UPDATE products SET sku = $2, name = $3, unit = $4, price_minor = $5, active = $6, \
                       search_text = $7, updated_at = $8 WHERE id = $1";
    let search = format!("{} {}", d.sku, d.name).to_lowercase();
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(d.sku)
        .bind(d.name)
        .bind(d.unit)
        .bind(d.price_minor)
        .bind(d.active)
        .bind(&search)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        Err(DbError::NotFound("product"))
    } else {
        Ok(())
    }
}

/// One product.
pub async fn get_product(db: &Db, id: i64) -> DbResult<Product> {
    let sql = format!("SELECT {COLUMNS} FROM products WHERE id = $1");
    let row: Option<Product> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(DbError::NotFound("product"))
}

/// Products by id (for pricing an order's lines).
pub async fn get_products(db: &Db, ids: &[i64]) -> DbResult<Vec<Product>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("SELECT {COLUMNS} FROM products WHERE id IN ({list})");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// A page of products after `after_id`, filtered by a fragment of the SKU or name.
pub async fn list_products(
    db: &Db,
    q: Option<&str>,
    active_only: bool,
    after_id: i64,
    limit: i64,
) -> DbResult<Vec<Product>> {
    let mut sql = format!("SELECT {COLUMNS} FROM products WHERE id > $1");
    if active_only {
        sql.push_str(" AND active");
    }
    let pattern = q.map(|q| format!("%{}%", like_escape(&q.to_lowercase())));
    if pattern.is_some() {
        sql.push_str(" AND search_text LIKE $3 ESCAPE '\\'");
    }
    sql.push_str(" ORDER BY id LIMIT $2");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(after_id)
        .bind(limit)
        .bind(&pattern)
        .fetch_all(p)
        .await)?)
}

/// Every product still sold, by name (the order form's catalogue).
pub async fn active_catalogue(db: &Db, limit: i64) -> DbResult<Vec<Product>> {
    let sql = format!("SELECT {COLUMNS} FROM products WHERE active ORDER BY name LIMIT $1");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// Products by SKU (any state), for reading an order form.
pub async fn by_skus(db: &Db, skus: &[String]) -> DbResult<Vec<Product>> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=skus.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM products WHERE sku IN ({})",
        marks.join(", ")
    );
    Ok(with_pool!(db, |p| {
        let mut q = sqlx::query_as(&sql);
        for s in skus {
            q = q.bind(s);
        }
        q.fetch_all(p).await
    })?)
}
