-- owner: qa
-- QA evaluations (质检评分, issue 16; docs/qa-api.md): scorecards as immutable versions, evaluations of sampled
-- calls with timestamped comments, the findings that change the data, agents' disputes and blind calibrations.

-- Scorecards, one immutable row per version (like questionnaire). The built-in qa-default is stored as version 1
-- on first use.
create table qa_scorecard (
  key        text        not null,
  version    int         not null check (version >= 1),
  name_zh    text        not null,
  name_en    text,
  definition jsonb       not null,
  created_by bigint      references app_user (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (key, version)
);

-- A calibration: several QA users score the same sample blind; expert_id is the member the others are compared with.
create table qa_calibration (
  id                bigserial   primary key,
  sample_id         bigint      not null references qa_sample (id) on delete cascade,
  expert_id         bigint      references app_user (id) on delete set null,
  scorecard_key     text        not null,
  scorecard_version int         not null,
  created_by        bigint      references app_user (id) on delete set null,
  created_at        timestamptz not null default now(),
  foreign key (scorecard_key, scorecard_version) references qa_scorecard (key, version)
);

-- An evaluation of a sampled call on one scorecard version. kind: standard (the claimer's), rescore (after a
-- dispute; supersedes the standard one when submitted), calibration (practice: no findings, not the agent's).
-- items: {"itemId": {"result", "note"}}; findings: {"void", "falsified": [surveyItemId], "wrongInfo": [...]}.
create table qa_evaluation (
  id                bigserial    primary key,
  sample_id         bigint       not null references qa_sample (id) on delete cascade,
  attempt_id        text         not null,
  recording_id      text,
  agent_id          bigint       not null references app_user (id),
  evaluator_id      bigint       not null references app_user (id),
  kind              text         not null check (kind in ('standard', 'rescore', 'calibration')),
  status            text         not null default 'draft' check (status in ('draft', 'submitted', 'superseded')),
  scorecard_key     text         not null,
  scorecard_version int          not null,
  items             jsonb        not null default '{}',
  findings          jsonb        not null default '{}',
  summary           text         check (length(summary) <= 4000),
  score             numeric(4, 1),
  passed            boolean,
  fatal_failed      boolean,
  calibration_id    bigint       references qa_calibration (id) on delete cascade,
  supersedes_id     bigint       references qa_evaluation (id),
  created_at        timestamptz  not null default now(),
  updated_at        timestamptz  not null default now(),
  submitted_at      timestamptz,
  acknowledged_at   timestamptz,
  dispute_deadline  timestamptz,
  foreign key (scorecard_key, scorecard_version) references qa_scorecard (key, version)
);
-- One standard evaluation per sample; one calibration evaluation per member.
create unique index qa_evaluation_standard_idx on qa_evaluation (sample_id) where kind = 'standard';
create unique index qa_evaluation_calibration_idx on qa_evaluation (calibration_id, evaluator_id)
  where kind = 'calibration';
create index qa_evaluation_agent_idx on qa_evaluation (agent_id, submitted_at desc) where kind <> 'calibration';
create index qa_evaluation_evaluator_idx on qa_evaluation (evaluator_id, status);

-- Timestamped comments: atMs is the position in the recording the comment is about.
create table qa_comment (
  id            bigserial   primary key,
  evaluation_id bigint      not null references qa_evaluation (id) on delete cascade,
  at_ms         bigint      not null check (at_ms >= 0),
  text          text        not null check (length(text) between 1 and 2000),
  author_id     bigint      not null references app_user (id),
  created_at    timestamptz not null default now()
);
create index qa_comment_evaluation_idx on qa_comment (evaluation_id, at_ms);

-- An agent's dispute of a submitted standard evaluation: once per evaluation, within the window, assigned to a QA
-- user other than the evaluator; resolved when the assignee's rescore is submitted.
create table qa_dispute (
  id            bigserial   primary key,
  evaluation_id bigint      not null unique references qa_evaluation (id) on delete cascade,
  agent_id      bigint      not null references app_user (id),
  reason        text        not null check (length(reason) between 1 and 2000),
  status        text        not null default 'open' check (status in ('open', 'resolved')),
  assignee_id   bigint      references app_user (id) on delete set null,
  rescore_id    bigint      references qa_evaluation (id) on delete set null,
  outcome       text        check (outcome in ('changed', 'unchanged')),
  created_at    timestamptz not null default now(),
  resolved_at   timestamptz
);
create index qa_dispute_assignee_idx on qa_dispute (assignee_id, status);

-- Findings that change the data (one row per kind per call): void (作废), falsified (虚假提报) and wrong_info
-- (信息有误) with the survey items concerned, from the evaluation that stands. They leave the dealer scores (read by
-- the reports) and count against the agent.
create table qa_finding (
  id            bigserial   primary key,
  attempt_id    text        not null,
  kind          text        not null check (kind in ('void', 'falsified', 'wrong_info')),
  items         jsonb       not null default '[]',
  evaluation_id bigint      not null references qa_evaluation (id) on delete cascade,
  sample_id     bigint      not null references qa_sample (id) on delete cascade,
  agent_id      bigint      not null references app_user (id),
  campaign_id   bigint      not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  unique (attempt_id, kind)
);
create index qa_finding_agent_idx on qa_finding (agent_id, created_at);
create index qa_finding_campaign_idx on qa_finding (campaign_id, created_at);
