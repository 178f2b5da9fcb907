-- The recordings catalog. Every column but the operational ones (tries, raw_dir, timestamps of the row) is also in
-- the recording's sidecar JSON, so the catalog can be rebuilt from the archive alone (huifang rebuild-catalog).
create table recording (
  id           text        primary key,
  attempt_id   text        not null,
  campaign_id  bigint,
  agent_id     bigint,
  customer_id  bigint,
  status       text        not null check (status in ('pending', 'ready', 'failed', 'purged')),
  failure      text,
  started_at   timestamptz,
  bridged_at   timestamptz,
  ended_at     timestamptz,
  duration_ms  bigint,
  legs         jsonb,
  files        jsonb       not null default '[]',
  peaks        text,
  muted_spans  jsonb       not null default '[]',
  archive_dir  text,
  delete_after date,
  legal_hold   boolean     not null default false,
  processed_at timestamptz,
  -- operational
  raw_dir      text,
  tries        integer     not null default 0,
  purged_at    timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index recording_attempt_idx on recording (attempt_id);
create index recording_agent_idx on recording (agent_id, started_at);
create index recording_failed_idx on recording (updated_at) where status = 'failed';
create index recording_retention_idx on recording (delete_after) where status in ('ready', 'failed') and not legal_hold;
