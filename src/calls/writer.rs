//! The writers: tasks that apply call events in group commits (one on SQLite, two on
//! PostgreSQL).
//!
//! Webhook handlers hand their events over a channel and wait for the answer. The writer
//! takes whatever is queued (up to `MAX_BATCH` events) and applies it in ONE transaction, so a
//! burst of events costs one fsync instead of one each (measured here: ~2,000 events/s with a
//! transaction per event on SQLite with synchronous=FULL, ~17,000 with group commit). Only after
//! the commit does it publish the live events and answer the handlers — so a 200 always means
//! "durably stored". If a batch fails, each job is retried alone, so one bad job cannot fail
//! the others.
//!
//! On an SQLite file the writer runs on a thread of its own with its own connection
//! (`db::direct`): the whole batch transaction is plain function calls there, instead of a
//! hand-off to sqlx's connection thread for each of its ~10 statements (each hand-off cost
//! 0.3–0.5 ms under load). Jobs that arrive meanwhile queue up and form the next batch. On
//! PostgreSQL (and an in-memory SQLite database) writers are Tokio tasks on the pool, taking
//! batches from one queue in turn. PostgreSQL gets two: a transaction there is a chain of
//! round trips, each statement running on one server process, so one writer left a core idle
//! while the webhooks queued behind it — at 1,000 events/s webhook p99 5.9–8.0 ms with two
//! against 6.7–11.5 ms with one, flat out the same 3,700–4,200 events/s (docs/BENCHMARKS.md;
//! an earlier try, when each batch had more round trips, measured no gain). Rows are locked per
//! call, so two batches with events of one call apply one after the other; the writers publish
//! in commit order (`Ctx::order`).

use std::{sync::Arc, time::Duration};

use tokio::sync::{mpsc, oneshot};

use super::service::{self, Item, Outcome, PendingLive, Prepared};
use crate::{
    config::CallsConfig,
    db::{
        self, Db, DbError, DbResult,
        call_batch::NewLive,
        direct::{self, BatchTx, DirectConn},
        live::LiveRow,
    },
    domain::time::now_ms,
    realtime::{Hub, LiveEvent},
};

/// Most events applied in one transaction.
const MAX_BATCH: usize = 512;

/// One request's events.
struct Job {
    source_id: Arc<str>,
    events: Vec<Prepared>,
    reply: oneshot::Sender<DbResult<Vec<Outcome>>>,
}

/// The handle webhook handlers submit to. Cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

/// The job queue, shared by the writers (one takes a batch while another commits its own).
type Queue = Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>;

/// Writers on PostgreSQL: while one transaction waits for its statements (each runs on one
/// server process) or its commit, the next batch is already being applied on another
/// connection. The outbox lock orders their commits' live events.
const PG_WRITERS: usize = 2;

struct Ctx {
    db: Db,
    hub: Hub,
    cfg: CallsConfig,
    instance: String,
    /// The dedicated SQLite connection, when the database is a file (one writer then).
    direct: Option<DirectConn>,
    /// With the dedicated connection: the task that publishes each batch's live events.
    publisher: Option<mpsc::UnboundedSender<Vec<LiveRow>>>,
    /// Held from just before a commit until its live events are published, so that the
    /// writers publish in commit order (= outbox id order): a call's answer is never announced
    /// before its ring, which another writer committed first.
    order: Arc<tokio::sync::Mutex<()>>,
}

/// A committed batch: each job's outcomes, the live events to publish, and the turn to
/// publish them.
struct Committed {
    outcomes: Vec<Vec<Outcome>>,
    live: Vec<LiveRow>,
    turn: tokio::sync::OwnedMutexGuard<()>,
}

impl Writer {
    /// Starts the writer (needs a Tokio runtime).
    pub fn start(db: Db, hub: Hub, cfg: CallsConfig, instance: String) -> Writer {
        let (tx, rx) = mpsc::channel(4096);
        let ctx = Ctx {
            db,
            hub,
            cfg,
            instance,
            direct: None,
            publisher: None,
            order: Arc::default(),
        };
        tokio::spawn(start_run(rx, ctx));
        Writer { tx }
    }

    /// Applies a request's events (all or none) and answers once they are committed.
    pub async fn submit(
        &self,
        source_id: Arc<str>,
        events: Vec<Prepared>,
    ) -> DbResult<Vec<Outcome>> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job {
                source_id,
                events,
                reply,
            })
            .await
            .map_err(|_| DbError::Unavailable)?;
        answer.await.map_err(|_| DbError::Unavailable)?
    }
}

/// Opens the dedicated connection on an SQLite file and moves the writer to a thread of its
/// own; otherwise runs it here. Jobs submitted meanwhile wait in the channel.
async fn start_run(rx: mpsc::Receiver<Job>, mut ctx: Ctx) {
    let rx: Queue = Arc::new(tokio::sync::Mutex::new(rx));
    if let Db::Sqlite(pool) = &ctx.db {
        match DirectConn::open(pool).await {
            Ok(Some(conn)) => {
                ctx.direct = Some(conn);
                ctx.publisher = Some(spawn_publisher(ctx.hub.clone()));
                let handle = tokio::runtime::Handle::current();
                // Nothing the thread awaits needs the runtime's drivers (channel receives;
                // the statements are blocking calls), so it runs its loop with `block_on`.
                let spawned = std::thread::Builder::new()
                    .name("orderline-writer".into())
                    .spawn(move || handle.block_on(run(rx, ctx)));
                if let Err(e) = spawned {
                    tracing::error!(error = %e, "cannot start the writer thread");
                }
                return;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the writer's own SQLite connection; writing through the pool");
            }
        }
    }
    if matches!(ctx.db, Db::Postgres(_)) {
        for _ in 1..PG_WRITERS {
            let other = Ctx {
                db: ctx.db.clone(),
                hub: ctx.hub.clone(),
                cfg: ctx.cfg.clone(),
                instance: ctx.instance.clone(),
                direct: None,
                publisher: None,
                order: ctx.order.clone(),
            };
            tokio::spawn(run(rx.clone(), other));
        }
    }
    run(rx, ctx).await;
}

/// Publishes the writer thread's batches on the runtime, one batch after another (so events
/// reach each subscriber in id order, as when the writer was a task). Publishing from the
/// writer thread itself would race the streams draining their queues, and a subscriber's
/// queue would no longer overflow the same way on a single-threaded runtime; it also moves the
/// rendering of the events (JSON, masking) off the writer's thread.
fn spawn_publisher(hub: Hub) -> mpsc::UnboundedSender<Vec<LiveRow>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<LiveRow>>();
    tokio::spawn(async move {
        while let Some(rows) = rx.recv().await {
            for row in &rows {
                hub.publish(&LiveEvent::from_row(row));
            }
        }
    });
    tx
}

async fn run(queue: Queue, mut ctx: Ctx) {
    loop {
        // The queue is held only while taking a batch, not while applying it.
        let (jobs, size) = {
            let mut rx = queue.lock().await;
            let Some(first) = rx.recv().await else {
                return;
            };
            let mut jobs = vec![first];
            let mut size = jobs[0].events.len();
            while size < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => {
                        size += job.events.len();
                        jobs.push(job);
                    }
                    Err(_) => break,
                }
            }
            (jobs, size)
        };
        metrics::histogram!("ingest_batch_events").record(size as f64);
        let started = std::time::Instant::now();
        process(&mut ctx, jobs).await;
        metrics::histogram!("ingest_batch_seconds").record(started.elapsed().as_secs_f64());
    }
}

async fn process(ctx: &mut Ctx, jobs: Vec<Job>) {
    match commit_with_retry(ctx, &jobs).await {
        Ok(done) => finish(ctx, jobs, done),
        Err(e) if jobs.len() == 1 => {
            let _ = jobs.into_iter().next().map(|j| j.reply.send(Err(e)));
        }
        Err(_) => {
            // Retry each job alone so that one bad job fails only itself.
            for job in jobs {
                match commit_with_retry(ctx, std::slice::from_ref(&job)).await {
                    Ok(done) => finish(ctx, vec![job], done),
                    Err(e) => {
                        let _ = job.reply.send(Err(e));
                    }
                }
            }
        }
    }
}

fn finish(ctx: &Ctx, jobs: Vec<Job>, done: Committed) {
    let Committed {
        outcomes,
        live,
        turn,
    } = done;
    let events: usize = outcomes.iter().map(Vec::len).sum();
    metrics::counter!("call_events_accepted_total").increment(events as u64);
    // Live events first, then the answers: the pops are on their way before the PBX hears
    // back (both follow the commit, so nothing is announced that is not stored).
    match &ctx.publisher {
        Some(p) if !live.is_empty() => {
            let _ = p.send(live);
        }
        Some(_) => {}
        None => live
            .iter()
            .for_each(|row| ctx.hub.publish(&LiveEvent::from_row(row))),
    }
    drop(turn);
    for (job, out) in jobs.into_iter().zip(outcomes) {
        let _ = job.reply.send(Ok(out));
    }
}

async fn commit_with_retry(ctx: &mut Ctx, jobs: &[Job]) -> DbResult<Committed> {
    let mut attempt = 0;
    loop {
        match commit(ctx, jobs).await {
            Err(e) if attempt < 3 && retryable(&e) => {
                attempt += 1;
                let pause = Duration::from_millis(5 * attempt);
                if ctx.direct.is_some() {
                    // The writer's own thread: nothing else runs on it meanwhile.
                    std::thread::sleep(pause);
                } else {
                    tokio::time::sleep(pause).await;
                }
            }
            other => return other,
        }
    }
}

async fn commit(ctx: &mut Ctx, jobs: &[Job]) -> DbResult<Committed> {
    let now = now_ms();
    let mut tx = match ctx.direct.as_mut() {
        Some(conn) => conn.begin()?,
        None => BatchTx::Pool(ctx.db.begin().await?),
    };
    let mut pending: Vec<PendingLive> = Vec::new();
    let items: Vec<Item<'_>> = jobs
        .iter()
        .flat_map(|job| {
            job.events.iter().map(|p| Item {
                source_id: &job.source_id,
                p,
            })
        })
        .collect();
    let mut flat = service::apply_batch(&mut tx, &items, &ctx.cfg, now, &mut pending)
        .await?
        .into_iter();
    let outcomes: Vec<Vec<Outcome>> = jobs
        .iter()
        .map(|job| flat.by_ref().take(job.events.len()).collect())
        .collect();
    let mut rows = Vec::new();
    if !pending.is_empty() {
        let new: Vec<NewLive> = pending
            .into_iter()
            .map(|p| NewLive {
                kind: p.kind,
                call_id: p.call_id,
                extensions: serde_json::to_string(&p.extensions).unwrap_or_else(|_| "[]".into()),
                broadcast: p.broadcast,
                data: p.data.to_string(),
            })
            .collect();
        // On PostgreSQL this also takes the outbox lock and announces the ids to the other
        // instances (sent on commit).
        rows = db::call_batch::insert_live(&mut tx, now, new, &ctx.instance).await?;
    }
    let turn = ctx.order.clone().lock_owned().await;
    tx.commit().await?;
    Ok(Committed {
        outcomes,
        live: rows,
        turn,
    })
}

/// Deadlocks and serialisation failures (PostgreSQL, several instances), a unique conflict
/// and a busy SQLite database are worth another try.
fn retryable(e: &DbError) -> bool {
    // Two instances opening the same number's callback at once: the loser's retry finds the
    // winner's task and counts its attempt there.
    if matches!(e, DbError::Conflict { .. }) {
        return true;
    }
    let DbError::Other(e) = e else { return false };
    if direct::is_busy(e) {
        return true;
    }
    let Some(sqlx::Error::Database(d)) = e.downcast_ref::<sqlx::Error>() else {
        return false;
    };
    matches!(
        d.code().as_deref(),
        Some("40P01" | "40001" | "5" | "517" | "6")
    )
}
