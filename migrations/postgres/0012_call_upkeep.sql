-- 1. The sweeper (src/calls/sweeper.rs) looks for calls that never ended: `ended_at IS NULL
-- AND updated_at <= $1`. The partial index calls_open (0002) is on `state IN ('ringing',
-- 'answered')`, which that condition does not imply, so PostgreSQL could not use it: every
-- sweep, twice a minute, read the whole calls table (and JIT-compiled the scan on a large one).
-- An index on the condition the sweeper asks. The SQLite twin is
-- migrations/sqlite/0012_call_upkeep.sql.
DROP INDEX calls_open;
CREATE INDEX calls_unended ON calls (updated_at) WHERE ended_at IS NULL;

-- 2. The call writer does the work of three row triggers on `calls` itself, once per batch
-- (src/db/call_sync.rs): marking the report buckets its calls leave and enter, and copying
-- its calls' times into the tasks that refer to them. Per row they cost a PL/pgSQL call and
-- one or two statements each — 70 µs of PostgreSQL CPU per stored event, a sixth of the
-- total (docs/BENCHMARKS.md, eighth session). Its transactions say so with
-- `SET LOCAL orderline.batch_writer = 'on'`, and these triggers stand aside for them; every
-- other path that writes calls (imports, seeds, retention, manual changes) still fires them.
-- callback_calls, the BEFORE trigger that fills a task's copies when it is written, stays for
-- every path: the writer rewrites its calls before it writes their tasks, so it reads the
-- calls as they now are.
DROP TRIGGER report_dirty_call_insert ON calls;
DROP TRIGGER report_dirty_call_update ON calls;
DROP TRIGGER call_changes_callbacks ON calls;

CREATE TRIGGER report_dirty_call_insert AFTER INSERT OR DELETE ON calls FOR EACH ROW
    WHEN (current_setting('orderline.batch_writer', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_dirty_call_update AFTER UPDATE ON calls FOR EACH ROW
    WHEN (current_setting('orderline.batch_writer', true) IS DISTINCT FROM 'on'
      AND (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.direction IS DISTINCT FROM NEW.direction
      OR OLD.state IS DISTINCT FROM NEW.state OR OLD.operator_id IS DISTINCT FROM NEW.operator_id
      OR OLD.answered_at IS DISTINCT FROM NEW.answered_at OR OLD.wait_seconds IS DISTINCT FROM NEW.wait_seconds
      OR OLD.talk_seconds IS DISTINCT FROM NEW.talk_seconds OR OLD.client_id IS DISTINCT FROM NEW.client_id
      OR OLD.queue IS DISTINCT FROM NEW.queue))
    EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER call_changes_callbacks
    AFTER UPDATE OF started_at, ended_at, answered_at, operator_id, direction ON calls FOR EACH ROW
    WHEN (current_setting('orderline.batch_writer', true) IS DISTINCT FROM 'on'
      AND (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.answered_at IS DISTINCT FROM NEW.answered_at
      OR OLD.operator_id IS DISTINCT FROM NEW.operator_id OR OLD.direction IS DISTINCT FROM NEW.direction
      OR (NEW.answered_at IS NULL AND OLD.ended_at IS DISTINCT FROM NEW.ended_at)))
    EXECUTE FUNCTION call_changes_callbacks();

-- 3. Retention replaced an old call's number with a pseudonym but kept `caller_rev`, the number's
-- digits reversed (0007), so the number could still be read back and the log's search by
-- ending still found the call. src/db/retention.rs now clears it; this clears what it left.
UPDATE calls SET caller_rev = NULL WHERE caller_e164 LIKE '#%';
