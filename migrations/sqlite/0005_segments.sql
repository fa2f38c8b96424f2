-- The client base by value and risk (SQLite): the stored RFM / ABC / overdue segmentation,
-- recomputed by src/segments/recompute.rs, and the indexes the KPI reports need.
-- The PostgreSQL twin is migrations/postgres/0005_segments.sql.

-- One row per client with at least one (not cancelled) order in the scoring period. A client
-- without a row has no orders in the period (or was created since the last run): the badge
-- then falls back to src/segments/rule.rs. Rows of clients that left the set are deleted at
-- the end of each run (computed_at older than the run).
CREATE TABLE client_segments (
    client_id       INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    computed_at     INTEGER NOT NULL,
    -- F and M: orders and revenue (minor units) in the period; R: whole days since the last
    -- order at computed_at.
    orders          INTEGER NOT NULL,
    revenue_minor   INTEGER NOT NULL,
    first_order_at  INTEGER NOT NULL,
    last_order_at   INTEGER NOT NULL,
    recency_days    INTEGER NOT NULL,
    r_score         INTEGER NOT NULL CHECK (r_score BETWEEN 1 AND 5),
    f_score         INTEGER NOT NULL CHECK (f_score BETWEEN 1 AND 5),
    m_score         INTEGER NOT NULL CHECK (m_score BETWEEN 1 AND 5),
    segment         TEXT NOT NULL CHECK (segment IN ('champions', 'loyal', 'potential', 'new',
                        'at_risk', 'cant_lose', 'hibernating', 'lost')),
    abc             TEXT NOT NULL CHECK (abc IN ('A', 'B', 'C')),
    -- 1 = the client with the most revenue (ties by client id); the Pareto order and the
    -- keyset of the client list.
    revenue_rank    INTEGER NOT NULL,
    -- The client's own rhythm: median whole days between orders (NULL under 3 orders).
    median_gap_days INTEGER,
    overdue         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX client_segments_rank ON client_segments (revenue_rank);
CREATE INDEX client_segments_segment ON client_segments (segment, revenue_rank);
CREATE INDEX client_segments_abc ON client_segments (abc, revenue_rank);
CREATE INDEX client_segments_overdue ON client_segments (revenue_rank) WHERE overdue;

-- One row per recompute: the period and the base-wide figures (Pareto point and curve).
CREATE TABLE segment_runs (
    id              INTEGER PRIMARY KEY,
    computed_at     INTEGER NOT NULL,
    period_from     INTEGER NOT NULL,
    period_to       INTEGER NOT NULL,
    clients         INTEGER NOT NULL,
    revenue_minor   INTEGER NOT NULL,
    -- The fewest clients whose revenue reaches 80 % of the total (= the A class).
    pareto_clients  INTEGER NOT NULL,
    -- JSON array of [client share, revenue share] points, 0–1, at most 101 of them.
    curve           TEXT NOT NULL,
    duration_ms     INTEGER NOT NULL
);

-- Repeat-call rate: "another answered call from the same client in the previous 7 days" is
-- one probe per answered call.
-- (the index calls_client_started, from 0004_workspace.sql, serves it)
-- Callback speed: from a missed call of the period to the task it opened.
CREATE INDEX callbacks_first_call ON callbacks (first_call_id) WHERE first_call_id IS NOT NULL;
-- Per operator: tasks closed by a call (callbacks done, proactive calls done).
CREATE INDEX callbacks_closed_by_call ON callbacks (closed_by_call_id) WHERE closed_by_call_id IS NOT NULL;
-- Per operator: tasks closed without a call (done from the worklist), by the time they closed.
CREATE INDEX callbacks_closed ON callbacks (closed_at) WHERE closed_by_call_id IS NULL AND closed_at IS NOT NULL;
