package io.huifang.supervisor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The dashboard's figures that only the database knows exactly (windows over ended attempts, list progress, dealers'
 * samples, agents' day and QA month), read as of {@code now}. The live board asks for them when something they count
 * may have changed and merges them with the live state (lines, calls, the pacer), see docs/supervisor-api.md.
 */
public interface FigureSource {
  /**
   * {@code {"campaigns": {"<id>": {"connection", "machines", "hangupCauses", "list", "callbackRate"}},
   * "totals": {"connection", "machines", "hangupCauses"}, "dealers": [ … ], "agents": {"<id>": {"today", "qaMonth"}}}},
   * each part shaped as in the contract's {@code <Board>}.
   */
  Future<JsonObject> read(Instant now);
}
