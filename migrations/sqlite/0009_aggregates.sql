-- Report aggregates, retention bookkeeping and PBX sources created at run time (SQLite).
-- The PostgreSQL twin is migrations/postgres/0009_aggregates.sql. See docs/ARCHITECTURE.md,
-- "Report aggregates", for how the sums are kept exact.

-- Sums of the calls per time slot (an hour, or 15 minutes when the business time zone has a
-- sub-hour offset: report_slot_state.slot_ms) × direction × answering operator × queue, with
-- every column the KPI, distribution and operator queries of src/db/reports.rs add up.
-- operator_id 0 = nobody answered; queue '' = none. Blocked calls are not counted.
CREATE TABLE report_slots (
    direction        TEXT NOT NULL,
    slot_start       INTEGER NOT NULL,
    operator_id      INTEGER NOT NULL,
    queue            TEXT NOT NULL,
    offered          INTEGER NOT NULL,
    answered         INTEGER NOT NULL,
    missed           INTEGER NOT NULL,
    short_abandons   INTEGER NOT NULL,
    answered_wait    INTEGER NOT NULL,
    answered_talk    INTEGER NOT NULL,
    within_threshold INTEGER NOT NULL,
    handled          INTEGER NOT NULL,
    handle_seconds   INTEGER NOT NULL,
    converted        INTEGER NOT NULL,
    revenue_minor    INTEGER NOT NULL,
    known            INTEGER NOT NULL,
    repeats          INTEGER NOT NULL,
    answered_wrapup  INTEGER NOT NULL,
    orders           INTEGER NOT NULL,
    -- Answered (wa) and missed (wm) calls per wait bucket 0–15 s, 16–30 s, … 76–90 s, 90+ s.
    wa0 INTEGER NOT NULL, wa1 INTEGER NOT NULL, wa2 INTEGER NOT NULL, wa3 INTEGER NOT NULL,
    wa4 INTEGER NOT NULL, wa5 INTEGER NOT NULL, wa6 INTEGER NOT NULL,
    wm0 INTEGER NOT NULL, wm1 INTEGER NOT NULL, wm2 INTEGER NOT NULL, wm3 INTEGER NOT NULL,
    wm4 INTEGER NOT NULL, wm5 INTEGER NOT NULL, wm6 INTEGER NOT NULL,
    PRIMARY KEY (direction, slot_start, operator_id, queue)
);

-- What the slots were computed with; reports use them only when ready and equal to the
-- configuration (else they read raw calls until the job has rebuilt them).
CREATE TABLE report_slot_state (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    ready                 BOOLEAN NOT NULL DEFAULT FALSE,
    slot_ms               INTEGER NOT NULL DEFAULT 0,
    short_abandon_seconds INTEGER NOT NULL DEFAULT -1,
    service_level_seconds INTEGER NOT NULL DEFAULT -1,
    built_at              INTEGER,
    refreshed_at          INTEGER
);
INSERT INTO report_slot_state (id) VALUES (1);

-- 15-minute buckets whose calls changed since the job last summed them (written by the
-- triggers below, in the same transaction as the change). client_id is the client of an
-- answered call (0 otherwise): its later calls' repeat flags depend on it.
CREATE TABLE report_dirty (
    bucket_start INTEGER NOT NULL,
    client_id    INTEGER NOT NULL,
    PRIMARY KEY (bucket_start, client_id)
);

CREATE TRIGGER report_dirty_call_insert AFTER INSERT ON calls BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    VALUES ((NEW.started_at / 900000) * 900000,
            CASE WHEN NEW.answered_at IS NOT NULL THEN COALESCE(NEW.client_id, 0) ELSE 0 END)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dirty_call_update AFTER UPDATE ON calls
WHEN OLD.started_at IS NOT NEW.started_at OR OLD.direction IS NOT NEW.direction
  OR OLD.state IS NOT NEW.state OR OLD.operator_id IS NOT NEW.operator_id
  OR OLD.answered_at IS NOT NEW.answered_at OR OLD.wait_seconds IS NOT NEW.wait_seconds
  OR OLD.talk_seconds IS NOT NEW.talk_seconds OR OLD.client_id IS NOT NEW.client_id
  OR OLD.queue IS NOT NEW.queue
BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    VALUES ((OLD.started_at / 900000) * 900000,
            CASE WHEN OLD.answered_at IS NOT NULL THEN COALESCE(OLD.client_id, 0) ELSE 0 END)
    ON CONFLICT DO NOTHING;
    INSERT INTO report_dirty (bucket_start, client_id)
    VALUES ((NEW.started_at / 900000) * 900000,
            CASE WHEN NEW.answered_at IS NOT NULL THEN COALESCE(NEW.client_id, 0) ELSE 0 END)
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER report_dirty_call_delete AFTER DELETE ON calls BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    VALUES ((OLD.started_at / 900000) * 900000,
            CASE WHEN OLD.answered_at IS NOT NULL THEN COALESCE(OLD.client_id, 0) ELSE 0 END)
    ON CONFLICT DO NOTHING;
END;

-- Orders and wrap-ups count towards their call's slot.
CREATE TRIGGER report_dirty_order_insert AFTER INSERT ON orders WHEN NEW.call_id IS NOT NULL BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id = NEW.call_id
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER report_dirty_order_update AFTER UPDATE ON orders
WHEN (OLD.call_id IS NOT NULL OR NEW.call_id IS NOT NULL)
  AND (OLD.call_id IS NOT NEW.call_id OR OLD.status IS NOT NEW.status OR OLD.total_minor IS NOT NEW.total_minor)
BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id IN (OLD.call_id, NEW.call_id)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER report_dirty_order_delete AFTER DELETE ON orders WHEN OLD.call_id IS NOT NULL BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id = OLD.call_id
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER report_dirty_wrapup_insert AFTER INSERT ON wrapups WHEN NEW.call_id IS NOT NULL BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id = NEW.call_id
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER report_dirty_wrapup_update AFTER UPDATE ON wrapups
WHEN (OLD.call_id IS NOT NULL OR NEW.call_id IS NOT NULL)
  AND (OLD.call_id IS NOT NEW.call_id OR OLD.wrapup_seconds IS NOT NEW.wrapup_seconds)
BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id IN (OLD.call_id, NEW.call_id)
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER report_dirty_wrapup_delete AFTER DELETE ON wrapups WHEN OLD.call_id IS NOT NULL BEGIN
    INSERT INTO report_dirty (bucket_start, client_id)
    SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id = OLD.call_id
    ON CONFLICT DO NOTHING;
END;

-- The retention job (src/retention.rs): how far each kind of detail has been removed (calls
-- that started before these instants are done; the next run starts there) and its last run.
CREATE TABLE retention_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    events_until    INTEGER NOT NULL DEFAULT 0,
    raw_until       INTEGER NOT NULL DEFAULT 0,
    recordings_until INTEGER NOT NULL DEFAULT 0,
    numbers_until   INTEGER NOT NULL DEFAULT 0,
    last_run_at     INTEGER,
    last_run_ms     INTEGER,
    last_removed    INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
INSERT INTO retention_state (id) VALUES (1);

-- PBX sources added by administrators (those of the configuration file are not stored). The
-- token and HMAC secret are sealed with [secrets] key (src/admin/seal.rs): the signature
-- checks need them in clear, so they cannot be hashed.
CREATE TABLE pbx_sources (
    id              TEXT PRIMARY KEY,
    format          TEXT NOT NULL,
    token_sealed    TEXT NOT NULL,
    hmac_sealed     TEXT,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      INTEGER REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
