package io.huifang.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole Huifang ({@link TestServer}: embedded PostgreSQL, PBX emulator, real HTTP on free ports) for the tests. On
 * the class: one server for all its tests, up before {@code @BeforeAll}; on a method: one for that test. Ask for it
 * as a {@link TestServer} parameter (of a test, {@code @BeforeAll} or {@code @BeforeEach} method) or an {@link Injected}
 * {@code TestServer} field. {@link TestServer#restart()} starts it again on the same data dir.
 *
 * <pre>{@code
 * @WithServer(flags = "--emulator.speed=4")
 * class SomeIT {
 *   @Test
 *   void x(TestServer server) { ... server.restart(); ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ServerExtension.class)
public @interface WithServer {
  /** In a flag, replaced by a port nobody listens on when the server starts; read it back with {@link TestServer#flag}. */
  String FREE_PORT = "{free-port}";

  /** Extra flags, {@code --key=value}, over the test defaults (the demo is off unless a flag says otherwise). */
  String[] flags() default {};

  /**
   * Whether the server starts on an empty data dir, as a first start does: initdb, the database, every migration.
   * Otherwise (the default) it starts on a copy of a cluster migrated once per test JVM ({@link MigratedCluster}),
   * with a PostgreSQL of its own all the same.
   */
  boolean firstStart() default false;

  /** A classpath resource to run the emulator with ({@code --emulator.scenario}); none = the built-in scenario. */
  String scenario() default "";
}
