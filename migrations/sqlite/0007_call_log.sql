-- The manager's call log (SQLite): searching by the last digits of a number, the indexes the
-- log's filters need on millions of calls, and reading the audit log by action and user.
-- The PostgreSQL twin is migrations/postgres/0007_call_log.sql.

-- The caller's digits reversed ("+74951234567" → "76543215947"), so that "ends with 4567"
-- becomes the prefix range caller_rev >= '7654' AND caller_rev < '7655', which an ordinary
-- index serves (a LIKE '%4567' on caller_e164 would read every row). Written by the call
-- writer with caller_e164 (src/db/call_log.rs `reversed_digits`).
ALTER TABLE calls ADD COLUMN caller_rev TEXT;
-- E.164 is '+' and at most 15 digits: reverse them by position (substr past the end is '').
UPDATE calls SET caller_rev =
    substr(d, 15, 1) || substr(d, 14, 1) || substr(d, 13, 1) || substr(d, 12, 1) || substr(d, 11, 1) ||
    substr(d, 10, 1) || substr(d, 9, 1) || substr(d, 8, 1) || substr(d, 7, 1) || substr(d, 6, 1) ||
    substr(d, 5, 1) || substr(d, 4, 1) || substr(d, 3, 1) || substr(d, 2, 1) || substr(d, 1, 1)
FROM (SELECT id AS cid, replace(caller_e164, '+', '') AS d FROM calls WHERE caller_e164 IS NOT NULL)
WHERE id = cid;
CREATE INDEX calls_rev ON calls (caller_rev);

-- The log is read newest first, (started_at, id) descending; SQLite's index entries end with
-- the rowid (= id), so calls_started (0002) already orders both. The common filters that are
-- not selective enough to read by themselves get the time order behind them:
CREATE INDEX calls_state_started ON calls (state, started_at);
CREATE INDEX calls_direction_started ON calls (direction, started_at);

-- The audit log, newest first (by id), by action or by user.
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_user ON audit_log (user_id, id) WHERE user_id IS NOT NULL;
