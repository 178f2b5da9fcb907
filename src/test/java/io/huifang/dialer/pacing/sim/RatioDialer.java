package io.huifang.dialer.pacing.sim;

import io.huifang.dialer.pacing.Pacer;
import io.huifang.dialer.pacing.PacerView;

/**
 * Baseline: VICIdial's RATIO dial method. Calls in progress are kept at a fixed dial level times the logged-in
 * agents: lines to dial = ratio × agents − live calls (ringing, waiting for an agent, or talking).
 */
public final class RatioDialer implements Pacer {
  private final double ratio;

  public RatioDialer(double ratio) {
    this.ratio = ratio;
  }

  @Override
  public int linesToDial(PacerView view, long now) {
    return Math.max(0, (int) Math.floor(ratio * view.loggedInAgents()) - liveCalls(view));
  }

  static int liveCalls(PacerView view) {
    int talking = 0;
    for (int i = 0, n = view.loggedInAgents(); i < n; i++) {
      if (view.activity(i) == PacerView.Activity.TALKING) {
        talking++;
      }
    }
    return view.ringingLines() + view.answeredWaiting() + talking;
  }

  @Override
  public String name() {
    return String.format(java.util.Locale.ROOT, "ratio %.2f", ratio);
  }
}
