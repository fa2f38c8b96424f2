-- 1. The sweeper (src/calls/sweeper.rs) looks for calls that never ended: `ended_at IS NULL
-- AND updated_at <= $1`. The partial index calls_open (0002) is on `state IN ('ringing',
-- 'answered')`, which that condition does not imply, so PostgreSQL could not use it: every
-- sweep, twice a minute, read the whole calls table.
-- An index on the condition the sweeper asks. The SQLite twin is
-- migrations/sqlite/0012_call_upkeep.sql.
DROP INDEX calls_open;
CREATE INDEX calls_unended ON calls (updated_at) WHERE ended_at IS NULL;

-- 2. Retention replaced an old call's number with a pseudonym but kept `caller_rev`, the number's
-- digits reversed (0007), so the number could still be read back and the log's search by
-- ending still found the call. src/db/retention.rs now clears it; this clears what it left.
UPDATE calls SET caller_rev = NULL WHERE caller_e164 LIKE '#%';
