-- Issue 14: update schedules. A schedule fires a sync (all at once or a rollout) of its targets to the desired commit
-- at the times of a 5-field cron read in an IANA zone. next_fire_at is the one fact the scheduler acts on: a firing
-- claims the row (FOR UPDATE SKIP LOCKED), records the run and moves next_fire_at on in one transaction, so a firing
-- happens once whatever the number of server instances and restarts (docs/schedules.md).
CREATE TABLE update_schedule (
    id            BIGSERIAL PRIMARY KEY,
    name          VARCHAR(100) NOT NULL,
    cron          VARCHAR(200) NOT NULL,
    zone          VARCHAR(64)  NOT NULL,
    enabled       BOOLEAN      NOT NULL,
    strategy      VARCHAR(16)  NOT NULL CHECK (strategy IN ('parallel', 'rolling')),
    -- targets and sync options as JSON, exactly as the API takes them (docs/schedules.md)
    spec          TEXT         NOT NULL,
    next_fire_at  TIMESTAMPTZ,
    created_by    VARCHAR(64)  NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    updated_by    VARCHAR(64)  NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL,
    version       BIGINT       NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX update_schedule_name ON update_schedule (lower(name));
CREATE INDEX update_schedule_due ON update_schedule (next_fire_at) WHERE enabled;

-- Every firing, and every firing that did not happen (the server was down longer than the grace): the audit trail.
CREATE TABLE schedule_run (
    id            BIGSERIAL PRIMARY KEY,
    schedule_id   BIGINT REFERENCES update_schedule (id) ON DELETE SET NULL,
    schedule_name VARCHAR(100) NOT NULL,
    planned_at    TIMESTAMPTZ  NOT NULL,
    started_at    TIMESTAMPTZ  NOT NULL,
    ended_at      TIMESTAMPTZ,
    state         VARCHAR(16)  NOT NULL
        CHECK (state IN ('FIRING', 'FIRED', 'NOTHING_TO_DO', 'MISSED', 'INTERRUPTED', 'FAILED')),
    target_commit CHAR(40),
    rollout_id    BIGINT,
    bulk_id       BIGINT,
    sent          INT          NOT NULL DEFAULT 0,
    -- the nodes left out and why, as JSON [{"node_id": ..., "reason": ...}]
    skipped       TEXT,
    detail        TEXT
);
-- the second guard of "once": two instances that both read the same due time cannot both record it
CREATE UNIQUE INDEX schedule_run_once ON schedule_run (schedule_id, planned_at);
CREATE INDEX schedule_run_recent ON schedule_run (id DESC);

-- Who changed a schedule (and later a maintenance window), when, and what it was before and after, as JSON.
CREATE TABLE config_change (
    id          BIGSERIAL PRIMARY KEY,
    kind        VARCHAR(16)  NOT NULL,
    object_id   BIGINT       NOT NULL,
    object_name VARCHAR(100) NOT NULL,
    action      VARCHAR(16)  NOT NULL,
    changed_by  VARCHAR(64)  NOT NULL,
    changed_at  TIMESTAMPTZ  NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX config_change_recent ON config_change (id DESC);

INSERT INTO setting (name, value, updated_at) VALUES ('schedule_missed_grace_s', '900', now())
ON CONFLICT (name) DO NOTHING;
