package io.huifang.desk;

import io.huifang.campaign.schedule.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;

/**
 * What the agent says a connected call came to (DOMAIN.md §7), and what the scheduler does with the customer's task
 * next. Error samples count against the dealer's sample success rate; not-reached ones are retried at another time of
 * day; a callback is dialled at the time agreed, by the same agent or anyone.
 */
public enum Disposition {
  SUCCESS(Group.SUCCESS, Outcome.Kind.SUCCESS, "成功样本", "Success (valid sample)"),
  WRONG_NUMBER(Group.ERROR_SAMPLE, Outcome.Kind.WRONG_NUMBER, "错号", "Wrong number"),
  EMPTY_NUMBER(Group.ERROR_SAMPLE, Outcome.Kind.INVALID_NUMBER, "空号", "Empty number (not in service)"),
  NOT_OWNER(Group.ERROR_SAMPLE, Outcome.Kind.ERROR_SAMPLE, "非车主", "Not the owner"),
  REFUSED(Group.ERROR_SAMPLE, Outcome.Kind.REFUSED, "拒访", "Refused"),
  DUPLICATE(Group.ERROR_SAMPLE, Outcome.Kind.ERROR_SAMPLE, "重复样本", "Duplicate"),
  PDI(Group.ERROR_SAMPLE, Outcome.Kind.ERROR_SAMPLE, "PDI 车辆", "PDI vehicle"),
  STOCK(Group.ERROR_SAMPLE, Outcome.Kind.ERROR_SAMPLE, "库存车", "Stock vehicle"),
  COMPANY(Group.ERROR_SAMPLE, Outcome.Kind.ERROR_SAMPLE, "公司/公务车", "Company vehicle"),
  /** Someone else answered and knows nothing of the visit: the customer is called on another day (DOMAIN §5). */
  NOT_PRESENT(Group.NOT_REACHED, Outcome.Kind.NOT_OWNER, "非本人接听，另日再访", "Someone else answered: another day"),
  NO_ANSWER(Group.NOT_REACHED, Outcome.Kind.NO_ANSWER, "无人应答", "No answer"),
  BUSY(Group.NOT_REACHED, Outcome.Kind.BUSY, "忙线", "Busy"),
  MACHINE(Group.NOT_REACHED, Outcome.Kind.MACHINE, "答录机/语音信箱", "Answering machine"),
  CALLBACK(Group.CALLBACK, Outcome.Kind.CALLBACK, "预约回访", "Call back at a chosen time");

  public enum Group {
    SUCCESS, ERROR_SAMPLE, NOT_REACHED, CALLBACK;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Group group;
  private final Outcome.Kind outcome;
  private final String zh;
  private final String en;

  Disposition(Group group, Outcome.Kind outcome, String zh, String en) {
    this.group = group;
    this.outcome = outcome;
    this.zh = zh;
    this.en = en;
  }

  public Group group() {
    return group;
  }

  public Outcome.Kind outcome() {
    return outcome;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Disposition> parse(Object value) {
    if (!(value instanceof String s)) {
      return Optional.empty();
    }
    for (Disposition d : values()) {
      if (d.id().equals(s)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The list the agent's page offers, grouped, with both languages. */
  public static JsonArray catalog() {
    JsonArray a = new JsonArray();
    for (Disposition d : values()) {
      a.add(new JsonObject().put("id", d.id()).put("group", d.group.id()).put("zh", d.zh).put("en", d.en));
    }
    return a;
  }
}
