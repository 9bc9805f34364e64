-- Sync operations: one per node and request, whatever triggered it (button, API, bulk, schedule, rollout).

CREATE TABLE sync_operation (
    id              BIGSERIAL    PRIMARY KEY,
    node_id         VARCHAR(63)  NOT NULL REFERENCES node (id) ON DELETE CASCADE,
    from_commit     CHAR(40),
    target_commit   CHAR(40)     NOT NULL,
    restart         BOOLEAN      NOT NULL,
    restart_type    VARCHAR(16)  NOT NULL CHECK (restart_type IN ('IMMEDIATE', 'GRACEFUL', 'MANUAL')),
    requested_by    VARCHAR(64)  NOT NULL,
    trigger_type    VARCHAR(16)  NOT NULL CHECK (trigger_type IN ('NODE', 'FLEET', 'SCHEDULE', 'ROLLOUT')),
    status          VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'SENT', 'DOWNLOADING', 'APPLYING',
                        'RESTARTING', 'HEALTH_CHECK', 'ROLLING_BACK', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'TIMED_OUT')),
    percent         INTEGER,
    message         VARCHAR(4096),
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    finished_at     TIMESTAMPTZ
);
-- the database itself guarantees one active operation per node, on every server instance
CREATE UNIQUE INDEX sync_operation_one_active_per_node ON sync_operation (node_id)
    WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'TIMED_OUT');
CREATE INDEX sync_operation_created_idx ON sync_operation (created_at DESC);
CREATE INDEX sync_operation_node_created_idx ON sync_operation (node_id, created_at DESC);

-- every stage an agent reported, in order
CREATE TABLE sync_progress (
    id              BIGSERIAL    PRIMARY KEY,
    operation_id    BIGINT       NOT NULL REFERENCES sync_operation (id) ON DELETE CASCADE,
    at              TIMESTAMPTZ  NOT NULL,
    stage           VARCHAR(16)  NOT NULL,
    percent         INTEGER,
    message         VARCHAR(4096)
);
CREATE INDEX sync_progress_operation_idx ON sync_progress (operation_id, id);

INSERT INTO setting (name, value, updated_at) VALUES ('sync_timeout_s', '900', now());
