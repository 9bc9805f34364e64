-- SLM foundation: operators, nodes, the tracked git source and settings.

CREATE TABLE operator_account (
    username        VARCHAR(64)  PRIMARY KEY,
    password_hash   VARCHAR(512) NOT NULL,
    role            VARCHAR(16)  NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'VIEWER')),
    created_at      TIMESTAMPTZ  NOT NULL
);

CREATE TABLE node (
    id              VARCHAR(63)  PRIMARY KEY,
    token_hash      CHAR(64)     NOT NULL UNIQUE,
    registered_at   TIMESTAMPTZ  NOT NULL,
    registered_by   VARCHAR(64)  NOT NULL,
    agent_version   VARCHAR(64),
    code_version    CHAR(40),
    hostname        VARCHAR(255),
    roles           VARCHAR(1024) NOT NULL DEFAULT '',
    agent_state     VARCHAR(32),
    operation_id    BIGINT,
    last_seen       TIMESTAMPTZ,
    code_status     VARCHAR(16)  NOT NULL DEFAULT 'UNKNOWN'
                    CHECK (code_status IN ('UP_TO_DATE', 'OUTDATED', 'DIVERGED', 'UNKNOWN')),
    commits_behind  INTEGER,
    -- the latest commit the stored code_status was computed against
    status_basis    CHAR(40)
) WITH (fillfactor = 70);  -- every heartbeat rewrites the row: leave room for HOT updates
CREATE INDEX node_code_status_idx ON node (code_status);
CREATE INDEX node_code_version_idx ON node (code_version);

-- One row: the git repository the server follows and what it last learned from it.
CREATE TABLE tracked_source (
    id                  INTEGER      PRIMARY KEY CHECK (id = 1),
    git_url             VARCHAR(2048) NOT NULL,
    branch              VARCHAR(255) NOT NULL,
    path                VARCHAR(1024) NOT NULL DEFAULT '',
    latest_commit       CHAR(40),
    latest_subject      VARCHAR(1024),
    latest_author       VARCHAR(255),
    latest_committed_at TIMESTAMPTZ,
    fetched_at          TIMESTAMPTZ,
    last_attempt_at     TIMESTAMPTZ,
    last_error          VARCHAR(4096),
    -- a lease, so that one server instance of a cluster fetches at a time
    fetch_lease_owner   VARCHAR(128),
    fetch_lease_until   TIMESTAMPTZ
);

CREATE TABLE setting (
    name        VARCHAR(128) PRIMARY KEY,
    value       VARCHAR(4096) NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL
);

INSERT INTO setting (name, value, updated_at) VALUES
    ('heartbeat_interval_s', '30', now()),
    ('offline_after_missed_heartbeats', '3', now());
