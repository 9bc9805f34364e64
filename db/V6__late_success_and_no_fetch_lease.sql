-- A sync operation that timed out and whose node then reports the target commit ends SUCCEEDED, late: history and
-- the node's status never disagree. timed_out_at keeps when it timed out (finished_at becomes when it succeeded);
-- may_succeed_late is true from the time-out until the node reports a commit that is neither the target nor the
-- one it ran before the sync — then the operation stays TIMED_OUT for good. Only a node's newest operation can
-- succeed late (HeartbeatBatcher).
ALTER TABLE sync_operation ADD COLUMN timed_out_at TIMESTAMPTZ;
ALTER TABLE sync_operation ADD COLUMN may_succeed_late BOOLEAN NOT NULL DEFAULT false;
-- operations that timed out before this migration may still succeed late, as if they had timed out after it
UPDATE sync_operation SET timed_out_at = finished_at, may_succeed_late = true WHERE status = 'TIMED_OUT';

-- The fetch lock is a PostgreSQL advisory lock (FetchLock), held by the fetching instance's session: the lease
-- columns have been unused since.
ALTER TABLE tracked_source DROP COLUMN fetch_lease_owner;
ALTER TABLE tracked_source DROP COLUMN fetch_lease_until;
