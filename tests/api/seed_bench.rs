//! The benchmark seed (`cli::seed_bench::seed`, issue 5 §6) bulk-loads with the report
//! triggers suspended: afterwards every trigger is back and marks changes again, ids continue
//! after the seeded ones, the callback tasks look like the writer's, and the aggregates the
//! job builds equal the raw computation — on SQLite and PostgreSQL.

use orderline::{
    cli::seed_bench,
    db::{Db, bulk},
    reports::aggregate,
};
use serde_json::json;

use crate::{aggregates::compare, helpers::spawn_app_with};

const DAY: i64 = 86_400_000;
/// 2026-11-27T10:17:00Z, as in `aggregates.rs`.
const END: i64 = 1_795_774_620_000;

async fn count(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.expect(sql),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.expect(sql),
    }
}

#[tokio::test]
async fn a_seeded_database_keeps_its_triggers_tasks_and_exact_aggregates() {
    let app = spawn_app_with(|c| c.aggregates.refresh_seconds = 0).await;
    let (db, config) = (&app.db, &app.config);
    let triggers = bulk::report_triggers(db).await.unwrap();
    assert!(triggers.len() >= 6, "{triggers:?}");

    seed_bench::seed(db, 200, 3_000, 1_200, END).await.unwrap();

    assert_eq!(bulk::report_triggers(db).await.unwrap(), triggers);
    assert_eq!(count(db, "SELECT COUNT(*) FROM calls").await, 3_000);
    assert_eq!(count(db, "SELECT COUNT(*) FROM client_phones").await, 200);
    assert_eq!(count(db, "SELECT COUNT(*) FROM report_dirty").await, 0);
    // Tasks: some still open, some closed by a later answered call with the same number.
    let open = "SELECT COUNT(*) FROM callbacks WHERE status = 'open'";
    assert!(count(db, open).await > 0);
    let reached = "SELECT COUNT(*) FROM callbacks cb JOIN calls f ON f.id = cb.first_call_id \
        JOIN calls r ON r.id = cb.closed_by_call_id WHERE cb.status = 'closed' \
        AND r.caller_e164 = cb.number_e164 AND r.answered_at IS NOT NULL AND r.started_at > f.started_at \
        AND cb.closed_at = r.answered_at";
    let closed = "SELECT COUNT(*) FROM callbacks WHERE status = 'closed'";
    assert!(count(db, closed).await > 0);
    assert_eq!(count(db, reached).await, count(db, closed).await);
    let missed = "SELECT COUNT(*) FROM calls WHERE state = 'missed' AND direction = 'inbound' AND client_id IS NOT NULL";
    assert_eq!(
        count(db, "SELECT CAST(SUM(attempts) AS BIGINT) FROM callbacks").await,
        count(db, missed).await
    );

    // The job rebuilds everything; reports through the aggregates equal the raw sums.
    let r = aggregate::refresh(db, config, END).await.unwrap();
    assert!(r.rebuilt);
    for (from, direction) in [(END - 365 * DAY, "inbound"), (END - 30 * DAY, "outbound")] {
        let s = orderline::db::reports::Scope {
            from,
            to: END,
            direction: direction.into(),
            operator_id: None,
            queue: None,
        };
        let totals = compare(db, config, &s).await;
        assert!(totals.offered > 0 && totals.converted > 0);
    }

    // The triggers mark changes again, and new rows get fresh ids.
    match db {
        Db::Sqlite(p) => sqlx::query("UPDATE calls SET talk_seconds = 1 WHERE id = 3000")
            .execute(p)
            .await
            .map(drop),
        Db::Postgres(p) => sqlx::query("UPDATE calls SET talk_seconds = 1 WHERE id = 3000")
            .execute(p)
            .await
            .map(drop),
    }
    .unwrap();
    assert_eq!(count(db, "SELECT COUNT(*) FROM report_dirty").await, 1);
    let client = app
        .create_client(json!({"name": "After the seed", "phones": ["+7 495 123-45-67"]}))
        .await;
    assert_eq!(client["id"], 201);
    let (status, body) = app
        .post_events(&json!([{"call_id": "after-seed", "type": "ringing", "from": "+74951234567"}]))
        .await;
    assert_eq!(status, 200, "{body}");
}
