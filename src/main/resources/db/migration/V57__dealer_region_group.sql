-- owner: dealer
-- Where a dealer belongs for the month's ranking (issue 19): its sales region (大区) and its dealer group (集团).
-- Both optional: a dealer without them is ranked overall and averaged under the empty name.
alter table dealer add column region text check (length(region) between 1 and 64),
                   add column dealer_group text check (length(dealer_group) between 1 and 64);
