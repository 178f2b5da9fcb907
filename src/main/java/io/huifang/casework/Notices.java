package io.huifang.casework;

import io.vertx.core.Future;

/**
 * Where the news of plans and appeals goes (docs/casework-api.md, "Notifications"): {@code plan.opened} (the
 * dealer), {@code plan.late} (the dealer and the staff), {@code appeal.filed} (the staff), {@code appeal.decided}
 * (the dealer). {@link #of} sends them as casework's notifications; {@link #LOG} only logs (tests, tools).
 */
@FunctionalInterface
public interface Notices {
  Notices LOG = (kind, refId, dealerId, detail) -> {
    org.slf4j.LoggerFactory.getLogger(Notices.class).atInfo().setMessage("casework notice").addKeyValue("kind", kind)
        .addKeyValue("ref", refId).addKeyValue("dealer", dealerId).addKeyValue("detail", detail).log();
    return Future.succeededFuture();
  };

  /** {@code kind} about {@code refId} (a plan, an appeal) of {@code dealerId}; {@code detail}: e.g. the late step. */
  Future<Void> send(String kind, long refId, long dealerId, String detail);

  /** The notices as in-product notifications, in both languages, each linking to its object. */
  static Notices of(Notifications n) {
    return (kind, refId, dealerId, detail) -> {
      String plan = "/cases.html?tab=plans&plan=" + refId;
      String portalPlans = "/dealer.html?tab=plans&plan=" + refId;
      String appeal = "/cases.html?tab=appeals&appeal=" + refId;
      String portalAppeal = "/dealer.html?tab=calls&appeal=" + refId;
      return switch (kind) {
        case "plan.opened" -> n.toDealer(dealerId, new Notifications.Note(kind,
            "请在 3 天内召开整改会议（整改计划 #" + refId + "，" + detail + "）",
            "Hold the improvement meeting within 3 days (plan #" + refId + ", " + detail + ")", portalPlans))
            .mapEmpty();
        case "plan.late" -> {
          String zh = "整改计划 #" + refId + " 逾期：" + stepZh(detail);
          String en = "Improvement plan #" + refId + " is late: " + detail;
          yield Future.join(n.toDealer(dealerId, new Notifications.Note(kind, zh, en, portalPlans)),
              n.toStaff(new Notifications.Note(kind, zh, en, plan))).mapEmpty();
        }
        case "appeal.filed" -> n.toStaff(new Notifications.Note(kind, "新的申诉 #" + refId + "（通话 " + detail + "）",
            "New appeal #" + refId + " (call " + detail + ")", appeal)).mapEmpty();
        case "appeal.decided" -> n.toDealer(dealerId, new Notifications.Note(kind, "申诉 #" + refId + " 已有结果："
            + resultZh(detail), "Appeal #" + refId + " decided: " + detail, portalAppeal)).mapEmpty();
        default -> LOG.send(kind, refId, dealerId, detail);
      };
    };
  }

  private static String stepZh(String step) {
    return switch (step) {
      case PlanDeadlines.STEP_MEETING -> "整改会议";
      case PlanDeadlines.STEP_MINUTES -> "签字会议纪要";
      case PlanDeadlines.STEP_RESULT -> "整改结果报告";
      default -> step;
    };
  }

  private static String resultZh(String result) {
    return switch (result) {
      case "qualified" -> "合格";
      case "unqualified" -> "不合格";
      case "untrue" -> "不属实";
      default -> result;
    };
  }
}
