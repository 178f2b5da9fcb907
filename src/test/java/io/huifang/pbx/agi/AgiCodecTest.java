package io.huifang.pbx.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgiCodecTest {
  @Test
  void parsesRepliesFromTheTraces() {
    AgiReply r = AgiReply.parse("200 result=1 (42)");
    assertEquals(200, r.code());
    assertEquals("1", r.result());
    assertEquals("42", r.data());
    AgiReply s = AgiReply.parse("200 result=0 endpos=7289");
    assertEquals("0", s.result());
    assertEquals("7289", s.endpos());
    AgiReply f = AgiReply.parse("200 result=1 (Up|-1|5550100)");
    assertEquals("Up|-1|5550100", f.data());
    AgiReply dead = AgiReply.parse(AgiReply.DEAD_CHANNEL);
    assertEquals(511, dead.code());
    assertNull(dead.result());
    assertTrue(AgiReply.isHangupNotice("HANGUP"));
    assertThrows(IllegalArgumentException.class, () -> AgiReply.parse("HANGUP"));
  }

  @Test
  void splitsCommandsLikeResAgi() {
    AgiCommand c = AgiCommand.parse("GET FULL VARIABLE \"${CHANNEL(state)}|${SURVEY_Q1}\"");
    assertEquals("GET FULL VARIABLE", c.head(3));
    assertEquals("${CHANNEL(state)}|${SURVEY_Q1}", c.word(3));
    AgiCommand s = AgiCommand.parse("STREAM FILE sim/hello \"\"");
    assertEquals(List.of("STREAM", "FILE", "sim/hello", ""), s.words());
  }

  @Test
  void environmentBlockInAsteriskOrder() {
    AgiEnvironment env = AgiEnvironment.forChannel("agi://127.0.0.1:4573/survey", "survey",
        "Local/1001@sim-customers-00000000;1", "Local", "1795415818.2", "22.10.1", "5550100", "Dialer", "outbound",
        "s", 3, "", 139762501932736L).arg("5550100").arg("campaign42");
    String text = env.encode();
    assertTrue(text.startsWith("agi_network: yes\nagi_network_script: survey\nagi_request: agi://127.0.0.1:4573/survey\n"));
    assertTrue(text.endsWith("agi_threadid: 139762501932736\nagi_arg_1: 5550100\nagi_arg_2: campaign42\n\n"));
    assertTrue(text.contains("agi_accountcode: \n"));
    AgiEnvironment back = new AgiEnvironment();
    for (String line : text.split("\n", -1)) {
      if (!back.parseLine(line)) {
        break;
      }
    }
    assertEquals("outbound", back.get("context"));
    assertEquals(List.of("5550100", "campaign42"), back.args());
  }
}
