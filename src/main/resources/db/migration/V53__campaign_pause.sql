-- owner: campaign
-- A supervisor's pause of a campaign (issue 17, docs/supervisor-api.md): the dialer dials no paused campaign, and
-- the pause survives a restart. Kept apart from "active" (the admin's switch): resuming restores what was paused,
-- never a campaign an admin switched off.
alter table campaign add column paused_at timestamptz;
alter table campaign add column paused_by text;
