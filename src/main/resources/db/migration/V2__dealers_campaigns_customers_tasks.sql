-- Dealers, campaigns, imported customer lists, call tasks and what the dialer may never call (DNC).

-- A dealer (网点 / 4S店 / 服务商): the subject being scored, the source of the DMS exports.
create table dealer (
  id         bigserial   primary key,
  code       text        not null unique,
  name       text        not null,
  created_at timestamptz not null default now()
);

-- The dealer's own monthly workshop volume, to check against what it uploaded (DOMAIN §3).
create table dealer_volume (
  dealer_id bigint not null references dealer (id) on delete cascade,
  month     date   not null check (extract(day from month) = 1),
  volume    int    not null check (volume >= 0),
  primary key (dealer_id, month)
);

-- How one dealer's DMS export names its columns: {"phone": "联系电话", ...}; reused on its next file.
create table dealer_column_mapping (
  dealer_id  bigint      primary key references dealer (id) on delete cascade,
  mapping    jsonb       not null,
  updated_at timestamptz not null default now()
);

-- A campaign: who is called, when, how often and how. Calling hours, holidays and day parts are small
-- documents edited as a whole, so they are jsonb (validated by the server, see CampaignRules).
create table campaign (
  id               bigserial   primary key,
  name             text        not null,
  kind             text        not null check (kind in ('csi', 'ssi', 'other')),
  questionnaire    text,
  time_zone        text        not null,
  calling_hours    jsonb       not null,
  holidays         jsonb       not null default '[]',
  deadline_basis   text        not null check (deadline_basis in ('service_date', 'sale_date', 'order_date')),
  deadline_hours   int         not null check (deadline_hours between 1 and 2160),
  max_attempts     int         not null check (max_attempts between 1 and 50),
  day_parts        jsonb       not null,
  dial_mode        text        not null check (dial_mode in ('preview', 'progressive', 'predictive')),
  abandon_target   numeric(4, 2) not null default 3.00 check (abandon_target >= 0 and abandon_target <= 100),
  caller_id        text,
  recording_policy text        not null check (recording_policy in ('all', 'none', 'answered_only')),
  active           boolean     not null default true,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create unique index campaign_name_key on campaign (lower(name));

create table campaign_dealer (
  campaign_id bigint not null references campaign (id) on delete cascade,
  dealer_id   bigint not null references dealer (id) on delete restrict,
  primary key (campaign_id, dealer_id)
);
create index campaign_dealer_dealer_idx on campaign_dealer (dealer_id);

-- One uploaded file and what became of it. The report (rows read, accepted, flagged, rejected with row,
-- column and reason) is kept whole; the counts are columns for the audit.
create table import_batch (
  id               bigserial   primary key,
  campaign_id      bigint      not null references campaign (id) on delete cascade,
  dealer_id        bigint      not null references dealer (id),
  file_name        text        not null,
  file_sha256      text        not null,
  status           text        not null check (status in ('running', 'loaded', 'validated', 'failed', 'duplicate')),
  dry_run          boolean     not null default false,
  rows_read        int         not null default 0,
  accepted         int         not null default 0,
  flagged          int         not null default 0,
  rejected         int         not null default 0,
  unusable_phones  int         not null default 0,
  same_as_batch_id bigint      references import_batch (id),
  report           jsonb,
  error            text,
  created_by       bigint      references app_user (id) on delete set null,
  created_at       timestamptz not null default now(),
  finished_at      timestamptz
);
-- The same file loaded twice for the same campaign and dealer is recognised, not loaded again.
create unique index import_batch_loaded_file_key on import_batch (campaign_id, dealer_id, file_sha256)
  where status = 'loaded';
create index import_batch_dealer_idx on import_batch (dealer_id, created_at);

-- One DMS row: a vehicle's visit or sale and the person to call about it. Special records (00PDI…) are kept
-- with their kind and never get a call task. row_key makes a row load once even when files overlap.
create table customer (
  id                bigserial   primary key,
  campaign_id       bigint      not null references campaign (id) on delete cascade,
  dealer_id         bigint      not null references dealer (id),
  import_batch_id   bigint      not null references import_batch (id),
  row_no            int         not null,
  row_key           text        not null,
  name              text        not null,
  special_kind      text        check (special_kind in ('pdi', 'stock', 'company', 'refused_phone',
                                                       'refused_callback', 'not_owner', 'other')),
  phone_raw         text,
  phone             text,
  vehicle_model     text,
  plate             text,
  vin               text,
  event_date        date,
  event_at          timestamptz,
  work_order_no     text,
  work_order_closed boolean,
  created_at        timestamptz not null default now()
);
create unique index customer_row_key on customer (campaign_id, dealer_id, row_key);
create index customer_dealer_phone_idx on customer (dealer_id, phone);
create index customer_batch_idx on customer (import_batch_id);

-- Do not call: never handed to the dialer, whatever campaign.
create table dnc (
  phone      text        primary key,
  reason     text        not null check (reason in ('refused_callback', 'refused', 'manual')),
  source     text        not null,
  created_at timestamptz not null default now()
);

-- A customer to be called in a campaign. tried_parts is a bitmask of the day-part indices already tried;
-- allowed_parts the parts the next try may happen in (-1: any), so that a retry goes to a part of the day not yet
-- tried even when the dialer gets to it late. leased_until keeps a task handed to the dialer from being handed
-- out twice before its outcome comes back.
create table call_task (
  id                bigserial   primary key,
  campaign_id       bigint      not null references campaign (id) on delete cascade,
  customer_id       bigint      not null references customer (id) on delete cascade,
  phone             text        not null,
  status            text        not null check (status in ('open', 'callback', 'done', 'unreached', 'wrong_number',
                                                           'invalid_number', 'refused', 'expired', 'filed')),
  deadline          timestamptz not null,
  next_try_at       timestamptz not null,
  attempts          int         not null default 0,
  tried_parts       int         not null default 0,
  allowed_parts     int         not null default -1,
  last_part         int,
  last_outcome      text,
  last_attempt_at   timestamptz,
  callback_at       timestamptz,
  callback_agent_id bigint      references app_user (id) on delete set null,
  leased_until      timestamptz,
  closed_at         timestamptz,
  created_at        timestamptz not null default now(),
  unique (customer_id)
);
-- nextDue walks open tasks of one campaign in deadline order; callbacks are few and looked up by time.
create index call_task_open_due_idx on call_task (campaign_id, deadline) where status = 'open';
create index call_task_callback_idx on call_task (campaign_id, callback_at) where status = 'callback';
create index call_task_overdue_idx on call_task (deadline) where status in ('open', 'callback');

-- Everything that happened to a task, so an expired task keeps its history.
create table task_event (
  id        bigserial   primary key,
  task_id   bigint      not null references call_task (id) on delete cascade,
  at        timestamptz not null,
  kind      text        not null,
  day_part  int,
  detail    jsonb
);
create index task_event_task_idx on task_event (task_id, at);

-- 特殊情况备案: a filed special case; a task it covers is not "expired, not called" when its deadline passes.
create table special_filing (
  id          bigserial   primary key,
  task_id     bigint      not null references call_task (id) on delete cascade,
  reason      text        not null,
  filed_by    bigint      references app_user (id) on delete set null,
  filed_at    timestamptz not null default now(),
  unique (task_id)
);
