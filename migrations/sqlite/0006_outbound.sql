-- Outbound call lists: a manager hands out proactive calls to operators (sqlite).
CREATE TABLE outbound_lists (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- Why these clients (the segment filter as the manager chose it), JSON.
    criteria    TEXT NOT NULL DEFAULT '{}',
    daily_cap   INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL
);

-- The proactive tasks of a list.
ALTER TABLE callbacks ADD COLUMN list_id INTEGER REFERENCES outbound_lists (id);
CREATE INDEX callbacks_list ON callbacks (list_id) WHERE list_id IS NOT NULL;
