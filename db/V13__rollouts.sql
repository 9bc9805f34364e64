-- Issue 13: a rolling rollout sends one batch of nodes at a time, each batch only after the previous one has stayed
-- healthy on the target for health_check_delay_s. The server drives it from these rows alone (RolloutDriver, a 1-s
-- EJB timer), so a server killed mid-rollout carries on where the rows say it was.
CREATE TABLE rollout (
    id                   BIGSERIAL    PRIMARY KEY,
    -- RUNNING, PAUSED; ended: SUCCEEDED, COMPLETED_WITH_FAILURES, FAILED, ABORTED, TIMED_OUT (RolloutStatus)
    status               VARCHAR(32)  NOT NULL,
    target_commit        CHAR(40)     NOT NULL,
    requested_by         VARCHAR(64)  NOT NULL,
    trigger_type         VARCHAR(32)  NOT NULL,
    batch_size           INTEGER      NOT NULL CHECK (batch_size >= 1),
    batch_count          INTEGER      NOT NULL CHECK (batch_count >= 1),
    health_check_delay_s INTEGER      NOT NULL CHECK (health_check_delay_s >= 0),
    abort_on_failure     BOOLEAN      NOT NULL,
    max_failures         INTEGER      CHECK (max_failures >= 1),
    canary               INTEGER      CHECK (canary >= 1),
    auto_promote         BOOLEAN      NOT NULL,
    restart              BOOLEAN      NOT NULL,
    restart_type         VARCHAR(16)  NOT NULL,
    reinstall            BOOLEAN      NOT NULL,
    -- the batch being sent or waited on; 0 before the first; batch_count + 1 is the deferred nodes' turn at the end
    current_batch        INTEGER      NOT NULL DEFAULT 0,
    created_at           TIMESTAMPTZ  NOT NULL,
    updated_at           TIMESTAMPTZ  NOT NULL,
    -- never "in progress" forever: past it the rollout ends TIMED_OUT (a pause moves it on by the time paused)
    deadline             TIMESTAMPTZ  NOT NULL,
    paused_at            TIMESTAMPTZ,
    ended_at             TIMESTAMPTZ,
    -- why it paused or ended, for the operator
    reason               TEXT
);
CREATE INDEX rollout_unfinished ON rollout (id) WHERE ended_at IS NULL;

CREATE TABLE rollout_batch (
    id          BIGSERIAL   PRIMARY KEY,
    rollout_id  BIGINT      NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    number      INTEGER     NOT NULL CHECK (number >= 1),
    started_at  TIMESTAMPTZ NOT NULL,
    -- every node of the batch has ended its sync: the health check delay runs from here
    settled_at  TIMESTAMPTZ,
    ended_at    TIMESTAMPTZ,
    UNIQUE (rollout_id, number)
);

CREATE TABLE rollout_node (
    id           BIGSERIAL    PRIMARY KEY,
    rollout_id   BIGINT       NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
    -- no reference to node: a node removed mid-rollout stays in its history (SKIPPED "removed" at its turn)
    node_id      VARCHAR(63)  NOT NULL,
    position     INTEGER      NOT NULL,
    -- the planned batch; a node deferred to the end is moved to batch_count + 1 when it is sent there
    batch        INTEGER      NOT NULL CHECK (batch >= 1),
    -- WAITING, SYNCING, CHECKING, SUCCEEDED, FAILED, DEFERRED, SKIPPED, NOT_REACHED (RolloutNodeState)
    state        VARCHAR(16)  NOT NULL,
    operation_id BIGINT,
    detail       TEXT,
    started_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    UNIQUE (rollout_id, node_id)
);
-- One rollout per node: a node waiting for its turn, deferred, being synced or checked through the health delay
-- belongs to one rollout only (RolloutNodeState.HELD); a second rollout that names it is answered 409 naming the first.
CREATE UNIQUE INDEX rollout_node_one_rollout ON rollout_node (node_id)
    WHERE state IN ('WAITING', 'SYNCING', 'CHECKING', 'DEFERRED');
CREATE INDEX rollout_node_of ON rollout_node (rollout_id, batch);

ALTER TABLE sync_operation ADD COLUMN rollout_id BIGINT REFERENCES rollout (id) ON DELETE SET NULL;
