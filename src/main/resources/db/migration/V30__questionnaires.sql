-- Questionnaires (问卷): one row per version. Versions are never changed: saving makes version n+1, and survey
-- responses refer to key + version. The built-ins (csi-default, ssi-default) are stored as version 1 by the server
-- the first time questionnaires are read; campaign.questionnaire names a key (null: the default of the kind).
create table questionnaire (
  key        text        not null check (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  version    int         not null check (version >= 1),
  kind       text        not null check (kind in ('csi', 'ssi')),
  title_zh   text        not null,
  title_en   text,
  definition jsonb       not null,
  created_by bigint      references app_user (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (key, version)
);
