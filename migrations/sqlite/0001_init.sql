-- orderline foundation schema (SQLite). The PostgreSQL twin is migrations/postgres/0001_init.sql;
-- both folders must list the same versions (a test checks it).
--
-- Conventions, the same on both backends:
-- * ids are 64-bit integers (INTEGER PRIMARY KEY here, BIGINT identity on PostgreSQL);
-- * instants are i64 milliseconds since the Unix epoch, UTC (see src/domain/time.rs);
-- * money is i64 minor units (kopecks, cents) in the one configured currency;
-- * enums are lowercase text checked by CHECK constraints;
-- * lists (tags, addresses) are JSON arrays stored as text.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('operator', 'manager', 'admin')),
    -- The operator's internal phone (2–6 digits); one extension belongs to one active user.
    extension     TEXT,
    password_hash TEXT NOT NULL,
    language      TEXT CHECK (language IN ('en', 'ru')),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_active_extension ON users (extension) WHERE active AND extension IS NOT NULL;

-- API tokens: only the SHA-256 of the secret is stored (argon2 would cost milliseconds on every
-- PBX request; a 256-bit random secret needs no key stretching).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('pbx', 'manager', 'admin')),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

-- Login sessions live in the database so they survive restarts and work across instances.
-- The cookie holds a random secret; the table holds its SHA-256.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE clients (
    id                  INTEGER PRIMARY KEY,
    -- The id in the company's previous system; the key for idempotent CSV re-import.
    external_id         TEXT UNIQUE,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('person', 'business')),
    company             TEXT,
    email               TEXT,
    addresses           TEXT NOT NULL DEFAULT '[]',
    notes               TEXT,
    tags                TEXT NOT NULL DEFAULT '[]',
    preferences         TEXT,
    personal_manager_id INTEGER REFERENCES users (id),
    -- Business profile: what they sell, to whom, their price segment, how many people.
    sells               TEXT,
    sells_to            TEXT,
    price_segment       TEXT,
    employees           INTEGER,
    do_not_call         BOOLEAN NOT NULL DEFAULT FALSE,
    -- Lowercased name, company and email, for case-insensitive search that works for Cyrillic
    -- on both backends (SQLite's LIKE folds ASCII only).
    search_text         TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    deleted_at          INTEGER
);

-- Several numbers per client, and one number may belong to several clients (a switchboard),
-- so the number is not unique here; a client lists each number once.
CREATE TABLE client_phones (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    e164        TEXT NOT NULL,
    raw         TEXT NOT NULL,
    extension   TEXT,
    label       TEXT,
    is_primary  BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (client_id, e164)
);
-- The caller lookup: exact match on the normalised number.
CREATE INDEX client_phones_e164 ON client_phones (e164);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    search_text TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES clients (id),
    -- The call the order was taken on (the calls table arrives with call events).
    call_id          INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('new', 'confirmed', 'cancelled')),
    delivery_address TEXT,
    delivery_date    TEXT,
    comment          TEXT,
    created_by       INTEGER REFERENCES users (id),
    total_minor      INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- The lookup orders ambiguous matches by the client's latest order; reports read by period.
CREATE INDEX orders_client_created ON orders (client_id, created_at);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_call ON orders (call_id) WHERE call_id IS NOT NULL;

-- Lines keep the product's name and price as they were when ordered.
CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    sku              TEXT NOT NULL,
    name             TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    line_total_minor INTEGER NOT NULL
);
CREATE INDEX order_lines_order ON order_lines (order_id);

-- Who looked at or exported what (client cards, exports, token creation, …).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    token_id    INTEGER REFERENCES api_tokens (id),
    action      TEXT NOT NULL,
    subject     TEXT,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
