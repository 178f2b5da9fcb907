package io.huifang.desk;

import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import java.util.function.LongFunction;

/** An agent's line and the PBX it is on, looked up over every PBX (by AgentDesk's {@code line} and {@code pbxOf}). */
final class Lines {
  private final LongFunction<AgentLines.Line> line;
  private final LongFunction<AnsweredCalls.Pbx> pbx;

  Lines(LongFunction<AgentLines.Line> line, LongFunction<AnsweredCalls.Pbx> pbx) {
    this.line = line;
    this.pbx = pbx;
  }

  /** The agent's line, or null when the agent has none open. */
  AgentLines.Line line(long agentId) {
    return line.apply(agentId);
  }

  /** The PBX the agent's line is on (the first PBX when the agent has no line). */
  AnsweredCalls.Pbx pbxOf(long agentId) {
    return pbx.apply(agentId);
  }
}
