package io.huifang.pbx.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The FastAGI survey script the traces were captured with (05a/05b), as a blocking test server.
 * Every session's lines are recorded: "<<< " what the emulator sent, ">>> " what the script sent.
 */
final class TestAgiServer implements AutoCloseable {
  static final List<String> SURVEY = List.of("ANSWER", "GET VARIABLE CAMPAIGN", "STREAM FILE sim/hello \"\"",
      "GET DATA sim/prompt 6000 3", "SET VARIABLE SURVEY_Q1 \"%s\"", "WAIT FOR DIGIT 6000",
      "GET FULL VARIABLE \"${CHANNEL(state)}|${SURVEY_Q1}|${CALLERID(num)}\"", "CHANNEL STATUS",
      "VERBOSE \"survey finished for ${UNIQUEID}\" 1", "STREAM FILE sim/doesnotexist \"\"", "NOOP", "FOOBAR baz",
      "GET DATA", "EXEC Playback sim/thanks", "HANGUP", "CHANNEL STATUS", "SET VARIABLE AFTER_HANGUP \"yes\"",
      "GET VARIABLE SURVEY_Q1");

  final ServerSocket server;
  final LinkedBlockingQueue<List<String>> sessions = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  TestAgiServer() throws IOException {
    server = new ServerSocket(0);
    acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> session(s), "test-agi-session");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "test-agi-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void session(Socket s) {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        log.add("<<< " + line);
        if (line.isEmpty()) {
          break;
        }
      }
      boolean hungup = false;
      int dead = 0;
      String q1 = "";
      for (String tmpl : SURVEY) {
        String cmd = tmpl.contains("%s") ? String.format(tmpl, q1) : tmpl;
        log.add(">>> " + cmd);
        out.write((cmd + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String reply = in.readLine();
        if (reply == null) {
          break;
        }
        log.add("<<< " + reply);
        if (reply.equals("HANGUP")) {
          hungup = true;
          reply = in.readLine();
          if (reply == null) {
            break;
          }
          log.add("<<< " + reply);
        }
        if (reply.startsWith("520-")) {
          do {
            reply = in.readLine();
            log.add("<<< " + reply);
          } while (reply != null && !reply.startsWith("520 "));
          if (reply == null) {
            break;
          }
        }
        if (cmd.startsWith("GET DATA sim/prompt")) {
          q1 = reply.substring(reply.indexOf('=') + 1).split(" ")[0];
        }
        if (hungup && ++dead >= 3) {
          break;
        }
      }
    } catch (IOException e) {
      log.add("!!! " + e);
    }
    sessions.add(log);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
