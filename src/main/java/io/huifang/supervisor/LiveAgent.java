package io.huifang.supervisor;

import io.huifang.dialer.DialerService;
import io.huifang.telephony.AgentLines;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Attempt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An agent's line as the board shows it, copied on the telephony context: state (the contract's names), since when
 * (epoch ms), the pause reason, the campaign chosen and the campaign of the call on the line, the customer masked.
 */
record LiveAgent(long agentId, String pbx, String state, Long since, String pauseReason, Long campaignId,
                 Long callCampaignId, String customer) {

  boolean loggedIn() {
    return !"logged_out".equals(state);
  }

  /** Every agent's line on every PBX; call on the telephony context. One line per agent: an open one wins. */
  static List<LiveAgent> read(List<AnsweredCalls.Pbx> pbxes, DialerService dialer) {
    Map<Long, LiveAgent> out = new LinkedHashMap<>();
    for (AnsweredCalls.Pbx p : pbxes) {
      for (AgentLines.Line l : p.lines().lines()) {
        LiveAgent a = of(p, l, dialer);
        LiveAgent seen = out.get(a.agentId());
        if (seen == null || !seen.loggedIn()) {
          out.put(a.agentId(), a);
        }
      }
    }
    return List.copyOf(out.values());
  }

  private static LiveAgent of(AnsweredCalls.Pbx p, AgentLines.Line l, DialerService dialer) {
    String state = switch (l.state()) {
      case OPENING, DOWN -> "logged_out";
      default -> l.state().name().toLowerCase(Locale.ROOT);
    };
    Attempt call = l.attemptId() == null ? null : p.tracker().live(l.attemptId());
    String customer = call == null || dialer == null ? null
        : mask(dialer.customerNumber(call.request().dialString()));
    return new LiveAgent(l.agentId(), p.name(), state, l.since() == null ? null : l.since().toEpochMilli(),
        l.state() == AgentLines.LineState.PAUSED ? l.pauseReason() : null, l.campaignId(),
        call == null ? null : call.request().campaignId(), customer);
  }

  /** 13800135678 → 138****5678: enough for an agent's supervisor to tell calls apart, not to dial the customer. */
  static String mask(String number) {
    if (number == null) {
      return null;
    }
    String digits = number.replaceAll("[^0-9]", "");
    if (digits.length() < 7) {
      return "****";
    }
    return digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4);
  }
}
