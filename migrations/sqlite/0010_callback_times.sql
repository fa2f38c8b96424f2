-- The callback-speed and tasks-done reports read the tasks of a period instead of every call
-- of it (a year is 4.5 million calls of the benchmark's data set, 425,000 tasks): each task
-- carries the start time of the call that opened it and of the call that closed it, kept by
-- triggers whatever path writes a task or moves a call's start (an earlier ring that arrives
-- late). The PostgreSQL twin is migrations/postgres/0010_callback_times.sql.
ALTER TABLE callbacks ADD COLUMN first_call_at INTEGER;
ALTER TABLE callbacks ADD COLUMN closed_call_at INTEGER;

UPDATE callbacks SET first_call_at = (SELECT started_at FROM calls WHERE calls.id = callbacks.first_call_id)
    WHERE first_call_id IS NOT NULL;
UPDATE callbacks SET closed_call_at = (SELECT started_at FROM calls WHERE calls.id = callbacks.closed_by_call_id)
    WHERE closed_by_call_id IS NOT NULL;

CREATE INDEX callbacks_first_call_at ON callbacks (first_call_at) WHERE kind = 'missed';
CREATE INDEX callbacks_closed_call_at ON callbacks (closed_call_at) WHERE closed_call_at IS NOT NULL;

CREATE TRIGGER callback_call_times_insert AFTER INSERT ON callbacks
    WHEN NEW.first_call_id IS NOT NULL OR NEW.closed_by_call_id IS NOT NULL
BEGIN
    UPDATE callbacks SET
        first_call_at = (SELECT started_at FROM calls WHERE id = NEW.first_call_id),
        closed_call_at = (SELECT started_at FROM calls WHERE id = NEW.closed_by_call_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER callback_call_times_update AFTER UPDATE OF first_call_id, closed_by_call_id ON callbacks
BEGIN
    UPDATE callbacks SET
        first_call_at = (SELECT started_at FROM calls WHERE id = NEW.first_call_id),
        closed_call_at = (SELECT started_at FROM calls WHERE id = NEW.closed_by_call_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER call_start_moves_callbacks AFTER UPDATE OF started_at ON calls
    WHEN OLD.started_at IS NOT NEW.started_at
BEGIN
    UPDATE callbacks SET first_call_at = NEW.started_at WHERE first_call_id = NEW.id;
    UPDATE callbacks SET closed_call_at = NEW.started_at WHERE closed_by_call_id = NEW.id;
END;
