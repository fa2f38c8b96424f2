//! `GET /api/v1/audit`: the audit log for admins, newest first, keyset paged, filtered by
//! action, user and period.

use axum::{Router, extract::State, routing::get};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    call_query::{given, instant},
    page::{Page, PageQuery, page},
};
use crate::{
    app::AppState,
    auth::Principal,
    db::{self, audit::AuditFilter},
    domain::{role::Permission, time::rfc3339},
    error::{AppError, AppJson, AppQuery, AppResult},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list_audit))
}

/// `?action=&user=&from=&to=&cursor=&limit=`; text because of `#[serde(flatten)]`.
#[derive(Default, Deserialize)]
pub struct AuditQuery {
    /// Exact action (`calls.exported`).
    pub action: Option<String>,
    /// User id.
    pub user: Option<String>,
    /// At or after (RFC 3339).
    pub from: Option<String>,
    /// Before (RFC 3339).
    pub to: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

impl AuditQuery {
    /// The filter, or a 422 naming the bad field.
    pub fn filter(&self) -> AppResult<AuditFilter> {
        let user_id = given(&self.user)
            .map(|u| match u.parse::<i64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(AppError::invalid("user", "expected a user id")),
            })
            .transpose()?;
        Ok(AuditFilter {
            action: given(&self.action).map(str::to_owned),
            user_id,
            from: instant(given(&self.from), "from")?,
            to: instant(given(&self.to), "to")?,
        })
    }

    /// The page: size and the id to continue below.
    pub fn page(&self) -> AppResult<(i64, i64)> {
        Ok((self.page.limit()?, self.page.after()?.unwrap_or(i64::MAX)))
    }
}

/// An entry as JSON: the time in RFC 3339 and the detail as an object.
#[derive(Serialize)]
pub struct AuditOut {
    id: i64,
    at: String,
    user_id: Option<i64>,
    user_login: Option<String>,
    token_id: Option<i64>,
    action: String,
    subject: Option<String>,
    detail: Value,
}

async fn list_audit(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<AuditQuery>,
) -> AppResult<AppJson<Page<AuditOut>>> {
    p.require(Permission::Administer)?;
    let filter = q.filter()?;
    let (limit, before) = q.page()?;
    let rows = db::audit::list(&state.db, &filter, before, limit + 1).await?;
    let pg = page(rows, limit, |r| r.id);
    Ok(AppJson(Page {
        items: pg
            .items
            .into_iter()
            .map(|r| AuditOut {
                id: r.id,
                at: rfc3339(r.at),
                user_id: r.user_id,
                user_login: r.user_login,
                token_id: r.token_id,
                action: r.action,
                subject: r.subject,
                detail: serde_json::from_str(&r.detail).unwrap_or(Value::Null),
            })
            .collect(),
        next_cursor: pg.next_cursor,
    }))
}
