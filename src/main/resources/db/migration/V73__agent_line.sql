-- owner: telephony
-- What each agent's open line is for (issue 22, docs/cluster.md "Taking a PBX over"): ready (for which campaign) or
-- paused and why, and the call the agent is writing up. An agent's line lives in the memory of the node owning its
-- PBX; when that node dies, the node that takes the PBX over adopts the line from the PBX's channels and reads here
-- what the agent wanted, instead of pausing everyone as "technical". One row per agent with a line, written by the
-- PBX's lease holder when the agent's wish or wrap-up changes (fenced by the lease's epoch), deleted when the line
-- closes. line_id is the line channel's Uniqueid (agent-<agent id>-<n>): a row is trusted only for that very line.
create table agent_line (
  agent_id        bigint primary key references app_user(id) on delete cascade,
  pbx             text not null check (length(pbx) <= 100),
  line_id         text not null check (length(line_id) <= 64),
  wants_ready     boolean not null,
  campaign_id     bigint,
  pause_reason    text check (length(pause_reason) <= 200),
  wrap_up_attempt text check (length(wrap_up_attempt) <= 64),
  changed_at      timestamptz not null default now()
);
