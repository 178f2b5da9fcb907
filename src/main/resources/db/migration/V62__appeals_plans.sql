-- owner: casework
-- Appeals (申诉) and improvement plans (整改), issue 20 (docs/casework-api.md).
--
-- An appeal: a dealer disputes one judged call (an error sample or a low survey) once (unique attempt_id), within
-- the window from the call's publication (published_at = the survey's submitted_at). A second callback (purpose
-- "appeal") verifies it; its verdict, or a staff decision, is the result, final. qualified and untrue take the
-- call out of the dealer's samples (report.Appeals). The whole trail is appeal_event.
create table appeal (
  id            bigserial   primary key,
  attempt_id    text        not null unique references survey_response (attempt_id),
  dealer_id     bigint      not null references dealer (id),
  -- the report kind the call is scored as (csi: CSI after-sales and other; ssi)
  kind          text        not null check (kind in ('csi', 'ssi')),
  -- what was held against the dealer: an error sample, or a low survey
  judged        text        not null check (judged in ('error_sample', 'low_survey')),
  published_at  timestamptz not null,
  reason        text        not null,
  status        text        not null default 'filed' check (status in ('filed', 'calling', 'decided')),
  result        text        check (result in ('qualified', 'unqualified', 'untrue')),
  filed_by      bigint      references app_user (id) on delete set null,
  filed_at      timestamptz not null default now(),
  -- the second callback's task (campaign.FollowUps), when one was made
  task_id       bigint,
  decided_by    bigint      references app_user (id) on delete set null,
  decided_at    timestamptz,
  decision_note text,
  check ((status = 'decided') = (result is not null))
);
create index appeal_dealer_idx on appeal (dealer_id, filed_at desc);
create index appeal_open_idx on appeal (status) where status <> 'decided';
create index appeal_upheld_idx on appeal (kind, decided_at) where result in ('qualified', 'untrue');

create table appeal_event (
  id        bigserial   primary key,
  appeal_id bigint      not null references appeal (id) on delete cascade,
  at        timestamptz not null default now(),
  by_user   bigint      references app_user (id) on delete set null,
  by_name   text,
  action    text        not null,
  detail    jsonb       not null default '{}'
);
create index appeal_event_appeal_idx on appeal_event (appeal_id, at);

-- An improvement plan: opened for each dealer of an approved month. The steps' due times are stored (so the
-- lateness of a step never depends on when it is looked at); a step is done at *_at. flagged: the steps already
-- flagged late (each flagged and notified once).
create table improvement_plan (
  id            bigserial   primary key,
  kind          text        not null check (kind in ('csi', 'ssi')),
  month         date        not null check (extract(day from month) = 1),
  dealer_id     bigint      not null references dealer (id),
  status        text        not null default 'open'
                check (status in ('open', 'meeting_held', 'minutes_returned', 'result_returned', 'accepted')),
  opened_at     timestamptz not null,
  meeting_due   timestamptz not null,
  meeting_at    timestamptz,
  held_on       date,
  attendees     text,
  items         jsonb       not null default '[]',
  minutes_due   timestamptz not null,
  minutes_at    timestamptz,
  minutes_file  text,
  minutes_type  text,
  minutes_bytes bigint,
  minutes_name  text,
  signed_by     text,
  period_end    date,
  result_due    timestamptz,
  result_at     timestamptz,
  result_text   text,
  accepted_at   timestamptz,
  accepted_by   bigint      references app_user (id) on delete set null,
  flagged       text[]      not null default '{}',
  unique (kind, month, dealer_id)
);
create index improvement_plan_dealer_idx on improvement_plan (dealer_id, month desc);
create index improvement_plan_open_idx on improvement_plan (status) where status <> 'accepted';

create table plan_event (
  id        bigserial   primary key,
  plan_id   bigint      not null references improvement_plan (id) on delete cascade,
  at        timestamptz not null default now(),
  by_user   bigint      references app_user (id) on delete set null,
  by_name   text,
  action    text        not null,
  detail    jsonb       not null default '{}'
);
create index plan_event_plan_idx on plan_event (plan_id, at);
