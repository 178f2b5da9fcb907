-- owner: supervisor
-- The supervisors' board settings (issue 17, docs/supervisor-api.md): one JSON document per key; today the key
-- 'thresholds' (state colours, pause limits, the low-list mark). Absent: the built-in defaults.
create table supervisor_settings (
  key        text        primary key,
  value      jsonb       not null,
  updated_by bigint      references app_user (id) on delete set null,
  updated_at timestamptz not null default now()
);
