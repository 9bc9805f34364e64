-- Issue 13: a rollback must stay rolled back. The fleet may be pinned to a commit of the tracked branch; nodes are
-- then measured against it instead of the branch tip (the "desired commit": the pin when there is one, else the
-- tip). Code status, commits behind, the bell, "sync all outdated" and a sync's default target all follow it, so a
-- new commit pushed after a rollback changes no node's status until the pin is lifted. Who pinned it, when and why
-- are kept for the operators.
ALTER TABLE tracked_source ADD COLUMN pinned_commit CHAR(40);
ALTER TABLE tracked_source ADD COLUMN pinned_by     VARCHAR(64);
ALTER TABLE tracked_source ADD COLUMN pinned_at     TIMESTAMPTZ;
ALTER TABLE tracked_source ADD COLUMN pin_reason    TEXT;

-- store_heartbeats (V7), classifying against the desired commit: the one change is the line that reads v_latest.
-- The Java side classifies each batch against the commit the previous batch was told, as before, so a pin or an
-- unpin makes the next batch classify again, exactly as a new tip does (the pin is stored under the same lock).
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
    SELECT COALESCE(t.pinned_commit, t.latest_commit) INTO v_latest FROM tracked_source t WHERE t.id = 1;
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
