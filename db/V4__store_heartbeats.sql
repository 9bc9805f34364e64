-- Stores a batch of heartbeats in one statement: one round trip, and (called with autocommit) its own transaction.
--
-- The caller has classified every reported commit against the latest commit it expects. Under the shared status
-- lock (a new latest commit takes it exclusive and recomputes every status in its transaction) the function reads
-- the latest commit in a statement of its own, so it sees one committed while the batch waited for the lock. When it
-- is not the one expected, nothing is stored and a single row with a NULL node id says which one it is: the caller
-- classifies again and calls again. Otherwise it stores every report whose node id and token hash match and returns
-- a row per stored node: whether its status or commit changed, and whether a sync operation is active for it.
CREATE FUNCTION store_heartbeats(p_status_lock bigint, p_expected_latest text, p_seen timestamptz,
                                 p_ids text[], p_token_hashes text[], p_agent_versions text[], p_code_versions text[],
                                 p_hostnames text[], p_roles text[], p_agent_states text[], p_operation_ids int8[],
                                 p_code_statuses text[], p_commits_behind int4[], p_releases text[])
    RETURNS TABLE (stored_id text, status_changed boolean, has_operation boolean, latest text, interval_s text)
    LANGUAGE plpgsql
    -- one plan for every call: the custom plans PostgreSQL would otherwise choose (the arrays' lengths vary) cost a
    -- planning of the three-way join per batch, more than the batch's own work (BENCHMARKS.md)
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_latest   text;
    v_interval text;
BEGIN
    -- heartbeats are reported again every interval: a crash may lose the last ones, never a sync or a setting
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock_shared(p_status_lock);
    SELECT t.latest_commit INTO v_latest FROM tracked_source t WHERE t.id = 1;
    SELECT s.value INTO v_interval FROM setting s WHERE s.name = 'heartbeat_interval_s';
    IF v_latest IS DISTINCT FROM p_expected_latest THEN
        RETURN QUERY SELECT NULL::text, false, false, v_latest, v_interval;
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
        RETURNING node.id::text,
            before.code_status IS DISTINCT FROM node.code_status OR before.code_version IS DISTINCT FROM node.code_version,
            -- usually false: then the batch needs no statement about operations at all (the predicate is the one
            -- of V2's index of active operations, so that index answers it)
            EXISTS (SELECT 1 FROM sync_operation o
                    WHERE o.node_id = node.id AND o.status NOT IN ('SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'TIMED_OUT')),
            v_latest, v_interval;
END
$$;
