//! What the live wallboard reads: the calls ringing now and, per active operator, the facts
//! their state is derived from (desk status, a call in progress, an ended call still waiting
//! for its outcome). The rule that turns these facts into a state is `crate::wallboard`.

use serde::Serialize;
use sqlx::FromRow;

use super::{Db, DbResult, with_pool};

/// A call ringing now.
#[derive(Clone, Debug, FromRow)]
pub struct RingingCall {
    /// Id.
    pub id: i64,
    /// inbound / outbound.
    pub direction: String,
    /// The caller, normalised.
    pub caller_e164: Option<String>,
    /// client / ambiguous / unknown / anonymous / internal.
    pub caller_kind: String,
    /// The matched client's name.
    pub client_name: Option<String>,
    /// Queue.
    pub queue: Option<String>,
    /// Extensions ringing (JSON).
    pub extensions: String,
    /// When it started ringing (ms).
    pub started_at: i64,
}

/// Calls ringing now that started after `since` (older ones are the sweeper's), longest
/// waiting first.
pub async fn ringing(db: &Db, since: i64) -> DbResult<Vec<RingingCall>> {
    const SQL: &str = "SELECT k.id, k.direction, k.caller_e164, k.caller_kind, c.name AS client_name, k.queue, \
        k.extensions, k.started_at FROM calls k LEFT JOIN clients c ON c.id = k.client_id \
        WHERE k.state = 'ringing' AND k.started_at > $1 ORDER BY k.started_at LIMIT 100";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(since)
        .fetch_all(p)
        .await)?)
}

/// An operator and the facts behind their state.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct OperatorFacts {
    /// User id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Extension.
    pub extension: Option<String>,
    /// ready / paused (None: never set, which means ready).
    pub status: Option<String>,
    /// Since when (ms).
    pub status_since: Option<i64>,
    /// Answer time of the call they are on (ms), if any.
    pub on_call_since: Option<i64>,
    /// End of their latest answered call without an outcome that ended after the cut (ms).
    pub wrapup_since: Option<i64>,
}

/// Every active operator with their facts; `wrapup_after`: calls that ended before it no
/// longer count as wrap-up (the wrap-up cap).
pub async fn operator_facts(db: &Db, wrapup_after: i64) -> DbResult<Vec<OperatorFacts>> {
    const SQL: &str = "SELECT u.id, u.display_name AS name, u.extension, s.status, s.since AS status_since, \
        (SELECT MAX(k.answered_at) FROM calls k WHERE k.operator_id = u.id AND k.state = 'answered') AS on_call_since, \
        (SELECT MAX(k.ended_at) FROM calls k WHERE k.operator_id = u.id AND k.answered_at IS NOT NULL \
            AND k.ended_at >= $1 AND NOT EXISTS (SELECT 1 FROM wrapups w WHERE w.call_id = k.id)) AS wrapup_since \
        FROM users u LEFT JOIN operator_status s ON s.user_id = u.id \
        WHERE u.active AND u.role = 'operator' ORDER BY u.display_name, u.id";
    Ok(with_pool!(db, |p| sqlx::query_as(SQL)
        .bind(wrapup_after)
        .fetch_all(p)
        .await)?)
}
