-- Issue 16: push webhooks. The last delivery and what was made of it (accepted: a push to the tracked branch, a fetch
-- follows; ignored: another branch or event; refused: a bad signature), for the status and the Updates page.
ALTER TABLE tracked_source ADD COLUMN last_hook_at     TIMESTAMPTZ;
ALTER TABLE tracked_source ADD COLUMN last_hook_result VARCHAR(300);
