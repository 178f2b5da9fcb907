-- owner: auth
-- The sign-in throttle's counters when several nodes take sign-ins (issue 22, docs/cluster.md): one row per counter
-- (a username at an address "p|…", an address "a|…", a username "u|…"), the same leaky bucket LoginThrottle keeps in
-- memory on one node, so that a guesser spreading over N nodes gets one allowance, not N. Times are epoch ms of the
-- node that counted. A row that has leaked empty and imposes no wait is purged (empty_at, next_at past).
create table login_throttle (
  key         text             primary key check (length(key) between 3 and 200),
  level       double precision not null check (level >= 0),
  updated_at  bigint           not null,
  last_at     bigint           not null,
  next_at     bigint           not null,
  empty_at    bigint           not null
);
create index login_throttle_empty on login_throttle (empty_at);
