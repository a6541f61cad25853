package io.labelledger.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Serves the browser app (built by {@code node/build-web.js} into the classpath under
 * {@value #WEBROOT}) at {@code /}, with headers that keep it to its own origin: a strict
 * Content-Security-Policy (scripts, styles and fonts from this origin only; images from it and from
 * the origins the operator names for item images; images and media also from {@code blob:} URLs the
 * page makes of a recording or photo before upload and of a file fetched for validation; connections to
 * this origin and to the one public JSON-RPC endpoint the page is told about), microphone and camera
 * for this origin only, no framing, no
 * referrer, no MIME sniffing. Content-hashed files under {@code /assets/} are cached for a year
 * (a new build gives them new names); everything else is revalidated on every load.
 *
 * <p>Mounted after the API routes and only for GET/HEAD: API paths it does not know still get the
 * JSON 404 of the failure handler.
 */
public final class WebApp {
  public static final String WEBROOT = "labelledger/web";
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";
  /**
   * Microphone and camera for this origin only (the upload page records audio and takes photos; no frame
   * of another origin may ask); everything else a page could ask for stays off.
   */
  static final String PERMISSIONS_POLICY = "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()";

  private final String contentSecurityPolicy;

  /**
   * @param rpcOrigin the public JSON-RPC origin pages may connect to, if any
   * @param imageOrigins origins item images may be loaded from (already validated as bare origins)
   */
  public WebApp(Optional<String> rpcOrigin, List<String> imageOrigins) {
    this.contentSecurityPolicy = contentSecurityPolicy(rpcOrigin, imageOrigins);
  }

  /** The scheme://host[:port] of {@code url}: what CSP's connect-src names. */
  public static String origin(String url) {
    URI uri = URI.create(url);
    if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException("not an http(s) URL without credentials: " + url);
    }
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  static String contentSecurityPolicy(Optional<String> rpcOrigin, List<String> imageOrigins) {
    String images = imageOrigins.stream().map(o -> " " + o).collect(Collectors.joining());
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:" + images + "; "
        + "media-src 'self' blob:; font-src 'self'; "
        + "connect-src 'self'" + rpcOrigin.map(o -> " " + o).orElse("") + "; manifest-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  public String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  public void mount(Router router) {
    StaticHandler files = StaticHandler.create(WEBROOT)
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setCachingEnabled(true)
        .setMaxAgeSeconds(31_536_000);
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::headers).handler(files);
  }

  private void headers(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.startsWith("/api/") || path.startsWith("/health/")) {
      ctx.next();
      return;
    }
    HttpServerResponse response = ctx.response();
    response.headers()
        .set("Content-Security-Policy", contentSecurityPolicy)
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer")
        .set("Cross-Origin-Opener-Policy", "same-origin")
        .set("Cross-Origin-Resource-Policy", "same-origin")
        .set("Permissions-Policy", PERMISSIONS_POLICY);
    boolean hashed = path.startsWith("/assets/");
    // StaticHandler writes its own Cache-Control; ours replaces it as the head is written
    ctx.addHeadersEndHandler(v -> {
      if (response.getStatusCode() < 400) {
        response.headers().set("Cache-Control", hashed ? IMMUTABLE : REVALIDATE);
      } else {
        response.headers().set("Cache-Control", "no-store");
      }
    });
    ctx.next();
  }
}
