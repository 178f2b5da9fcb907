-- owner: supervisor
-- Supervisors listening in on agents' calls (监听 / 耳语 / 强插, issue 17; docs/supervisor-api.md "Listening in"): one
-- row per spy call, written when it starts and when it ends. seconds = time on the line, from answer to end (0 when
-- the supervisor never answered). channel is the spy channel once the PBX names it, so that a restart can hang up
-- the spy calls it no longer follows (ChanSpy never ends by itself).
create table supervisor_listen (
  id            bigserial   primary key,
  supervisor_id bigint      not null references app_user (id),
  agent_id      bigint      not null references app_user (id),
  attempt_id    text,
  mode          text        not null check (mode in ('listen', 'whisper', 'barge')),
  pbx           text        not null,
  channel       text,
  started_at    timestamptz not null default now(),
  answered_at   timestamptz,
  ended_at      timestamptz,
  seconds       int         check (seconds >= 0),
  end_reason    text
);

create index supervisor_listen_open on supervisor_listen (id) where ended_at is null;
