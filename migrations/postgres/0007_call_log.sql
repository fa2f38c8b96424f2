-- The manager's call log (PostgreSQL): searching by the last digits of a number, the indexes
-- the log's filters need on millions of calls, and reading the audit log by action and user.
-- The SQLite twin is migrations/sqlite/0007_call_log.sql.

-- The caller's digits reversed ("+74951234567" → "76543215947"), so that "ends with 4567"
-- becomes the prefix range caller_rev >= '7654' AND caller_rev < '7655', which an ordinary
-- index serves. COLLATE "C": byte order, so the range means "starts with" whatever the
-- database's locale. Written by the call writer with caller_e164 (src/db/call_log.rs).
ALTER TABLE calls ADD COLUMN caller_rev TEXT COLLATE "C";
UPDATE calls SET caller_rev = reverse(replace(caller_e164, '+', '')) WHERE caller_e164 IS NOT NULL;
CREATE INDEX calls_rev ON calls (caller_rev);

-- The log is read newest first, (started_at, id) descending: the id breaks ties of the
-- keyset. This index replaces calls_started (0002), which it also serves.
CREATE INDEX calls_started_id ON calls (started_at, id);
DROP INDEX calls_started;
-- The common filters that are not selective enough to read by themselves get the time order
-- behind them.
CREATE INDEX calls_state_started ON calls (state, started_at, id);
CREATE INDEX calls_direction_started ON calls (direction, started_at, id);

-- The audit log, newest first (by id), by action or by user.
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id) WHERE user_id IS NOT NULL;
