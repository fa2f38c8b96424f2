//! `orderline seed-bench --clients 1000000 --calls 5000000 --orders 3000000`: fills an empty
//! database with the synthetic data set of issue 5 §6 (clients, 20 operators, a year of calls
//! with wrap-ups, orders and callback tasks) through `db::bulk`, builds the report aggregates and
//! computes the client segmentation once. For benchmarks and for trying the manager pages on a
//! realistic volume; never on a production database.

use std::time::Instant;

use anyhow::bail;

use crate::{
    config::Config,
    db::{
        Db, bulk, seed,
        seed_calls::{CallSeed, seed_calls},
        users::{NewUser, insert_user},
    },
    domain::{Role, time::now_ms},
    segments::recompute::recompute,
};

/// Operators the calls are spread over.
const OPERATORS: usize = 20;

/// Runs the command.
pub async fn run(config: &Config, clients: u64, calls: u64, orders: u64) -> anyhow::Result<()> {
    let db = Db::connect(&config.database).await?;
    if crate::db::clients::count_clients(&db).await? > 0 {
        db.close().await;
        bail!("seed-bench fills an empty database; this one already has clients");
    }
    let t = Instant::now();
    seed(&db, clients, calls, orders, now_ms()).await?;
    eprintln!(
        "seeded {clients} clients, {calls} calls and about {orders} orders in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let agg = crate::reports::aggregate::refresh(&db, config, now_ms()).await?;
    eprintln!(
        "summed {} report slots in {:.0} s",
        agg.slots,
        t.elapsed().as_secs_f64()
    );
    let run = recompute(&db, &config.reports, now_ms()).await?;
    eprintln!(
        "segmented {} clients in {} ms",
        run.clients, run.duration_ms
    );
    db.close().await;
    Ok(())
}

/// Seeds clients, operators and a year of calls ending at `now` (shared with the benchmarks).
/// The database must hold no calls. The report triggers are suspended during the load and
/// put back after it, even if it fails; the aggregates are then marked for a full rebuild,
/// which the next `reports::aggregate::refresh` does.
pub async fn seed(db: &Db, clients: u64, calls: u64, orders: u64, now: i64) -> anyhow::Result<()> {
    let saved = bulk::suspend_report_triggers(db).await?;
    let loaded = load(db, clients, calls, orders, now).await;
    bulk::restore_report_triggers(db, saved).await?;
    loaded?;
    db.analyze().await?;
    Ok(())
}

async fn load(db: &Db, clients: u64, calls: u64, orders: u64, now: i64) -> anyhow::Result<()> {
    let t = Instant::now();
    seed::seed_clients(db, 0, clients).await?;
    tracing::info!(
        clients,
        seconds = t.elapsed().as_secs_f64(),
        "clients seeded"
    );
    let mut operators = Vec::with_capacity(OPERATORS);
    for i in 0..OPERATORS {
        let login = format!("bench-operator-{i}");
        let extension = format!("{}", 2000 + i);
        let user = NewUser {
            login: &login,
            display_name: &login,
            role: Role::Operator,
            extension: Some(&extension),
            password_hash: "!seeded: cannot log in",
        };
        operators.push(insert_user(db, &user).await?);
    }
    let plan = CallSeed {
        clients,
        calls,
        orders,
        operators,
        end: now,
        span: 365 * 86_400_000,
    };
    let t = Instant::now();
    seed_calls(db, &plan).await?;
    tracing::info!(calls, seconds = t.elapsed().as_secs_f64(), "calls seeded");
    Ok(())
}
