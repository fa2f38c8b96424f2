//! The audit log for admins (`/admin/audit`): who exported what and who opened which client
//! card, newest first, filtered by action, user and period; the same data as
//! `GET /api/v1/audit`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
};

use super::{
    format,
    shell::{PageUser, Shell},
};
use crate::{
    api::audit::AuditQuery,
    app::AppState,
    db,
    domain::{role::Permission, text::fill},
    error::{AppError, AppResult},
};

/// An entry, formatted.
pub struct Entry {
    at: String,
    who: String,
    action: String,
    subject: String,
    detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    s: Shell,
    action: String,
    user: String,
    from: String,
    to: String,
    error: String,
    entries: Vec<Entry>,
    next: String,
}

/// `GET /admin/audit`.
pub async fn audit_page(
    State(state): State<AppState>,
    pu: PageUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    pu.principal.require(Permission::Administer)?;
    let show = |v: &Option<String>| v.clone().unwrap_or_default();
    let s = Shell::load(&state, &pu, "audit").await?;
    let m = s.m;
    let mut page = AuditPage {
        s,
        action: show(&q.action),
        user: show(&q.user),
        from: show(&q.from),
        to: show(&q.to),
        error: String::new(),
        entries: Vec::new(),
        next: String::new(),
    };
    let parsed = q.filter().and_then(|f| Ok((f, q.page()?)));
    let (filter, (limit, before)) = match parsed {
        Ok(v) => v,
        Err(AppError::Validation { field, message }) => {
            page.error = super::i18n::errors::with_field(pu.lang, field.as_deref(), &message);
            return Ok(page.into_response());
        }
        Err(e) => return Err(e),
    };
    let mut rows = db::audit::list(&state.db, &filter, before, limit + 1).await?;
    if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("action", &page.action),
            ("user", &page.user),
            ("from", &page.from),
            ("to", &page.to),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if let Some(last) = rows.last() {
            s.append_pair("cursor", &crate::api::page::encode(last.id));
        }
        page.next = format!("/admin/audit?{}", s.finish());
    }
    let tz = state.config.time_zone;
    page.entries = rows
        .into_iter()
        .map(|r| Entry {
            at: format::when(r.at, tz, pu.lang),
            who: match (r.user_login, r.token_id) {
                (Some(l), _) => l,
                (None, Some(t)) => fill(m.token, &[&t]),
                _ => m.system.to_owned(),
            },
            action: r.action,
            subject: r.subject.unwrap_or_default(),
            detail: r.detail,
        })
        .collect();
    Ok(page.into_response())
}
