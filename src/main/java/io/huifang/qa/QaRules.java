package io.huifang.qa;

import io.huifang.core.Invalid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QA rules in force (table qa_rules, one row, and qa_skill_level): the monthly quota per agent (overridable per
 * campaign), the first days of a campaign sampled whole, the skill levels and their shares, the claim limit and
 * expiry, the dispute window, and the seconds an answered survey item takes at the least (the too-fast check).
 */
public record QaRules(int quotaPerAgent, Map<Long, Integer> campaignQuotas, int firstDays, String uncertifiedLevel,
                      List<Level> levels, int claimLimit, int claimExpiryHours, int disputeWindowDays,
                      double secondsPerItem) {

  /** A certified skill level (技能分级) and the share of the agent's calls it has sampled, in per cent. */
  public record Level(String key, int rank, String nameZh, String nameEn, double share) {
    JsonObject toJson() {
      return new JsonObject().put("key", key).put("rank", rank).put("name", new JsonObject().put("zh", nameZh)
          .put("en", nameEn)).put("share", share);
    }
  }

  public QaRules {
    campaignQuotas = Map.copyOf(campaignQuotas);
    levels = List.copyOf(levels);
  }

  /** The quota of an agent's month on a campaign. */
  public int quotaFor(long campaignId) {
    return campaignQuotas.getOrDefault(campaignId, quotaPerAgent);
  }

  /** The sampled share (0..1) of a level; an unknown or absent level counts as the uncertified one. */
  public double shareOf(String level) {
    String key = level == null ? uncertifiedLevel : level;
    for (Level l : levels) {
      if (l.key().equals(key)) {
        return l.share() / 100.0;
      }
    }
    for (Level l : levels) {
      if (l.key().equals(uncertifiedLevel)) {
        return l.share() / 100.0;
      }
    }
    return 0;
  }

  public JsonObject toJson() {
    JsonObject quotas = new JsonObject();
    campaignQuotas.forEach((k, v) -> quotas.put(String.valueOf(k), v));
    return new JsonObject().put("quotaPerAgent", quotaPerAgent).put("campaignQuotas", quotas)
        .put("firstDays", firstDays).put("uncertifiedLevel", uncertifiedLevel)
        .put("levels", new JsonArray(levels.stream().map(Level::toJson).toList()))
        .put("claimLimit", claimLimit).put("claimExpiryHours", claimExpiryHours)
        .put("disputeWindowDays", disputeWindowDays).put("secondsPerItem", secondsPerItem);
  }

  /**
   * The rules a PUT asks for, on top of the current ones (fields left out keep their value). Levels may change
   * their share and names; the set of level keys stays as it is (agents are certified against them).
   */
  public QaRules merged(JsonObject b) {
    int quota = intField(b, "quotaPerAgent", quotaPerAgent, 0, 100);
    Map<Long, Integer> quotas = campaignQuotas;
    if (b.containsKey("campaignQuotas")) {
      if (!(b.getValue("campaignQuotas") instanceof JsonObject q)) {
        throw new Invalid("campaignQuotas", "campaignQuotas must be an object {\"campaignId\": quota}",
            "campaignQuotas 必须是对象 {\"项目编号\": 配额}");
      }
      quotas = new LinkedHashMap<>();
      for (String k : q.fieldNames()) {
        long id;
        try {
          id = Long.parseLong(k);
        } catch (NumberFormatException e) {
          throw new Invalid("campaignQuotas." + k, "a campaign id must be a number", "项目编号必须是数字");
        }
        quotas.put(id, intField(q, k, 0, 0, 100, "campaignQuotas." + k));
      }
    }
    int first = intField(b, "firstDays", firstDays, 0, 31);
    String uncertified = uncertifiedLevel;
    if (b.containsKey("uncertifiedLevel")) {
      uncertified = b.getValue("uncertifiedLevel") instanceof String s ? s : "";
      String u = uncertified;
      if (levels.stream().noneMatch(l -> l.key().equals(u))) {
        throw new Invalid("uncertifiedLevel", "no such skill level", "没有这个技能级别");
      }
    }
    List<Level> newLevels = levels;
    if (b.containsKey("levels")) {
      if (!(b.getValue("levels") instanceof JsonArray arr)) {
        throw new Invalid("levels", "levels must be a list", "levels 必须是列表");
      }
      newLevels = new java.util.ArrayList<>(levels);
      for (int i = 0; i < arr.size(); i++) {
        String f = "levels[" + i + "]";
        if (!(arr.getValue(i) instanceof JsonObject l) || !(l.getValue("key") instanceof String key)) {
          throw new Invalid(f + ".key", "each level names its key", "每个级别须有 key");
        }
        int at = -1;
        for (int j = 0; j < newLevels.size(); j++) {
          if (newLevels.get(j).key().equals(key)) {
            at = j;
          }
        }
        if (at < 0) {
          throw new Invalid(f + ".key", "no such skill level: " + key, "没有这个技能级别：" + key);
        }
        Level old = newLevels.get(at);
        double share = old.share();
        if (l.containsKey("share")) {
          if (!(l.getValue("share") instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100) {
            throw new Invalid(f + ".share", "share is a per cent between 0 and 100", "抽检比例须在 0 到 100 之间");
          }
          share = Math.round(n.doubleValue() * 100) / 100.0;
        }
        newLevels.set(at, new Level(key, old.rank(), text(l, "nameZh", old.nameZh(), f),
            text(l, "nameEn", old.nameEn(), f), share));
      }
    }
    int limit = intField(b, "claimLimit", claimLimit, 1, 100);
    int expiry = intField(b, "claimExpiryHours", claimExpiryHours, 1, 2160);
    int dispute = intField(b, "disputeWindowDays", disputeWindowDays, 0, 90);
    double spi = secondsPerItem;
    if (b.containsKey("secondsPerItem")) {
      if (!(b.getValue("secondsPerItem") instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() > 120) {
        throw new Invalid("secondsPerItem", "secondsPerItem must be above 0 and at most 120",
            "每题秒数须大于 0 且不超过 120");
      }
      spi = Math.round(n.doubleValue() * 100) / 100.0;
    }
    return new QaRules(quota, quotas, first, uncertified, newLevels, limit, expiry, dispute, spi);
  }

  private static String text(JsonObject l, String key, String old, String f) {
    if (!l.containsKey(key)) {
      return old;
    }
    if (!(l.getValue(key) instanceof String s) || s.isBlank() || s.length() > 40) {
      throw new Invalid(f + "." + key, key + ": 1–40 characters", key + "：1–40 个字符");
    }
    return s.trim();
  }

  private static int intField(JsonObject b, String key, int old, int min, int max) {
    return intField(b, key, old, min, max, key);
  }

  private static int intField(JsonObject b, String key, int old, int min, int max, String field) {
    if (!b.containsKey(key)) {
      return old;
    }
    if (!(b.getValue(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.intValue() < min || n.intValue() > max) {
      throw new Invalid(field, field + " must be a whole number from " + min + " to " + max,
          field + " 须为 " + min + " 到 " + max + " 之间的整数");
    }
    return n.intValue();
  }
}
