package io.huifang.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.net.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class SameOriginTest {
  final SameOrigin none = new SameOrigin(List.of());

  @Test
  void theOriginMustBeTheHostTheBrowserAsked() {
    assertTrue(none.allows("http://127.0.0.1:8080", HostAndPort.create("127.0.0.1", 8080)));
    assertTrue(none.allows("https://HF.example.com", HostAndPort.create("hf.example.com", -1)), "default port");
    assertTrue(none.allows("http://hf.example.com", HostAndPort.create("hf.example.com", 80)));
    assertTrue(none.allows("http://[::1]:8080", HostAndPort.create("[::1]", 8080)));
    assertFalse(none.allows("http://127.0.0.1:8081", HostAndPort.create("127.0.0.1", 8080)), "another port");
    assertFalse(none.allows("https://hf.example.com", HostAndPort.create("hf.example.com", 80)), "another scheme's port");
    assertFalse(none.allows("http://hf.example.com.evil.example", HostAndPort.create("hf.example.com", -1)));
    assertFalse(none.allows("null", HostAndPort.create("hf.example.com", -1)));
    assertFalse(none.allows("file://", HostAndPort.create("hf.example.com", -1)));
    assertFalse(none.allows("http://hf.example.com", null), "no Host: nothing to compare with");
  }

  @Test
  void configuredOriginsAreAllowedWhateverTheHost() {
    SameOrigin proxied = new SameOrigin(List.of("https://huifang.example.com"));
    assertTrue(proxied.allows("https://huifang.example.com", HostAndPort.create("10.0.0.5", 8080)));
    assertTrue(proxied.allows("https://huifang.example.com:443", HostAndPort.create("10.0.0.5", 8080)));
    assertFalse(proxied.allows("http://huifang.example.com", HostAndPort.create("10.0.0.5", 8080)));
  }

  @Test
  void refererAndContentTypeHelpers() {
    assertEquals("https://a.example:8443", SameOrigin.ofReferer("https://a.example:8443/page.html?x=1"));
    assertEquals("null", SameOrigin.ofReferer("about:blank"));
    assertEquals("application/json", SameOrigin.mediaType("Application/JSON; charset=utf-8"));
    assertEquals("", SameOrigin.mediaType(null));
  }
}
