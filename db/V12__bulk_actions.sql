-- One bulk sync (Sync selected, Sync all, POST /api/fleet/sync) is one object: who asked, when, for which commit,
-- and its operations, which the web app shows together with their totals. A single node's sync has none.
CREATE TABLE bulk_action (
    id            BIGSERIAL PRIMARY KEY,
    requested_by  TEXT        NOT NULL,
    trigger_type  TEXT        NOT NULL,
    target_commit TEXT        NOT NULL,
    node_count    INTEGER     NOT NULL CHECK (node_count >= 0),
    created_at    TIMESTAMPTZ NOT NULL
);

ALTER TABLE sync_operation ADD COLUMN bulk_id BIGINT REFERENCES bulk_action (id);
CREATE INDEX sync_operation_bulk ON sync_operation (bulk_id) WHERE bulk_id IS NOT NULL;
