-- Issue 15: enrollment keys. An admin creates a key that can only register nodes: each use gives the new node its own
-- token, once. The key is shown once and stored as its SHA-256 (256 random bits: a slow hash would add nothing, as
-- for node tokens); it expires, may have a use limit and a list of the roles a node may enrol with, and may allow a
-- node id that is enrolled already to be enrolled again (its old token then stops working). Revoked keys are kept,
-- with every use, for the record.
CREATE TABLE enrollment_key (
    id              BIGSERIAL    PRIMARY KEY,
    name            VARCHAR(100) NOT NULL,
    key_hash        CHAR(64)     NOT NULL UNIQUE,
    created_by      VARCHAR(64)  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    expires_at      TIMESTAMPTZ  NOT NULL,
    max_uses        INTEGER      CHECK (max_uses > 0),
    uses            INTEGER      NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    -- the roles a node may enrol with, comma-separated; NULL: any
    roles           VARCHAR(4096),
    allow_reenroll  BOOLEAN      NOT NULL DEFAULT FALSE,
    revoked_at      TIMESTAMPTZ,
    revoked_by      VARCHAR(64)
);

CREATE TABLE enrollment_use (
    id              BIGSERIAL    PRIMARY KEY,
    key_id          BIGINT       NOT NULL REFERENCES enrollment_key (id),
    node_id         VARCHAR(63)  NOT NULL,
    used_at         TIMESTAMPTZ  NOT NULL,
    -- the client's address as the server saw it (SLM_TRUSTED_PROXIES decides whether X-Forwarded-For counts)
    remote_address  VARCHAR(64),
    reenrolled      BOOLEAN      NOT NULL
);
CREATE INDEX enrollment_use_key_idx ON enrollment_use (key_id, used_at);
