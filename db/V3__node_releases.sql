-- The releases an agent keeps on its node (newest first, comma-separated commit ids), as its last heartbeat said.
ALTER TABLE node ADD COLUMN releases text NOT NULL DEFAULT '';
