package io.labelledger.chain;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Several JSON-RPC endpoints of one chain and which one to ask: the current one (the first that
 * answers, kept until it cannot be reached), then the others in order and around. An endpoint that
 * cannot be reached is backed off: not asked first again for {@code baseBackoffMs}, doubling with
 * each further failure up to {@code maxBackoffMs}; one that answers again is cleared. Endpoints in
 * back-off are still tried, last and soonest-due first, when no other answers: a call fails only
 * when every endpoint failed it.
 *
 * <p>Transport-agnostic and without service dependencies: the service's {@link FailoverWeb3jService}
 * and the standalone verifier's reads both rotate with it. Thread-safe.
 */
public final class RpcEndpoints {
  /** One endpoint's state as health reports show it. */
  public record Status(int index, String endpoint, boolean current, String state, int consecutiveFailures,
      long failures, String lastError, long retryInMs) {}

  private final List<String> urls;
  private final long baseBackoffMs;
  private final long maxBackoffMs;
  private final LongSupplier clock;
  private final int[] consecutive;
  private final long[] failures;
  private final long[] backoffUntil;
  private final String[] lastError;
  private final boolean[] answered;
  private int current;

  public RpcEndpoints(List<String> urls, long baseBackoffMs, long maxBackoffMs, LongSupplier clockMs) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no RPC endpoint");
    }
    this.urls = List.copyOf(urls);
    this.baseBackoffMs = baseBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.clock = clockMs;
    int n = urls.size();
    consecutive = new int[n];
    failures = new long[n];
    backoffUntil = new long[n];
    lastError = new String[n];
    answered = new boolean[n];
  }

  /** With a back-off of 500 ms doubling up to 30 s. */
  public RpcEndpoints(List<String> urls) {
    this(urls, 500, 30_000, System::currentTimeMillis);
  }

  public int size() {
    return urls.size();
  }

  public String url(int index) {
    return urls.get(index);
  }

  public synchronized int current() {
    return current;
  }

  /**
   * The endpoints to try for one call, in order: the current one and those after it (around) that
   * are not backed off, then the backed-off ones, soonest due first.
   */
  public synchronized List<Integer> order() {
    long now = clock.getAsLong();
    List<Integer> ready = new ArrayList<>();
    List<Integer> waiting = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      int index = (current + i) % urls.size();
      (backoffUntil[index] > now ? waiting : ready).add(index);
    }
    waiting.sort(Comparator.comparingLong(i -> backoffUntil[i]));
    ready.addAll(waiting);
    return ready;
  }

  /**
   * {@code index} answered a call: its back-off is cleared and it becomes the current endpoint.
   *
   * @return true when reads and sends moved to it with this call
   */
  public synchronized boolean succeeded(int index) {
    up(index);
    if (index == current) {
      return false;
    }
    current = index;
    return true;
  }

  /** {@code index} answered a health probe: cleared, without becoming the current endpoint. */
  public synchronized void up(int index) {
    consecutive[index] = 0;
    backoffUntil[index] = 0;
    answered[index] = true;
  }

  /** {@code index} could not be reached (or is unfit): backed off, longer with each failure in a row. */
  public synchronized void failed(int index, String error) {
    consecutive[index]++;
    failures[index]++;
    lastError[index] = error;
    long backoff = baseBackoffMs << Math.min(20, consecutive[index] - 1);
    backoffUntil[index] = clock.getAsLong() + Math.min(maxBackoffMs, backoff);
  }

  /** Every endpoint's state, addresses reduced to scheme, host and port (a URL may carry an API key). */
  public synchronized List<Status> status() {
    long now = clock.getAsLong();
    List<Status> out = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      String state = consecutive[i] > 0 ? "down" : answered[i] ? "up" : "unknown";
      out.add(new Status(i, redact(urls.get(i)), i == current, state, consecutive[i], failures[i], lastError[i],
          Math.max(0, backoffUntil[i] - now)));
    }
    return out;
  }

  /** {@code scheme://host:port} of a URL, without user info, path or query (where API keys live). */
  public static String redact(String url) {
    try {
      URI uri = URI.create(url.strip());
      if (uri.getHost() == null) {
        return "(unparsable URL)";
      }
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
          + (uri.getRawPath() != null && uri.getRawPath().length() > 1 ? "/…" : "");
    } catch (IllegalArgumentException e) {
      return "(unparsable URL)";
    }
  }
}
