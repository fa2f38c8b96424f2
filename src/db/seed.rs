//! Bulk seeding for benchmarks: large synthetic client bases written with multi-row inserts,
//! far faster than the one-row-at-a-time writes of the API.

use super::{Db, DbResult, with_tx};
use crate::domain::time::now_ms;

/// Rows per multi-row INSERT (5 parameters each: well under SQLite's 32,766 limit).
const CHUNK: usize = 1_000;

/// The synthetic number of client `i`: a Russian mobile number, unique per `i` below 10⁹.
pub fn synthetic_e164(i: u64) -> String {
    format!("+79{:09}", i % 1_000_000_000)
}

/// Inserts `count` clients numbered from `first`, each with one phone
/// ([`synthetic_e164`]), in transactions of `CHUNK` rows. Returns the number inserted.
pub async fn seed_clients(db: &Db, first: u64, count: u64) -> DbResult<u64> {
    let now = now_ms();
    let mut done = 0;
    while done < count {
        let n = (count - done).min(CHUNK as u64);
        let start = first + done;
        let mut tx = db.begin().await?;
        let ids = insert_client_chunk(&mut tx, start, n, now).await?;
        insert_phone_chunk(&mut tx, start, &ids).await?;
        tx.commit().await?;
        done += n;
    }
    db.analyze().await?;
    Ok(done)
}

async fn insert_client_chunk(
    tx: &mut super::Tx,
    start: u64,
    n: u64,
    now: i64,
) -> DbResult<Vec<i64>> {
    let mut sql = String::from(
        "INSERT INTO clients (name, kind, search_text, created_at, updated_at) VALUES ",
    );
    for k in 0..n as usize {
        let b = k * 3;
        if k > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${}, 'person', ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 3
        ));
    }
    sql.push_str(" RETURNING id");
    let names: Vec<String> = (start..start + n).map(|i| format!("Client {i}")).collect();
    let ids: Vec<i64> = with_tx!(tx, |c| {
        let mut q = sqlx::query_scalar(&sql);
        for name in &names {
            q = q.bind(name).bind(name.to_lowercase()).bind(now);
        }
        q.fetch_all(c).await
    })?;
    Ok(ids)
}

async fn insert_phone_chunk(tx: &mut super::Tx, start: u64, ids: &[i64]) -> DbResult<()> {
    let mut sql =
        String::from("INSERT INTO client_phones (client_id, e164, raw, is_primary) VALUES ");
    for k in 0..ids.len() {
        let b = k * 2;
        if k > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("(${}, ${}, ${}, TRUE)", b + 1, b + 2, b + 2));
    }
    let numbers: Vec<String> = (0..ids.len() as u64)
        .map(|k| synthetic_e164(start + k))
        .collect();
    with_tx!(tx, |c| {
        let mut q = sqlx::query(&sql);
        for (id, number) in ids.iter().zip(&numbers) {
            q = q.bind(id).bind(number);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
