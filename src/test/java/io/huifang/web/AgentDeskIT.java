package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.dialer.call.AnsweredCalls;
import io.huifang.dialer.call.CallTracker;
import io.huifang.testsupport.Chromium;
import io.huifang.testsupport.Http;
import io.huifang.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent desk in a real browser against the real server (PBX emulator): the agent opens the line and says
 * ready with the keyboard, a customer answers and is bridged, the "on call" card shows the pushed call with a
 * running talk timer, the customer hangs up and the desk is ready and waiting again.
 */
class AgentDeskIT {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void agentOpensLineGoesReadyTakesACallAndIsReadyAgain(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Chromium.binary().isPresent(), "no Chromium binary (.ci/run installs Debian's)");
    Files.createDirectories(SHOTS);
    try (TestServer server = TestServer.start(dir.resolve("data"), "--emulator.speed=4");
         Chromium b = Chromium.launch()) {
      Http admin = new Http(server);
      assertEquals(200, admin.login("admin", TestServer.ADMIN_PASSWORD).status());
      Http.userWithRole(server, admin, "zhao.min", "agent");

      // Sign in through the login page, in Chinese.
      b.navigate(server.url("/"));
      b.evaluate("localStorage.clear()");
      b.navigate(server.url("/"));
      b.waitFor("document.querySelector('#lang-slot .lang-switch') !== null", WAIT);
      b.type("#username", "zhao.min");
      b.type("#password", "zhao.min-password-1");
      b.click("#login-submit");
      b.waitFor("location.pathname === '/agent.html' && !document.body.classList.contains('booting')", WAIT);
      b.waitFor("document.getElementById('line-open').disabled === false", WAIT);
      assertEquals("未接通", b.text("#agent-state"));
      assertEquals("true,true,true", b.evaluate("['line-ready', 'line-not-ready', 'line-close']"
          + ".map((id) => document.getElementById(id).disabled).join()"), "only 'open line' while the line is closed");
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('call-card').hidden"));
      assertEquals("等待来电", b.text("#waiting h3"));
      assertEquals(Boolean.FALSE, b.evaluate("document.getElementById('waiting-line-hint').hidden"));

      // Keyboard: Enter on "open line", then the focus moves on to "ready", Enter again.
      b.evaluate("document.getElementById('line-open').focus()");
      pressEnter(b);
      b.waitFor("document.getElementById('agent-state').dataset.state === 'not_ready'", WAIT);
      assertEquals("未就绪", b.text("#agent-state"));
      assertTrue(b.text("#line-channel").startsWith("PJSIP/agent-"), b.text("#line-channel"));
      b.waitFor("document.activeElement && document.activeElement.id === 'line-ready'", WAIT);
      pressEnter(b);
      b.waitFor("document.getElementById('agent-state').dataset.state === 'ready'", WAIT);
      assertEquals("就绪", b.text("#agent-state"));
      assertEquals("true,true,false,false", b.evaluate("['line-open', 'line-ready', 'line-not-ready',"
          + " 'line-close'].map((id) => document.getElementById(id).disabled).join()"));
      assertEquals("", b.text("#line-message"));

      // A customer answers and is bridged to the agent.
      AnsweredCalls.Pbx pbx = server.server().telephony().pbx("emulator");
      String attempt = "desk-it-1";
      pbx.tracker().originate(new CallTracker.OriginateRequest(attempt, 7L, 70L, 700L, "PJSIP/6500@huifang-trunk",
          "huifang-answered", "s", null, Duration.ofSeconds(30), false, Map.of())).await();
      b.waitFor("document.getElementById('call-card').hidden === false"
          + " && document.getElementById('call-attempt').textContent === " + Chromium.jsString(attempt), WAIT);
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('waiting').hidden"));
      assertEquals("通话中", b.text("#call-card .pill-oncall"));
      assertEquals("#7", b.text("#call-campaign"));
      assertEquals("#70", b.text("#call-task"));
      assertEquals("#700", b.text("#call-customer"));
      b.waitFor("document.getElementById('agent-state').dataset.state === 'on_call'", WAIT);
      assertEquals("通话中", b.text("#agent-state"));
      b.waitFor("document.getElementById('call-timer-value').textContent >= '00:02'", WAIT);
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('line-close').disabled"),
          "no closing the line in the middle of a call");
      b.screenshot(SHOTS.resolve("agent-desk-on-call-zh.png"));

      // The customer hangs up: the page sees the line ready again (polling) and waits for the next call.
      pbx.tracker().hangup(attempt, true).await(5, TimeUnit.SECONDS);
      b.waitFor("document.getElementById('agent-state').dataset.state === 'ready'"
          + " && document.getElementById('call-card').hidden && !document.getElementById('waiting').hidden", WAIT);
      assertEquals("就绪", b.text("#agent-state"));
      assertEquals(Boolean.TRUE, b.evaluate("document.getElementById('waiting-line-hint').hidden"));
      b.screenshot(SHOTS.resolve("agent-desk-ready-zh.png"));

      // English once.
      b.click(".lang-switch button[lang=en]");
      b.waitFor("document.documentElement.lang === 'en'", WAIT);
      assertEquals("Ready", b.text("#agent-state"));
      assertEquals("Waiting for calls", b.text("#waiting h3"));
      assertEquals("Close line", b.text("#line-close"));
      b.screenshot(SHOTS.resolve("agent-desk-ready-en.png"));

      // Not ready, then close the line.
      b.click("#line-not-ready");
      b.waitFor("document.getElementById('agent-state').dataset.state === 'not_ready'", WAIT);
      assertEquals("Not ready", b.text("#agent-state"));
      b.click("#line-close");
      b.waitFor("document.getElementById('agent-state').dataset.state === 'none'", WAIT);
      assertEquals("Line closed", b.text("#agent-state"));
      b.screenshot(SHOTS.resolve("agent-desk-closed-en.png"));
      // A refused "ready" (no line) is explained in our own words.
      b.evaluate("document.getElementById('line-ready').disabled = false");
      b.click("#line-ready");
      b.waitFor("document.getElementById('line-message').textContent !== ''", WAIT);
      assertEquals("Open your line first.", b.text("#line-message"));

      assertTrue(b.pageLog().stream().noneMatch(l -> l.startsWith("exception")), "page errors: " + b.pageLog());
    }
  }

  private static void pressEnter(Chromium b) {
    for (String type : List.of("keyDown", "keyUp")) {
      JsonObject ev = new JsonObject().put("type", type).put("key", "Enter").put("code", "Enter")
          .put("windowsVirtualKeyCode", 13).put("nativeVirtualKeyCode", 13);
      if (type.equals("keyDown")) {
        ev.put("text", "\r");
      }
      b.send("Input.dispatchKeyEvent", ev);
    }
  }
}
