-- owner: supervisor
-- The dashboard reads its windows every few seconds (docs/supervisor-api.md): attempts that ended in the last 15 min,
-- hour and since local midnight, per campaign, and the calls agents handled today. Without these, each read walks
-- every attempt the campaign ever made (the older index is by originated_at, and an attempt ends after it starts).
-- The included columns let the per-campaign window counts come from the index alone.
create index call_attempt_campaign_ended_idx on call_attempt (campaign_id, ended_at) include (outcome, answered_at);
-- Only attempts that reached an agent (about a third of them): per-agent day figures, charts and reports.
create index call_attempt_agent_ended_idx on call_attempt (ended_at) where agent_id is not null;
-- List progress counts a campaign's tasks by status; the existing indexes are partial (open, callback).
create index call_task_campaign_status_idx on call_task (campaign_id, status) include (attempts, callback_at, created_at);
