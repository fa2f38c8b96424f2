-- Callback speed and tasks done read only the `callbacks` table (one covering index each): a
-- task also carries what the reports used to join two calls for — when its first call ended
-- (`missed_at`, the clock's start), that call's direction, and when the call that closed it
-- was answered and by whom (`reached_at`, `reached_by`). A year of the benchmark's data set
-- is 425,000 tasks: two random look-ups in 5 million calls per task cost 2.4–2.9 s, an index
-- range scan costs a tenth of that. The triggers of 0010 are replaced by ones that keep all
-- six copied columns right whatever path writes a task or changes one of its calls (a late
-- ring moves a start, a late hang-up sets an end, an answer arrives after the task was linked).
-- The SQLite twin is migrations/sqlite/0011_callback_reach.sql.
ALTER TABLE callbacks ADD COLUMN missed_at BIGINT, ADD COLUMN call_direction TEXT,
    ADD COLUMN reached_at BIGINT, ADD COLUMN reached_by BIGINT;

UPDATE callbacks cb SET missed_at = COALESCE(c.ended_at, c.started_at), call_direction = c.direction
    FROM calls c WHERE c.id = cb.first_call_id;
UPDATE callbacks cb SET reached_at = c.answered_at, reached_by = c.operator_id
    FROM calls c WHERE c.id = cb.closed_by_call_id;

DROP INDEX callbacks_first_call_at;
DROP INDEX callbacks_closed_call_at;
CREATE INDEX callbacks_speed ON callbacks
    (first_call_at, call_direction, close_reason, missed_at, reached_at, reached_by) WHERE kind = 'missed';
CREATE INDEX callbacks_done ON callbacks
    (closed_call_at, reached_by, kind, close_reason) WHERE closed_call_at IS NOT NULL;

DROP TRIGGER callback_call_times ON callbacks;
DROP FUNCTION callback_call_times();
DROP TRIGGER call_start_moves_callbacks ON calls;
DROP FUNCTION call_start_moves_callbacks();

-- SELECT INTO without STRICT sets its targets to NULL when no call matches (no id).
CREATE FUNCTION callback_calls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.started_at, COALESCE(c.ended_at, c.started_at), c.direction
        INTO NEW.first_call_at, NEW.missed_at, NEW.call_direction
        FROM calls c WHERE c.id = NEW.first_call_id;
    SELECT c.started_at, c.answered_at, c.operator_id
        INTO NEW.closed_call_at, NEW.reached_at, NEW.reached_by
        FROM calls c WHERE c.id = NEW.closed_by_call_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER callback_calls BEFORE INSERT OR UPDATE OF first_call_id, closed_by_call_id
    ON callbacks FOR EACH ROW EXECUTE FUNCTION callback_calls();

CREATE FUNCTION call_changes_callbacks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE callbacks SET first_call_at = NEW.started_at,
        missed_at = COALESCE(NEW.ended_at, NEW.started_at), call_direction = NEW.direction
        WHERE first_call_id = NEW.id;
    UPDATE callbacks SET closed_call_at = NEW.started_at,
        reached_at = NEW.answered_at, reached_by = NEW.operator_id
        WHERE closed_by_call_id = NEW.id;
    RETURN NULL;
END
$$;

-- An answered call's hang-up (the most frequent update) changes nothing a task copies: the
-- end of a call counts only for a task's first call, which was not answered.
CREATE TRIGGER call_changes_callbacks
    AFTER UPDATE OF started_at, ended_at, answered_at, operator_id, direction ON calls FOR EACH ROW
    WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.answered_at IS DISTINCT FROM NEW.answered_at
      OR OLD.operator_id IS DISTINCT FROM NEW.operator_id OR OLD.direction IS DISTINCT FROM NEW.direction
      OR (NEW.answered_at IS NULL AND OLD.ended_at IS DISTINCT FROM NEW.ended_at))
    EXECUTE FUNCTION call_changes_callbacks();
