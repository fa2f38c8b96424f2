//! Clients and their phones; the caller lookup query.

use sqlx::FromRow;

use super::{Db, DbError, DbResult, Tx, like_escape, with_pool, with_tx};
use crate::domain::{
    client::{BusinessProfile, ClientDraft, ClientKind},
    time::now_ms,
};

/// A stored client with its phones.
#[derive(Clone, Debug)]
pub struct Client {
    /// Id.
    pub id: i64,
    /// Id in the previous system.
    pub external_id: Option<String>,
    /// Display name.
    pub name: String,
    /// Person or business.
    pub kind: ClientKind,
    /// Company.
    pub company: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Addresses.
    pub addresses: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Preferences.
    pub preferences: Option<String>,
    /// Personal manager's user id.
    pub personal_manager_id: Option<i64>,
    /// Business profile.
    pub profile: BusinessProfile,
    /// Never call proactively.
    pub do_not_call: bool,
    /// Created (ms).
    pub created_at: i64,
    /// Updated (ms).
    pub updated_at: i64,
    /// Phones, primary first.
    pub phones: Vec<Phone>,
}

/// A stored phone.
#[derive(Clone, Debug, FromRow)]
pub struct Phone {
    /// Owner.
    pub client_id: i64,
    /// E.164.
    pub e164: String,
    /// As entered.
    pub raw: String,
    /// Extension after the number.
    pub extension: Option<String>,
    /// Label.
    pub label: Option<String>,
    /// Primary flag.
    pub is_primary: bool,
}

#[derive(FromRow)]
struct ClientRow {
    id: i64,
    external_id: Option<String>,
    name: String,
    kind: String,
    company: Option<String>,
    email: Option<String>,
    addresses: String,
    notes: Option<String>,
    tags: String,
    preferences: Option<String>,
    personal_manager_id: Option<i64>,
    sells: Option<String>,
    sells_to: Option<String>,
    price_segment: Option<String>,
    employees: Option<i64>,
    do_not_call: bool,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, external_id, name, kind, company, email, addresses, notes, tags, preferences, \
    personal_manager_id, sells, sells_to, price_segment, employees, do_not_call, created_at, updated_at";

impl ClientRow {
    fn into_client(self, phones: Vec<Phone>) -> Client {
        Client {
            id: self.id,
            external_id: self.external_id,
            name: self.name,
            kind: ClientKind::parse(&self.kind).unwrap_or_default(),
            company: self.company,
            email: self.email,
            addresses: serde_json::from_str(&self.addresses).unwrap_or_default(),
            notes: self.notes,
            tags: serde_json::from_str(&self.tags).unwrap_or_default(),
            preferences: self.preferences,
            personal_manager_id: self.personal_manager_id,
            profile: BusinessProfile {
                sells: self.sells,
                sells_to: self.sells_to,
                price_segment: self.price_segment,
                employees: self.employees,
            },
            do_not_call: self.do_not_call,
            created_at: self.created_at,
            updated_at: self.updated_at,
            phones,
        }
    }
}

/// Inserts a client and its phones inside `tx`; returns the new id.
pub async fn insert_client(tx: &mut Tx, d: &ClientDraft) -> DbResult<i64> {
    let now = now_ms();
    const SQL: &str = "INSERT INTO clients (external_id, name, kind, company, email, addresses, notes, tags, \
        preferences, personal_manager_id, sells, sells_to, price_segment, employees, do_not_call, search_text, \
        created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$17) RETURNING id";
    let (addresses, tags, search) = (json(&d.addresses), json(&d.tags), d.search_text());
    let id: i64 = with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(&d.external_id)
        .bind(&d.name)
        .bind(d.kind.as_str())
        .bind(&d.company)
        .bind(&d.email)
        .bind(&addresses)
        .bind(&d.notes)
        .bind(&tags)
        .bind(&d.preferences)
        .bind(d.personal_manager_id)
        .bind(&d.profile.sells)
        .bind(&d.profile.sells_to)
        .bind(&d.profile.price_segment)
        .bind(d.profile.employees)
        .bind(d.do_not_call)
        .bind(&search)
        .bind(now)
        .fetch_one(c)
        .await)?;
    insert_phones(tx, id, d).await?;
    Ok(id)
}

/// Replaces every field and the phones of a live client inside `tx`.
pub async fn update_client(tx: &mut Tx, id: i64, d: &ClientDraft) -> DbResult<()> {
    const SQL: &str = "UPDATE clients SET external_id = $2, name = $3, kind = $4, company = $5, email = $6, \
        addresses = $7, notes = $8, tags = $9, preferences = $10, personal_manager_id = $11, sells = $12, \
        sells_to = $13, price_segment = $14, employees = $15, do_not_call = $16, search_text = $17, updated_at = $18 \
        WHERE id = $1 AND deleted_at IS NULL";
    let (addresses, tags, search) = (json(&d.addresses), json(&d.tags), d.search_text());
    let n = with_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(&d.external_id)
        .bind(&d.name)
        .bind(d.kind.as_str())
        .bind(&d.company)
        .bind(&d.email)
        .bind(&addresses)
        .bind(&d.notes)
        .bind(&tags)
        .bind(&d.preferences)
        .bind(d.personal_manager_id)
        .bind(&d.profile.sells)
        .bind(&d.profile.sells_to)
        .bind(&d.profile.price_segment)
        .bind(d.profile.employees)
        .bind(d.do_not_call)
        .bind(&search)
        .bind(now_ms())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound("client"));
    }
    with_tx!(tx, |c| sqlx::query(
        "DELETE FROM client_phones WHERE client_id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    insert_phones(tx, id, d).await
}

async fn insert_phones(tx: &mut Tx, client_id: i64, d: &ClientDraft) -> DbResult<()> {
    const SQL: &str = "INSERT INTO client_phones (client_id, e164, raw, extension, label, is_primary, position) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7)";
    for (pos, p) in d.phones.iter().enumerate() {
        with_tx!(tx, |c| sqlx::query(SQL)
            .bind(client_id)
            .bind(p.number.e164())
            .bind(&p.raw)
            .bind(p.number.extension())
            .bind(&p.label)
            .bind(p.primary)
            .bind(pos as i64)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Soft-deletes a live client.
pub async fn soft_delete_client(db: &Db, id: i64) -> DbResult<()> {
    const SQL: &str =
        "UPDATE clients SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL";
    let n = with_pool!(db, |p| sqlx::query(SQL)
        .bind(id)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        Err(DbError::NotFound("client"))
    } else {
        Ok(())
    }
}

/// Reads a live client with its phones.
pub async fn get_client(db: &Db, id: i64) -> DbResult<Client> {
    let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<ClientRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(p)
        .await)?;
    let row = row.ok_or(DbError::NotFound("client"))?;
    let phones = phones_of(db, &[id]).await?;
    Ok(row.into_client(phones))
}

/// A page of live clients in id order after `after_id`, optionally filtered by a text fragment
/// (name, company, e-mail) or a digit fragment of a phone number.
pub async fn list_clients(
    db: &Db,
    filter: &ClientFilter,
    after_id: i64,
    limit: i64,
) -> DbResult<Vec<Client>> {
    let mut sql = format!("SELECT {COLUMNS} FROM clients c WHERE deleted_at IS NULL AND id > $1");
    let text = filter
        .text
        .as_deref()
        .map(|t| format!("%{}%", like_escape(&t.to_lowercase())));
    let digits = filter
        .phone_digits
        .as_deref()
        .map(|t| format!("%{}%", like_escape(t)));
    if text.is_some() {
        sql.push_str(" AND search_text LIKE $3 ESCAPE '\\'");
    }
    if digits.is_some() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM client_phones ph WHERE ph.client_id = c.id AND ph.e164 LIKE $4 ESCAPE '\\')");
    }
    sql.push_str(" ORDER BY id LIMIT $2");
    let rows: Vec<ClientRow> = with_pool!(db, |p| sqlx::query_as(&sql)
        .bind(after_id)
        .bind(limit)
        .bind(&text)
        .bind(&digits)
        .fetch_all(p)
        .await)?;
    attach_phones(db, rows).await
}

/// What `list_clients` filters on.
#[derive(Clone, Debug, Default)]
pub struct ClientFilter {
    /// A fragment of the name, company or e-mail (case-insensitive).
    pub text: Option<String>,
    /// Digits that occur in one of the client's numbers.
    pub phone_digits: Option<String>,
}

async fn attach_phones(db: &Db, rows: Vec<ClientRow>) -> DbResult<Vec<Client>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut phones = phones_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine = phones
                .iter()
                .filter(|p| p.client_id == r.id)
                .cloned()
                .collect();
            phones.retain(|p| p.client_id != r.id);
            r.into_client(mine)
        })
        .collect())
}

async fn phones_of(db: &Db, ids: &[i64]) -> DbResult<Vec<Phone>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are integers we produced, so inlining them is safe and works on both backends
    // (SQLite has no array binds).
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT client_id, e164, raw, extension, label, is_primary FROM client_phones \
         WHERE client_id IN ({list}) ORDER BY client_id, is_primary DESC, position"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(&sql).fetch_all(p).await)?)
}

/// The id of the live client with this external id.
pub async fn find_by_external_id(tx: &mut Tx, external_id: &str) -> DbResult<Option<i64>> {
    const SQL: &str = "SELECT id FROM clients WHERE external_id = $1 AND deleted_at IS NULL";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(external_id)
        .fetch_optional(c)
        .await)?)
}

/// For re-importing rows without an external id: a live client without an external id that
/// has one of these numbers and the same name (compared case-folded in Rust, because SQLite's
/// `lower()` folds ASCII only); or, when the row has no numbers, a client without numbers whose
/// name, company and e-mail are the same (an indexed lookup on `search_text`).
pub async fn find_import_twin(tx: &mut Tx, d: &ClientDraft) -> DbResult<Option<i64>> {
    let name = d.name.to_lowercase();
    for n in d.phones.iter().map(|p| p.number.e164()) {
        const SQL: &str = "SELECT c.id, c.name FROM clients c JOIN client_phones ph ON ph.client_id = c.id \
            WHERE ph.e164 = $1 AND c.deleted_at IS NULL AND c.external_id IS NULL ORDER BY c.id";
        let hits: Vec<(i64, String)> =
            with_tx!(tx, |c| sqlx::query_as(SQL).bind(n).fetch_all(c).await)?;
        if let Some((id, _)) = hits
            .into_iter()
            .find(|(_, other)| other.to_lowercase() == name)
        {
            return Ok(Some(id));
        }
    }
    if !d.phones.is_empty() {
        return Ok(None);
    }
    const SQL: &str = "SELECT c.id FROM clients c WHERE c.search_text = $1 AND c.deleted_at IS NULL \
        AND c.external_id IS NULL AND NOT EXISTS (SELECT 1 FROM client_phones ph WHERE ph.client_id = c.id) LIMIT 1";
    Ok(with_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(d.search_text())
        .fetch_optional(c)
        .await)?)
}

/// Reads a live client inside a transaction (for compare-before-update in the import).
pub async fn get_client_tx(tx: &mut Tx, id: i64) -> DbResult<Client> {
    let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1 AND deleted_at IS NULL");
    let row: Option<ClientRow> = with_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let row = row.ok_or(DbError::NotFound("client"))?;
    const PSQL: &str = "SELECT client_id, e164, raw, extension, label, is_primary FROM client_phones \
                        WHERE client_id = $1 ORDER BY is_primary DESC, position";
    let phones: Vec<Phone> = with_tx!(tx, |c| sqlx::query_as(PSQL).bind(id).fetch_all(c).await)?;
    Ok(row.into_client(phones))
}

/// The first number of each of the first `limit` clients (by id), as `(client id, E.164)`:
/// the demo's callers.
pub async fn first_numbers(db: &Db, limit: i64) -> DbResult<Vec<(i64, String)>> {
    const SQL: &str = "SELECT p.client_id, p.e164 FROM client_phones p \
        WHERE p.client_id IN (SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY id LIMIT $1) \
        ORDER BY p.client_id, p.position, p.id";
    let rows: Vec<(i64, String)> =
        with_pool!(db, |p| sqlx::query_as(SQL).bind(limit).fetch_all(p).await)?;
    let mut out: Vec<(i64, String)> = Vec::with_capacity(rows.len());
    for (client, number) in rows {
        if out.last().is_none_or(|(c, _)| *c != client) {
            out.push((client, number));
        }
    }
    Ok(out)
}

/// Counts live clients.
pub async fn count_clients(db: &Db) -> DbResult<i64> {
    Ok(with_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM clients WHERE deleted_at IS NULL"
    )
    .fetch_one(p)
    .await)?)
}

fn json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

/// A step of the savepoint a batch import wraps each row in. PostgreSQL refuses every statement
/// after an error until the transaction is rolled back (to a savepoint), so without one a single
/// refused row would lose its whole batch.
#[derive(Clone, Copy, Debug)]
pub enum RowSavepoint {
    /// Before the row's statements.
    Set,
    /// Keeps the row's writes.
    Release,
    /// Undoes the row's writes (and releases the savepoint).
    RollBack,
}

/// Runs one [`RowSavepoint`] step inside `tx`; the same SQL on both backends.
pub async fn row_savepoint(tx: &mut Tx, step: RowSavepoint) -> DbResult<()> {
    let sql = match step {
        RowSavepoint::Set => "SAVEPOINT import_row",
        RowSavepoint::Release => "RELEASE SAVEPOINT import_row",
        RowSavepoint::RollBack => "ROLLBACK TO SAVEPOINT import_row; RELEASE SAVEPOINT import_row",
    };
    with_tx!(tx, |c| sqlx::raw_sql(sql)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds a number to a live client (after its other numbers); a number it already has is left
/// as it is. A deleted or missing client is `NotFound`.
pub async fn add_phone(tx: &mut Tx, client_id: i64, e164: &str, raw: &str) -> DbResult<()> {
    get_client_tx(tx, client_id).await?;
    const SQL: &str = "INSERT INTO client_phones (client_id, e164, raw, is_primary, position) \
        SELECT $1, $2, $3, FALSE, COALESCE(MAX(position) + 1, 0) FROM client_phones WHERE client_id = $1 \
        ON CONFLICT (client_id, e164) DO NOTHING";
    with_tx!(tx, |c| sqlx::query(SQL)
        .bind(client_id)
        .bind(e164)
        .bind(raw)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    touch(tx, client_id).await
}

async fn touch(tx: &mut Tx, client_id: i64) -> DbResult<()> {
    with_tx!(tx, |c| sqlx::query(
        "UPDATE clients SET updated_at = $2 WHERE id = $1"
    )
    .bind(client_id)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
