//! Several instances on one PostgreSQL: each writer announces the outbox ids it committed
//! with NOTIFY (sent on commit), and every instance's listener loads those rows and hands
//! them to its own hub. An instance ignores its own announcements (it published locally right
//! after committing). If the listening connection drops, notifications sent meanwhile are
//! lost, so every subscriber is told to resync.

use serde::{Deserialize, Serialize};
use sqlx::{PgPool, postgres::PgListener};

use super::{Hub, LiveEvent};
use crate::db::{self, Db};

/// The NOTIFY channel.
pub const CHANNEL: &str = "orderline_live";

/// What a writer announces.
#[derive(Serialize, Deserialize)]
pub struct Announcement {
    /// The announcing instance.
    pub from: String,
    /// The outbox ids it committed.
    #[serde(default)]
    pub ids: Vec<i64>,
    /// An operator set ready or paused on that instance: every instance's hub must know, or
    /// a paused operator connected elsewhere would still get broadcast pops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<ReadyChange>,
}

/// An operator's new desk status.
#[derive(Clone, Copy, Serialize, Deserialize)]
pub struct ReadyChange {
    /// The operator.
    pub user_id: i64,
    /// Ready (true) or paused.
    pub ready: bool,
}

/// Listens until the process ends; reconnects on its own (sqlx's eager reconnect).
pub async fn listen(pool: PgPool, db: Db, hub: Hub, instance: String) {
    let mut listener = loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut l) => match l.listen(CHANNEL).await {
                Ok(()) => {
                    hub.set_listening();
                    break l;
                }
                Err(e) => tracing::warn!(error = %e, "LISTEN failed; retrying"),
            },
            Err(e) => tracing::warn!(error = %e, "cannot open the LISTEN connection; retrying"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    };
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => deliver(&db, &hub, &instance, n.payload()).await,
            Ok(None) => {
                tracing::warn!("the LISTEN connection was lost; subscribers will resync");
                hub.resync_all();
            }
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN failed");
                hub.resync_all();
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        }
    }
}

async fn deliver(db: &Db, hub: &Hub, instance: &str, payload: &str) {
    let Ok(a) = serde_json::from_str::<Announcement>(payload) else {
        return;
    };
    if a.from == instance {
        return;
    }
    if let Some(change) = a.ready {
        hub.set_ready(change.user_id, change.ready);
    }
    if a.ids.is_empty() {
        return;
    }
    match db::live::by_ids(db, &a.ids).await {
        Ok(rows) => rows
            .iter()
            .map(LiveEvent::from_row)
            .for_each(|e| hub.publish(&e)),
        Err(e) => {
            tracing::warn!(error = %e, "cannot load announced live events");
            hub.resync_all();
        }
    }
}
