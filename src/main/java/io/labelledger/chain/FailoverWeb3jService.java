package io.labelledger.chain;

import io.reactivex.Flowable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.protocol.websocket.events.Notification;
import org.web3j.utils.Async;

/**
 * A web3j transport over several HTTP JSON-RPC endpoints of one chain: every call (a read, a
 * {@code eth_sendRawTransaction}, a batch) goes to the current endpoint and, when that one cannot
 * be reached (connection refused or reset, timeout, an HTTP error status), to the next ones as
 * {@link RpcEndpoints} orders them, with back-off. A JSON-RPC error answer is an answer: it is
 * returned, never retried elsewhere.
 *
 * <p><b>Sends.</b> Retrying {@code eth_sendRawTransaction} on another endpoint sends the very same
 * signed bytes (same hash, same nonce): a node that already has them says so, and the chain can
 * mine them once at most. A send is never re-signed here, so failing over mid-send cannot make a
 * second transaction.
 */
public final class FailoverWeb3jService implements Web3jService {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverWeb3jService.class);

  private final RpcEndpoints endpoints;
  private final List<HttpService> services;

  public FailoverWeb3jService(List<String> urls) {
    this(new RpcEndpoints(urls));
  }

  public FailoverWeb3jService(RpcEndpoints endpoints) {
    this.endpoints = endpoints;
    OkHttpClient client = new OkHttpClient.Builder()
        .connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS).writeTimeout(30, TimeUnit.SECONDS)
        .build();
    List<HttpService> list = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      list.add(new HttpService(endpoints.url(i), client));
    }
    this.services = List.copyOf(list);
  }

  public RpcEndpoints endpoints() {
    return endpoints;
  }

  /** One call on one endpoint's transport. */
  private interface Call<T> {
    T on(HttpService service) throws IOException;
  }

  private <T> T call(String method, Call<T> call) throws IOException {
    List<String> failures = new ArrayList<>();
    IOException last = null;
    for (int index : endpoints.order()) {
      T result;
      try {
        result = call.on(services.get(index));
      } catch (IOException | ClientConnectionException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        endpoints.failed(index, why);
        failures.add(RpcEndpoints.redact(endpoints.url(index)) + ": " + why);
        last = e instanceof IOException io ? io : new IOException(why, e);
        continue;
      }
      if (endpoints.succeeded(index)) {
        LOG.warn("JSON-RPC endpoint #{} ({}) answers {}: reads and sends go there now{}", index + 1,
            RpcEndpoints.redact(endpoints.url(index)), method,
            failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")");
      }
      return result;
    }
    if (endpoints.size() == 1) {
      throw last;
    }
    throw new IOException("none of the " + endpoints.size() + " JSON-RPC endpoints answered " + method + ": "
        + String.join("; ", failures), last);
  }

  @Override
  public <T extends Response> T send(Request request, Class<T> responseType) throws IOException {
    return call(request.getMethod(), service -> service.send(request, responseType));
  }

  @Override
  public <T extends Response> CompletableFuture<T> sendAsync(Request request, Class<T> responseType) {
    return Async.run(() -> send(request, responseType));
  }

  @Override
  public BatchResponse sendBatch(BatchRequest batch) throws IOException {
    return call("a batch", service -> service.sendBatch(batch));
  }

  @Override
  public CompletableFuture<BatchResponse> sendBatchAsync(BatchRequest batch) {
    return Async.run(() -> sendBatch(batch));
  }

  /**
   * Asks endpoint {@code index} alone for its chain id (a health probe): marks it up when it
   * answers, failed when it cannot be reached.
   */
  public CompletableFuture<Long> probe(int index) {
    return Async.run(() -> {
      try {
        EthChainId answer = new Request<>("eth_chainId", List.of(), services.get(index), EthChainId.class).send();
        if (answer.hasError() || answer.getChainId() == null) {
          throw new IOException("eth_chainId: " + (answer.hasError() ? answer.getError().getMessage() : "no answer"));
        }
        endpoints.up(index);
        return answer.getChainId().longValueExact();
      } catch (IOException | ClientConnectionException e) {
        endpoints.failed(index, e.getMessage());
        throw e;
      }
    });
  }

  @Override
  public <T extends Notification<?>> Flowable<T> subscribe(Request request, String unsubscribeMethod,
      Class<T> responseType) {
    throw new UnsupportedOperationException("subscriptions need a WebSocket transport; the service polls over HTTP");
  }

  @Override
  public void close() throws IOException {
    for (HttpService service : services) {
      service.close();
    }
  }
}
