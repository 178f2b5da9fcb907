package io.huifang.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.huifang.db.Database;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link WithDatabase}: a migrated embedded PostgreSQL, its pool given as a parameter and a field. */
@WithDatabase
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WithDatabaseIT {
  @Injected
  Pool pool;
  Pool seenBeforeAll;

  @BeforeAll
  void before(Pool pool) {
    seenBeforeAll = pool;
  }

  static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }

  @Test
  void everyMigrationIsAppliedAndThePoolIsInjected(Pool parameter, Database database) {
    assertSame(pool, parameter, "the field and the parameter are one pool");
    assertSame(seenBeforeAll, parameter, "one database for the class");
    assertSame(database.pool(), parameter);
    assertTrue(count(pool, "select count(*) from flyway_schema_history where success") >= 1);
    assertEquals(0, count(pool, "select count(*) from flyway_schema_history where not success"));
    assertEquals(0, count(pool, "select count(*) from call_task"), "an empty schema");
  }

  @Test
  @WithDatabase(poolSize = 1)
  void aMethodAskingForItsOwnGetsAFreshOne(Pool own) {
    assertNotSame(seenBeforeAll, own, "the method's own database, not the class's");
    assertSame(own, pool, "fields get the innermost database too");
    assertTrue(count(own, "select count(*) from flyway_schema_history where success") >= 1);
    assertEquals(1L, count(own, "select count(*) from pg_stat_activity where datname = current_database()"
        + " and backend_type = 'client backend'"), "its own pool, of one connection");
    // Each database is a copy of the one migrated template: what one writes, no other sees.
    own.query("create table isolation_probe (id int)").execute().await();
    assertEquals(0, count(seenBeforeAll, "select count(*) from pg_tables where tablename = 'isolation_probe'"),
        "the class's database does not see the method's");
  }
}
