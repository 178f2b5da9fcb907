package io.huifang.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes that must not be lost while the database is away: tried at once, and when the database does not answer,
 * appended to a local journal file ({@code data.dir/journal/writes.jnl}), fsync'd before the write counts as done,
 * and replayed in order once the database answers again. Every entry must be harmless to apply twice (an update
 * guarded by the state it moves from, an insert that does nothing on conflict, an outcome keyed by its attempt): a
 * write whose answer was lost with the connection may have reached the database after all.
 *
 * <p>While anything is in the journal, new writes go to its end too, so they are applied in the order they were
 * made. An entry the database refuses for another reason than being away (a constraint, a task gone) is not
 * retried for ever: it is moved to {@code writes.rejected} and logged as an error, so that it stays visible.
 *
 * <p>Two kinds of entries: an SQL statement with its arguments ({@link #update}), and a named write a module
 * registers ({@link #register}, {@link #write}) when one statement does not do (a transaction with logic).
 * File work runs on one worker thread of its own; nothing here blocks an event loop.
 */
public final class WriteJournal {
  private static final Logger log = LoggerFactory.getLogger(WriteJournal.class);
  /** The answer of {@link #update} for a statement kept in the journal rather than applied now. */
  public static final int KEPT = -1;
  private static final String SQL = "sql";

  private final Vertx vertx;
  private final Pool pool;
  private final Path file;
  private final Path rejected;
  private final WorkerExecutor io;
  private final Map<String, Function<JsonObject, Future<Void>>> kinds = new ConcurrentHashMap<>();
  /** Entries not yet applied, oldest first; guarded by this. */
  private final Deque<JsonObject> pending = new ArrayDeque<>();
  private final Supplier<Boolean> databaseUp;
  private long nextSeq = 1;
  private boolean replaying;
  private FileChannel channel;
  private long replayed;
  private long kept;

  WriteJournal(Vertx vertx, Pool pool, Path dir, Supplier<Boolean> databaseUp) {
    this.vertx = vertx;
    this.pool = pool;
    this.file = dir.resolve("writes.jnl");
    this.rejected = dir.resolve("writes.rejected");
    this.databaseUp = databaseUp;
    this.io = vertx.createSharedWorkerExecutor("huifang-journal", 1);
  }

  /** Reads what a previous run left in the journal (blocking: call on a worker, before the pool is used). */
  void open() {
    try {
      Files.createDirectories(file.getParent());
      List<JsonObject> entries = new ArrayList<>();
      java.util.Set<Long> acked = new java.util.HashSet<>();
      if (Files.exists(file)) {
        cutTornTail();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          JsonObject o;
          try {
            o = new JsonObject(line);
          } catch (RuntimeException torn) {
            continue; // the last line of a crash in the middle of an append: it was never acknowledged
          }
          if (o.containsKey("ack")) {
            acked.add(o.getLong("ack"));
          } else {
            entries.add(o);
          }
        }
      }
      synchronized (this) {
        for (JsonObject e : entries) {
          nextSeq = Math.max(nextSeq, e.getLong("seq") + 1);
          if (!acked.contains(e.getLong("seq"))) {
            pending.add(e);
          }
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      }
      if (!pending.isEmpty()) {
        log.atWarn().setMessage("write journal holds writes of an earlier run; they are applied when the database"
            + " answers").addKeyValue("writes", pending.size()).addKeyValue("file", file).log();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("write journal " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A crash in the middle of an append leaves a last line without its newline; that write was never acknowledged
   * (its caller did not go on), so it is cut off, and the next append starts on a line of its own.
   */
  private void cutTornTail() throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = c.size();
      long keep = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (keep > 0) {
        one.clear();
        c.read(one, keep - 1);
        if (one.get(0) == '\n') {
          break;
        }
        keep--;
      }
      if (keep < size) {
        log.atWarn().setMessage("write journal: a torn last line cut off").addKeyValue("bytes", size - keep).log();
        c.truncate(keep);
        c.force(true);
      }
    }
  }

  /** A named kind of write: {@code apply} does it from the entry's payload, and must be harmless to repeat. */
  public void register(String kind, Function<JsonObject, Future<Void>> apply) {
    kinds.put(kind, apply);
  }

  /** Writes not yet applied to the database. */
  public synchronized int pending() {
    return pending.size();
  }

  /** Writes kept in the journal since the start, and of those, applied since. */
  public synchronized JsonObject stats() {
    return new JsonObject().put("pending", pending.size()).put("kept", kept).put("replayed", replayed);
  }

  /**
   * Runs an update now, or keeps it for later when the database is away: answers the rows changed, or
   * {@link #KEPT}. Fails only when the database refuses it for another reason (the caller's error). The statement
   * must be harmless to apply twice; arguments may be null, strings, numbers, booleans, {@link OffsetDateTime}s,
   * {@link JsonObject}s and arrays of strings or longs.
   */
  public Future<Integer> update(String sql, Object... args) {
    JsonObject payload = new JsonObject().put("sql", sql).put("args", encode(args));
    return attempt(SQL, payload, () -> pool.preparedQuery(sql).execute(Tuple.from(args)).map(rs -> rs.rowCount()));
  }

  /**
   * A write of a registered {@code kind}: runs it now, or keeps it when the database is away. Completes when it is
   * applied or safely kept.
   */
  public Future<Void> write(String kind, JsonObject payload) {
    Function<JsonObject, Future<Void>> apply = kinds.get(kind);
    if (apply == null) {
      return Future.failedFuture(new IllegalArgumentException("no journal write of kind " + kind));
    }
    return attempt(kind, payload, () -> apply.apply(payload).map(v -> 0)).mapEmpty();
  }

  private Future<Integer> attempt(String kind, JsonObject payload, Supplier<Future<Integer>> now) {
    boolean behind;
    synchronized (this) {
      behind = !pending.isEmpty();
    }
    if (behind || !databaseUp.get()) {
      return keep(kind, payload, behind ? "after earlier writes still in the journal" : "the database is away")
          .map(KEPT);
    }
    return now.get().recover(e -> Database.unavailable(e)
        ? keep(kind, payload, e.getMessage()).map(KEPT) : Future.failedFuture(e));
  }

  private Future<Void> keep(String kind, JsonObject payload, String why) {
    return io.executeBlocking(() -> {
      JsonObject entry;
      synchronized (this) {
        entry = new JsonObject().put("seq", nextSeq++).put("kind", kind).put("at", java.time.Instant.now().toString())
            .put("payload", payload);
        append(entry);
        pending.add(entry);
        kept++;
      }
      log.atWarn().setMessage("write kept in the journal").addKeyValue("kind", kind)
          .addKeyValue("seq", entry.getLong("seq")).addKeyValue("reason", why).log();
      return null;
    }, true);
  }

  /** Appends a line and waits until it is on disk. Called with this held. */
  private void append(JsonObject line) {
    try {
      ByteBuffer b = ByteBuffer.wrap((line.encode() + "\n").getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("write journal " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Applies the journal in order while the database answers; stops at the first write that finds it away (the next
   * call goes on from there). Completes with the number applied.
   */
  public Future<Integer> replay() {
    synchronized (this) {
      if (replaying || pending.isEmpty()) {
        return Future.succeededFuture(0);
      }
      replaying = true;
      log.atInfo().setMessage("replaying the write journal").addKeyValue("writes", pending.size()).log();
    }
    Promise<Integer> done = Promise.promise();
    next(0, done);
    return done.future().onComplete(ar -> {
      synchronized (this) {
        replaying = false;
      }
      if (ar.succeeded()) {
        log.atInfo().setMessage("write journal replayed").addKeyValue("applied", ar.result())
            .addKeyValue("left", pending()).log();
      } else {
        log.atWarn().setMessage("write journal replay paused").addKeyValue("left", pending())
            .addKeyValue("error", ar.cause().getMessage()).log();
      }
    });
  }

  private void next(int applied, Promise<Integer> done) {
    JsonObject entry;
    synchronized (this) {
      entry = pending.peekFirst();
    }
    if (entry == null) {
      io.executeBlocking(() -> {
        compactIfEmpty();
        return null;
      }, true).onComplete(ar -> done.complete(applied));
      return;
    }
    apply(entry).transform(ar -> {
      if (ar.failed() && (Database.unavailable(ar.cause()) || ar.cause() instanceof NotRegistered)) {
        return Future.<Boolean>failedFuture(ar.cause());
      }
      return io.executeBlocking(() -> {
        if (ar.failed()) {
          reject(entry, ar.cause());
        }
        synchronized (this) {
          append(new JsonObject().put("ack", entry.getLong("seq")));
          pending.pollFirst();
          if (ar.succeeded()) {
            replayed++;
          }
        }
        return ar.succeeded();
      }, true);
    }).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else {
        next(applied + (ar.result() ? 1 : 0), done);
      }
    });
  }

  private Future<Void> apply(JsonObject entry) {
    String kind = entry.getString("kind");
    JsonObject payload = entry.getJsonObject("payload");
    if (SQL.equals(kind)) {
      return pool.preparedQuery(payload.getString("sql")).execute(Tuple.from(decode(payload.getJsonArray("args"))))
          .mapEmpty();
    }
    Function<JsonObject, Future<Void>> apply = kinds.get(kind);
    if (apply == null) {
      return Future.failedFuture(new NotRegistered(kind));
    }
    return apply.apply(payload);
  }

  /** A kind of an earlier run that nobody has registered yet (the server is still starting): wait for it. */
  private static final class NotRegistered extends IllegalStateException {
    NotRegistered(String kind) {
      super("no journal write of kind " + kind + " registered yet");
    }
  }

  /** Kept aside, visibly: the database refused it for a reason that retrying will not change. */
  private void reject(JsonObject entry, Throwable cause) {
    log.atError().setMessage("journal write refused by the database; kept in writes.rejected")
        .addKeyValue("kind", entry.getString("kind")).addKeyValue("seq", entry.getLong("seq"))
        .addKeyValue("error", cause.getMessage()).log();
    try {
      Files.writeString(rejected, entry.copy().put("error", String.valueOf(cause.getMessage())).encode() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    } catch (IOException e) {
      log.atError().setMessage("write journal: cannot keep a refused write").addKeyValue("error", e.getMessage())
          .log();
    }
  }

  /** Once every entry is applied the file starts over empty, so it does not grow for ever. */
  private void compactIfEmpty() throws IOException {
    synchronized (this) {
      if (pending.isEmpty() && channel.size() > 0) {
        channel.truncate(0);
        channel.force(true);
      }
    }
  }

  void close() {
    synchronized (this) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // closing
      }
    }
    io.close();
  }

  // ---- arguments as JSON, with their types ---------------------------------------------------------------------

  static JsonArray encode(Object[] args) {
    JsonArray out = new JsonArray();
    for (Object a : args) {
      if (a == null) {
        out.addNull();
      } else if (a instanceof String s) {
        out.add(new JsonObject().put("s", s));
      } else if (a instanceof Integer i) {
        out.add(new JsonObject().put("i", i));
      } else if (a instanceof Long l) {
        out.add(new JsonObject().put("l", l));
      } else if (a instanceof Boolean b) {
        out.add(new JsonObject().put("b", b));
      } else if (a instanceof Double d) {
        out.add(new JsonObject().put("d", d));
      } else if (a instanceof BigDecimal n) {
        out.add(new JsonObject().put("n", n.toPlainString()));
      } else if (a instanceof OffsetDateTime t) {
        out.add(new JsonObject().put("t", t.toString()));
      } else if (a instanceof JsonObject o) {
        out.add(new JsonObject().put("j", o));
      } else if (a instanceof String[] ss) {
        out.add(new JsonObject().put("ss", new JsonArray(List.of((Object[]) ss))));
      } else if (a instanceof Long[] ls) {
        out.add(new JsonObject().put("ls", new JsonArray(List.of((Object[]) ls))));
      } else {
        throw new IllegalArgumentException("a journal argument cannot be a " + a.getClass().getName());
      }
    }
    return out;
  }

  static Object[] decode(JsonArray args) {
    Object[] out = new Object[args.size()];
    for (int i = 0; i < out.length; i++) {
      JsonObject a = args.getJsonObject(i);
      if (a == null) {
        continue;
      }
      String t = a.fieldNames().iterator().next();
      out[i] = switch (t) {
        case "s" -> a.getString(t);
        case "i" -> a.getInteger(t);
        case "l" -> a.getLong(t);
        case "b" -> a.getBoolean(t);
        case "d" -> a.getDouble(t);
        case "n" -> new BigDecimal(a.getString(t));
        case "t" -> OffsetDateTime.parse(a.getString(t));
        case "j" -> a.getJsonObject(t);
        case "ss" -> a.getJsonArray(t).getList().stream().map(String::valueOf).toArray(String[]::new);
        case "ls" -> a.getJsonArray(t).getList().stream().map(x -> ((Number) x).longValue()).toArray(Long[]::new);
        default -> throw new IllegalArgumentException("unknown journal argument type " + t);
      };
    }
    return out;
  }
}
