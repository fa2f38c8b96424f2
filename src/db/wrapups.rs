//! Wrap-ups (the outcome an operator logged for a call or a task attempt), custom outcomes,
//! remembered choices for shared numbers, and operators' desk preferences.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::{Db, DbResult, Tx, with_pool, with_tx};

/// A stored wrap-up.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Wrapup {
    /// Id.
    pub id: i64,
    /// The call, for a call's outcome.
    pub call_id: Option<i64>,
    /// The task, for an attempt at a task.
    pub task_id: Option<i64>,
    /// The client, when known.
    pub client_id: Option<i64>,
    /// Who logged it.
    pub operator_id: i64,
    /// The outcome code.
    pub outcome: String,
    /// The operator's note.
    pub note: Option<String>,
    /// The order taken.
    pub order_id: Option<i64>,
    /// The callback task it created.
    pub follow_up_id: Option<i64>,
    /// Hang-up → saved, capped (seconds).
    pub wrapup_seconds: Option<i64>,
    /// First saved (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

const COLUMNS: &str = "id, call_id, task_id, client_id, operator_id, outcome, note, order_id, follow_up_id, \
    wrapup_seconds, created_at, updated_at";

/// A wrap-up to write.
pub struct NewWrapup<'a> {
    /// The call.
    pub call_id: Option<i64>,
    /// The task.
    pub task_id: Option<i64>,
    /// The client.
    pub client_id: Option<i64>,
    /// Who.
    pub operator_id: i64,
    /// Outcome code.
    pub outcome: &'a str,
    /// Note.
    pub note: Option<&'a str>,
    /// Order.
    pub order_id: Option<i64>,
    /// Follow-up task.
    pub follow_up_id: Option<i64>,
    /// Wrap-up seconds.
    pub wrapup_seconds: Option<i64>,
}

/// Writes a call's outcome, or corrects it: a correction keeps the first wrap-up time (the
/// operator finished wrapping up then) and an already linked order or follow-up.
pub async fn upsert_call_wrapup(tx: &mut Tx, w: &NewWrapup<'_>, now: i64) -> DbResult<Wrapup> {
    let sql = format!(
        "INSERT INTO wrapups (call_id, task_id, client_id, operator_id, outcome, note, order_id, follow_up_id, \
         wrapup_seconds, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         ON CONFLICT (call_id) WHERE call_id IS NOT NULL DO UPDATE SET outcome = excluded.outcome, \
         note = COALESCE(excluded.note, wrapups.note), client_id = COALESCE(excluded.client_id, wrapups.client_id), \
         order_id = COALESCE(excluded.order_id, wrapups.order_id), \
         follow_up_id = COALESCE(excluded.follow_up_id, wrapups.follow_up_id), \
         wrapup_seconds = COALESCE(wrapups.wrapup_seconds, excluded.wrapup_seconds), \
         operator_id = excluded.operator_id, updated_at = excluded.updated_at RETURNING {COLUMNS}"
    );
    insert(tx, &sql, w, now).await
}

/// Writes the outcome of one attempt at a task.
pub async fn insert_task_wrapup(tx: &mut Tx, w: &NewWrapup<'_>, now: i64) -> DbResult<Wrapup> {
    let sql = format!(
        "INSERT INTO wrapups (call_id, task_id, client_id, operator_id, outcome, note, order_id, follow_up_id, \
         wrapup_seconds, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         RETURNING {COLUMNS}"
    );
    insert(tx, &sql, w, now).await
}

async fn insert(tx: &mut Tx, sql: &str, w: &NewWrapup<'_>, now: i64) -> DbResult<Wrapup> {
    Ok(with_tx!(tx, |c| sqlx::query_as(sql)
        .bind(w.call_id)
        .bind(w.task_id)
        .bind(w.client_id)
        .bind(w.operator_id)
        .bind(w.outcome)
        .bind(w.note)
        .bind(w.order_id)
        .bind(w.follow_up_id)
        .bind(w.wrapup_seconds)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// The outcome of a call, if one was logged.
pub async fn of_call(db: &Db, call_id: i64) -> DbResult<Option<Wrapup>> {
    let sql = format!("SELECT {COLUMNS} FROM wrapups WHERE call_id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(call_id)
        .fetch_optional(p)
        .await)?)
}

/// The outcomes of several calls (for lists).
pub async fn of_calls(db: &Db, call_ids: &[i64]) -> DbResult<Vec<Wrapup>> {
    if call_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = call_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!("SELECT {COLUMNS} FROM wrapups WHERE call_id IN ({list})");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// The attempts logged on a task, oldest first.
pub async fn of_task(db: &Db, task_id: i64) -> DbResult<Vec<Wrapup>> {
    let sql = format!("SELECT {COLUMNS} FROM wrapups WHERE task_id = $1 ORDER BY id");
    Ok(with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(task_id)
        .fetch_all(p)
        .await)?)
}

/// The newest order taken on a call.
pub async fn order_of_call(tx: &mut Tx, call_id: i64) -> DbResult<Option<i64>> {
    const SQL: &str = "SELECT MAX(id) FROM orders WHERE call_id = $1 AND status <> 'cancelled'";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(call_id)
        .fetch_one(c)
        .await)?)
}

/// A custom outcome.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct CustomOutcome {
    /// Code (lowercase, stored in wrap-ups).
    pub code: String,
    /// The label shown.
    pub label: String,
    /// Offered to operators.
    pub active: bool,
}

/// Custom outcomes, active ones first.
pub async fn custom_outcomes(db: &Db) -> DbResult<Vec<CustomOutcome>> {
    const SQL: &str = "SELECT code, label, active FROM custom_outcomes ORDER BY active DESC, label";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL).fetch_all(p).await)?)
}

/// Adds or relabels a custom outcome (re-activating it).
pub async fn put_custom_outcome(
    db: &Db,
    code: &str,
    label: &str,
    active: bool,
    now: i64,
) -> DbResult<()> {
    const SQL: &str = "INSERT INTO custom_outcomes (code, label, active, created_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (code) DO UPDATE SET label = excluded.label, active = excluded.active";
    with_pool!(db, |p| sqlx::query(SQL)
        .bind(code)
        .bind(label)
        .bind(active)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Remembers which client was calling from a shared number.
pub async fn choose_client_for_number(
    tx: &mut Tx,
    e164: &str,
    client_id: i64,
    by: i64,
    now: i64,
) -> DbResult<()> {
    const SQL: &str = "INSERT INTO number_choices (e164, client_id, chosen_by, chosen_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (e164) DO UPDATE SET client_id = excluded.client_id, chosen_by = excluded.chosen_by, \
        chosen_at = excluded.chosen_at";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(e164)
        .bind(client_id)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The client last chosen for a shared number.
pub async fn chosen_client(db: &Db, e164: &str) -> DbResult<Option<i64>> {
    const SQL: &str = "SELECT client_id FROM number_choices WHERE e164 = $1";
    Ok(with_pool!(db, |p| sqlx::query_scalar(SQL)
        .bind(e164)
        .fetch_optional(p)
        .await)?)
}

/// Says which client a call is from (a choice among candidates, or a client just created
/// for an unknown number). The ingest never rewrites `client_id` after the first event.
pub async fn set_call_client(tx: &mut Tx, call_id: i64, client_id: i64, now: i64) -> DbResult<()> {
    const SQL: &str = "UPDATE calls SET client_id = $2, caller_kind = CASE WHEN caller_kind = 'unknown' \
        THEN 'client' ELSE caller_kind END, updated_at = $3 WHERE id = $1";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(call_id)
        .bind(client_id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An operator's desk preferences.
#[derive(Clone, Debug, FromRow, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// `ring` or `answer`: when the order screen opens.
    pub pop_on: String,
    /// Browser notifications while the tab is in the background.
    pub notify: bool,
    /// The ring sound while the tab is in the background.
    pub sound: bool,
    /// `en` / `ru`; None: the configured default.
    pub language: Option<String>,
}

/// A user's preferences.
pub async fn preferences(db: &Db, user_id: i64) -> DbResult<Preferences> {
    const SQL: &str = "SELECT pop_on, notify, sound, language FROM users WHERE id = $1";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(user_id)
        .fetch_one(p)
        .await)?)
}

/// Saves a user's preferences.
pub async fn set_preferences(db: &Db, user_id: i64, p: &Preferences, now: i64) -> DbResult<()> {
    const SQL: &str = "UPDATE users SET pop_on = $2, notify = $3, sound = $4, language = $5, updated_at = $6 \
        WHERE id = $1";
    with_pool!(db, |c| sqlx::query(SQL)
        .bind(user_id)
        .bind(&p.pop_on)
        .bind(p.notify)
        .bind(p.sound)
        .bind(&p.language)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
