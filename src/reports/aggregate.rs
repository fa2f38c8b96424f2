//! Reading the report sums from the slot aggregates where they are known to be exact, and from
//! the raw calls everywhere else; and the job that keeps the aggregates up to date.
//!
//! A report over [from, to) is split into a [`Plan`]: the whole slots inside it that are
//! neither stale nor unbuilt are read from `report_slots`; the partial slots at the edges and
//! every stale slot are summed from `calls` by the raw queries of `db::reports`. Sums are
//! linear, so concatenating the parts gives exactly the raw result (the test
//! `tests/api/aggregates.rs` compares every KPI both ways).
//!
//! Staleness: triggers mark the 15-minute bucket of every changed call, order or wrap-up in
//! `report_dirty` in the same transaction as the change (plus the client of an answered call,
//! whose later calls' repeat flags depend on it). A slot is stale while a dirty mark covers it
//! or covers an answered call of the same client in the 7 days before one of its answered
//! calls. The job takes marks and recomputes their slots in one transaction.

use std::collections::BTreeSet;

use chrono::{Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::{
    config::Config,
    db::{
        Db, DbResult, aggregates as agg,
        reports::{self as q, BucketSums, OperatorSums, Scope, WaitBucket},
    },
    domain::time::Millis,
};

/// Beyond this many raw pieces a report reads everything raw (the job is far behind).
const MAX_RAW_PIECES: usize = 200;
/// Dirty buckets the job takes per transaction (kept small: SQLite writers wait meanwhile).
const TAKE: i64 = 16;
/// A rebuild recomputes this much time per transaction.
const REBUILD_CHUNK_MS: i64 = 86_400_000;

/// The slot length for a time zone: an hour when every offset it uses (sampled over two years
/// around now) is a whole number of hours, else 15 minutes, so that no slot straddles a local
/// hour and the hour-of-day distribution stays exact.
pub fn slot_ms_for(tz: Tz) -> i64 {
    let now = Utc::now();
    let whole = (-12..12).all(|m| {
        let t = now + Duration::days(30 * m);
        let off = tz.offset_from_utc_datetime(&t.naive_utc()).fix();
        off.local_minus_utc() % 3600 == 0
    });
    if whole { 3_600_000 } else { 900_000 }
}

/// Which parts of a period come from where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Read from the aggregates: whole, fresh slots.
    pub aggregated: Vec<(Millis, Millis)>,
    /// Summed from calls.
    pub raw: Vec<(Millis, Millis)>,
}

/// Whether the aggregates were built with this configuration.
fn usable(st: &agg::SlotState, config: &Config) -> bool {
    st.ready
        && st.slot_ms == slot_ms_for(config.time_zone)
        && st.short_abandon_seconds == config.calls.short_abandon_seconds
        && st.service_level_seconds == config.reports.service_level_seconds
}

/// Splits [from, to) into aggregated and raw parts.
pub async fn plan(db: &Db, config: &Config, from: Millis, to: Millis) -> DbResult<Plan> {
    let all_raw = Plan {
        aggregated: vec![],
        raw: vec![(from, to)],
    };
    let st = agg::state(db).await?;
    if !usable(&st, config) {
        return Ok(all_raw);
    }
    let slot = st.slot_ms;
    let a = from.div_euclid(slot) * slot + if from.rem_euclid(slot) == 0 { 0 } else { slot };
    let b = to.div_euclid(slot) * slot;
    if a >= b {
        return Ok(all_raw);
    }
    let stale: BTreeSet<Millis> = agg::stale_instants(db)
        .await?
        .into_iter()
        .map(|t| t.div_euclid(slot) * slot)
        .filter(|s| *s >= a && *s < b)
        .collect();
    let p = split(from, to, a, b, slot, &stale);
    Ok(if p.raw.len() > MAX_RAW_PIECES {
        all_raw
    } else {
        p
    })
}

/// The pure part of [`plan`]: edges and stale slots raw, the rest aggregated.
fn split(
    from: Millis,
    to: Millis,
    a: Millis,
    b: Millis,
    slot: i64,
    stale: &BTreeSet<Millis>,
) -> Plan {
    let mut p = Plan::default();
    push(&mut p.raw, from, a);
    let mut cursor = a;
    for &s in stale {
        push(&mut p.aggregated, cursor, s);
        push(&mut p.raw, s, s + slot);
        cursor = s + slot;
    }
    push(&mut p.aggregated, cursor, b);
    push(&mut p.raw, b, to);
    p
}

/// Appends [a, b) if not empty, merging with a touching predecessor.
fn push(v: &mut Vec<(Millis, Millis)>, a: Millis, b: Millis) {
    if a >= b {
        return;
    }
    match v.last_mut() {
        Some(last) if last.1 == a => last.1 = b,
        _ => v.push((a, b)),
    }
}

fn part(s: &Scope, (from, to): (Millis, Millis)) -> Scope {
    Scope {
        from,
        to,
        direction: s.direction.clone(),
        operator_id: s.operator_id,
        queue: s.queue.clone(),
    }
}

/// `db::reports::bucket_sums` over the period, aggregates used where exact.
pub async fn bucket_sums(db: &Db, config: &Config, s: &Scope) -> DbResult<Vec<BucketSums>> {
    let (short, t) = (
        config.calls.short_abandon_seconds,
        config.reports.service_level_seconds,
    );
    let p = plan(db, config, s.from, s.to).await?;
    let mut out = Vec::new();
    for r in &p.raw {
        out.extend(q::bucket_sums(db, &part(s, *r), short, t).await?);
    }
    for (a, b) in &p.aggregated {
        out.extend(agg::bucket_sums(db, &part(s, (*a, *b))).await?);
    }
    out.sort_by_key(|b| b.bucket);
    Ok(out)
}

/// `db::reports::wait_buckets` over the period.
pub async fn wait_buckets(db: &Db, config: &Config, s: &Scope) -> DbResult<Vec<WaitBucket>> {
    let p = plan(db, config, s.from, s.to).await?;
    let mut parts = Vec::new();
    for r in &p.raw {
        parts.extend(q::wait_buckets(db, &part(s, *r)).await?);
    }
    for (a, b) in &p.aggregated {
        parts.extend(agg::wait_buckets(db, &part(s, (*a, *b))).await?);
    }
    let mut out: Vec<WaitBucket> = Vec::new();
    for w in parts {
        match out.iter_mut().find(|o| o.bucket == w.bucket) {
            Some(o) => {
                o.answered += w.answered;
                o.missed += w.missed;
            }
            None => out.push(w),
        }
    }
    out.sort_by_key(|w| w.bucket);
    Ok(out)
}

/// `db::reports::operator_sums` over the period.
pub async fn operator_sums(db: &Db, config: &Config, s: &Scope) -> DbResult<Vec<OperatorSums>> {
    let p = plan(db, config, s.from, s.to).await?;
    let mut parts = Vec::new();
    for r in &p.raw {
        parts.extend(q::operator_sums(db, &part(s, *r)).await?);
    }
    for (a, b) in &p.aggregated {
        parts.extend(agg::operator_sums(db, &part(s, (*a, *b))).await?);
    }
    let mut out: Vec<OperatorSums> = Vec::new();
    for o in parts {
        match out.iter_mut().find(|x| x.operator_id == o.operator_id) {
            Some(x) => {
                x.handled += o.handled;
                x.talk_seconds += o.talk_seconds;
                x.wrapup_seconds += o.wrapup_seconds;
                x.orders += o.orders;
                x.converted += o.converted;
            }
            None => out.push(o),
        }
    }
    out.sort_by_key(|o| o.operator_id);
    Ok(out)
}

/// What one run of the job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refresh {
    /// Whether it rebuilt every slot (first run, or S, T or the slot length changed).
    pub rebuilt: bool,
    /// Slots recomputed.
    pub slots: usize,
}

/// One run of the job: a full rebuild if the aggregates do not match the configuration, then
/// the dirty slots until none are left.
pub async fn refresh(db: &Db, config: &Config, now: Millis) -> DbResult<Refresh> {
    let slot = slot_ms_for(config.time_zone);
    let (short, t) = (
        config.calls.short_abandon_seconds,
        config.reports.service_level_seconds,
    );
    let mut done = Refresh::default();
    if !usable(&agg::state(db).await?, config) {
        agg::start_rebuild(db, slot, short, t).await?;
        if let Some((first, last)) = agg::call_span(db).await? {
            let mut a = first.div_euclid(slot) * slot;
            let end = last.div_euclid(slot) * slot + slot;
            while a < end {
                let b = (a + REBUILD_CHUNK_MS).min(end);
                let mut tx = db.begin().await?;
                agg::clear_dirty(&mut tx, a, b).await?;
                agg::recompute(&mut tx, a, b, slot, short, t).await?;
                tx.commit().await?;
                done.slots += ((b - a) / slot) as usize;
                a = b;
            }
        }
        agg::finish_rebuild(db, now).await?;
        done.rebuilt = true;
    }
    loop {
        let mut tx = db.begin().await?;
        let marks = agg::take_dirty(&mut tx, TAKE).await?;
        if marks.is_empty() {
            tx.commit().await?;
            break;
        }
        let mut slots = BTreeSet::new();
        for (bucket, client) in marks {
            slots.insert(bucket.div_euclid(slot) * slot);
            if client != 0 {
                for at in agg::later_answered(&mut tx, client, bucket).await? {
                    slots.insert(at.div_euclid(slot) * slot);
                }
            }
        }
        let mut ranges = Vec::new();
        for s in &slots {
            push(&mut ranges, *s, s + slot);
        }
        for (a, b) in ranges {
            agg::recompute(&mut tx, a, b, slot, short, t).await?;
        }
        tx.commit().await?;
        done.slots += slots.len();
    }
    agg::mark_refreshed(db, now).await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn edges_and_stale_slots_are_raw() {
        let stale = BTreeSet::from([5 * H, 6 * H, 9 * H]);
        let p = split(H + 10, 12 * H + 5, 2 * H, 12 * H, H, &stale);
        assert_eq!(
            p.raw,
            vec![
                (H + 10, 2 * H),
                (5 * H, 7 * H),
                (9 * H, 10 * H),
                (12 * H, 12 * H + 5)
            ]
        );
        assert_eq!(
            p.aggregated,
            vec![(2 * H, 5 * H), (7 * H, 9 * H), (10 * H, 12 * H)]
        );
    }

    #[test]
    fn whole_hour_zones_get_hour_slots_and_others_quarters() {
        assert_eq!(slot_ms_for(chrono_tz::Europe::Moscow), H);
        assert_eq!(slot_ms_for(chrono_tz::Europe::Berlin), H);
        assert_eq!(slot_ms_for(chrono_tz::Asia::Kolkata), 900_000);
        assert_eq!(slot_ms_for(chrono_tz::Asia::Kathmandu), 900_000);
    }
}
