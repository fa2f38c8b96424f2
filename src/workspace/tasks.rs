//! The worklist: claiming a task so that one task is never worked by two operators at once.

use crate::{
    app::AppState,
    auth::SessionUser,
    db::{self, tasks::Task},
    domain::time::now_ms,
    error::{AppError, AppResult},
};

/// Claims (or keeps holding) a task for the operator. Refused when somebody else holds it,
/// when it is assigned to somebody else, when it is closed, and when the operator is paused
/// (a paused operator takes no new work).
pub async fn claim(state: &AppState, user: &SessionUser, task_id: i64) -> AppResult<Task> {
    let task = db::tasks::get_task(&state.db, task_id).await?;
    if task.claimed_by == Some(user.id) && task.status == "open" {
        // Holding it already: refresh the claim so it does not lapse mid-call.
    } else if !db::operators::is_ready(&state.db, user.id).await? {
        return Err(AppError::Conflict {
            message: "you are paused: set yourself ready to take a task".into(),
            field: None,
        });
    }
    let now = now_ms();
    let stale_before = now - state.config.workspace.claim_ms;
    if db::tasks::claim(&state.db, task_id, user.id, now, stale_before).await? {
        return db::tasks::get_task(&state.db, task_id)
            .await
            .map_err(Into::into);
    }
    let message = if task.status != "open" {
        "this task is already closed".to_owned()
    } else if task.assigned_to.is_some_and(|a| a != user.id) {
        "this task is assigned to another operator".to_owned()
    } else {
        format!(
            "{} is working on this task",
            task.claimed_by_name
                .as_deref()
                .unwrap_or("another operator")
        )
    };
    Err(AppError::Conflict {
        message,
        field: None,
    })
}

/// Gives a task back to the worklist.
pub async fn release(state: &AppState, user: &SessionUser, task_id: i64) -> AppResult<()> {
    db::tasks::release(&state.db, task_id, user.id).await?;
    Ok(())
}
