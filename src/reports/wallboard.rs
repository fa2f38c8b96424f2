//! The live wallboard: calls ringing now with how long they have waited, each operator's
//! state, and today's KPIs — one structure for the JSON (`GET /api/v1/wallboard`) and the page.
//!
//! **Operator state**, first match wins ([`state_of`]):
//! 1. *on a call* — a call they answered has not ended;
//! 2. *wrap-up* — an answered call of theirs ended less than `[workspace] wrapup_cap_seconds`
//!    ago and has no outcome yet;
//! 3. *paused* — their desk status is paused;
//! 4. *ready* — otherwise (an operator who never set a status is ready, as on the desk).

use serde::Serialize;

use super::KpiReport;
use crate::{
    app::AppState,
    db::{self, wallboard::OperatorFacts},
    domain::{
        phone::mask_digits,
        time::{Millis, rfc3339},
    },
    error::AppResult,
};

/// Calls older than this are left to the sweeper, not shown as ringing.
const RINGING_WINDOW_MS: Millis = 3_600_000;

/// The state rule in words (the page shows it).
pub const STATE_RULE: &str = "On a call: a call they answered has not ended. Wrap-up: an answered \
    call of theirs ended less than the wrap-up cap ago and has no outcome yet. Paused: their desk \
    status is paused. Ready: otherwise.";

/// What an operator is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorState {
    /// Takes calls.
    Ready,
    /// Takes no pops.
    Paused,
    /// Talking.
    OnCall,
    /// Call ended, outcome not saved yet.
    WrapUp,
}

impl OperatorState {
    /// Words for the page.
    pub fn label(self) -> &'static str {
        match self {
            OperatorState::Ready => "ready",
            OperatorState::Paused => "paused",
            OperatorState::OnCall => "on a call",
            OperatorState::WrapUp => "wrap-up",
        }
    }

    /// The JSON / CSS code.
    pub fn code(self) -> &'static str {
        match self {
            OperatorState::Ready => "ready",
            OperatorState::Paused => "paused",
            OperatorState::OnCall => "on_call",
            OperatorState::WrapUp => "wrap_up",
        }
    }
}

/// The state of one operator and since when (ms; None: unknown).
pub fn state_of(f: &OperatorFacts) -> (OperatorState, Option<Millis>) {
    if let Some(t) = f.on_call_since {
        return (OperatorState::OnCall, Some(t));
    }
    if let Some(t) = f.wrapup_since {
        return (OperatorState::WrapUp, Some(t));
    }
    match f.status.as_deref() {
        Some("paused") => (OperatorState::Paused, f.status_since),
        _ => (OperatorState::Ready, f.status_since),
    }
}

/// A call ringing now.
#[derive(Clone, Debug, Serialize)]
pub struct Ringing {
    /// Call id.
    pub call_id: i64,
    /// inbound / outbound.
    pub direction: String,
    /// The client's name, or the number (masked unless the viewer may see full numbers).
    pub caller: String,
    /// client / ambiguous / unknown / anonymous / internal.
    pub caller_kind: String,
    /// Queue.
    pub queue: Option<String>,
    /// Extensions ringing.
    pub extensions: Vec<String>,
    /// When it started ringing.
    pub started_at: String,
    /// Same, ms (for the page's ticking clock).
    pub started_ms: Millis,
    /// Seconds waited so far.
    pub waiting_seconds: i64,
}

/// An operator on the board.
#[derive(Clone, Debug, Serialize)]
pub struct OperatorLine {
    /// User id.
    pub operator_id: i64,
    /// Name.
    pub name: String,
    /// Extension.
    pub extension: Option<String>,
    /// State.
    pub state: OperatorState,
    /// Since when (RFC 3339), if known.
    pub since: Option<String>,
    /// Seconds in this state, if known.
    pub seconds_in_state: Option<i64>,
}

/// The whole board.
#[derive(Clone, Debug, Serialize)]
pub struct Wallboard {
    /// When it was read.
    pub at: String,
    /// Ringing calls, longest waiting first.
    pub ringing: Vec<Ringing>,
    /// Operators by name.
    pub operators: Vec<OperatorLine>,
    /// Count per state code.
    pub states: std::collections::BTreeMap<&'static str, i64>,
    /// Today's KPIs (business time zone, inbound).
    pub today: KpiReport,
}

/// Reads the board now; `full_numbers`: whether the viewer may see whole phone numbers;
/// `queue`: one queue's board (its ringing calls and today's KPIs; the operators are everyone,
/// as a queue rings whoever the PBX sends it to).
pub async fn read(
    state: &AppState,
    now: Millis,
    full_numbers: bool,
    queue: Option<&str>,
) -> AppResult<Wallboard> {
    let asked = super::Asked {
        queue,
        ..super::Asked::default()
    };
    let scope = super::scope(asked, state.config.time_zone, now)?;
    let calls = db::wallboard::ringing(&state.db, now - RINGING_WINDOW_MS).await?;
    let cap_ms = state.config.workspace.wrapup_cap_seconds * 1000;
    let facts = db::wallboard::operator_facts(&state.db, now - cap_ms).await?;
    let today = super::kpis(&state.db, &state.config, &scope).await?;
    let ringing = calls
        .into_iter()
        .filter(|c| scope.queue.is_none() || c.queue == scope.queue)
        .map(|c| {
            let number = c.caller_e164.as_deref().unwrap_or("");
            let number = if full_numbers {
                number.to_owned()
            } else {
                mask_digits(number)
            };
            Ringing {
                call_id: c.id,
                caller: c.client_name.unwrap_or(number),
                caller_kind: c.caller_kind,
                direction: c.direction,
                queue: c.queue,
                extensions: serde_json::from_str(&c.extensions).unwrap_or_default(),
                started_at: rfc3339(c.started_at),
                started_ms: c.started_at,
                waiting_seconds: ((now - c.started_at) / 1000).max(0),
            }
        })
        .collect();
    let mut states = std::collections::BTreeMap::new();
    for s in ["ready", "paused", "on_call", "wrap_up"] {
        states.insert(s, 0);
    }
    let operators = facts
        .iter()
        .map(|f| {
            let (st, since) = state_of(f);
            *states.entry(st.code()).or_insert(0) += 1;
            OperatorLine {
                operator_id: f.id,
                name: f.name.clone(),
                extension: f.extension.clone(),
                state: st,
                since: since.map(rfc3339),
                seconds_in_state: since.map(|t| ((now - t) / 1000).max(0)),
            }
        })
        .collect();
    Ok(Wallboard {
        at: rfc3339(now),
        ringing,
        operators,
        states,
        today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> OperatorFacts {
        OperatorFacts {
            id: 1,
            name: "Olga".into(),
            extension: Some("101".into()),
            status: None,
            status_since: None,
            on_call_since: None,
            wrapup_since: None,
        }
    }

    #[test]
    fn a_call_in_progress_wins_over_wrap_up_and_pause() {
        let mut f = facts();
        f.status = Some("paused".into());
        f.wrapup_since = Some(5);
        f.on_call_since = Some(9);
        assert_eq!(state_of(&f), (OperatorState::OnCall, Some(9)));
        f.on_call_since = None;
        assert_eq!(state_of(&f), (OperatorState::WrapUp, Some(5)));
        f.wrapup_since = None;
        assert_eq!(state_of(&f).0, OperatorState::Paused);
    }

    #[test]
    fn an_operator_without_a_status_is_ready() {
        assert_eq!(state_of(&facts()), (OperatorState::Ready, None));
    }
}
