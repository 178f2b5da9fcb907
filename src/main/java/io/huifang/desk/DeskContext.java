package io.huifang.desk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs the desk's work on the telephony context: the lines and calls the desk follows are confined to it, and so are
 * the desk's own calls and timers, so none of them needs a lock.
 */
final class DeskContext {
  private final Supplier<Context> context;

  DeskContext(Supplier<Context> context) {
    this.context = context;
  }

  void run(Runnable r) {
    Context context = this.context.get();
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  <T> Future<T> call(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    run(() -> {
      try {
        work.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }
}
