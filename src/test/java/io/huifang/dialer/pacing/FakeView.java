package io.huifang.dialer.pacing;

import java.util.ArrayList;
import java.util.List;

/** A hand-built campaign state for the pacer's rules. */
final class FakeView implements PacerView {
  final List<Activity> activities = new ArrayList<>();
  final List<Long> since = new ArrayList<>();
  final List<Long> ringing = new ArrayList<>();
  int waiting;
  int trunkInUse;
  boolean shared;

  FakeView agents(int n, Activity a, long from) {
    for (int i = 0; i < n; i++) {
      activities.add(a);
      since.add(from);
    }
    return this;
  }

  FakeView ringing(int n, long from) {
    for (int i = 0; i < n; i++) {
      ringing.add(from);
    }
    return this;
  }

  @Override
  public int loggedInAgents() {
    return activities.size();
  }

  @Override
  public Activity activity(int agent) {
    return activities.get(agent);
  }

  @Override
  public long activitySince(int agent) {
    return since.get(agent);
  }

  @Override
  public int freeAgents() {
    return (int) activities.stream().filter(a -> a == Activity.FREE).count();
  }

  @Override
  public int ringingLines() {
    return ringing.size();
  }

  @Override
  public long ringingSince(int line) {
    return ringing.get(line);
  }

  @Override
  public int answeredWaiting() {
    return waiting;
  }

  @Override
  public int trunkLinesInUse() {
    return trunkInUse;
  }

  @Override
  public boolean agentsShared() {
    return shared;
  }
}
