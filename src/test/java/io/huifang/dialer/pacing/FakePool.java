package io.huifang.dialer.pacing;

import java.util.ArrayList;
import java.util.List;

/** A hand-built pool of agents and campaigns for the pool planner's rules. */
final class FakePool implements PoolView {
  final List<boolean[]> skills = new ArrayList<>();
  final List<PacerView.Activity> activities = new ArrayList<>();
  final List<Long> since = new ArrayList<>();
  final List<List<Long>> ringing = new ArrayList<>();
  final int[] waiting;
  int[] priorities;

  FakePool(int campaigns) {
    for (int c = 0; c < campaigns; c++) {
      ringing.add(new ArrayList<>());
    }
    waiting = new int[campaigns];
  }

  /** n agents doing a since from, skilled for the campaigns named. */
  FakePool agents(int n, PacerView.Activity a, long from, int... campaigns) {
    for (int i = 0; i < n; i++) {
      boolean[] s = new boolean[ringing.size()];
      for (int c : campaigns) {
        s[c] = true;
      }
      skills.add(s);
      activities.add(a);
      since.add(from);
    }
    return this;
  }

  FakePool ringing(int campaign, int n, long from) {
    for (int i = 0; i < n; i++) {
      ringing.get(campaign).add(from);
    }
    return this;
  }

  FakePool waiting(int campaign, int n) {
    waiting[campaign] = n;
    return this;
  }

  /** The campaigns' priorities (lower first); without them, each campaign its own, in index order. */
  FakePool priorities(int... p) {
    priorities = p;
    return this;
  }

  @Override
  public int priority(int campaign) {
    return priorities == null ? campaign : priorities[campaign];
  }

  @Override
  public int campaigns() {
    return ringing.size();
  }

  @Override
  public int agents() {
    return skills.size();
  }

  @Override
  public boolean skilled(int agent, int campaign) {
    return skills.get(agent)[campaign];
  }

  @Override
  public PacerView.Activity activity(int agent) {
    return activities.get(agent);
  }

  @Override
  public long activitySince(int agent) {
    return since.get(agent);
  }

  @Override
  public int ringingLines(int campaign) {
    return ringing.get(campaign).size();
  }

  @Override
  public long ringingSince(int campaign, int line) {
    return ringing.get(campaign).get(line);
  }

  @Override
  public int answeredWaiting(int campaign) {
    return waiting[campaign];
  }
}
