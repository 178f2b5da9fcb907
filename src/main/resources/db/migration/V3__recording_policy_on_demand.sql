-- Recording policy per campaign is all / none / on demand (an agent or supervisor asks during the call);
-- "answered only" said nothing more than "all": every recorded call is a connected one.
alter table campaign drop constraint campaign_recording_policy_check;
update campaign set recording_policy = 'on_demand' where recording_policy = 'answered_only';
alter table campaign add constraint campaign_recording_policy_check
  check (recording_policy in ('all', 'none', 'on_demand'));
