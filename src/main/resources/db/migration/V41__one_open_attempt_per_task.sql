-- owner: telephony
-- A customer is never called twice at once: at most one attempt per task that has not ended. The dialer renews the
-- task's lease while its call is up; this index is the backstop when a lease runs out anyway (the attempt's row is
-- inserted before the Originate goes out, so a refused insert means no second call).

-- Before the index can exist, a database left by the double-dial fault may hold two open attempts of one task (a
-- crash while both were up). All but the newest are closed as the resync closes a call it could not see (outcome by
-- the tracker's rule: not answered = failed, answered without an agent = abandoned); the newest is left open for
-- the resync to adopt or close after the start.
update call_attempt a set state = 'ended', ended_at = coalesce(a.ended_at, now()),
  outcome = case when a.answered_at is null then 'failed' when a.agent_id is null then 'abandoned'
                 else 'answered_human' end,
  detail = 'closed by migration V41: a newer attempt of the same task was open at the same time'
where a.state <> 'ended' and a.task_id is not null and exists (
  select 1 from call_attempt b where b.task_id = a.task_id and b.state <> 'ended'
    and (b.originated_at, b.id) > (a.originated_at, a.id));

create unique index call_attempt_one_open_per_task on call_attempt (task_id)
  where task_id is not null and state <> 'ended';
