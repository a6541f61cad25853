package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RpcEndpointsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RpcEndpoints endpoints = new RpcEndpoints(List.of("http://a:1", "http://b:2", "http://c:3"), 500,
      4_000, now::get);

  @Test
  void asksTheCurrentEndpointFirstThenTheOthersAround() {
    assertThat(endpoints.order()).containsExactly(0, 1, 2);
    assertThat(endpoints.succeeded(1)).as("moved").isTrue();
    assertThat(endpoints.order()).containsExactly(1, 2, 0);
    assertThat(endpoints.succeeded(1)).as("already there").isFalse();
  }

  @Test
  void aFailedEndpointIsAskedLastUntilItsBackOffEndsAndTheBackOffDoublesUpToTheMaximum() {
    endpoints.failed(0, "refused");
    assertThat(endpoints.order()).containsExactly(1, 2, 0);
    now.addAndGet(500);
    assertThat(endpoints.order()).containsExactly(0, 1, 2);
    endpoints.failed(0, "refused");
    assertThat(endpoints.status().get(0).retryInMs()).isEqualTo(1_000);
    endpoints.failed(0, "refused");
    endpoints.failed(0, "refused");
    endpoints.failed(0, "refused");
    assertThat(endpoints.status().get(0).retryInMs()).isEqualTo(4_000);
    assertThat(endpoints.status().get(0).consecutiveFailures()).isEqualTo(5);
  }

  @Test
  void backedOffEndpointsAreStillTriedLastSoonestDueFirst() {
    endpoints.failed(0, "x");
    endpoints.failed(0, "x"); // 1 s
    endpoints.failed(1, "x"); // 0.5 s
    assertThat(endpoints.order()).containsExactly(2, 1, 0);
  }

  @Test
  void anEndpointThatAnswersAgainIsClearedAndShownUp() {
    endpoints.failed(2, "timeout");
    endpoints.up(2);
    RpcEndpoints.Status s = endpoints.status().get(2);
    assertThat(s.state()).isEqualTo("up");
    assertThat(s.retryInMs()).isZero();
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.lastError()).isEqualTo("timeout");
    assertThat(endpoints.status().get(1).state()).isEqualTo("unknown");
    assertThat(endpoints.status().get(0).current()).isTrue();
  }

  @Test
  void healthShowsNoCredentialsPathsOrQueries() {
    assertThat(RpcEndpoints.redact("https://user:secret@mainnet.example.io/v3/APIKEY?x=1"))
        .isEqualTo("https://mainnet.example.io/…");
    assertThat(RpcEndpoints.redact("http://127.0.0.1:8545")).isEqualTo("http://127.0.0.1:8545");
    assertThat(RpcEndpoints.redact("not a url")).isEqualTo("(unparsable URL)");
  }
}
