-- Report aggregates, retention bookkeeping and PBX sources created at run time (PostgreSQL).
-- The SQLite twin is migrations/sqlite/0009_aggregates.sql. See docs/ARCHITECTURE.md,
-- "Report aggregates", for how the sums are kept exact.

-- Sums of the calls per time slot (an hour, or 15 minutes when the business time zone has a
-- sub-hour offset: report_slot_state.slot_ms) × direction × answering operator × queue, with
-- every column the KPI, distribution and operator queries of src/db/reports.rs add up.
-- operator_id 0 = nobody answered; queue '' = none. Blocked calls are not counted.
CREATE TABLE report_slots (
    direction        TEXT NOT NULL,
    slot_start       BIGINT NOT NULL,
    operator_id      BIGINT NOT NULL,
    queue            TEXT NOT NULL,
    offered          BIGINT NOT NULL,
    answered         BIGINT NOT NULL,
    missed           BIGINT NOT NULL,
    short_abandons   BIGINT NOT NULL,
    answered_wait    BIGINT NOT NULL,
    answered_talk    BIGINT NOT NULL,
    within_threshold BIGINT NOT NULL,
    handled          BIGINT NOT NULL,
    handle_seconds   BIGINT NOT NULL,
    converted        BIGINT NOT NULL,
    revenue_minor    BIGINT NOT NULL,
    known            BIGINT NOT NULL,
    repeats          BIGINT NOT NULL,
    answered_wrapup  BIGINT NOT NULL,
    orders           BIGINT NOT NULL,
    -- Answered (wa) and missed (wm) calls per wait bucket 0–15 s, 16–30 s, … 76–90 s, 90+ s.
    wa0 BIGINT NOT NULL, wa1 BIGINT NOT NULL, wa2 BIGINT NOT NULL, wa3 BIGINT NOT NULL,
    wa4 BIGINT NOT NULL, wa5 BIGINT NOT NULL, wa6 BIGINT NOT NULL,
    wm0 BIGINT NOT NULL, wm1 BIGINT NOT NULL, wm2 BIGINT NOT NULL, wm3 BIGINT NOT NULL,
    wm4 BIGINT NOT NULL, wm5 BIGINT NOT NULL, wm6 BIGINT NOT NULL,
    PRIMARY KEY (direction, slot_start, operator_id, queue)
);

-- What the slots were computed with; reports use them only when ready and equal to the
-- configuration (else they read raw calls until the job has rebuilt them).
CREATE TABLE report_slot_state (
    id                    BIGINT PRIMARY KEY CHECK (id = 1),
    ready                 BOOLEAN NOT NULL DEFAULT FALSE,
    slot_ms               BIGINT NOT NULL DEFAULT 0,
    short_abandon_seconds BIGINT NOT NULL DEFAULT -1,
    service_level_seconds BIGINT NOT NULL DEFAULT -1,
    built_at              BIGINT,
    refreshed_at          BIGINT
);
INSERT INTO report_slot_state (id) VALUES (1);

-- 15-minute buckets whose calls changed since the job last summed them (written by the
-- triggers below, in the same transaction as the change). client_id is the client of an
-- answered call (0 otherwise): its later calls' repeat flags depend on it.
CREATE TABLE report_dirty (
    bucket_start BIGINT NOT NULL,
    client_id    BIGINT NOT NULL,
    PRIMARY KEY (bucket_start, client_id)
);

-- One function marks the buckets of the old and new row of calls, orders and wrap-ups.
CREATE FUNCTION report_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'calls' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO report_dirty (bucket_start, client_id)
            VALUES ((OLD.started_at / 900000) * 900000,
                    CASE WHEN OLD.answered_at IS NOT NULL THEN COALESCE(OLD.client_id, 0) ELSE 0 END)
            ON CONFLICT DO NOTHING;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO report_dirty (bucket_start, client_id)
            VALUES ((NEW.started_at / 900000) * 900000,
                    CASE WHEN NEW.answered_at IS NOT NULL THEN COALESCE(NEW.client_id, 0) ELSE 0 END)
            ON CONFLICT DO NOTHING;
        END IF;
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.call_id IS NOT NULL THEN
            INSERT INTO report_dirty (bucket_start, client_id)
            SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id = OLD.call_id
            ON CONFLICT DO NOTHING;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.call_id IS NOT NULL THEN
            INSERT INTO report_dirty (bucket_start, client_id)
            SELECT (c.started_at / 900000) * 900000, 0 FROM calls c WHERE c.id = NEW.call_id
            ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER report_dirty_call_insert AFTER INSERT OR DELETE ON calls
    FOR EACH ROW EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_dirty_call_update AFTER UPDATE ON calls FOR EACH ROW
    WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.direction IS DISTINCT FROM NEW.direction
      OR OLD.state IS DISTINCT FROM NEW.state OR OLD.operator_id IS DISTINCT FROM NEW.operator_id
      OR OLD.answered_at IS DISTINCT FROM NEW.answered_at OR OLD.wait_seconds IS DISTINCT FROM NEW.wait_seconds
      OR OLD.talk_seconds IS DISTINCT FROM NEW.talk_seconds OR OLD.client_id IS DISTINCT FROM NEW.client_id
      OR OLD.queue IS DISTINCT FROM NEW.queue)
    EXECUTE FUNCTION report_mark_dirty();

-- Orders and wrap-ups count towards their call's slot.
CREATE TRIGGER report_dirty_order_change AFTER INSERT OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_dirty_order_update AFTER UPDATE ON orders FOR EACH ROW
    WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.status IS DISTINCT FROM NEW.status
      OR OLD.total_minor IS DISTINCT FROM NEW.total_minor)
    EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_dirty_wrapup_change AFTER INSERT OR DELETE ON wrapups
    FOR EACH ROW EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_dirty_wrapup_update AFTER UPDATE ON wrapups FOR EACH ROW
    WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.wrapup_seconds IS DISTINCT FROM NEW.wrapup_seconds)
    EXECUTE FUNCTION report_mark_dirty();

-- The retention job (src/retention.rs): how far each kind of detail has been removed (calls
-- that started before these instants are done; the next run starts there) and its last run.
CREATE TABLE retention_state (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    events_until    BIGINT NOT NULL DEFAULT 0,
    raw_until       BIGINT NOT NULL DEFAULT 0,
    recordings_until BIGINT NOT NULL DEFAULT 0,
    numbers_until   BIGINT NOT NULL DEFAULT 0,
    last_run_at     BIGINT,
    last_run_ms     BIGINT,
    last_removed    BIGINT NOT NULL DEFAULT 0,
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
    created_by      BIGINT REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
