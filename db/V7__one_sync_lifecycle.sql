-- The sync lifecycle has one definition: SyncStatus.NEXT in Java. At every start the server writes it to
-- sync_status and sync_transition (SyncLifecycleTable), and the database enforces it: a trigger refuses any change of
-- an operation's status that is not a move of the table, and keeps sync_operation.active (not a final state) for the
-- one-active-operation index and for store_heartbeats. No statement or index spells out the active states any more.

CREATE TABLE sync_status (
    name     VARCHAR(16) PRIMARY KEY,
    final    BOOLEAN     NOT NULL
);

CREATE TABLE sync_transition (
    from_status VARCHAR(16) NOT NULL,
    to_status   VARCHAR(16) NOT NULL,
    PRIMARY KEY (from_status, to_status)
);

-- the operations that exist: the states V2 knew (history; from now on the trigger derives it)
ALTER TABLE sync_operation ADD COLUMN active BOOLEAN;
UPDATE sync_operation SET active = status NOT IN ('SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'TIMED_OUT');
ALTER TABLE sync_operation ALTER COLUMN active SET NOT NULL;
ALTER TABLE sync_operation DROP CONSTRAINT sync_operation_status_check;
DROP INDEX sync_operation_one_active_per_node;
CREATE UNIQUE INDEX sync_operation_one_active_per_node ON sync_operation (node_id) WHERE active;

-- Two primary-key look-ups per changed row; it fires only when the status is set (a heartbeat that changes nothing
-- of an operation costs nothing).
CREATE FUNCTION sync_operation_lifecycle() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    v_final boolean;
BEGIN
    SELECT s.final INTO v_final FROM sync_status s WHERE s.name = NEW.status;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'sync operation %: % is not a state of the sync lifecycle', NEW.id, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM sync_transition t WHERE t.from_status = '' AND t.to_status = NEW.status) THEN
            RAISE EXCEPTION 'sync operation %: an operation cannot start as %', NEW.id, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status
        AND NOT EXISTS (SELECT 1 FROM sync_transition t WHERE t.from_status = OLD.status AND t.to_status = NEW.status) THEN
        RAISE EXCEPTION 'sync operation %: % -> % is not a move of the sync lifecycle', NEW.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.active := NOT v_final;
    RETURN NEW;
END
$$;

CREATE TRIGGER sync_operation_lifecycle BEFORE INSERT OR UPDATE OF status ON sync_operation
    FOR EACH ROW EXECUTE FUNCTION sync_operation_lifecycle();

-- store_heartbeats (V5), with the active operation read from sync_operation.active
CREATE OR REPLACE FUNCTION store_heartbeats(p_status_lock bigint, p_expected_latest text, p_seen timestamptz,
                                 p_ids text[], p_token_hashes text[], p_agent_versions text[], p_code_versions text[],
                                 p_hostnames text[], p_roles text[], p_agent_states text[], p_operation_ids int8[],
                                 p_code_statuses text[], p_commits_behind int4[], p_releases text[])
    RETURNS TABLE (stored_id text, status_changed boolean, has_operation boolean, latest text, interval_s text,
                   unknown_operation boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_latest   text;
    v_interval text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock_shared(p_status_lock);
    SELECT t.latest_commit INTO v_latest FROM tracked_source t WHERE t.id = 1;
    SELECT s.value INTO v_interval FROM setting s WHERE s.name = 'heartbeat_interval_s';
    IF v_latest IS DISTINCT FROM p_expected_latest THEN
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
            status_basis   = v_latest,
            releases       = v.releases
        FROM unnest(p_ids, p_token_hashes, p_agent_versions, p_code_versions, p_hostnames, p_roles, p_agent_states,
                    p_operation_ids, p_code_statuses, p_commits_behind, p_releases)
                 AS v(id, token_hash, agent_version, code_version, hostname, roles, agent_state, operation_id,
                      code_status, commits_behind, releases),
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
