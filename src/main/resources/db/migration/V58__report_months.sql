-- owner: report
-- Dealer scores by month (issue 19, docs/report-api.md): the month and its workflow (编制 / 审核 / 批准), each
-- dealer's stored score with its deductions, the deduction inputs entered on the checks page and the suggested
-- improvements of weak items. month is the first day of the month (Asia/Shanghai).
create table report_month (
  kind                  text        not null check (kind in ('csi', 'ssi')),
  month                 date        not null check (extract(day from month) = 1),
  state                 text        not null check (state in ('draft', 'reviewed', 'approved')),
  questionnaire_key     text        not null,
  questionnaire_version int         not null,
  -- the ranking's averages {"all", "regions": {}, "groups": {}}, as computed with the scores
  averages              jsonb       not null default '{}',
  drafted_by            bigint      references app_user (id) on delete set null,
  drafted_at            timestamptz not null,
  reviewed_by           bigint      references app_user (id) on delete set null,
  reviewed_at           timestamptz,
  approved_by           bigint      references app_user (id) on delete set null,
  approved_at           timestamptz,
  primary key (kind, month)
);

-- One dealer's score of the month. score is the whole DealerScore (indicators, items, loyalty) as JSON; ranking
-- the Ranking's place (averages of its region and group, month on month, 3- and 12-month trends), both frozen with
-- the month so an approved ranking never changes when another month is recomputed.
create table report_dealer_score (
  kind          text             not null,
  month         date             not null,
  dealer_id     bigint           not null references dealer (id),
  raw           double precision,
  assessment    numeric(9, 2),
  success_rate  double precision,
  samples       int              not null,
  successful    int              not null,
  error_samples int              not null,
  voided        int              not null,
  falsified     int              not null,
  appealed_away int              not null,
  rank          int,
  region_rank   int,
  score         jsonb            not null,
  ranking       jsonb            not null,
  primary key (kind, month, dealer_id),
  foreign key (kind, month) references report_month (kind, month) on delete cascade
);

-- Every deduction taken: its rule, what it was computed from, its points.
create table report_deduction (
  id        bigserial     primary key,
  kind      text          not null,
  month     date          not null,
  dealer_id bigint        not null,
  rule      text          not null,
  inputs    jsonb         not null,
  points    numeric(9, 2) not null,
  foreign key (kind, month, dealer_id) references report_dealer_score (kind, month, dealer_id) on delete cascade
);
create index report_deduction_score_idx on report_deduction (kind, month, dealer_id);

-- The month's check results per dealer that cost points: the data-audit spot check's finding kinds, the on-site
-- volume check, the improvement plans delivered late. Entered on the checks page, read by the next compute.
create table report_check_input (
  kind         text        not null check (kind in ('csi', 'ssi')),
  month        date        not null check (extract(day from month) = 1),
  dealer_id    bigint      not null references dealer (id),
  audit        jsonb       not null default '[]',
  volume       text        not null default 'not_done'
                           check (volume in ('not_done', 'matching', 'not_matching', 'not_shown')),
  late_plans   jsonb       not null default '[]',
  updated_by   bigint      references app_user (id) on delete set null,
  updated_at   timestamptz not null default now(),
  primary key (kind, month, dealer_id)
);

-- The suggested improvement of a weak item, written by the report's author.
create table report_suggestion (
  kind       text        not null,
  month      date        not null,
  dealer_id  bigint      not null references dealer (id),
  item_id    text        not null,
  text       text        not null check (length(text) between 1 and 2000),
  author_id  bigint      references app_user (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (kind, month, dealer_id, item_id)
);
