-- owner: auth
-- Dealer users (网点): a login for a dealer, which reads its own dealer's approved reports and nothing else.
-- The dealer a user belongs to is set by an admin; only a dealer user has one (a dealer user without one reads
-- nothing). Removing a dealer is refused while a user belongs to it.
alter table app_user drop constraint app_user_role_check;
alter table app_user add constraint app_user_role_check
  check (role in ('agent', 'qa', 'supervisor', 'admin', 'dealer'));
alter table app_user add column dealer_id bigint references dealer (id);
alter table app_user add constraint app_user_dealer_only_for_dealers check (dealer_id is null or role = 'dealer');
create index app_user_dealer_idx on app_user (dealer_id) where dealer_id is not null;
