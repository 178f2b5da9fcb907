-- owner: campaign
-- Ring cut per campaign (issue 23). Off by default. On, a predictive campaign ends a line that has rung 15 s or more
-- unanswered when its answer would likely find no agent; the customer is called again soon (docs/pacing.md).
alter table campaign add column ring_cut boolean not null default false;
-- How often the task's line was cut: a cut is no try of the customer (not counted in attempts, its day part not
-- marked tried), and after the cap in Scheduler.RING_CUTS_MAX the dialer lets the task's line ring in full.
alter table call_task add column ring_cuts integer not null default 0;
-- The attempt's own outcome (call_attempt belongs to telephony: its outcome list grows by one value).
alter table call_attempt drop constraint call_attempt_outcome_check;
alter table call_attempt add constraint call_attempt_outcome_check check (outcome in ('answered_human',
  'answered_machine', 'abandoned', 'no_answer', 'busy', 'congestion', 'invalid_number', 'failed', 'ring_cut'));
