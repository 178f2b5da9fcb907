package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.testsupport.Browser;
import io.huifang.testsupport.TestServer;
import io.huifang.testsupport.WithServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A person in a real browser against the real server: admin signs in, creates an agent and resets the agent's
 * password; the agent signs in with the reset password, is made to change it, and then uses the desk.
 */
class BrowserLoginIT {
  private static final Path SHOTS = Path.of("target", "screenshots");

  @Test
  @WithServer
  void adminSignsInCreatesAnAgentWhoThenSignsIn(TestServer server) throws Exception {
    Assumptions.assumeTrue(Browser.available(), "no chromium/chromedriver (.ci/run installs Debian's)");
    Files.createDirectories(SHOTS);
    try (Browser b = Browser.launch()) {
      b.navigate(server.url("/"));
      assertEquals("zh-CN", b.evaluate("document.documentElement.lang"), "Chinese by default");
      b.type("#username", "admin");
      b.type("#password", "wrong-password-here");
      b.click("#login-submit");
      b.waitFor("document.getElementById('login-message').textContent.trim() !== ''", Duration.ofSeconds(20));
      assertEquals("/", b.evaluate("location.pathname"), "a wrong password stays on the login page");

      b.type("#password", TestServer.ADMIN_PASSWORD);
      b.click("#login-submit");
      b.waitFor("location.pathname === '/admin.html' && document.querySelectorAll('#users-body tr[data-username]')"
          + ".length >= 1", Duration.ofSeconds(15));
      b.waitFor("document.getElementById('health-overall') && document.getElementById('health-overall')"
          + ".dataset.status !== undefined && document.getElementById('health-overall').dataset.status !== ''",
          Duration.ofSeconds(15));

      b.type("#new-username", "li.na");
      b.type("#new-displayName", "李娜");
      b.evaluate("(() => { const s = document.getElementById('new-role'); s.value = 'agent';"
          + " s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()");
      b.type("#new-password", "agent-password-1");
      b.click("#create-submit");
      b.waitFor("document.querySelector('#users-body tr[data-username=\"li.na\"]') !== null", Duration.ofSeconds(15));
      b.screenshot(SHOTS.resolve("real-admin-zh.png"));

      // The admin resets the agent's password to a temporary one.
      b.click("#users-body tr[data-username=\"li.na\"] .reset-password");
      b.waitFor("document.getElementById('reset-dialog') !== null && document.getElementById('reset-dialog').open",
          Duration.ofSeconds(20));
      b.type("#reset-password", "temporary-pass-7");
      b.click("#reset-submit");
      b.waitFor("document.getElementById('reset-dialog') === null"
          + " && document.querySelector('#users-body tr[data-username=\"li.na\"] .must-change') !== null",
          Duration.ofSeconds(15));

      b.click("#logout");
      b.waitFor("location.pathname === '/'", Duration.ofSeconds(20));
      b.navigate(server.url("/"));
      b.type("#username", "li.na");
      b.type("#password", "agent-password-1");
      b.click("#login-submit");
      b.waitFor("document.getElementById('login-message').textContent.trim() !== ''", Duration.ofSeconds(20));
      assertEquals("/", b.evaluate("location.pathname"), "the old password no longer works");
      b.type("#password", "temporary-pass-7");
      b.click("#login-submit");
      b.waitFor("location.pathname === '/agent.html'", Duration.ofSeconds(15));

      // Signed in with the temporary password: the change-password dialog is forced on the agent.
      b.waitFor("document.getElementById('password-dialog') !== null && document.getElementById('password-dialog').open"
          + " && !document.getElementById('password-forced').hidden", Duration.ofSeconds(15));
      b.type("#pw-current", "wrong-password-9");
      b.type("#pw-new", "my-own-password-8");
      b.type("#pw-confirm", "my-own-password-8");
      b.click("#pw-submit");
      b.waitFor("document.getElementById('pw-current-error').textContent.trim() !== ''", Duration.ofSeconds(20));
      assertEquals("当前密码不正确。", b.text("#pw-current-error"));
      b.screenshot(SHOTS.resolve("real-password-forced-zh.png"));
      b.type("#pw-current", "temporary-pass-7");
      b.click("#pw-submit");
      b.waitFor("document.getElementById('password-dialog') === null", Duration.ofSeconds(15));
      assertEquals(Boolean.FALSE, b.evaluate("fetch('/api/me').then((r) => r.json()).then((j) => j.user.mustChangePassword)"));
      b.waitFor("document.getElementById('ws-indicator').dataset.state === 'connected'", Duration.ofSeconds(15));
      b.screenshot(SHOTS.resolve("real-agent-zh.png"));
      assertTrue(Files.size(SHOTS.resolve("real-agent-zh.png")) > 5_000);

      // The agent may not open the admin page: the shell shows "no permission", the API said 403.
      b.navigate(server.url("/admin.html"));
      b.waitFor("document.querySelector('.denied') !== null", Duration.ofSeconds(20));
    }
  }
}
