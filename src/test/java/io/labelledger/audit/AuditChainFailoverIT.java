package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.labelledger.testsupport.AuditFixture;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several RPC endpoints for one audit: when the one being read dies mid-audit, reads move on to the
 * next, but only to an endpoint that serves the same chain and holds the very block the audit
 * pinned; every answer keeps describing one chain state. The endpoints are relays in front of the
 * test chain that can be stopped, or that answer some methods differently.
 */
@ExtendWith(ChainExtension.class)
class AuditChainFailoverIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestChain chain;
  private static String marketplace;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    marketplace = AuditFixture.deploy(chain).deployment().marketplace();
  }

  @Test
  void movesOnToTheNextEndpointWhenTheOneBeingReadDiesMidAudit() throws Exception {
    try (Relay first = new Relay(Map.of());
        AuditChain reader = AuditChain.connect(List.of(first.url(), chain.rpcUrl()))) {
      assertThat(reader.chainId()).isEqualTo(chain.chainId());
      long pinned = reader.pinLatestBlock();
      byte[] before = reader.code(marketplace);
      assertThat(first.requests()).as("read from the first endpoint while it lives").isPositive();
      first.close();
      chain.mine(2); // the second endpoint's head moves on; the audit still reads the pinned block
      assertThat(reader.code(marketplace)).isEqualTo(before).isNotEmpty();
      assertThat(reader.pinnedBlock()).isEqualTo(pinned);
    }
  }

  @Test
  void leavesOutAnEndpointOfAnotherChain() throws Exception {
    try (Relay first = new Relay(Map.of()); Relay otherChain = new Relay(Map.of("eth_chainId", "\"0x3e7\""));
        AuditChain reader = AuditChain.connect(List.of(first.url(), otherChain.url()))) {
      reader.chainId();
      reader.pinLatestBlock();
      first.close();
      assertThatThrownBy(() -> reader.code(marketplace)).isInstanceOf(ChainUnavailableException.class)
          .hasMessageContaining("none of the 2 RPC endpoints can be read: " + first.url() + " cannot be read")
          .hasMessageContaining(otherChain.url() + " serves chain 999, not chain " + chain.chainId());
    }
  }

  @Test
  void leavesOutAnEndpointWithAnotherBlockAtThePinnedHeight() throws Exception {
    String forked = "0x" + "ab".repeat(32);
    try (Relay first = new Relay(Map.of());
        Relay fork = new Relay(Map.of("eth_getBlockByNumber", "{\"number\":\"0x1\",\"hash\":\"" + forked + "\"}"));
        AuditChain reader = AuditChain.connect(List.of(first.url(), fork.url()))) {
      reader.chainId();
      long pinned = reader.pinLatestBlock();
      first.close();
      assertThatThrownBy(() -> reader.code(marketplace)).isInstanceOf(ChainUnavailableException.class)
          .hasMessageContaining(fork.url() + " has another block " + pinned + " (" + forked + ")");
    }
  }

  /**
   * A JSON-RPC endpoint relaying to the test chain, except for the methods in {@code answers}
   * (method: result JSON), which it answers itself. Closing it stops it: connections are refused.
   */
  private static final class Relay implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<String, String> answers;
    private volatile int requests;
    private boolean closed;

    Relay(Map<String, String> answers) throws IOException {
      this.answers = answers;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
      return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
      requests++;
      byte[] body = exchange.getRequestBody().readAllBytes();
      JsonNode request = JSON.readTree(body);
      byte[] reply;
      if (request.isObject() && answers.containsKey(request.path("method").asText())) {
        ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
        answer.set("id", request.get("id"));
        answer.set("result", JSON.readTree(answers.get(request.path("method").asText())));
        reply = JSON.writeValueAsBytes(answer);
      } else {
        try {
          reply = client.send(HttpRequest.newBuilder(URI.create(chain.rpcUrl()))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
              HttpResponse.BodyHandlers.ofByteArray()).body();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
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
}
