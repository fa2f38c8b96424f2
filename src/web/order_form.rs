//! The order form of the work page: reading the posted lines (`sku`/`qty` pairs, repeated),
//! and what the form shows again (entered values, errors next to their fields, lines of a
//! repeated order that are no longer sold).

use crate::{
    db::{self, Db},
    error::{AppError, AppResult},
    orders::{LineInput, OrderInput},
};

/// One line as shown in the form.
#[derive(Clone, Default)]
pub struct LineField {
    /// SKU typed or chosen.
    pub sku: String,
    /// Quantity typed.
    pub qty: String,
}

/// The form's state.
#[derive(Clone, Default)]
pub struct OrderForm {
    /// Lines (at least one empty line to type into).
    pub lines: Vec<LineField>,
    /// Delivery address.
    pub delivery_address: String,
    /// Delivery date (YYYY-MM-DD).
    pub delivery_date: String,
    /// Comment.
    pub comment: String,
    /// Names of products of a repeated order that are no longer sold.
    pub skipped: Vec<String>,
    /// Errors by field (`lines`, `lines[1]`, `delivery_date`, …).
    pub errors: Vec<(String, String)>,
}

impl OrderForm {
    /// The error of a field, if any (for the template).
    pub fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field || f.starts_with(&format!("{field}.")))
            .map(|(_, m)| m.as_str())
    }

    /// The error of a line.
    pub fn line_err(&self, i: &usize) -> Option<&str> {
        self.err(&format!("lines[{i}]"))
    }

    /// A form with the lines of an earlier order; products no longer sold are left out and
    /// named.
    pub async fn repeat(
        db: &Db,
        order_id: i64,
        client_id: i64,
        address: String,
    ) -> AppResult<OrderForm> {
        let (order, lines) = db::orders::get_order(db, order_id).await?;
        if order.client_id != client_id {
            return Err(AppError::NotFound("order"));
        }
        let ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
        let products = db::products::get_products(db, &ids).await?;
        let mut form = OrderForm {
            delivery_address: order.delivery_address.unwrap_or(address),
            comment: String::new(),
            ..OrderForm::default()
        };
        for l in lines {
            match products.iter().find(|p| p.id == l.product_id && p.active) {
                Some(p) => form.lines.push(LineField {
                    sku: p.sku.clone(),
                    qty: l.quantity.to_string(),
                }),
                None => form.skipped.push(l.name),
            }
        }
        if form.lines.is_empty() {
            form.lines.push(LineField::default());
        }
        Ok(form)
    }

    /// Reads the posted form (repeated `sku`/`qty`, empty lines ignored).
    pub fn parse(body: &[u8]) -> (OrderForm, Vec<(String, String)>) {
        let mut form = OrderForm::default();
        let mut hidden = Vec::new();
        let mut skus = Vec::new();
        let mut qtys = Vec::new();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "sku" => skus.push(v),
                "qty" => qtys.push(v),
                "delivery_address" => form.delivery_address = v,
                "delivery_date" => form.delivery_date = v,
                "comment" => form.comment = v,
                other => hidden.push((other.to_owned(), v)),
            }
        }
        for (i, sku) in skus.into_iter().enumerate() {
            let qty = qtys.get(i).cloned().unwrap_or_default();
            if sku.trim().is_empty() && qty.trim().is_empty() {
                continue;
            }
            form.lines.push(LineField { sku, qty });
        }
        (form, hidden)
    }

    /// Turns the form into an order input, resolving SKUs; errors name the line.
    pub async fn to_input(
        &self,
        db: &Db,
        client_id: i64,
        call_id: Option<i64>,
    ) -> AppResult<OrderInput> {
        if self.lines.is_empty() {
            return Err(AppError::invalid("lines", "add at least one product"));
        }
        let skus: Vec<String> = self
            .lines
            .iter()
            .map(|l| sku_of(&l.sku).to_owned())
            .collect();
        let products = db::products::by_skus(db, &skus).await?;
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, (l, sku)) in self.lines.iter().zip(&skus).enumerate() {
            let product = products.iter().find(|p| &p.sku == sku).ok_or_else(|| {
                AppError::invalid(format!("lines[{i}]"), "no product with this SKU")
            })?;
            let quantity: i64 = l.qty.trim().parse().map_err(|_| {
                AppError::invalid(format!("lines[{i}]"), "the quantity must be a whole number")
            })?;
            lines.push(LineInput {
                product_id: product.id,
                quantity,
            });
        }
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(OrderInput {
            client_id,
            call_id,
            lines,
            delivery_address: text(&self.delivery_address),
            delivery_date: text(&self.delivery_date),
            comment: text(&self.comment),
        })
    }
}

/// The SKU of a typed value: the datalist fills in the SKU, but a person may paste
/// "SKU — name".
fn sku_of(typed: &str) -> &str {
    typed.split(" — ").next().unwrap_or(typed).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_become_lines_and_empty_rows_are_dropped() {
        let body = b"client_id=4&sku=A-1&qty=2&sku=&qty=&sku=B-2+%E2%80%94+Tea&qty=3&comment=hi&delivery_date=2026-12-01";
        let (form, hidden) = OrderForm::parse(body);
        assert_eq!(form.lines.len(), 2);
        assert_eq!(sku_of(&form.lines[1].sku), "B-2");
        assert_eq!(form.lines[1].qty, "3");
        assert_eq!(form.comment, "hi");
        assert_eq!(hidden, vec![("client_id".to_owned(), "4".to_owned())]);
    }

    #[test]
    fn errors_are_found_by_field_and_line() {
        let form = OrderForm {
            errors: vec![
                ("lines[1]".into(), "bad".into()),
                ("delivery_date".into(), "no".into()),
            ],
            ..OrderForm::default()
        };
        assert_eq!(form.line_err(&1), Some("bad"));
        assert_eq!(form.line_err(&0), None);
        assert_eq!(form.err("delivery_date"), Some("no"));
    }
}
