-- The operator's workspace (SQLite): outcomes of calls and tasks (wrap-up), operators' desk
-- preferences, remembered choices for shared numbers, and claims on tasks.
-- The PostgreSQL twin is migrations/postgres/0004_workspace.sql.

-- The outcome an operator logged for a call, or for one attempt at a task. One row per call
-- (an operator may correct it); a task gets one row per attempt.
CREATE TABLE wrapups (
    id             INTEGER PRIMARY KEY,
    call_id        INTEGER REFERENCES calls (id),
    task_id        INTEGER REFERENCES callbacks (id),
    client_id      INTEGER REFERENCES clients (id),
    operator_id    INTEGER NOT NULL REFERENCES users (id),
    -- A system outcome (src/workspace/outcome.rs) or the code of a custom one.
    outcome        TEXT NOT NULL,
    note           TEXT,
    -- The order taken during the call, when one was saved.
    order_id       INTEGER REFERENCES orders (id),
    -- The task created by "callback requested".
    follow_up_id   INTEGER REFERENCES callbacks (id),
    -- Hang-up → outcome saved, capped by [workspace] wrapup_cap_seconds; NULL while the call
    -- had not ended or for tasks without a call.
    wrapup_seconds INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (call_id IS NOT NULL OR task_id IS NOT NULL)
);
CREATE UNIQUE INDEX wrapups_call ON wrapups (call_id) WHERE call_id IS NOT NULL;
CREATE INDEX wrapups_task ON wrapups (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX wrapups_client ON wrapups (client_id, created_at);
CREATE INDEX wrapups_operator ON wrapups (operator_id, created_at);

-- Outcomes administrators added beside the fixed system ones; they have no side effects.
CREATE TABLE custom_outcomes (
    code       TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);

-- Which client an operator said was calling from a shared number: offered first next time.
CREATE TABLE number_choices (
    e164       TEXT PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    chosen_by  INTEGER REFERENCES users (id),
    chosen_at  INTEGER NOT NULL
);

-- Desk preferences: open the order screen when the phone rings or when it is answered;
-- browser notifications and the ring sound while the tab is in the background.
ALTER TABLE users ADD COLUMN pop_on TEXT NOT NULL DEFAULT 'ring' CHECK (pop_on IN ('ring', 'answer'));
ALTER TABLE users ADD COLUMN notify BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN sound BOOLEAN NOT NULL DEFAULT TRUE;

-- A task being worked: by whom, since when. A claim expires, so a closed tab cannot hold a
-- task forever; two operators never hold the same task at once.
ALTER TABLE callbacks ADD COLUMN claimed_by INTEGER REFERENCES users (id);
ALTER TABLE callbacks ADD COLUMN claimed_at INTEGER;
ALTER TABLE callbacks ADD COLUMN last_outcome TEXT;
CREATE INDEX callbacks_assigned ON callbacks (assigned_to, status, due_at);

-- The client card lists the client's latest calls.
CREATE INDEX calls_client_started ON calls (client_id, started_at) WHERE client_id IS NOT NULL;
