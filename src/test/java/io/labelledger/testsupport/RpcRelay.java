package io.labelledger.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON-RPC endpoint in front of a real node, which a test can take down ({@link #close()}:
 * connections are refused from then on) or make lose the answers of {@code eth_sendRawTransaction}
 * ({@link #loseSendAnswers(int)}: the node gets and keeps the transaction, the caller's connection
 * ends without an answer, as when a node or proxy dies mid-send).
 */
public final class RpcRelay implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String target;
  private final HttpServer server;
  // HTTP/1.1: an h2c upgrade header makes Hardhat's server (which also speaks WebSocket) answer "Bad Request"
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger sends = new AtomicInteger();
  private final AtomicInteger sendAnswersToLose = new AtomicInteger();
  private final AtomicInteger lostSendAnswers = new AtomicInteger();
  private volatile boolean closed;

  public RpcRelay(String target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int requests() {
    return requests.get();
  }

  /** eth_sendRawTransaction calls that reached the node through this relay. */
  public int sends() {
    return sends.get();
  }

  public int lostSendAnswers() {
    return lostSendAnswers.get();
  }

  /** The next {@code n} eth_sendRawTransaction calls reach the node, but their callers get no answer. */
  public void loseSendAnswers(int n) {
    sendAnswersToLose.set(n);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    byte[] body = exchange.getRequestBody().readAllBytes();
    JsonNode request = JSON.readTree(body);
    boolean send = request.isObject() && "eth_sendRawTransaction".equals(request.path("method").asText());
    byte[] reply;
    try {
      reply = client.send(HttpRequest.newBuilder(URI.create(target)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (IOException targetDown) {
      exchange.sendResponseHeaders(502, -1);
      exchange.close();
      return;
    }
    if (send) {
      sends.incrementAndGet();
      if (sendAnswersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        lostSendAnswers.incrementAndGet();
        // announce a body, then end the exchange without it: the caller's read fails mid-answer
        exchange.sendResponseHeaders(200, reply.length);
        exchange.close();
        return;
      }
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, reply.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
    }
  }
}
