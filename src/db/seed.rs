//! Bulk seeding for benchmarks: large synthetic client bases, loaded through `db::bulk`
//! (COPY on PostgreSQL, one prepared statement on SQLite), far faster than the
//! one-row-at-a-time writes of the API.

use super::{Db, DbResult, bulk::Bulk, direct::Arg, with_pool};
use crate::domain::time::now_ms;

/// Clients per transaction.
const CHUNK: u64 = 20_000;

/// The synthetic number of client `i`: a Russian mobile number, unique per `i` below 10⁹.
pub fn synthetic_e164(i: u64) -> String {
    format!("+79{:09}", i % 1_000_000_000)
}

/// Inserts `count` clients numbered from `first`, each with one phone
/// ([`synthetic_e164`]), in transactions of `CHUNK` clients. Client ids follow the largest id
/// already in the table (1…count in an empty one). Returns the number inserted.
pub async fn seed_clients(db: &Db, first: u64, count: u64) -> DbResult<u64> {
    let now = now_ms();
    let next_id: i64 = with_pool!(db, |p| sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM clients"
    )
    .fetch_one(p)
    .await)?;
    let mut bulk = Bulk::open(db).await?;
    let mut done = 0;
    while done < count {
        let n = (count - done).min(CHUNK);
        let ids: Vec<i64> = (0..n as i64).map(|k| next_id + done as i64 + k).collect();
        let names: Vec<String> = (0..n)
            .map(|k| format!("Client {}", first + done + k))
            .collect();
        let lower: Vec<String> = names.iter().map(|s| s.to_lowercase()).collect();
        let numbers: Vec<String> = (0..n).map(|k| synthetic_e164(first + done + k)).collect();
        let mut clients = Vec::with_capacity(n as usize * 6);
        let mut phones = Vec::with_capacity(n as usize * 4);
        for k in 0..n as usize {
            clients.extend([
                Arg::from(ids[k]),
                Arg::from(names[k].as_str()),
                Arg::from("person"),
                Arg::from(lower[k].as_str()),
                Arg::from(now),
                Arg::from(now),
            ]);
            phones.extend([
                Arg::from(ids[k]),
                Arg::from(numbers[k].as_str()),
                Arg::from(numbers[k].as_str()),
                Arg::from(true),
            ]);
        }
        bulk.begin().await?;
        let cols = [
            "id",
            "name",
            "kind",
            "search_text",
            "created_at",
            "updated_at",
        ];
        bulk.insert("clients", &cols, &clients).await?;
        let cols = ["client_id", "e164", "raw", "is_primary"];
        bulk.insert("client_phones", &cols, &phones).await?;
        bulk.commit().await?;
        done += n;
    }
    bulk.sync_id_sequence("clients").await?;
    drop(bulk);
    db.analyze().await?;
    Ok(done)
}
