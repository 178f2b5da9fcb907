-- The agent desk: survey responses (drafts autosaved while the agent works, then submitted with a disposition,
-- scores and flags), the disposition on the attempt, agents' state changes, and the wrap-up time per campaign.

alter table campaign add column wrap_up_seconds int not null default 15 check (wrap_up_seconds between 0 and 600);

-- An error sample (wrong vehicle kind, duplicate, not the owner…) finishes the task without a survey.
alter table call_task drop constraint call_task_status_check;
alter table call_task add constraint call_task_status_check check (status in ('open', 'callback', 'done',
  'unreached', 'wrong_number', 'invalid_number', 'refused', 'expired', 'filed', 'error_sample'));

-- What the agent decided the call came to (success, an error sample, not reached, call back).
alter table call_attempt add column disposition text;

-- One survey per connected call, keyed by the attempt id (no foreign key: the attempt row is written
-- asynchronously and may land a moment after the screen).
create table survey_response (
  attempt_id            text        primary key,
  campaign_id           bigint      not null references campaign (id) on delete cascade,
  task_id               bigint      references call_task (id) on delete set null,
  customer_id           bigint      references customer (id) on delete set null,
  agent_id              bigint      not null references app_user (id),
  questionnaire_key     text        not null,
  questionnaire_version int         not null,
  status                text        not null default 'draft' check (status in ('draft', 'submitted')),
  answers               jsonb       not null default '{}',
  saves                 int         not null default 0,
  disposition           text,
  disposition_group     text        check (disposition_group in ('success', 'error_sample', 'not_reached',
                                                                 'callback')),
  callback_at           timestamptz,
  callback_agent_id     bigint      references app_user (id) on delete set null,
  note                  text,
  raw_score             numeric(6, 3),
  scale_answered        int,
  below_seven           int,
  not_surveyed          int,
  needs_review          boolean,
  void                  boolean,
  scores                jsonb,
  started_at            timestamptz not null default now(),
  saved_at              timestamptz,
  call_ended_at         timestamptz,
  submitted_at          timestamptz,
  submitted_by          bigint      references app_user (id) on delete set null
);
-- A reconnecting agent gets back the survey they have not submitted yet.
create index survey_response_draft_idx on survey_response (agent_id) where status = 'draft';
create index survey_response_campaign_idx on survey_response (campaign_id, submitted_at);
create index survey_response_review_idx on survey_response (campaign_id) where needs_review or void;

-- Agents' states over time: supervisors' live view and the KPIs (pause reasons, wrap-up time).
create table agent_state_log (
  id        bigserial   primary key,
  agent_id  bigint      not null references app_user (id) on delete cascade,
  state     text        not null,
  reason    text,
  attempt_id text,
  at        timestamptz not null default now()
);
create index agent_state_log_agent_idx on agent_state_log (agent_id, at);
