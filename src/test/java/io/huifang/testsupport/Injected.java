package io.huifang.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A non-static field that {@link WithServer} or {@link WithDatabase} fills with the part of its type (the
 * {@link TestServer}; the pool, database or Vert.x), before each test and, with a per-class lifecycle, before
 * {@code @BeforeAll}. Only marked fields are filled, so a test may keep other fields of those types.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Injected {
}
