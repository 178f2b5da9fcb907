package io.huifang.qa;

import io.huifang.core.Invalid;
import io.huifang.core.Problem;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.qa.EvaluationStore.EvalRow;
import io.huifang.qa.EvaluationStore.SampleRef;
import io.huifang.survey.Questionnaire;
import io.huifang.survey.QuestionnaireStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of evaluations: who may start, read, save, comment on and submit one, and what a submission does (the
 * score from the scorecard, the sample evaluated, the findings applied); agents' sign-off and disputes, and the
 * rescore that settles a dispute. Everything goes through {@link EvaluationStore}; failures are {@link Invalid}
 * (400) or {@link Problem} (403/404/409).
 */
public final class Evaluations {
  static final int MAX_SUMMARY = 4000;
  static final int MAX_COMMENT = 2000;
  /** A comment's position: within a day of audio (a call is never that long; it bounds the input). */
  static final long MAX_AT_MS = 24L * 3600 * 1000;
  static final int MINE_LIMIT = 200;

  private final EvaluationStore store;
  private final ScorecardStore scorecards;
  private final QuestionnaireStore questionnaires;
  private final Clock clock;

  public Evaluations(EvaluationStore store, ScorecardStore scorecards, QuestionnaireStore questionnaires,
                     Clock clock) {
    this.store = store;
    this.scorecards = scorecards;
    this.questionnaires = questionnaires;
    this.clock = clock;
  }

  EvaluationStore store() {
    return store;
  }

  ScorecardStore scorecards() {
    return scorecards;
  }

  /**
   * Starts the standard evaluation of a sample the user has claimed, or returns the draft already open. A draft left
   * by someone whose claim has lapsed goes to the new claimer.
   */
  public Future<EvalRow> start(User u, long sampleId, String scorecardKey) {
    String key = scorecardKey == null ? Scorecard.DEFAULT : scorecardKey;
    return scorecards.current(key).recover(e -> Future.failedFuture(e instanceof NoSuchElementException
            ? new Invalid("scorecard", "no scorecard \"" + key + "\"", "没有评分表 \"" + key + "\"") : e))
        .compose(card -> store.pool().withTransaction(tx -> EvaluationStore.sample(tx, sampleId, true)
            .compose(opt -> {
              SampleRef s = opt.orElseThrow(() -> Problem.notFound("sample"));
              return EvaluationStore.standardOf(tx, sampleId).compose(existing -> {
                if (existing.isPresent() && !existing.get().status().equals("draft")) {
                  throw Problem.conflict("evaluated", "this sample has been evaluated (evaluation "
                      + existing.get().id() + ")");
                }
                boolean claimed = "claimed".equals(s.status()) && s.claimedBy() != null && s.claimedBy() == u.id()
                    && (s.claimExpiresAt() == null || s.claimExpiresAt().isAfter(clock.instant()));
                if (existing.isPresent() && existing.get().evaluatorId() == u.id()) {
                  return Future.succeededFuture(existing.get().id());
                }
                if (!claimed) {
                  throw Problem.conflict("not_claimed", "claim the sample first (POST /api/qa/samples/" + sampleId
                      + "/claim)");
                }
                if (existing.isPresent()) {
                  return EvaluationStore.takeOver(tx, existing.get().id(), u.id()).map(existing.get().id());
                }
                return EvaluationStore.insert(tx, s, u.id(), "standard", card, null, null);
              });
            })))
        .compose(id -> store.find(id)).map(Optional::orElseThrow);
  }

  /** The evaluation if {@code u} may read it: 404 when there is none or an agent may not know of it, 403 else. */
  public Future<EvalRow> visible(User u, long id) {
    return store.find(id).compose(opt -> {
      EvalRow e = opt.orElseThrow(() -> Problem.notFound("evaluation"));
      if (u.role() == Role.AGENT) {
        if (e.agentId() != u.id()) {
          throw Problem.forbidden("this is another agent's evaluation");
        }
        if (e.kind().equals("calibration") || e.status().equals("draft")) {
          throw Problem.notFound("evaluation");
        }
        return Future.succeededFuture(e);
      }
      if (u.role() == Role.QA && e.kind().equals("calibration") && e.evaluatorId() != u.id()) {
        // Blind: a member of the calibration sees no one else's scores until they have submitted their own.
        return Calibrations.memberStatus(store.pool(), e.calibrationId(), u.id()).map(status -> {
          if ("draft".equals(status)) {
            throw Problem.forbidden("calibration is blind: submit your own scores first");
          }
          if (e.status().equals("draft")) {
            throw Problem.forbidden("not submitted yet");
          }
          return e;
        });
      }
      return Future.succeededFuture(e);
    });
  }

  /** The whole Evaluation of docs/qa-api.md: the form, the marks, findings, comments, dispute. */
  public Future<JsonObject> json(EvalRow e) {
    return scorecards.version(e.scorecardKey(), e.scorecardVersion())
        .compose(card -> store.comments(e.id()).compose(comments -> store.disputeOf(e.id()).map(dispute ->
            new JsonObject().put("id", e.id()).put("sampleId", e.sampleId()).put("month", e.month())
                .put("attemptId", e.attemptId()).put("recordingId", e.recordingId()).put("campaignId", e.campaignId())
                .put("agentId", e.agentId()).put("agentName", e.agentName())
                .put("evaluatorId", e.evaluatorId()).put("evaluatorName", e.evaluatorName())
                .put("kind", e.kind()).put("status", e.status()).put("scorecard", card.toJson())
                .put("items", e.items()).put("findings", Findings.stored(e.findings()).toJson())
                .put("summary", e.summary()).put("comments", comments)
                .put("score", e.score()).put("passed", e.passed()).put("fatalFailed", e.fatalFailed())
                .put("calibrationId", e.calibrationId()).put("supersedes", e.supersedesId())
                .put("createdAt", e.createdAt().toString()).put("submittedAt", str(e.submittedAt()))
                .put("acknowledgedAt", str(e.acknowledgedAt())).put("disputeDeadline", str(e.disputeDeadline()))
                .put("dispute", dispute))));
  }

  private static String str(java.time.Instant t) {
    return t == null ? null : t.toString();
  }

  /** The draft of {@code id} if {@code u} is its evaluator; else 403, 404, or 409 when it is not a draft. */
  private Future<EvalRow> ownDraft(User u, long id) {
    return store.find(id).map(opt -> {
      EvalRow e = opt.orElseThrow(() -> Problem.notFound("evaluation"));
      if (e.evaluatorId() != u.id()) {
        throw Problem.forbidden("only the evaluator may change an evaluation");
      }
      if (!e.status().equals("draft")) {
        throw Problem.conflict("submitted", "the evaluation has been submitted");
      }
      return e;
    });
  }

  /** Saves marks, findings and summary; a field left out keeps what was saved. */
  public Future<EvalRow> save(User u, long id, JsonObject body) {
    return ownDraft(u, id).compose(e -> scorecards.version(e.scorecardKey(), e.scorecardVersion()).compose(card -> {
      JsonObject items = e.items();
      if (body.containsKey("items")) {
        Object v = body.getValue("items");
        if (v != null && !(v instanceof JsonObject)) {
          throw new Invalid("items", "must be {\"itemId\": {\"result\", \"note\"}}", "必须是 {\"项目id\": {\"result\", \"note\"}}");
        }
        items = ScorecardScoring.toJson(ScorecardScoring.marks(card, (JsonObject) v));
      }
      String summary = e.summary();
      if (body.containsKey("summary")) {
        Object v = body.getValue("summary");
        if (v != null && !(v instanceof String)) {
          throw new Invalid("summary", "must be a string", "必须是字符串");
        }
        String s = (String) v;
        if (s != null && s.length() > MAX_SUMMARY) {
          throw new Invalid("summary", "at most " + MAX_SUMMARY + " characters", "最多 " + MAX_SUMMARY + " 个字符");
        }
        summary = s == null || s.isBlank() ? null : s.trim();
      }
      JsonObject finalItems = items;
      String finalSummary = summary;
      Future<JsonObject> findings = !body.containsKey("findings") ? Future.succeededFuture(e.findings())
          : surveyItems(e.attemptId()).map(ids -> {
            if (e.kind().equals("calibration") && body.getValue("findings") != null
                && Findings.parse(body.getValue("findings"), ids).any()) {
              throw new Invalid("findings", "a calibration records no findings", "校准评分不记录数据问题");
            }
            return Findings.parse(body.getValue("findings"), ids).toJson();
          });
      return findings.compose(f -> store.save(id, finalItems, f, finalSummary)).compose(ok -> {
        if (!ok) {
          throw Problem.conflict("submitted", "the evaluation has been submitted");
        }
        return store.find(id).map(Optional::orElseThrow);
      });
    }));
  }

  /** The ids of the items of the questionnaire the call's survey was entered on; empty without a survey. */
  private Future<Set<String>> surveyItems(String attemptId) {
    return store.survey(attemptId).compose(opt -> {
      if (opt.isEmpty()) {
        return Future.succeededFuture(Set.of());
      }
      JsonObject s = opt.get();
      return questionnaires.version(s.getString("questionnaireKey"), s.getInteger("questionnaireVersion"))
          .map(q -> {
            Set<String> ids = new HashSet<>();
            for (Questionnaire.Item i : q.items()) {
              ids.add(i.id());
            }
            return ids;
          });
    });
  }

  public Future<JsonObject> comment(User u, long id, JsonObject body) {
    Object at = body.getValue("atMs");
    if (!(at instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0
        || n.longValue() > MAX_AT_MS) {
      return Future.failedFuture(new Invalid("atMs", "must be a whole number of milliseconds into the recording",
          "必须是录音中的毫秒位置（整数）"));
    }
    Object t = body.getValue("text");
    if (!(t instanceof String text) || text.isBlank() || text.length() > MAX_COMMENT) {
      return Future.failedFuture(new Invalid("text", "must be 1 to " + MAX_COMMENT + " characters",
          "必须是 1 到 " + MAX_COMMENT + " 个字符"));
    }
    long atMs = n.longValue();
    return ownDraft(u, id).compose(e -> store.addComment(id, atMs, text.trim(), u.id()))
        .map(c -> c.put("authorName", u.displayName()));
  }

  /** Scores the draft, submits it and applies what it found; a rescore settles its dispute. */
  public Future<EvalRow> submit(User u, long id) {
    return ownDraft(u, id).compose(e -> scorecards.version(e.scorecardKey(), e.scorecardVersion()).compose(card -> {
      ScorecardScoring.Outcome o = ScorecardScoring.score(card, ScorecardScoring.marks(card, e.items()));
      Findings f = Findings.stored(e.findings());
      return store.pool().withTransaction(tx -> EvaluationStore.markSubmitted(tx, e, o).compose(ok -> {
        if (!ok) {
          throw Problem.conflict("submitted", "the evaluation has been submitted");
        }
        Future<Void> chain = Future.succeededFuture();
        if (e.kind().equals("rescore")) {
          chain = chain.compose(v -> EvaluationStore.resolveDispute(tx, e, o));
        }
        if (!e.kind().equals("calibration")) {
          chain = chain.compose(v -> EvaluationStore.applyFindings(tx, e, f));
        }
        return chain;
      })).compose(v -> store.find(id)).map(Optional::orElseThrow);
    }));
  }

  /** The agent's own submitted evaluations, newest first, each with what the agent may still do. */
  public Future<JsonArray> mine(User u) {
    return store.ofAgent(u.id(), MINE_LIMIT).compose(rows -> {
      Future<JsonArray> chain = Future.succeededFuture(new JsonArray());
      for (EvalRow e : rows) {
        chain = chain.compose(arr -> json(e).map(j -> {
          boolean open = e.status().equals("submitted");
          j.put("canAcknowledge", open && e.acknowledgedAt() == null);
          j.put("canDispute", open && e.kind().equals("standard") && j.getValue("dispute") == null
              && e.disputeDeadline() != null && e.disputeDeadline().isAfter(clock.instant()));
          return arr.add(j);
        }));
      }
      return chain;
    });
  }

  /** 已阅: the agent signs off their own submitted evaluation (again: no change). */
  public Future<EvalRow> acknowledge(User u, long id) {
    return visible(u, id).compose(e -> {
      if (!e.status().equals("submitted")) {
        throw Problem.conflict("superseded", "this evaluation was superseded by a rescore");
      }
      return store.acknowledge(id, u.id());
    }).compose(ok -> store.find(id)).map(Optional::orElseThrow);
  }

  /**
   * The agent disputes their own submitted standard evaluation: once, before its deadline. The dispute goes to the
   * least-loaded QA user other than the evaluator.
   */
  public Future<JsonObject> dispute(User u, long id, JsonObject body) {
    Object r = body.getValue("reason");
    if (!(r instanceof String reason) || reason.isBlank() || reason.length() > 2000) {
      return Future.failedFuture(new Invalid("reason", "say why, in 1 to 2000 characters",
          "请说明理由（1 到 2000 个字符）"));
    }
    return visible(u, id).compose(e -> {
      if (!e.kind().equals("standard")) {
        throw Problem.conflict("not_disputable", "a rescore stands: it cannot be disputed");
      }
      if (!e.status().equals("submitted")) {
        throw Problem.conflict("not_disputable", "this evaluation was superseded");
      }
      if (e.disputeDeadline() == null || !e.disputeDeadline().isAfter(clock.instant())) {
        throw Problem.conflict("dispute_window_closed", "the dispute window closed at " + e.disputeDeadline());
      }
      return store.pool().withTransaction(tx -> tx.preparedQuery("select 1 from qa_dispute where evaluation_id = $1")
              .execute(io.vertx.sqlclient.Tuple.of(id))
              .compose(rs -> {
                if (rs.size() > 0) {
                  throw Problem.conflict("already_disputed", "this evaluation has been disputed once already");
                }
                return EvaluationStore.raiseDispute(tx, e, reason.trim());
              }))
          .recover(x -> Future.failedFuture(x.getMessage() != null && x.getMessage().contains("qa_dispute_evaluation_id_key")
              ? Problem.conflict("already_disputed", "this evaluation has been disputed once already") : x))
          .compose(d -> {
            if (d.isEmpty()) {
              throw Problem.conflict("no_qa_user", "there is no other QA user to review the dispute");
            }
            return store.dispute(d.get()).map(Optional::orElseThrow);
          });
    });
  }

  /** Disputes for QA, supervisors and admins; a QA user's own assignments first. */
  public Future<JsonArray> disputes(User u, String status) {
    if (status != null && !status.equals("open") && !status.equals("resolved")) {
      return Future.failedFuture(new Invalid("status", "must be open or resolved", "必须是 open 或 resolved"));
    }
    return store.disputes(status, u.role() == Role.QA ? u.id() : null, 500);
  }

  /** The assignee starts (or returns) the rescore of a disputed evaluation, on the same scorecard version. */
  public Future<EvalRow> rescore(User u, long disputeId) {
    return store.pool().withTransaction(tx -> EvaluationStore.dispute(tx, disputeId, true).compose(opt -> {
      JsonObject d = opt.orElseThrow(() -> Problem.notFound("dispute"));
      Long assignee = d.getJsonObject("assignee") == null ? null : d.getJsonObject("assignee").getLong("id");
      if (assignee == null || assignee != u.id()) {
        throw Problem.forbidden("the dispute is assigned to someone else");
      }
      if (!d.getString("status").equals("open")) {
        throw Problem.conflict("resolved", "the dispute has been resolved");
      }
      long firstId = d.getLong("evaluationId");
      return EvaluationStore.rescoreOf(tx, firstId).compose(existing -> {
        if (existing.isPresent() && existing.get().status().equals("draft")) {
          return Future.succeededFuture(existing.get().id());
        }
        return EvaluationStore.find(tx, firstId).compose(first -> {
          EvalRow e = first.orElseThrow();
          return scorecards.version(e.scorecardKey(), e.scorecardVersion()).compose(card ->
              EvaluationStore.sample(tx, e.sampleId(), false).compose(s ->
                  EvaluationStore.insert(tx, s.orElseThrow(), u.id(), "rescore", card, null, firstId)));
        });
      });
    })).compose(id -> store.find(id)).map(Optional::orElseThrow);
  }
}
