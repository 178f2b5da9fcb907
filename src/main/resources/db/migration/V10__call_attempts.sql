-- Every dial attempt and what happened to it, keyed by the attempt id that also names the PBX channel
-- (Originate ChannelId) and the recording: never by the customer's number.

create table call_attempt (
  id              text        primary key,
  pbx             text        not null,
  campaign_id     bigint,
  task_id         bigint,
  customer_id     bigint,
  dial_string     text        not null,
  action_id       text,
  channel         text,
  state           text        not null default 'dialing'
                  check (state in ('dialing', 'ringing', 'answered', 'bridged', 'ended')),
  outcome         text        check (outcome in ('answered_human', 'answered_machine', 'abandoned', 'no_answer',
                                                 'busy', 'congestion', 'invalid_number', 'failed')),
  originate_reason integer,
  hangup_cause    integer,
  hangup_cause_txt text,
  hangup_by       text        check (hangup_by in ('customer', 'agent', 'system', 'unknown')),
  amd_status      text,
  amd_cause       text,
  agent_id        bigint,
  originated_at   timestamptz not null default now(),
  ringing_at      timestamptz,
  answered_at     timestamptz,
  bridged_at      timestamptz,
  ended_at        timestamptz,
  ring_seconds    numeric(8, 3),
  detail          text,
  raw             jsonb
);
-- The dialer and the resync after an AMI reconnect look for attempts that have not ended yet.
create index call_attempt_open_idx on call_attempt (pbx) where state <> 'ended';
create index call_attempt_task_idx on call_attempt (task_id);
create index call_attempt_campaign_time_idx on call_attempt (campaign_id, originated_at);

-- An agent's softphone: the endpoint Huifang dials to open the agent's line at login.
alter table app_user add column softphone text;
