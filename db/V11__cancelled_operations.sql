-- Issue 12: an operator may cancel a sync operation that no agent has claimed yet (PENDING → CANCELLED, a final
-- state): a pending operation of an offline node used to block the node with 409 until it timed out (900 s).
-- The lifecycle's trigger (V7) needs no change: it checks every move against sync_status and sync_transition, which
-- the server rewrites from SyncStatus.NEXT at every start, so CANCELLED and PENDING → CANCELLED are known to the
-- database before anything can write them, CANCELLED is final (the operation stops being active: the node can be
-- synced again at once) and no move leaves it (a late report of the agent cannot bring it back).
-- Who cancelled it, as requested_by says who asked for it; null for every operation that was not cancelled.
ALTER TABLE sync_operation ADD COLUMN cancelled_by VARCHAR(64);
