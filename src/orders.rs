//! Taking an order: lines priced from the catalogue, the total computed here (never trusted
//! from the client), everything written in one transaction.

use serde::Deserialize;

use crate::{
    db::{
        self, Db,
        orders::{LineRow, NewOrder},
    },
    domain::time::now_ms,
    error::{AppError, AppResult},
};

/// Largest quantity of one line (a typo guard: 1,000,000 boxes is not an order).
pub const MAX_QUANTITY: i64 = 100_000;
/// Most lines in one order.
pub const MAX_LINES: usize = 200;

/// One line as entered.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// The product.
    pub product_id: i64,
    /// How many units.
    pub quantity: i64,
}

/// An order as entered.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// The client.
    pub client_id: i64,
    /// The call it was taken on.
    #[serde(default)]
    pub call_id: Option<i64>,
    /// Lines.
    pub lines: Vec<LineInput>,
    /// Delivery address.
    #[serde(default)]
    pub delivery_address: Option<String>,
    /// Delivery date, YYYY-MM-DD.
    #[serde(default)]
    pub delivery_date: Option<String>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Validates and prices an order, then writes it; returns the new order id.
pub async fn place_order(
    db: &Db,
    currency: &str,
    created_by: Option<i64>,
    input: OrderInput,
) -> AppResult<i64> {
    let order = price(db, currency, created_by, input).await?;
    let mut tx = db.begin().await?;
    let id = db::orders::insert_order(&mut tx, &order).await?;
    tx.commit().await?;
    Ok(id)
}

async fn price(
    db: &Db,
    currency: &str,
    created_by: Option<i64>,
    input: OrderInput,
) -> AppResult<NewOrder> {
    if input.lines.is_empty() {
        return Err(AppError::invalid(
            "lines",
            "an order needs at least one line",
        ));
    }
    if input.lines.len() > MAX_LINES {
        return Err(AppError::invalid(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    match db::clients::get_client(db, input.client_id).await {
        Ok(_) => {}
        Err(db::DbError::NotFound(_)) => {
            return Err(AppError::invalid("client_id", "no such client"));
        }
        Err(e) => return Err(e.into()),
    }
    let date = input
        .delivery_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(d) = date
        && chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
    {
        return Err(AppError::invalid(
            "delivery_date",
            "expected a date as YYYY-MM-DD",
        ));
    }
    // PostgreSQL cannot store U+0000 in text: refuse it here rather than fail with a 500.
    for (field, value) in [
        ("delivery_address", &input.delivery_address),
        ("comment", &input.comment),
    ] {
        if value.as_deref().is_some_and(|v| v.contains('\0')) {
            return Err(AppError::invalid(field, "must not contain a NUL character"));
        }
    }
    let ids: Vec<i64> = input.lines.iter().map(|l| l.product_id).collect();
    let products = db::products::get_products(db, &ids).await?;
    let mut lines = Vec::with_capacity(input.lines.len());
    for (i, l) in input.lines.iter().enumerate() {
        let p = products
            .iter()
            .find(|p| p.id == l.product_id)
            .ok_or_else(|| {
                AppError::invalid(format!("lines[{i}].product_id"), "no such product")
            })?;
        if !p.active {
            return Err(AppError::invalid(
                format!("lines[{i}].product_id"),
                format!("{} is no longer sold", p.sku),
            ));
        }
        if !(1..=MAX_QUANTITY).contains(&l.quantity) {
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                format!("between 1 and {MAX_QUANTITY}"),
            ));
        }
        let total = l.quantity.checked_mul(p.price_minor).ok_or_else(|| {
            AppError::invalid(
                format!("lines[{i}].quantity"),
                "the line total is too large",
            )
        })?;
        lines.push(LineRow::priced(p, l.quantity, total));
    }
    let total_minor = lines
        .iter()
        .try_fold(0i64, |acc, l| acc.checked_add(l.line_total_minor))
        .ok_or_else(|| AppError::invalid("lines", "the order total is too large"))?;
    let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(NewOrder {
        client_id: input.client_id,
        call_id: input.call_id,
        delivery_address: text(input.delivery_address),
        delivery_date: date.map(str::to_owned),
        comment: text(input.comment),
        created_by,
        lines,
        total_minor,
        currency: currency.to_owned(),
        created_at: now_ms(),
    })
}
