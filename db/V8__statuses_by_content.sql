-- Issue 12: a node is up to date when it has the latest commit's content (the tracked subdirectory and the
-- .gitattributes above it), and only commits that change that content count as behind. Statuses stored before were
-- computed by ancestry alone: forget what they were computed against, so the first fetch after this migration
-- classifies every node again (CodeStatusRecalculation recalculates the nodes whose status_basis is not the latest).
UPDATE node SET status_basis = NULL;
