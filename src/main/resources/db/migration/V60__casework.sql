-- owner: casework
-- Casework (issue 20, docs/casework-api.md): cases (工单) routed to a dealer's department, their history, the second
-- callbacks that verify them (二次回访), in-product notifications, and the casework settings.
create table case_file (
  id            bigserial   primary key,
  kind          text        not null check (kind in ('complaint', 'consultation', 'rescue')),
  severity      text        not null check (severity in ('red', 'orange', 'yellow')),
  department    text        not null check (department in ('sales', 'service', 'parts', 'other')),
  status        text        not null check (status in ('open', 'handled', 'closed')),
  source        text        not null check (source in ('survey', 'desk', 'staff')),
  dealer_id     bigint      not null references dealer (id),
  customer_id   bigint      references customer (id) on delete set null,
  -- the call the case came from; one automatic case per attempt (a redelivered event opens nothing more)
  attempt_id    text,
  auto_opened   boolean     not null default false,
  template      jsonb       not null default '{}',
  summary       text        not null,
  resolution    text,
  verdict       text        check (verdict in ('qualified', 'unqualified', 'untrue')),
  reopened      int         not null default 0,
  version       int         not null default 1,
  created_by    bigint      references app_user (id) on delete set null,
  created_at    timestamptz not null default now(),
  due_at        timestamptz not null,
  overdue_at    timestamptz,
  handled_at    timestamptz,
  closed_at     timestamptz,
  updated_at    timestamptz not null default now()
);
create unique index case_file_auto_attempt_key on case_file (attempt_id) where auto_opened;
create index case_file_dealer_idx on case_file (dealer_id, created_at desc);
create index case_file_status_idx on case_file (status, due_at);

-- Every change of a case: opened, assigned, severity, handled, callback_created, callback_result, reopened,
-- closed, overdue. by_name is kept as written then (a user renamed later does not rewrite history).
create table case_event (
  id        bigserial   primary key,
  case_id   bigint      not null references case_file (id) on delete cascade,
  at        timestamptz not null default now(),
  by_id     bigint      references app_user (id) on delete set null,
  by_name   text,
  action    text        not null,
  detail    jsonb
);
create index case_event_case_idx on case_event (case_id, id);

-- A second callback casework asked campaign for: which purpose and object it verifies ("case" 12, "appeal" 7), the
-- task that calls, and what the call found. The attempt makes a redelivered result count once.
create table case_callback (
  id          bigserial   primary key,
  purpose     text        not null,
  ref_id      bigint      not null,
  campaign_id bigint      not null references campaign (id),
  customer_id bigint      not null references customer (id),
  task_id     bigint      not null references call_task (id),
  deadline    timestamptz not null,
  status      text        not null default 'calling' check (status in ('calling', 'answered', 'overdue')),
  verdict     text        check (verdict in ('qualified', 'unqualified', 'untrue')),
  attempt_id  text,
  answers     jsonb,
  created_at  timestamptz not null default now(),
  answered_at timestamptz,
  unique (task_id)
);
create index case_callback_ref_idx on case_callback (purpose, ref_id, id);

-- One row per recipient user.
create table notification (
  id         bigserial   primary key,
  user_id    bigint      not null references app_user (id) on delete cascade,
  kind       text        not null,
  text_zh    text        not null,
  text_en    text        not null,
  link       text,
  created_at timestamptz not null default now(),
  read_at    timestamptz
);
create index notification_user_idx on notification (user_id, id desc);
create index notification_unread_idx on notification (user_id) where read_at is null;

-- The settings document (one row), validated by the server: dueDays, appealDays, autoOpen, departments, severity
-- criteria, lowSurveyBelow.
create table casework_settings (
  id         int         primary key check (id = 1),
  settings   jsonb       not null,
  updated_by bigint      references app_user (id) on delete set null,
  updated_at timestamptz not null default now()
);
