package io.huifang.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  @Test
  void argon2idHashesVerifyAndAreSalted() {
    Vertx vertx = Vertx.vertx();
    try {
      PasswordHasher h = new PasswordHasher(vertx);
      String a = h.hash("correct horse battery").await();
      String b = h.hash("correct horse battery").await();
      assertTrue(a.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), a);
      assertNotEquals(a, b, "random salt per hash");
      assertTrue(h.verify("correct horse battery", a).await());
      assertFalse(h.verify("correct horse batterY", a).await());
      assertFalse(h.verify("anything", null).await(), "unknown user never verifies");
      assertFalse(h.verify("anything", "garbage").await(), "a corrupt hash never verifies");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void weakPasswordsAreNamed() {
    assertTrue(PasswordHasher.weakness("short").english().contains("at least 10"));
    assertTrue(PasswordHasher.weakness("short").chinese().contains("10"));
    assertTrue(PasswordHasher.weakness("          ").english().contains("blank"));
    assertNull(PasswordHasher.weakness("long enough 1"));
  }
}
