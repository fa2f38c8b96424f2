-- Callback speed and tasks done read only the `callbacks` table (one covering index each): a
-- task also carries what the reports used to join two calls for — when its first call ended
-- (`missed_at`, the clock's start), that call's direction, and when the call that closed it
-- was answered and by whom (`reached_at`, `reached_by`). A year of the benchmark's data set
-- is 425,000 tasks: two random look-ups in 5 million calls per task cost 2.4–2.9 s, an index
-- range scan costs a tenth of that. The triggers of 0010 are replaced by ones that keep all
-- six copied columns right whatever path writes a task or changes one of its calls (a late
-- ring moves a start, a late hang-up sets an end, an answer arrives after the task was linked).
-- The PostgreSQL twin is migrations/postgres/0011_callback_reach.sql.
ALTER TABLE callbacks ADD COLUMN missed_at INTEGER;
ALTER TABLE callbacks ADD COLUMN call_direction TEXT;
ALTER TABLE callbacks ADD COLUMN reached_at INTEGER;
ALTER TABLE callbacks ADD COLUMN reached_by INTEGER;

UPDATE callbacks SET
    missed_at = (SELECT COALESCE(ended_at, started_at) FROM calls WHERE calls.id = callbacks.first_call_id),
    call_direction = (SELECT direction FROM calls WHERE calls.id = callbacks.first_call_id)
    WHERE first_call_id IS NOT NULL;
UPDATE callbacks SET
    reached_at = (SELECT answered_at FROM calls WHERE calls.id = callbacks.closed_by_call_id),
    reached_by = (SELECT operator_id FROM calls WHERE calls.id = callbacks.closed_by_call_id)
    WHERE closed_by_call_id IS NOT NULL;

DROP INDEX callbacks_first_call_at;
DROP INDEX callbacks_closed_call_at;
CREATE INDEX callbacks_speed ON callbacks
    (first_call_at, call_direction, close_reason, missed_at, reached_at, reached_by) WHERE kind = 'missed';
CREATE INDEX callbacks_done ON callbacks
    (closed_call_at, reached_by, kind, close_reason) WHERE closed_call_at IS NOT NULL;

DROP TRIGGER callback_call_times_insert;
DROP TRIGGER callback_call_times_update;
DROP TRIGGER call_start_moves_callbacks;

CREATE TRIGGER callback_calls_insert AFTER INSERT ON callbacks
    WHEN NEW.first_call_id IS NOT NULL OR NEW.closed_by_call_id IS NOT NULL
BEGIN
    UPDATE callbacks SET
        first_call_at = (SELECT started_at FROM calls WHERE id = NEW.first_call_id),
        missed_at = (SELECT COALESCE(ended_at, started_at) FROM calls WHERE id = NEW.first_call_id),
        call_direction = (SELECT direction FROM calls WHERE id = NEW.first_call_id),
        closed_call_at = (SELECT started_at FROM calls WHERE id = NEW.closed_by_call_id),
        reached_at = (SELECT answered_at FROM calls WHERE id = NEW.closed_by_call_id),
        reached_by = (SELECT operator_id FROM calls WHERE id = NEW.closed_by_call_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER callback_calls_update AFTER UPDATE OF first_call_id, closed_by_call_id ON callbacks
BEGIN
    UPDATE callbacks SET
        first_call_at = (SELECT started_at FROM calls WHERE id = NEW.first_call_id),
        missed_at = (SELECT COALESCE(ended_at, started_at) FROM calls WHERE id = NEW.first_call_id),
        call_direction = (SELECT direction FROM calls WHERE id = NEW.first_call_id),
        closed_call_at = (SELECT started_at FROM calls WHERE id = NEW.closed_by_call_id),
        reached_at = (SELECT answered_at FROM calls WHERE id = NEW.closed_by_call_id),
        reached_by = (SELECT operator_id FROM calls WHERE id = NEW.closed_by_call_id)
    WHERE id = NEW.id;
END;

-- An answered call's hang-up (the most frequent update) changes nothing a task copies: the
-- end of a call counts only for a task's first call, which was not answered.
CREATE TRIGGER call_changes_callbacks AFTER UPDATE OF started_at, ended_at, answered_at, operator_id, direction ON calls
    WHEN OLD.started_at IS NOT NEW.started_at OR OLD.answered_at IS NOT NEW.answered_at
      OR OLD.operator_id IS NOT NEW.operator_id OR OLD.direction IS NOT NEW.direction
      OR (NEW.answered_at IS NULL AND OLD.ended_at IS NOT NEW.ended_at)
BEGIN
    UPDATE callbacks SET first_call_at = NEW.started_at,
        missed_at = COALESCE(NEW.ended_at, NEW.started_at), call_direction = NEW.direction
        WHERE first_call_id = NEW.id;
    UPDATE callbacks SET closed_call_at = NEW.started_at,
        reached_at = NEW.answered_at, reached_by = NEW.operator_id
        WHERE closed_by_call_id = NEW.id;
END;
