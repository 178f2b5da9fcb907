-- owner: campaign
-- Answering-machine detection per campaign (issue 23). Off by default, as the dialer ran before: machines reach
-- agents and count as live answers. On: AMD() runs on every answered originate, machines are hung up on, and the
-- pacer keeps part of the abandon target for the persons AMD wrongly takes for machines (which regulators count as
-- abandoned and the server cannot see).
alter table campaign add column amd boolean not null default false;
