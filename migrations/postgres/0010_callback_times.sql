-- The callback-speed and tasks-done reports read the tasks of a period instead of every call
-- of it (a year is 4.5 million calls of the benchmark's data set, 425,000 tasks): each task
-- carries the start time of the call that opened it and of the call that closed it, kept by
-- triggers whatever path writes a task or moves a call's start (an earlier ring that arrives
-- late). The SQLite twin is migrations/sqlite/0010_callback_times.sql.
ALTER TABLE callbacks ADD COLUMN first_call_at BIGINT, ADD COLUMN closed_call_at BIGINT;

UPDATE callbacks cb SET first_call_at = c.started_at FROM calls c WHERE c.id = cb.first_call_id;
UPDATE callbacks cb SET closed_call_at = c.started_at FROM calls c WHERE c.id = cb.closed_by_call_id;

CREATE INDEX callbacks_first_call_at ON callbacks (first_call_at) WHERE kind = 'missed';
CREATE INDEX callbacks_closed_call_at ON callbacks (closed_call_at) WHERE closed_call_at IS NOT NULL;

CREATE FUNCTION callback_call_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_call_at := (SELECT started_at FROM calls WHERE id = NEW.first_call_id);
    NEW.closed_call_at := (SELECT started_at FROM calls WHERE id = NEW.closed_by_call_id);
    RETURN NEW;
END
$$;

CREATE TRIGGER callback_call_times BEFORE INSERT OR UPDATE OF first_call_id, closed_by_call_id
    ON callbacks FOR EACH ROW EXECUTE FUNCTION callback_call_times();

CREATE FUNCTION call_start_moves_callbacks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE callbacks SET first_call_at = NEW.started_at WHERE first_call_id = NEW.id;
    UPDATE callbacks SET closed_call_at = NEW.started_at WHERE closed_by_call_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER call_start_moves_callbacks AFTER UPDATE OF started_at ON calls FOR EACH ROW
    WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at)
    EXECUTE FUNCTION call_start_moves_callbacks();
