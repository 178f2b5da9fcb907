-- Users, their sessions and the audit trail: the base every later module hangs off.

create table app_user (
  id                   bigserial primary key,
  username             text        not null,
  display_name         text        not null,
  role                 text        not null check (role in ('agent', 'qa', 'supervisor', 'admin')),
  password_hash        text        not null,
  active               boolean     not null default true,
  must_change_password boolean     not null default false,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  last_login_at        timestamptz
);
-- Usernames are compared case-insensitively.
create unique index app_user_username_key on app_user (lower(username));

-- A session is found by the SHA-256 of its cookie token; the token itself is never stored.
create table user_session (
  token_hash   bytea       primary key,
  user_id      bigint      not null references app_user (id) on delete cascade,
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at   timestamptz not null,
  client_ip    text,
  user_agent   text
);
create index user_session_user_idx on user_session (user_id);
create index user_session_expires_idx on user_session (expires_at);

-- Who did what, when, with what result: logins, user changes, and (later) every recording access.
create table audit_log (
  id        bigserial   primary key,
  at        timestamptz not null default now(),
  actor_id  bigint      references app_user (id) on delete set null,
  actor     text,
  action    text        not null,
  subject   text,
  result    text        not null,
  client_ip text,
  detail    jsonb
);
create index audit_log_at_idx on audit_log (at);
create index audit_log_action_idx on audit_log (action, at);
