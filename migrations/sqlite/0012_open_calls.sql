-- The sweeper (src/calls/sweeper.rs) looks for calls that never ended: `ended_at IS NULL AND
-- updated_at <= ?`. The partial index calls_open (0002) is on `state IN ('ringing',
-- 'answered')`, which that condition does not imply, so no database could use it: every sweep,
-- twice a minute, read the whole calls table. An index on the condition the sweeper asks.
-- The PostgreSQL twin is migrations/postgres/0012_open_calls.sql (which also lets the call
-- writer do the work of three row triggers once per batch; SQLite's in-process triggers stay).
DROP INDEX calls_open;
CREATE INDEX calls_unended ON calls (updated_at) WHERE ended_at IS NULL;
