package io.huifang.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures mean "the database is away" (kept in the write journal, answered 503) and which are the statement's
 * or someone else's (passed on as they are): a file that cannot be read must not be taken for an outage.
 */
class DatabaseUnavailableTest {
  @Test
  void networkFailuresAndServerShutdownsAreTheDatabaseAway() {
    assertTrue(Database.unavailable(new ConnectException("Connection refused: /127.0.0.1:5432")));
    assertTrue(Database.unavailable(ClosedConnectionException.INSTANCE));
    assertTrue(Database.unavailable(new PgException("terminating connection due to administrator command", "FATAL",
        "57P01", null)));
    assertTrue(Database.unavailable(new PgException("the database system is starting up", "FATAL", "57P03", null)));
    assertTrue(Database.unavailable(new PgException("connection failure", "FATAL", "08006", null)));
    assertTrue(Database.unavailable(new CompletionException(new ConnectException("refused"))), "wrapped");
  }

  @Test
  void refusedStatementsAndOtherFailuresAreNot() {
    assertFalse(Database.unavailable(new PgException("duplicate key", "ERROR", "23505", null)));
    assertFalse(Database.unavailable(new PgException("null value", "ERROR", "23502", null)));
    assertFalse(Database.unavailable(new NoSuchFileException("/data/uploads/x.csv")));
    assertFalse(Database.unavailable(new io.vertx.core.file.FileSystemException("file closed")));
    assertFalse(Database.unavailable(new IllegalStateException("task 7 is already done")));
    assertFalse(Database.unavailable(new RuntimeException("closed")));
  }
}
