package io.huifang.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void servesOneWellFormedRange() throws Exception {
    assertNull(ByteRange.parse(null, 1000));
    assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
    assertEquals(new ByteRange(500, 999), ByteRange.parse("bytes=500-", 1000));
    assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=-100", 1000));
    assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", 1000), "a suffix longer than the file");
    assertEquals(new ByteRange(990, 999), ByteRange.parse("bytes=990-5000", 1000), "the end is clamped");
    // RFC 9110 §14.1.2: a last-byte-pos past the end, whatever its size, is trimmed to the representation (206).
    assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=0-99999999999999999999", 1000));
    assertEquals(new ByteRange(10, 999), ByteRange.parse("bytes=10-99" + "9".repeat(100), 1000));
    assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-" + "9".repeat(30), 1000), "a huge suffix");
    assertEquals("bytes 0-99/1000", ByteRange.parse("bytes=0-99", 1000).contentRange(1000));
    assertEquals(100, ByteRange.parse("bytes=0-99", 1000).length());
  }

  @Test
  void refusesEverythingElse() {
    for (String bad : new String[] {"bytes=1000-", "bytes=5-2", "bytes=-0", "bytes=-", "bytes=0-1,5-6",
        "items=0-1", "bytes=abc", "bytes= 0-1", "bytes=0x10-", "bytes=-1-2", "bytes=99999999999999999999-",
        "", "bytes=0-" + "9".repeat(300)}) {
      assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse(bad, 1000), bad);
    }
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=0-", 0), "empty file");
  }
}
