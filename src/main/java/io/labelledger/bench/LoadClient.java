package io.labelledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Deployment;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.demo.StoryHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.web3j.crypto.Credentials;

/**
 * Signed-contribution load through the public API, as real clients make it: contributors sign in
 * with SIWE, consent (relayed and indexed by the service), lease tasks and sign each answer; then
 * the signed bodies are sent at a steady rate, each retried until the service acknowledges it
 * (2xx), so a request lost to a killed instance is sent again (the service answers a repeat with
 * 200 and the same id). Used by {@code scripts/chaos}; keeps to loopback.
 */
final class LoadClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] LABELS = {"positive", "negative"};
  private static final long RETRY_PAUSE_MS = 200;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final String operatorToken;
  private final String siweDomain;

  LoadClient(String operatorToken, String siweDomain) {
    this.operatorToken = operatorToken;
    this.siweDomain = siweDomain;
  }

  /** A pre-signed contribution and the session that may send it. */
  record Signed(byte[] body, String token) {}

  /** What {@link #send} saw: the ids acknowledged, and the first refusal that was not retried. */
  record Outcome(Set<Long> acknowledged, int refused, String firstRefusal, double seconds) {}

  /**
   * Publishes terms, signs in {@code accounts} fresh contributors who consent, waits until their
   * consent counts, then leases and signs {@code n} contributions among them (each in a campaign of
   * its own).
   */
  List<Signed> prepare(String base, Deployment deployment, int n, int accounts) throws Exception {
    String terms = post(base, "/api/terms", Map.of("text", "Chaos terms " + System.nanoTime()), operatorToken)
        .get("termsHash").asText();
    int perAccount = (n + accounts - 1) / accounts;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    ExecutorService side = Executors.newFixedThreadPool(4);
    try {
      // a campaign per contributor: leasing scans a campaign's items, so many small campaigns lease fast.
      // They need no consent, so they are made while the contributors enrol (mostly waiting for the
      // service's relayer and indexer to make their consent count).
      CompletableFuture<List<Long>> campaignsMade = new CompletableFuture<>();
      Thread maker = new Thread(() -> {
        try {
          campaignsMade.complete(BenchContributors.parallel(side, accounts, i -> campaign(base, terms, perAccount)));
        } catch (Throwable e) {
          campaignsMade.completeExceptionally(e);
        }
      }, "chaos-campaigns");
      maker.setDaemon(true);
      maker.start();
      List<BenchContributors.Contributor> crowd = new BenchContributors(new StoryHttp(base))
          .enrol(pool, accounts, terms, siweDomain, deployment);
      List<Credentials> keys = crowd.stream().map(BenchContributors.Contributor::key).toList();
      List<String> tokens = crowd.stream().map(BenchContributors.Contributor::token).toList();
      var domain = ContributionMessage.domain(deployment.chainId(), deployment.provenanceRegistry());
      List<Long> campaigns = campaignsMade.get(10, TimeUnit.MINUTES);
      List<List<Signed>> signed = BenchContributors.parallel(pool, accounts, i -> {
        long campaign = campaigns.get(i);
        List<Signed> out = new ArrayList<>();
        for (int k = 0; k < perAccount; k++) {
          JsonNode task = post(base, "/api/campaigns/" + campaign + "/tasks/next", null, tokens.get(i));
          ObjectNode typed = (ObjectNode) task.get("typedData");
          ObjectNode m = (ObjectNode) typed.get("message");
          m.put("answer", LABELS[(int) (task.get("itemId").asLong() % LABELS.length)]);
          out.add(new Signed(BenchContributors.signedContribution(typed, keys.get(i),
              Long.parseLong(m.get("submittedAt").asText()), domain), tokens.get(i)));
        }
        return out;
      });
      List<Signed> all = new ArrayList<>();
      signed.forEach(all::addAll);
      return all.subList(0, n);
    } finally {
      pool.shutdownNow();
      side.shutdownNow();
    }
  }

  /**
   * Sends every body at about {@code perSecond}, from {@code concurrency} workers, to the base URL
   * {@code baseFor(i)} picks; a body is retried (connection refused, reset, 5xx, 429) until it is
   * acknowledged or {@code giveUpSeconds} passed.
   */
  Outcome send(List<Signed> bodies, IntFunction<String> baseFor, double perSecond, int concurrency,
      long giveUpSeconds) throws Exception {
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<String> firstRefusal = new AtomicReference<>();
    long start = System.nanoTime();
    long giveUp = start + TimeUnit.SECONDS.toNanos(giveUpSeconds);
    ExecutorService workers = Executors.newFixedThreadPool(concurrency);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      running.add(workers.submit(() -> {
        for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
          long due = start + (long) (i * 1e9 / perSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          int attempt = 0;
          while (true) {
            String base = baseFor.apply(i + attempt++);
            try {
              HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(base + "/api/contributions"))
                  .timeout(Duration.ofSeconds(20))
                  .header("Authorization", "Bearer " + bodies.get(i).token())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i).body())).build(),
                  HttpResponse.BodyHandlers.ofString());
              int status = reply.statusCode();
              if (status == 200 || status == 201) {
                acknowledged.add(JSON.readTree(reply.body()).get("id").asLong());
                break;
              }
              if (status < 500 && status != 429) {
                refused.incrementAndGet();
                firstRefusal.compareAndSet(null, status + " " + reply.body());
                break;
              }
            } catch (IOException retried) {
              // the instance is down or was killed mid-request: send again
            }
            if (System.nanoTime() > giveUp) {
              refused.incrementAndGet();
              firstRefusal.compareAndSet(null, "no acknowledgement within " + giveUpSeconds + " s");
              break;
            }
            Thread.sleep(RETRY_PAUSE_MS);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    workers.shutdown();
    return new Outcome(acknowledged, refused.get(), firstRefusal.get(), (System.nanoTime() - start) / 1e9);
  }

  // ------------------------------------------------------------------ set-up through the public API

  private long campaign(String base, String terms, int items) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Chaos load");
    body.put("instructions", "Positive or negative?");
    body.put("taskType", "single_choice");
    body.put("labels", List.of(LABELS));
    body.put("overlap", 1);
    body.put("goldRate", 0.0);
    body.put("termsHash", terms);
    long id = post(base, "/api/campaigns", body, operatorToken).get("id").asLong();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < items; i++) {
      lines.append("{\"id\":\"c").append(i).append("\",\"data\":{\"text\":\"sentence ").append(i).append("\"}}\n");
    }
    HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(base + "/api/campaigns/" + id + "/items"))
        .header("Authorization", "Bearer " + operatorToken).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(lines.toString())).build(), HttpResponse.BodyHandlers.ofString());
    require(reply.statusCode() == 200, "item upload: " + reply.body());
    return id;
  }

  private JsonNode post(String base, String path, Object body, String token) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), token, path);
  }

  private JsonNode get(String base, String path, String token) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(base + path)).GET(), token, path);
  }

  private JsonNode call(HttpRequest.Builder b, String token, String path) throws Exception {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> reply = http.send(b.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    require(reply.statusCode() / 100 == 2, path + " answered " + reply.statusCode() + ": " + reply.body());
    return JSON.readTree(reply.body());
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
