-- Calls, their events, callbacks, the block list and the live-event outbox (SQLite).
-- The PostgreSQL twin is migrations/postgres/0002_calls.sql.

-- One row per PBX call (per source and PBX call id), however many phones rang. Every column
-- below `started_at` is derived from the call's events by the pure state machine
-- (src/calls/state.rs) and rewritten whenever an event arrives.
CREATE TABLE calls (
    id                 INTEGER PRIMARY KEY,
    source_id          TEXT NOT NULL,
    pbx_call_id        TEXT NOT NULL,
    direction          TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    state              TEXT NOT NULL CHECK (state IN ('ringing', 'answered', 'completed', 'missed', 'blocked')),
    forwarded          BOOLEAN NOT NULL DEFAULT FALSE,
    transferred        BOOLEAN NOT NULL DEFAULT FALSE,
    -- The client's side of the call, as sent and normalised, and who it matched (at the
    -- first event). client_id is set when exactly one client matched.
    caller_raw         TEXT,
    caller_e164        TEXT,
    caller_kind        TEXT NOT NULL CHECK (caller_kind IN ('client', 'ambiguous', 'unknown', 'anonymous', 'internal')),
    client_id          INTEGER REFERENCES clients (id),
    candidates         TEXT NOT NULL DEFAULT '[]',
    -- The company's side: the number dialled (inbound) and the queue.
    did                TEXT,
    queue              TEXT,
    extensions         TEXT NOT NULL DEFAULT '[]',
    answered_extension TEXT,
    operator_id        INTEGER REFERENCES users (id),
    cause              TEXT,
    recording_url      TEXT,
    forwarded_from     TEXT,
    started_at         INTEGER NOT NULL,
    answered_at        INTEGER,
    ended_at           INTEGER,
    wait_seconds       INTEGER,
    talk_seconds       INTEGER,
    event_count        INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (source_id, pbx_call_id)
);
CREATE INDEX calls_started ON calls (started_at);
CREATE INDEX calls_caller_started ON calls (caller_e164, started_at);
CREATE INDEX calls_operator_started ON calls (operator_id, started_at);
-- The sweeper looks for calls whose end never arrived.
CREATE INDEX calls_open ON calls (state, updated_at) WHERE state IN ('ringing', 'answered');

-- Every accepted event, before anything else is derived from it. (source_id, event_id) is
-- the idempotency key: a redelivery finds its row and changes nothing but `duplicates`.
CREATE TABLE call_events (
    id          INTEGER PRIMARY KEY,
    call_id     INTEGER NOT NULL REFERENCES calls (id),
    source_id   TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('ringing', 'answered', 'transferred', 'hangup')),
    -- When it happened (the PBX's time, or arrival when the PBX sent none) and when it arrived.
    at          INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    -- The normalised event (JSON), enough to recompute the call.
    data        TEXT NOT NULL,
    -- The original payload, size-capped; emptied by retention.
    raw         TEXT,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    late        BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (source_id, event_id)
);
CREATE INDEX call_events_call ON call_events (call_id, at);

-- Tasks to call someone: from missed calls (one open task per number, however often they
-- tried), promised during a call, or assigned by a manager.
CREATE TABLE callbacks (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('missed', 'requested', 'proactive')),
    status             TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    number_e164        TEXT NOT NULL,
    client_id          INTEGER REFERENCES clients (id),
    -- Missed inbound calls counted into this task, and the operators' own tries.
    attempts           INTEGER NOT NULL DEFAULT 0,
    operator_attempts  INTEGER NOT NULL DEFAULT 0,
    first_call_id      INTEGER REFERENCES calls (id),
    last_call_id       INTEGER REFERENCES calls (id),
    reason             TEXT,
    due_at             INTEGER NOT NULL,
    assigned_to        INTEGER REFERENCES users (id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    closed_at          INTEGER,
    closed_by_call_id  INTEGER REFERENCES calls (id),
    close_reason       TEXT
);
CREATE UNIQUE INDEX callbacks_one_open_missed_per_number ON callbacks (number_e164) WHERE status = 'open' AND kind = 'missed';
CREATE INDEX callbacks_open_number ON callbacks (number_e164) WHERE status = 'open';
CREATE INDEX callbacks_status_due ON callbacks (status, due_at);

-- Numbers whose calls are recorded as blocked (spam).
CREATE TABLE blocked_numbers (
    e164       TEXT PRIMARY KEY,
    reason     TEXT,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users (id)
);

-- Operators' desk status; no row means ready.
CREATE TABLE operator_status (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    status     TEXT NOT NULL CHECK (status IN ('ready', 'paused', 'wrapup')),
    since      INTEGER NOT NULL
);

-- The live-event outbox: every event shown to browsers, in commit order. Its id is the SSE
-- event id, so a browser that reconnects (to any instance) resumes after the last id it saw.
-- AUTOINCREMENT: ids are never reused, even after pruning the newest row.
CREATE TABLE live_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    call_id     INTEGER,
    -- Who it concerns: extensions (JSON array); broadcast = every ready operator.
    extensions  TEXT NOT NULL DEFAULT '[]',
    broadcast   BOOLEAN NOT NULL DEFAULT FALSE,
    data        TEXT NOT NULL
);
CREATE INDEX live_events_at ON live_events (at);
