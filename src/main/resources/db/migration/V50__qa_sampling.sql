-- owner: qa
-- QA sampling (抽检, issue 16; docs/qa-api.md): every agent's monthly samples, drawn as calls become eligible (a
-- submitted survey and a ready recording), reproducible from the month's seed and the inputs kept per call.

-- Certified skill levels (技能分级) and the share of an agent's calls each level has sampled after the first days.
create table qa_skill_level (
  key     text          primary key check (key ~ '^[a-z][a-z0-9_]{0,31}$'),
  rank    int           not null unique check (rank between 1 and 100),   -- 1: the most junior
  name_zh text          not null,
  name_en text          not null,
  share   numeric(5, 2) not null check (share >= 0 and share <= 100)    -- per cent of the agent's calls
);
insert into qa_skill_level (key, rank, name_zh, name_en, share) values
  ('junior', 1, '初级', 'Junior', 30), ('intermediate', 2, '中级', 'Intermediate', 10), ('senior', 3, '高级', 'Senior', 5);

-- An agent's certified level; an agent without one is sampled as qa_rules.uncertified_level.
create table qa_agent_skill (
  agent_id     bigint      primary key references app_user (id) on delete cascade,
  level        text        not null references qa_skill_level (key) on update cascade,
  certified_at timestamptz not null default now(),
  certified_by bigint      references app_user (id) on delete set null
);

-- The one set of QA rules (a single row). campaign_quotas: {"<campaignId>": n} overrides quota_per_agent for the
-- agents working that campaign (an agent's monthly quota is the largest among the campaigns of their calls).
create table qa_rules (
  id                  boolean       primary key default true check (id),
  quota_per_agent     int           not null default 2 check (quota_per_agent between 0 and 100),
  campaign_quotas     jsonb         not null default '{}',
  first_days          int           not null default 2 check (first_days between 0 and 31),
  uncertified_level   text          not null default 'junior' references qa_skill_level (key) on update cascade,
  claim_limit         int           not null default 3 check (claim_limit between 1 and 100),
  claim_expiry_hours  int           not null default 72 check (claim_expiry_hours between 1 and 2160),
  dispute_window_days int           not null default 3 check (dispute_window_days between 0 and 90),
  seconds_per_item    numeric(5, 2) not null default 4 check (seconds_per_item > 0 and seconds_per_item <= 120),
  updated_by          bigint        references app_user (id) on delete set null,
  updated_at          timestamptz   not null default now()
);
insert into qa_rules default values;

-- A month's draw: its seed (chosen at random when the month's first call is decided) and when the month was closed
-- (agents still owed part of their quota get it from their eligible calls, lowest draw first), after which decision.
create table qa_month (
  month            text        primary key check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  seed             bigint      not null,
  closed_at        timestamptz,
  closed_after_seq bigint,
  created_at       timestamptz not null default now()
);

-- Every call the draw has decided (sampled or not), in the order it was decided (seq): what the sampler was given
-- (inputs: agent, campaign, day, flags, quota and share in force) so that the month can be re-drawn and compared,
-- the suspicious-call verdict with its figures, the call's draw and the reasons it was sampled (empty: not sampled).
create table qa_call_check (
  attempt_id     text             primary key,
  seq            bigserial        not null unique,
  month          text             not null references qa_month (month),
  agent_id       bigint           not null,
  campaign_id    bigint           not null,
  recording_id   text,
  call_at        timestamptz      not null,
  talk_ms        bigint,
  items_answered int,
  suspicious     jsonb            not null default '[]',
  inputs         jsonb            not null,
  draw           double precision not null,
  reasons        text[]           not null default '{}',
  decided_at     timestamptz      not null default now()
);
create index qa_call_check_month_idx on qa_call_check (month, seq);

-- One row per sampled call. reason: the first of reasons (quota, needs_review, first_days, skill_share, complaint,
-- suspicious, manual). seed and draw: the month's seed and the call's draw (null for a manual pull).
create table qa_sample (
  id               bigserial        primary key,
  month            text             not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  attempt_id       text             not null unique,
  recording_id     text,
  campaign_id      bigint           not null references campaign (id) on delete cascade,
  agent_id         bigint           not null references app_user (id),
  call_at          timestamptz,
  reason           text             not null check (reason in ('quota', 'needs_review', 'first_days', 'skill_share',
                                                               'complaint', 'suspicious', 'manual')),
  reasons          text[]           not null,
  seed             bigint,
  draw             double precision,
  drawn_at         timestamptz      not null default now(),
  status           text             not null default 'open' check (status in ('open', 'claimed', 'evaluated')),
  claimed_by       bigint           references app_user (id) on delete set null,
  claimed_at       timestamptz,
  claim_expires_at timestamptz,
  created_by       bigint           references app_user (id) on delete set null,
  note             text             check (length(note) <= 2000)
);
create index qa_sample_month_idx on qa_sample (month, status);
create index qa_sample_agent_idx on qa_sample (agent_id, month);
create index qa_sample_call_idx on qa_sample (call_at desc);
create index qa_sample_claimed_idx on qa_sample (claimed_by, claim_expires_at) where status = 'claimed';
