package io.huifang.dialer;

import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.telephony.AttemptStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which campaigns are dialled: every few seconds the active progressive and predictive campaigns are read, a run
 * is started for each new one (once its abandonment history is in), stopped for each paused or gone, and given the
 * latest settings otherwise. Confined to the telephony context.
 */
final class CampaignReload {
  private static final Logger log = LoggerFactory.getLogger(CampaignReload.class);

  /** Makes the run of a campaign, on every PBX; {@code historyRestored} as {@link CampaignRun} takes it. */
  interface RunFactory {
    CampaignRun create(Campaign campaign, boolean historyRestored, long now);
  }

  /** A campaign that became active (or is active at start-up), its history being read before its run starts. */
  private static final class Starting {
    /** The latest of the campaign, as the reloads see it meanwhile. */
    Campaign campaign;
    /** The moment the history is read up to. */
    final long asked;
    /** Answers and abandons heard while the history is read ({at, answers, abandons}), for after it. */
    final List<long[]> heard = new ArrayList<>();

    Starting(Campaign campaign, long asked) {
      this.campaign = campaign;
      this.asked = asked;
    }
  }

  /** Answers and abandons kept while one campaign's history is read: far more than a read's seconds bring. */
  static final int MAX_HEARD_WHILE_STARTING = 10_000;

  /** What the reloads read from the database: the campaigns, the paused ones, a campaign's abandonment history. */
  interface Reads {
    io.vertx.core.Future<List<Campaign>> campaigns();

    io.vertx.core.Future<java.util.Set<Long>> paused();

    io.vertx.core.Future<List<AttemptStore.AbandonBucket>> abandonHistory(long campaignId, Instant now);

    static Reads of(CampaignStore campaigns, AttemptStore attempts) {
      return new Reads() {
        @Override
        public io.vertx.core.Future<List<Campaign>> campaigns() {
          return campaigns.list();
        }

        @Override
        public io.vertx.core.Future<java.util.Set<Long>> paused() {
          return campaigns.pauses().map(Map::keySet);
        }

        @Override
        public io.vertx.core.Future<List<AttemptStore.AbandonBucket>> abandonHistory(long campaignId, Instant now) {
          return attempts.abandonHistory(campaignId, now);
        }
      };
    }
  }

  private final Context context;
  private final Reads reads;
  private final Clock clock;
  private final RunFactory factory;
  private final Map<Long, CampaignRun> runs = new HashMap<>();
  /** Campaigns to dial whose run waits for their history: never both here and in {@link #runs}. */
  private final Map<Long, Starting> starting = new HashMap<>();
  /** Reads of the campaigns started, and the latest applied (reads may complete out of order). */
  private long readsStarted;
  private long readApplied;

  CampaignReload(Context context, CampaignStore campaigns, AttemptStore attempts, Clock clock, RunFactory factory) {
    this(context, Reads.of(campaigns, attempts), clock, factory);
  }

  CampaignReload(Context context, Reads reads, Clock clock, RunFactory factory) {
    this.context = context;
    this.reads = reads;
    this.clock = clock;
    this.factory = factory;
  }

  /** The campaign's current run, or null when it is not (or not yet) dialled. */
  CampaignRun current(long campaignId) {
    return runs.get(campaignId);
  }

  /** Whether this run is still the campaign's (a call of a campaign paused meanwhile ends through an old run). */
  boolean isCurrent(CampaignRun run) {
    return runs.get(run.id()) == run;
  }

  List<CampaignRun> runs() {
    return new ArrayList<>(runs.values());
  }

  /** Forgets every run; a history read still under way finds itself forgotten and starts nothing. */
  void clear() {
    runs.clear();
    starting.clear();
  }

  /**
   * Every run starts again, each once its campaign's history is read back (a PBX taken over from another node); the
   * runs dropped end their calls under way and dial no more ({@link #isCurrent}).
   */
  void restart() {
    clear();
    reload();
  }

  /**
   * An answer or abandon of the campaign at {@code at} that no current run counted when it happened: a call this node
   * adopted when it took a PBX over (dialled by the node that died) or after a restart, or one dialled by a run that
   * a restart dropped (its figures went with it). The current run counts it unless its history read already did
   * (the read counts everything stored up to its moment; a later event never is), and a run still waiting for its
   * history counts it right after the history. Without this a take-over's abandons (the customers who answered in the
   * gap, abandoned and closed by the new owner after its read) were in the database's hour but not in the pacer's,
   * which then planned with a budget they had already spent. Call on the context.
   */
  void heard(long campaignId, long at, long answers, long abandons) {
    CampaignRun r = runs.get(campaignId);
    if (r != null) {
      if (at > r.historyAsOf) {
        count(r, at, answers, abandons);
      }
      return;
    }
    Starting s = starting.get(campaignId);
    if (s != null && s.heard.size() < MAX_HEARD_WHILE_STARTING) {
      s.heard.add(new long[] {at, answers, abandons});
    }
  }

  private static void count(CampaignRun r, long at, long answers, long abandons) {
    for (long i = 0; i < answers; i++) {
      r.abandons.liveAnswered(at);
    }
    for (long i = 0; i < abandons; i++) {
      r.abandons.abandoned(at);
    }
  }

  /** Reads the campaigns and applies them; completes once applied (on the context). */
  io.vertx.core.Future<Void> reload() {
    io.vertx.core.Promise<Void> applied = io.vertx.core.Promise.promise();
    long read = ++readsStarted;
    reads.campaigns().compose(list -> reads.paused().map(paused -> dialled(list, paused)))
        .onSuccess(wanted -> context.runOnContext(v -> {
          // A read that started before a newer one already applied is older news (a pause would come undone)
          if (read > readApplied) {
            readApplied = read;
            apply(wanted);
          }
          applied.complete();
        }))
        .onFailure(e -> {
          log.atWarn().setMessage("campaigns not loaded").addKeyValue("error", e.getMessage()).log();
          applied.fail(e);
        });
    return applied.future();
  }

  /**
   * The campaigns the dialer dials: active, not paused by a supervisor, not preview (an agent dials those from the
   * desk).
   */
  private static Map<Long, Campaign> dialled(List<Campaign> list, java.util.Set<Long> paused) {
    Map<Long, Campaign> wanted = new HashMap<>();
    for (Campaign c : list) {
      if (c.active() && !paused.contains(c.id()) && c.dialMode() != Campaign.DialMode.PREVIEW) {
        wanted.put(c.id(), c);
      }
    }
    return wanted;
  }

  private void apply(Map<Long, Campaign> wanted) {
    runs.keySet().removeIf(id -> !wanted.containsKey(id));
    starting.keySet().removeIf(id -> !wanted.containsKey(id));
    long now = clock.millis();
    for (Campaign c : wanted.values()) {
      CampaignRun r = runs.get(c.id());
      Starting s = starting.get(c.id());
      if (r != null) {
        r.update(c, now);
      } else if (s != null) {
        s.campaign = c;
      } else {
        start(c, now);
      }
    }
  }

  /**
   * Starts dialling a campaign once its abandonment history of the last 30 days is in its figures: they are only in
   * memory, and without it a restart or a pause would show supervisors wrong 24-hour and 30-day figures and, worse,
   * let the pacers spend the rolling hour's abandon budget a second time. The run is created only when the history
   * is in, so no live event of the campaign can reach its figures first (a window's bucket is reset when a later
   * time reaches its slot: history must go in before live events, in time order). The history is the campaign's on
   * every PBX, read once into the one set of figures its PBXes share.
   */
  private void start(Campaign c, long asked) {
    Starting s = new Starting(c, asked);
    starting.put(c.id(), s);
    reads.abandonHistory(c.id(), Instant.ofEpochMilli(asked))
        .onComplete(ar -> context.runOnContext(v -> historyRead(s, ar)));
  }

  private void historyRead(Starting s, AsyncResult<List<AttemptStore.AbandonBucket>> ar) {
    long id = s.campaign.id();
    if (starting.get(id) != s) {
      return; // no longer active, or the dialer stopped: the next activation reads the history again
    }
    starting.remove(id);
    long now = clock.millis();
    CampaignRun r = ar.succeeded() ? withHistory(s.campaign, ar.result(), now) : withoutHistory(s.campaign, ar.cause(),
        now);
    if (ar.succeeded()) {
      r.historyAsOf = s.asked;
    }
    for (long[] e : s.heard) {
      if (e[0] > r.historyAsOf) {
        count(r, e[0], e[1], e[2]);
      }
    }
    runs.put(id, r);
  }

  private CampaignRun withHistory(Campaign c, List<AttemptStore.AbandonBucket> history, long now) {
    CampaignRun r = factory.create(c, true, now);
    long answers = 0;
    long abandons = 0;
    for (AttemptStore.AbandonBucket b : history) {
      r.abandons.restore(b.at(), b.liveAnswers(), b.abandons());
      answers += b.liveAnswers();
      abandons += b.abandons();
    }
    log.atInfo().setMessage("dialling campaign").addKeyValue("campaign", c.id())
        .addKeyValue("mode", Campaign.id(c.dialMode())).addKeyValue("pbxes", r.pbxRuns().size())
        .addKeyValue("liveAnswers30d", answers).addKeyValue("abandons30d", abandons).log();
    return r;
  }

  /**
   * Dialling goes on without the history, but not as if the last hour had no abandons: that could spend the hour's
   * budget twice and break the target regulators hold us to. Progressive dialling abandons no one (a line per free
   * agent), so the run dials progressively until its own events fill a whole rolling hour, then as the campaign
   * says. Stopping instead would idle every agent for as long as the read fails, for a figure the hour makes good by
   * itself; and the due tasks come from the same database, so a failing database stops the dialling anyway.
   */
  private CampaignRun withoutHistory(Campaign c, Throwable cause, long now) {
    log.atWarn().setMessage("abandonment history not read; dialling progressively for an hour")
        .addKeyValue("campaign", c.id()).addKeyValue("mode", Campaign.id(c.dialMode()))
        .addKeyValue("error", String.valueOf(cause.getMessage())).log();
    return factory.create(c, false, now);
  }
}
