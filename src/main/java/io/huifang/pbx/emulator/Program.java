package io.huifang.pbx.emulator;

import java.util.List;

/** Where a channel is in its dialplan: the steps of one extension and the index of the current one. */
final class Program {
  final String context;
  final String exten;
  final List<Dialplan.Step> steps;
  /** True for the simulated far end of a non-Local channel: it runs, but shows no events. */
  final boolean hidden;
  int pc;

  Program(String context, String exten, List<Dialplan.Step> steps, boolean hidden) {
    this.context = context;
    this.exten = exten;
    this.steps = steps;
    this.hidden = hidden;
  }

  int indexOf(String label) {
    for (int i = 0; i < steps.size(); i++) {
      if (label.equals(steps.get(i).label())) {
        return i;
      }
    }
    return -1;
  }
}
