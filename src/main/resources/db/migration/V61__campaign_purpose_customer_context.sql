-- owner: campaign
-- Second callbacks (issue 20, docs/casework-api.md): a campaign is either an ordinary survey campaign or the
-- second-callback campaign of its kind (二次回访: verifying a handled complaint or an appeal), which reports and
-- QA sampling leave out. customer.context is what a follow-up call is about, shown on the agent's screen.
alter table campaign add column purpose text not null default 'survey'
  check (purpose in ('survey', 'second_callback'));
-- one second-callback campaign per kind: FollowUps creates it on first use, concurrent first uses meet here
create unique index campaign_second_callback_kind_key on campaign (kind) where purpose = 'second_callback';
alter table customer add column context jsonb;
