package io.huifang.campaign.list;

import static io.huifang.web.Api.pathId;

import io.huifang.core.Role;
import io.huifang.campaign.CampaignStore;
import io.huifang.web.Api;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * Customer-list uploads (admins). {@code POST /api/imports} takes a multipart form (file, campaignId, dealerId,
 * optional dryRun and mapping) and answers 202 with the import's id; {@code GET /api/imports/:id} gives its status,
 * live progress while it runs, and the report once done. {@code POST /api/imports/preview} (same form, nothing
 * written) gives the file's header and first rows with the mapping the import would use, for the page to ask the
 * admin about columns it does not know; {@code GET /api/imports} is the history, newest first.
 */
public final class ImportRoutes {
  /** A DMS export of a few hundred thousand rows fits comfortably. */
  public static final long UPLOAD_LIMIT = 64L * 1024 * 1024;

  private final Vertx vertx;
  private final ImportService imports;
  private final ImportStore store;
  private final CampaignStore campaigns;
  private final Path uploadsDir;

  public ImportRoutes(Vertx vertx, ImportService imports, ImportStore store, CampaignStore campaigns, Path uploadsDir) {
    this.vertx = vertx;
    this.imports = imports;
    this.store = store;
    this.campaigns = campaigns;
    this.uploadsDir = uploadsDir;
  }

  public void register(Api api) {
    var admin = EnumSet.of(Role.ADMIN);
    api.upload(HttpMethod.POST, "/imports", admin, UPLOAD_LIMIT, uploadsDir.resolve("incoming").toString(),
        this::upload);
    api.upload(HttpMethod.POST, "/imports/preview", admin, UPLOAD_LIMIT, uploadsDir.resolve("incoming").toString(),
        this::preview);
    api.route(HttpMethod.GET, "/imports", admin, this::list);
    api.route(HttpMethod.GET, "/imports/:id", admin, this::get);
  }

  /** The form both uploads share, read and checked; null when a 400 has been sent. */
  private record Form(FileUpload file, String name, long campaignId, long dealerId, JsonObject mapping) {
  }

  private static Form form(RoutingContext ctx) {
    FileUpload file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    if (file == null) {
      Api.invalid(ctx, "file", "choose a file (CSV or XLSX) to upload", "请选择要上传的文件（CSV 或 XLSX）");
      return null;
    }
    Long campaignId = number(ctx, "campaignId", "choose a campaign", "请选择活动");
    Long dealerId = campaignId == null ? null : number(ctx, "dealerId", "choose a dealer", "请选择经销商");
    if (dealerId == null) {
      return null;
    }
    JsonObject mapping = null;
    String mappingText = ctx.request().getFormAttribute("mapping");
    if (mappingText != null && !mappingText.isBlank()) {
      try {
        mapping = new JsonObject(mappingText);
      } catch (RuntimeException e) {
        Api.invalid(ctx, "mapping", "mapping must be a JSON object {field: header}", "列映射必须是 JSON 对象 {字段: 表头}");
        return null;
      }
    }
    String name = file.fileName() == null || file.fileName().isBlank() ? "upload" : file.fileName();
    return new Form(file, name, campaignId, dealerId, mapping);
  }

  /** The campaign of the form, if it covers the form's dealer; else a 400 is sent and the future holds nothing. */
  private io.vertx.core.Future<java.util.Optional<io.huifang.campaign.Campaign>> campaignFor(RoutingContext ctx,
                                                                                               Form f) {
    return campaigns.get(f.campaignId()).map(c -> {
      if (c.isEmpty()) {
        Api.invalid(ctx, "campaignId", "no such campaign", "活动不存在");
        return java.util.Optional.empty();
      }
      if (!c.get().dealerIds().contains(f.dealerId())) {
        Api.invalid(ctx, "dealerId", "this campaign does not cover that dealer", "该活动不包含此经销商");
        return java.util.Optional.empty();
      }
      return c;
    });
  }

  private void upload(RoutingContext ctx) {
    Form f = form(ctx);
    if (f == null) {
      return;
    }
    boolean dryRun = "true".equalsIgnoreCase(ctx.request().getFormAttribute("dryRun"));
    campaignFor(ctx, f).onFailure(ctx::fail).onSuccess(c -> {
      if (c.isEmpty()) {
        return;
      }
      // The upload is removed when the response ends; the import outlives the response, so it takes the file.
      Path owned = uploadsDir.resolve("import-" + System.nanoTime() + ".bin");
      vertx.fileSystem().mkdirs(uploadsDir.toString())
          .compose(v -> vertx.fileSystem().move(f.file().uploadedFileName(), owned.toString()))
          .compose(v -> imports.start(c.get(), f.dealerId(), owned, f.name(), f.mapping(), dryRun,
              Api.user(ctx).id()))
          .onFailure(e -> Api.fail(ctx, e))
          .onSuccess(id -> Api.json(ctx, 202, new JsonObject().put("import", new JsonObject().put("id", id)
              .put("status", "running"))));
    });
  }

  private void preview(RoutingContext ctx) {
    Form f = form(ctx);
    if (f == null) {
      return;
    }
    campaignFor(ctx, f).onFailure(ctx::fail).onSuccess(c -> {
      if (c.isEmpty()) {
        return;
      }
      // The upload is deleted when this response has been sent, after the preview has read it.
      imports.preview(c.get(), f.dealerId(), Path.of(f.file().uploadedFileName()), f.mapping())
          .onFailure(e -> Api.fail(ctx, e))
          .onSuccess(p -> Api.json(ctx, 200, new JsonObject().put("preview", p.put("fileName", f.name()))));
    });
  }

  private static Long number(RoutingContext ctx, String field, String en, String zh) {
    try {
      return Long.parseLong(String.valueOf(ctx.request().getFormAttribute(field)).trim());
    } catch (NumberFormatException e) {
      Api.invalid(ctx, field, en, zh);
      return null;
    }
  }

  private void list(RoutingContext ctx) {
    Long campaignId = queryLong(ctx, "campaignId");
    Long dealerId = queryLong(ctx, "dealerId");
    Long before = queryLong(ctx, "before");
    Long limit = queryLong(ctx, "limit");
    int n = limit == null ? 50 : (int) Math.max(1, Math.min(200, limit));
    store.list(campaignId, dealerId, before, n).onFailure(ctx::fail)
        .onSuccess(arr -> Api.json(ctx, 200, new JsonObject().put("imports", arr)));
  }

  private void get(RoutingContext ctx) {
    Long id = pathId(ctx);
    if (id == null) {
      return;
    }
    store.get(id).onFailure(ctx::fail).onSuccess(b -> {
      if (b.isEmpty()) {
        Api.error(ctx, 404, "not_found", "no import " + id);
        return;
      }
      ImportService.Progress p = imports.progress(id);
      JsonObject o = b.get();
      if (p != null && "running".equals(o.getString("status"))) {
        o.put("progress", p.toJson());
      }
      Api.json(ctx, 200, new JsonObject().put("import", o));
    });
  }

  private static Long queryLong(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    try {
      return v == null || v.isBlank() ? null : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
