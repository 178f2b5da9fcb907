-- owner: telephony (agent_campaign_skill)
-- owner: campaign (campaign.priority)
-- Agents shared across campaigns (issue 23): one pool of agents serves several campaigns. A campaign's priority
-- decides which waiting customer an agent who comes free takes (1 = highest … 9 = lowest; 5 by default, so that the
-- campaigns of before rank equal, the oldest customer first as before). An agent's skills are the campaigns they may
-- take; an agent with none listed takes every campaign, as before. Telephony routes answered calls by them, so it
-- owns the table; the dialer paces each PBX's campaigns together over the agents skilled for each.
alter table campaign add column priority smallint not null default 5 check (priority between 1 and 9);

create table agent_campaign_skill (
  agent_id bigint not null references app_user (id) on delete cascade,
  campaign_id bigint not null references campaign (id) on delete cascade,
  primary key (agent_id, campaign_id)
);
create index agent_campaign_skill_campaign on agent_campaign_skill (campaign_id);
