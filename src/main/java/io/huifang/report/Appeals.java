package io.huifang.report;

import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.Set;

/**
 * The calls whose dealer's appeal was upheld (申诉成功): they do not count against the dealer. Casework owns appeals
 * and does not exist yet, so the wiring gives {@link #NONE}; when it does, it fills this seam and the month's scores
 * leave those calls out without any change here.
 */
@FunctionalInterface
public interface Appeals {
  Appeals NONE = (kind, from, to) -> Future.succeededFuture(Set.of());

  /** The attempt ids appealed away among the calls of {@code kind} submitted in [from, to). */
  Future<Set<String>> upheld(String kind, OffsetDateTime from, OffsetDateTime to);
}
