package io.labelledger.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A client of the public API as any client speaks it (bearer tokens, JSON bodies), nothing of the
 * service's own classes: the story's, and the benchmarks' for their set-up.
 */
public final class StoryHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  // HTTP/1.1, as browsers and curl speak to a cleartext service; the JDK client's default would
  // upgrade to h2c, so the service would be serving (and compiling) a protocol no other client uses
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;

  public StoryHttp(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** A reply: status, headers and body bytes; {@link #json()} parses on demand. */
  public record Reply(String request, int status, HttpHeaders headers, byte[] body) {
    public Reply(String request, int status, byte[] body) {
      this(request, status, HttpHeaders.of(Map.of(), (a, b) -> true), body);
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new StoryFailure("reply of " + request, "not JSON: " + abbreviated());
      }
    }

    String errorCode() {
      return status >= 400 ? json().path("error").path("code").asText(null) : null;
    }

    String abbreviated() {
      String t = text();
      return t.length() > 400 ? t.substring(0, 400) + "..." : t;
    }

    /** This reply when its status is 2xx; otherwise the story stops, naming the step. */
    public Reply success(String step) {
      if (status / 100 != 2) {
        throw new StoryFailure(step, request + " answered " + status + ": " + abbreviated());
      }
      return this;
    }

    /** This reply when its status is {@code expected}; otherwise the story stops, naming the step. */
    public Reply expect(int expected, String step) {
      if (status != expected) {
        throw new StoryFailure(step, request + " answered " + status + ", expected " + expected + ": " + abbreviated());
      }
      return this;
    }
  }

  public Reply get(String path, String bearer) {
    return send("GET", path, bearer, null, null);
  }

  public Reply post(String path, Object body, String bearer) {
    try {
      return send("POST", path, bearer, "application/json", body == null ? new byte[0] : JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Reply send(String method, String path, String bearer, String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(120))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<byte[]> response = http.send(request.build(), BodyHandlers.ofByteArray());
      return new Reply(method + " " + path, response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new StoryFailure(method + " " + path, "the service does not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoryFailure(method + " " + path, "interrupted");
    }
  }
}
