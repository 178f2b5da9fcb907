package io.huifang.app;

import io.huifang.telephony.AgentLines;
import io.huifang.auth.AdminBootstrap;
import io.huifang.auth.PasswordHasher;
import io.huifang.core.Role;
import io.huifang.core.User;
import io.huifang.auth.UserStore;
import io.huifang.telephony.AnsweredCalls;
import io.huifang.telephony.Telephony;
import io.huifang.campaign.Campaign;
import io.huifang.campaign.CampaignStore;
import io.huifang.dealer.DealerStore;
import io.huifang.campaign.list.ImportService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's demo: on an empty system, a demo dealer, a predictive CSI campaign and a few hundred demo
 * customers (imported through the real import path), and simulated agents on open emulator lines, so that a person
 * who signs in as an agent and goes ready gets real calls within seconds and a supervisor sees a live campaign.
 * Only with the embedded database and the PBX emulator; never against a real PBX.
 */
final class DemoData {
  private static final Logger log = LoggerFactory.getLogger(DemoData.class);
  static final int CUSTOMERS = 400;
  static final int SIMULATED_AGENTS = 6;
  private static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "胡"};
  private static final String[] GIVEN = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英"};
  private static final String[] MODELS = {"轩逸", "朗逸", "卡罗拉", "雅阁", "思域", "速腾", "宝来", "凯美瑞"};

  private DemoData() {
  }

  /** Seeds the demo once (when there is no campaign yet), then puts the simulated agents on their lines. */
  static Future<Void> start(Vertx vertx, Config config, UserStore users, PasswordHasher hasher,
                            DealerStore dealers, CampaignStore campaigns, ImportService imports, Telephony telephony,
                            io.huifang.desk.AgentDesk desk, io.huifang.qa.QaService qa) {
    DemoAgents autopilot = desk == null ? null : new DemoAgents(vertx, desk);
    return campaigns.list()
        .compose(list -> list.isEmpty() ? seed(config, dealers, campaigns, imports) : Future.succeededFuture(
            list.stream().filter(c -> c.name().startsWith("演示")).map(Campaign::id).findFirst().orElse(null)))
        .compose(campaignId -> campaignId == null ? Future.succeededFuture()
            : simulatedAgents(users, hasher).compose(agents -> {
              if (autopilot != null) {
                agents.forEach(u -> autopilot.add(u.id()));
              }
              return certify(qa, agents).compose(v -> seat(telephony, agents, campaignId));
            }));
  }

  private static Future<Long> seed(Config config, DealerStore dealers, CampaignStore campaigns,
                                   ImportService imports) {
    JsonArray allDay = new JsonArray().add("00:00-24:00");
    JsonObject hours = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      hours.put(d, allDay);
    }
    return dealers.create("DEMO01", "演示4S店（北京朝阳）").compose(dealer -> {
      long dealerId = dealer.getLong("id");
      Campaign c = Campaign.fromJson(new JsonObject().put("name", "演示：售后满意度回访 CSI").put("kind", "csi")
          .put("dealerIds", new JsonArray().add(dealerId)).put("timeZone", "Asia/Shanghai")
          // The demo runs whenever someone tries it; real campaigns keep real calling hours.
          .put("callingHours", hours)
          .put("dayParts", new JsonArray().add("00:00-09:00").add("09:00-12:00").add("12:00-18:00").add("18:00-24:00"))
          .put("dialMode", "predictive"), null);
      return campaigns.create(c).compose(campaign -> {
        try {
          Path file = Files.createDirectories(config.dataDir().resolve("demo")).resolve("demo-customers.csv");
          Files.writeString(file, csv(LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1)), StandardCharsets.UTF_8);
          log.atInfo().setMessage("demo: campaign and customers created").addKeyValue("campaign", campaign.id())
              .addKeyValue("customers", CUSTOMERS).log();
          return imports.start(campaign, dealerId, file, "demo-customers.csv", null, false, null).map(campaign.id());
        } catch (java.io.IOException e) {
          return Future.failedFuture(e);
        }
      });
    });
  }

  /** A DMS export as dealers send it: yesterday's workshop visits, Chinese headers. */
  static String csv(LocalDate visit) {
    Random r = new Random(20261123L);
    StringBuilder sb = new StringBuilder("客户姓名,联系电话,车型,车牌号,出厂日期,工单号\n");
    for (int i = 0; i < CUSTOMERS; i++) {
      String name = SURNAMES[r.nextInt(SURNAMES.length)] + GIVEN[r.nextInt(GIVEN.length)];
      String phone = "13" + (5 + r.nextInt(5)) + String.format("%08d", r.nextInt(100_000_000));
      sb.append(name).append(',').append(phone).append(',').append(MODELS[r.nextInt(MODELS.length)])
          .append(",京A").append(String.format("%05d", r.nextInt(100_000))).append(',').append(visit)
          .append(",DEMO-").append(String.format("%05d", i)).append('\n');
    }
    sb.append("00拒绝回访刘洋,13912345678,").append(MODELS[0]).append(",京A00001,").append(visit).append(",DEMO-R\n");
    return sb.toString();
  }

  private static Future<List<User>> simulatedAgents(UserStore users, PasswordHasher hasher) {
    return users.list().compose(existing -> {
      List<Future<User>> all = new ArrayList<>();
      for (int i = 1; i <= SIMULATED_AGENTS; i++) {
        String name = "sim.agent" + i;
        User found = existing.stream().filter(u -> u.username().equals(name)).findFirst().orElse(null);
        int n = i;
        // A random password nobody knows: these seats are taken by the simulator, not by people.
        all.add(found != null ? Future.succeededFuture(found) : hasher.hash(AdminBootstrap.randomSecret(24))
            .compose(h -> users.create(name, "模拟坐席 " + n, Role.AGENT, h, false)));
      }
      return Future.all(all).map(cf -> {
        List<User> out = new ArrayList<>();
        for (int i = 0; i < cf.size(); i++) {
          out.add(cf.resultAt(i));
        }
        return out;
      });
    });
  }

  /**
   * The simulated agents' QA skill levels, two at each (初级, 中级, 高级), unless someone certified them already: past
   * the campaign's first two days (every call sampled) the QA queue keeps filling at each level's share.
   */
  private static Future<Void> certify(io.huifang.qa.QaService qa, List<User> agents) {
    if (qa == null) {
      return Future.succeededFuture();
    }
    String[] levels = {"junior", "intermediate", "senior"};
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      long id = agents.get(i).id();
      String level = levels[(i / 2) % levels.length];
      all.add(qa.store().skillOf(id).compose(l -> l.isPresent() ? Future.succeededFuture(false)
          : qa.store().setSkill(id, level, null)));
    }
    return Future.join(all).<Void>mapEmpty().recover(e -> {
      log.atWarn().setMessage("demo: QA skill levels not set").addKeyValue("error", String.valueOf(e)).log();
      return Future.succeededFuture();
    });
  }

  /** Opens the simulated agents' lines, dealt round the emulated PBXes so that every one of them is dialled. */
  private static Future<Void> seat(Telephony telephony, List<User> agents, long campaignId) {
    List<AnsweredCalls.Pbx> pbxes = telephony.all();
    if (pbxes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<AgentLines.Line>> lines = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      User u = agents.get(i);
      AnsweredCalls.Pbx pbx = pbxes.get(i % pbxes.size());
      lines.add(pbx.lines().open(u.id(), "PJSIP/agent-sim-" + u.id(), Duration.ofSeconds(30))
          .onSuccess(l -> pbx.lines().ready(u.id(), true, campaignId)));
    }
    return Future.join(lines).<Void>mapEmpty().onComplete(ar -> log.atInfo()
        .setMessage("demo: simulated agents on their lines").addKeyValue("agents", agents.size())
        .addKeyValue("pbxes", pbxes.size()).addKeyValue("campaign", campaignId).log());
  }
}
