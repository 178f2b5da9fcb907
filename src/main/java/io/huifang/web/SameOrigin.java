package io.huifang.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a browser's {@code Origin} is this server: the same host and port as the request's {@code Host} (which a
 * page of another site cannot choose), or one of the configured extra origins (a proxy that rewrites Host).
 * {@code null} (sandboxed frames, {@code file:} pages, privacy-stripped redirects) is never this server.
 */
final class SameOrigin {
  private final Set<String> extra;

  SameOrigin(List<String> allowedOrigins) {
    this.extra = allowedOrigins.stream().map(SameOrigin::normalize).filter(o -> o != null)
        .collect(Collectors.toUnmodifiableSet());
  }

  static boolean changesState(HttpMethod m) {
    return m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE;
  }

  boolean allows(String origin, HostAndPort host) {
    URI o = parse(origin);
    if (o == null) {
      return false;
    }
    String normalized = normalize(origin);
    if (extra.contains(normalized)) {
      return true;
    }
    if (host == null || host.host() == null) {
      return false;
    }
    int originPort = port(o);
    int hostPort = host.port() >= 0 ? host.port() : defaultPort(o.getScheme());
    return unbracket(o.getHost()).equalsIgnoreCase(unbracket(host.host())) && originPort == hostPort;
  }

  /** The origin a Referer URL belongs to, or {@code "null"} when it has none. */
  static String ofReferer(String referer) {
    URI u = parse(referer);
    return u == null ? "null" : u.getScheme() + "://" + u.getRawAuthority();
  }

  /** {@code application/json} of {@code application/json; charset=utf-8}; empty when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static URI parse(String s) {
    if (s == null || s.length() > 2048) {
      return null;
    }
    try {
      URI u = new URI(s.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null ? u : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String normalize(String origin) {
    URI u = parse(origin);
    return u == null ? null : u.getScheme().toLowerCase(Locale.ROOT) + "://" + unbracket(u.getHost())
        .toLowerCase(Locale.ROOT) + ":" + port(u);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : defaultPort(u.getScheme());
  }

  private static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
