-- Issue 12: an admin can disable an operator's account. A disabled account keeps its name, role and password hash
-- (enabling it again restores it as it was) but cannot log in, and its open sessions end at their next request.
-- NULL: enabled; otherwise when it was disabled (shown on /admin).
ALTER TABLE operator_account ADD COLUMN disabled_at TIMESTAMPTZ;
