-- owner: recording
-- Recordings in a cluster (issue 22, docs/cluster.md): which node archived each recording, so that a node that cannot
-- see its files (the nodes' archives not shared) says where they are instead of calling them lost; and the cluster's
-- one archive, whose id every node must find in the marker file of the directory it was given as the shared archive.
alter table recording add column archived_by text check (length(archived_by) <= 200);

create table recording_archive (
  one         boolean     primary key default true check (one),
  archive_id  text        not null check (length(archive_id) between 1 and 100),
  created_by  text        not null check (length(created_by) between 1 and 200),
  created_at  timestamptz not null default now()
);
