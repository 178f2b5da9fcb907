-- owner: campaign
-- Issue 21, the do-not-call list and special-case filings (特殊情况备案) get their pages: an entry an admin puts on the
-- list says why in words and who did it; a filing says for which period it holds (the task's deadline must fall in it
-- for the task to close as "filed" rather than "expired, not called"). Filings made before have no period and keep
-- covering their task whenever its deadline passes.
alter table dnc add column note text;
alter table dnc add column added_by bigint references app_user (id) on delete set null;
-- Searched by the digits an admin types (any part of the number), newest first.
create index dnc_created_idx on dnc (created_at desc);

alter table special_filing add column period_from date;
alter table special_filing add column period_to date;
alter table special_filing add constraint special_filing_period_check
  check ((period_from is null) = (period_to is null) and (period_from is null or period_from <= period_to));
create index special_filing_filed_idx on special_filing (filed_at desc);
