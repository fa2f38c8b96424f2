//! `/api/v1/calls`, `/api/v1/calls/{id}`, `/api/v1/callbacks` and the block list
//! `/api/v1/blocked-numbers`.

use axum::{Router, extract::State, http::StatusCode, routing::get};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    call_query::{LogQuery, decode_cursor, encode_cursor},
    page::{Page, PageQuery, page},
};
use crate::{
    app::AppState,
    auth::Principal,
    db::{
        self,
        call_log::{LogCursor, LogRow},
        calls::CallRow,
    },
    domain::{
        PhoneNumber, Role, phone::mask_digits, role::Permission, time::now_ms, time::rfc3339,
    },
    error::{AppError, AppJson, AppPath, AppQuery, AppResult},
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calls", get(list_calls))
        .route("/calls/{id}", get(get_call))
        .route("/callbacks", get(list_callbacks))
        .route("/blocked-numbers", get(list_blocked).post(block_number))
        .route(
            "/blocked-numbers/{number}",
            axum::routing::delete(unblock_number),
        )
}

/// Query of `GET /calls`: the call log's filters and the page (see call_query.rs).
#[derive(Deserialize)]
pub struct CallsQuery {
    #[serde(flatten)]
    filter: LogQuery,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_calls(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<CallsQuery>,
) -> AppResult<AppJson<Page<Value>>> {
    let own_only = calls_scope(&p)?;
    let limit = q.page.limit()?;
    let after = decode_cursor(q.page.cursor.as_deref())?;
    let mut filter = q.filter.filter(&state.config)?;
    if own_only.is_some() {
        filter.operator_id = own_only;
    }
    let mut rows = db::call_log::list(&state.db, &filter, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = rows.last().filter(|_| more).map(|r| {
        encode_cursor(LogCursor {
            started_at: r.call.started_at,
            id: r.call.id,
        })
    });
    let full = sees_numbers(&state, &p);
    Ok(AppJson(Page {
        items: rows.iter().map(|r| log_json(r, full)).collect(),
        next_cursor,
    }))
}

/// A row of the log: the call and what the log shows beside it.
fn log_json(r: &LogRow, full_numbers: bool) -> Value {
    let mut v = call_json(&r.call, full_numbers);
    v["client_name"] = json!(r.client_name);
    v["operator_name"] = json!(r.operator_name);
    v["outcome"] = json!(r.outcome);
    v["order_count"] = json!(r.order_count);
    v
}

async fn get_call(
    State(state): State<AppState>,
    p: Principal,
    AppPath(id): AppPath<i64>,
) -> AppResult<AppJson<Value>> {
    calls_scope(&p)?;
    let call = db::calls::get_call(&state.db, id).await?;
    // An operator sees the calls that rang or were answered at their phone, no others.
    if !crate::workspace::may_see_call(&p, &call) {
        return Err(AppError::NotFound("call"));
    }
    // Operators see the full numbers of their own calls: they must be able to dial them.
    let mut body = call_json(&call, p.role == Role::Operator || sees_numbers(&state, &p));
    let wrapup = db::wrapups::of_call(&state.db, id).await?;
    body["outcome"] = wrapup.map_or(Value::Null, |w| {
        json!({
            "code": w.outcome,
            "note": w.note,
            "operator_id": w.operator_id,
            "order_id": w.order_id,
            "follow_up_task_id": w.follow_up_id,
            "wrapup_seconds": w.wrapup_seconds,
            "saved_at": rfc3339(w.updated_at),
        })
    });
    let orders = db::orders::of_call(&state.db, id).await?;
    body["orders"] = orders
        .iter()
        .map(|o| json!({"id": o.id, "status": o.status, "total_minor": o.total_minor}))
        .collect();
    let timeline: Vec<Value> = db::calls::timeline(&state.db, id)
        .await?
        .into_iter()
        .map(|e| {
            let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
            json!({
                "kind": e.kind,
                "at": rfc3339(e.at),
                "received_at": rfc3339(e.received_at),
                "extension": data.get("extension"),
                "extensions": data.get("extensions"),
                "cause": data.get("cause"),
                "duplicates": e.duplicates,
                "late": e.late,
            })
        })
        .collect();
    body["timeline"] = Value::Array(timeline);
    Ok(AppJson(body))
}

/// Managers and admins read every call; an operator only the calls they answered.
pub(crate) fn calls_scope(p: &Principal) -> AppResult<Option<i64>> {
    if p.role.can(Permission::ReadReports) {
        return Ok(None);
    }
    match (p.role, &p.user) {
        (Role::Operator, Some(u)) => Ok(Some(u.id)),
        _ => Err(AppError::Forbidden),
    }
}

pub(crate) fn sees_numbers(state: &AppState, p: &Principal) -> bool {
    state.config.full_numbers_roles.contains(&p.role)
}

fn call_json(c: &CallRow, full_numbers: bool) -> Value {
    let shown = |n: &Option<String>| {
        n.as_deref().map(|n| {
            if full_numbers {
                n.to_owned()
            } else {
                mask_digits(n)
            }
        })
    };
    json!({
        "id": c.id,
        "source": c.source_id,
        "pbx_call_id": c.pbx_call_id,
        "direction": c.direction,
        "state": c.state,
        "forwarded": c.forwarded,
        "transferred": c.transferred,
        "caller": {
            "number": shown(&c.caller_e164),
            "raw": shown(&c.caller_raw),
            "kind": c.caller_kind,
            "client_id": c.client_id,
            "candidates": serde_json::from_str::<Value>(&c.candidates).unwrap_or(Value::Null),
        },
        "did": c.did,
        "queue": c.queue,
        "extensions": serde_json::from_str::<Value>(&c.extensions).unwrap_or(Value::Null),
        "answered_extension": c.answered_extension,
        "operator_id": c.operator_id,
        "cause": c.cause,
        "recording_url": c.recording_url,
        "forwarded_from": shown(&c.forwarded_from),
        "started_at": rfc3339(c.started_at),
        "answered_at": c.answered_at.map(rfc3339),
        "ended_at": c.ended_at.map(rfc3339),
        "wait_seconds": c.wait_seconds,
        "talk_seconds": c.talk_seconds,
    })
}

/// Query of `GET /callbacks`.
#[derive(Deserialize)]
pub struct CallbacksQuery {
    status: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_callbacks(
    State(state): State<AppState>,
    p: Principal,
    AppQuery(q): AppQuery<CallbacksQuery>,
) -> AppResult<AppJson<Page<db::callbacks::Callback>>> {
    p.require(Permission::ReadClients)?;
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    if status.is_some_and(|s| s != "open" && s != "closed") {
        return Err(AppError::invalid("status", "expected open or closed"));
    }
    let limit = q.page.limit()?;
    let before = q.page.after()?.unwrap_or(i64::MAX);
    let rows = db::callbacks::list_callbacks(&state.db, status, before, limit + 1).await?;
    Ok(AppJson(page(rows, limit, |c| c.id)))
}

async fn list_blocked(State(state): State<AppState>, p: Principal) -> AppResult<AppJson<Value>> {
    p.require(Permission::ManageBlockList)?;
    Ok(AppJson(
        json!({ "items": db::blocked::list_blocked(&state.db).await? }),
    ))
}

/// A number to block.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockInput {
    number: String,
    reason: Option<String>,
}

async fn block_number(
    State(state): State<AppState>,
    p: Principal,
    AppJson(input): AppJson<BlockInput>,
) -> AppResult<(StatusCode, AppJson<Value>)> {
    p.require(Permission::ManageBlockList)?;
    let n = PhoneNumber::parse(&input.number, state.config.default_region)
        .map_err(|e| AppError::invalid("number", e.to_string()))?;
    let by = p.user.as_ref().map(|u| u.id);
    db::blocked::block(&state.db, n.e164(), input.reason.as_deref(), by, now_ms()).await?;
    state.callers.clear();
    Ok((
        StatusCode::CREATED,
        AppJson(json!({ "number": n.e164(), "reason": input.reason })),
    ))
}

async fn unblock_number(
    State(state): State<AppState>,
    p: Principal,
    AppPath(number): AppPath<String>,
) -> AppResult<StatusCode> {
    p.require(Permission::ManageBlockList)?;
    let n = PhoneNumber::parse(&number, state.config.default_region)
        .map_err(|e| AppError::invalid("number", e.to_string()))?;
    state.callers.clear();
    if db::blocked::unblock(&state.db, n.e164()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("blocked number"))
    }
}
