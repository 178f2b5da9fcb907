package io.huifang.pbx.ami;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AmiCodecTest {
  static Path traces() {
    Path p = Path.of("../shared/asterisk-traces");
    return Files.isDirectory(p) ? p : Path.of("/work/shared/asterisk-traces");
  }

  @Test
  void parsesAndReEncodesTraceBytesExactly() throws Exception {
    // Every raw-in transcript, fed one byte at a time, must come back out byte for byte.
    int files = 0;
    try (var list = Files.list(traces())) {
      for (Path f : (Iterable<Path>) list.filter(p -> p.toString().endsWith(".raw-in.txt"))::iterator) {
        byte[] raw = Files.readAllBytes(f);
        List<AmiMessage> msgs = new ArrayList<>();
        String[] banner = new String[1];
        AmiParser p = new AmiParser(msgs::add).bannerHandler(b -> banner[0] = b);
        for (byte b : raw) {
          p.handle(Buffer.buffer(new byte[] {b}));
        }
        assertEquals("Asterisk Call Manager/11.0.0", banner[0], f.toString());
        StringBuilder sb = new StringBuilder(AmiWriter.BANNER);
        msgs.forEach(m -> AmiWriter.appendTo(sb, m));
        assertArrayEquals(raw, sb.toString().getBytes(StandardCharsets.UTF_8), f.toString());
        files++;
      }
    }
    assertTrue(files >= 20, "trace files found: " + files);
  }

  @Test
  void keepsRepeatedHeadersInOrder() {
    List<AmiMessage> msgs = new ArrayList<>();
    new AmiParser(msgs::add).handle(Buffer.buffer(
        "Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\nAccountCode: \r\n\r\n"));
    AmiMessage m = msgs.get(0);
    assertEquals(List.of("A=1", "B=2"), m.getAll("variable"));
    assertEquals("", m.get("AccountCode"));
    assertEquals("Originate", m.get("ACTION"));
    assertEquals("Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\nAccountCode: \r\n\r\n", m.toString());
  }

  @Test
  void acceptsBareLfAndSplitsAcrossChunks() {
    List<AmiMessage> msgs = new ArrayList<>();
    AmiParser p = new AmiParser(msgs::add);
    p.handle(Buffer.buffer("Action: Pi"));
    p.handle(Buffer.buffer("ng\nActionID: 1\n"));
    assertEquals(0, msgs.size());
    p.handle(Buffer.buffer("\nAction: Logoff\r\n\r\n"));
    assertEquals(2, msgs.size());
    assertEquals("Ping", msgs.get(0).get("Action"));
    assertEquals("1", msgs.get(0).get("ActionID"));
    assertEquals("Logoff", msgs.get(1).get("Action"));
  }

  @Test
  void oversizedMessageFailsOnceAndStops() {
    List<AmiMessage> msgs = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    AmiParser p = new AmiParser(1024, 4096, msgs::add).errorHandler(errors::add);
    StringBuilder sb = new StringBuilder("Action: Ping\r\n");
    for (int i = 0; i < 100; i++) {
      sb.append("X-Header-").append(i).append(": ").append("v".repeat(60)).append("\r\n");
    }
    sb.append("\r\nAction: Ping\r\n\r\n");
    p.handle(Buffer.buffer(sb.toString()));
    assertEquals(0, msgs.size());
    assertEquals(1, errors.size());
    assertTrue(p.failed());
  }

  @Test
  void overlongLineFails() {
    List<String> errors = new ArrayList<>();
    AmiParser p = new AmiParser(64, 4096, m -> {}).errorHandler(errors::add);
    p.handle(Buffer.buffer("Action: " + "x".repeat(100)));
    assertEquals(1, errors.size());
  }

  @Test
  void junkLinesAreKeptUnderAnEmptyName() {
    List<AmiMessage> msgs = new ArrayList<>();
    new AmiParser(msgs::add).handle(Buffer.buffer("garbage without colon\r\n\r\n"));
    assertEquals(1, msgs.size());
    assertEquals(null, msgs.get(0).get("Action"));
  }

  @Test
  void writerNeverBreaksFraming() {
    AmiMessage m = new AmiMessage().add("Response", "Success").add("Message", "a\r\nEvent: Fake");
    assertEquals("Response: Success\r\nMessage: a  Event: Fake\r\n\r\n", AmiWriter.toText(m));
  }
}
