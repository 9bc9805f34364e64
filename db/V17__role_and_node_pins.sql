-- Issue 13: a role or a single node may be pinned to a commit, as the fleet can (V14). A node's desired commit is its
-- own pin, else the pin of one of its roles (the most recently pinned when several are: the latest decision wins),
-- else the fleet's (its pin, else the tip). The node's code status, commits behind, its heartbeat answer, the bell,
-- "sync all outdated" and a sync's default target follow it.
CREATE TABLE commit_pin (
    id          BIGSERIAL    PRIMARY KEY,
    -- a pin belongs to one node or to one role; a removed node takes its pin with it
    node_id     VARCHAR(63)  REFERENCES node (id) ON DELETE CASCADE,
    role        VARCHAR(64),
    commit_id   CHAR(40)     NOT NULL,
    pinned_by   VARCHAR(64)  NOT NULL,
    pinned_at   TIMESTAMPTZ  NOT NULL,
    reason      TEXT,
    CHECK ((node_id IS NULL) <> (role IS NULL))
);
CREATE UNIQUE INDEX commit_pin_node ON commit_pin (node_id) WHERE node_id IS NOT NULL;
CREATE UNIQUE INDEX commit_pin_role ON commit_pin (role) WHERE role IS NOT NULL;

-- Counts the changes of commit_pin: a heartbeat batch classified against other pins than those stored now is
-- classified again (as against another fleet commit). Kept by a trigger, so no writer (a removed node's cascade
-- included) can change the pins without it.
ALTER TABLE tracked_source ADD COLUMN pins_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION commit_pin_changed() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE tracked_source SET pins_version = pins_version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER commit_pin_changed AFTER INSERT OR UPDATE OR DELETE ON commit_pin
    FOR EACH STATEMENT EXECUTE FUNCTION commit_pin_changed();

-- store_heartbeats (V14), with each node's status stored against its own desired commit (p_bases) and the batch
-- checked against the pins it was classified with (p_expected_pins) as well as the fleet's desired commit.
DROP FUNCTION store_heartbeats(bigint, text, timestamptz, text[], text[], text[], text[], text[], text[], text[],
                               int8[], text[], int4[], text[]);

CREATE FUNCTION store_heartbeats(p_status_lock bigint, p_expected_latest text, p_expected_pins bigint,
                                 p_seen timestamptz,
                                 p_ids text[], p_token_hashes text[], p_agent_versions text[], p_code_versions text[],
                                 p_hostnames text[], p_roles text[], p_agent_states text[], p_operation_ids int8[],
                                 p_code_statuses text[], p_commits_behind int4[], p_releases text[], p_bases text[])
    RETURNS TABLE (stored_id text, status_changed boolean, has_operation boolean, latest text, interval_s text,
                   unknown_operation boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_latest   text;
    v_pins     bigint;
    v_interval text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock_shared(p_status_lock);
    SELECT COALESCE(t.pinned_commit, t.latest_commit), t.pins_version INTO v_latest, v_pins
        FROM tracked_source t WHERE t.id = 1;
    SELECT s.value INTO v_interval FROM setting s WHERE s.name = 'heartbeat_interval_s';
    IF v_latest IS DISTINCT FROM p_expected_latest OR v_pins IS DISTINCT FROM p_expected_pins THEN
        RETURN QUERY SELECT NULL::text, false, false, v_latest, v_interval, false;
        RETURN;
    END IF;
    RETURN QUERY
        UPDATE node
        SET agent_version  = v.agent_version,
            code_version   = v.code_version,
            hostname       = v.hostname,
            roles          = v.roles,
            agent_state    = v.agent_state,
            operation_id   = v.operation_id,
            last_seen      = p_seen,
            code_status    = v.code_status,
            commits_behind = v.commits_behind,
            status_basis   = v.basis,
            releases       = v.releases
        FROM unnest(p_ids, p_token_hashes, p_agent_versions, p_code_versions, p_hostnames, p_roles, p_agent_states,
                    p_operation_ids, p_code_statuses, p_commits_behind, p_releases, p_bases)
                 AS v(id, token_hash, agent_version, code_version, hostname, roles, agent_state, operation_id,
                      code_status, commits_behind, releases, basis),
             node AS before
        WHERE node.id = v.id AND node.token_hash = v.token_hash AND before.id = node.id
          AND (v.operation_id IS NULL
               OR (SELECT o.node_id FROM sync_operation o WHERE o.id = v.operation_id) IS NOT DISTINCT FROM v.id)
        RETURNING node.id::text,
            before.code_status IS DISTINCT FROM node.code_status OR before.code_version IS DISTINCT FROM node.code_version,
            EXISTS (SELECT 1 FROM sync_operation o
                    WHERE o.node_id = node.id AND o.active),
            v_latest, v_interval, false;
    RETURN QUERY
        SELECT r.id, false, false, v_latest, v_interval, true
        FROM unnest(p_ids, p_token_hashes, p_operation_ids) AS r(id, token_hash, operation_id)
        WHERE r.operation_id IS NOT NULL
          AND (SELECT o.node_id FROM sync_operation o WHERE o.id = r.operation_id) IS DISTINCT FROM r.id
          AND (SELECT n.token_hash FROM node n WHERE n.id = r.id) = r.token_hash;
END
$$;
