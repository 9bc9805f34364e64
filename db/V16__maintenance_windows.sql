-- Issue 14: maintenance windows. A window opens at the times of a cron (in an IANA zone) for a duration and covers
-- nodes by id, by role, or all of them. A node covered by allow windows is synced (by an operator, a schedule or a
-- rollout's next batch) only while one is open; a deny window that is open always wins. An operator may override
-- (override_window), which is recorded on the operation. docs/schedules.md.
CREATE TABLE maintenance_window (
    id          BIGSERIAL PRIMARY KEY,
    name        VARCHAR(100) NOT NULL,
    kind        VARCHAR(8)   NOT NULL CHECK (kind IN ('ALLOW', 'DENY')),
    cron        VARCHAR(200) NOT NULL,
    duration_s  INT          NOT NULL CHECK (duration_s BETWEEN 60 AND 604800),
    zone        VARCHAR(64)  NOT NULL,
    all_nodes   BOOLEAN      NOT NULL,
    -- JSON arrays of strings
    node_ids    TEXT         NOT NULL,
    roles       TEXT         NOT NULL,
    enabled     BOOLEAN      NOT NULL,
    created_by  VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    updated_by  VARCHAR(64)  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL,
    version     BIGINT       NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX maintenance_window_name ON maintenance_window (lower(name));

-- an operator's sync outside the node's window, asked for with override_window: who overrode which window
ALTER TABLE sync_operation ADD COLUMN window_override TEXT;
-- a rollout started with override_window does not wait for windows at its batch boundaries
ALTER TABLE rollout ADD COLUMN override_window BOOLEAN NOT NULL DEFAULT false;
