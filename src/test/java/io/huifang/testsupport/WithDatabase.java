package io.huifang.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A migrated database and nothing else: an embedded PostgreSQL in a temporary folder with every Flyway migration
 * applied, for tests of a store or a query that need no server. On the class: one database for all its tests; on a
 * method: one for that test. Ask for its {@link io.vertx.sqlclient.Pool}, {@link io.huifang.db.Database} or
 * {@link io.vertx.core.Vertx} as a parameter or an {@link Injected} field of that type.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(DatabaseExtension.class)
public @interface WithDatabase {
  /** Connections in the pool. */
  int poolSize() default 4;
}
