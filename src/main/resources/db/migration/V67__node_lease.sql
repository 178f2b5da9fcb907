-- owner: db
-- Ownership a cluster of Huifang nodes cannot disagree on (issue 22): one row per thing exactly one node may do at a
-- time (a PBX: "pbx:<name>", a singleton job: "job:<name>"). A node holds the row while expires_at, judged by the
-- database's clock (now()), lies ahead; every grant to a holder raises epoch, and whatever the holder does in the
-- lease's name carries that epoch, so the database refuses the work of a holder that lost it (see docs/cluster.md).
create table node_lease (
  name        text        primary key check (length(name) between 1 and 200),
  holder      text        not null check (length(holder) between 1 and 200),
  epoch       bigint      not null check (epoch > 0),
  expires_at  timestamptz not null,
  granted_at  timestamptz not null default now()
);
