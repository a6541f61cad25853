package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Hex;
import io.labelledger.testsupport.TestApp.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.web3j.crypto.Hash;

/** Uploads of contributed files through the API, as a browser or a script would send them. */
public final class UploadFixtures {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private UploadFixtures() {}

  /** The keccak256 of {@code bytes} as a blob id ({@code 0x} + 64 hex digits). */
  public static String keccak(byte[] bytes) {
    return Hash.sha3(Hex.encode(bytes));
  }

  /**
   * Posts {@code bytes} as the file for {@code itemId} of {@code campaignId}; {@code contentType} and
   * {@code disposition} (a whole Content-Disposition value) are sent when not null. With
   * {@code chunked} the length is not announced (the server learns it by reading).
   */
  public static Reply upload(TestApp app, WorkFixtures.Contributor c, long campaignId, long itemId,
      String contentType, byte[] bytes, String disposition, boolean chunked) {
    HttpRequest.BodyPublisher body = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))
        : HttpRequest.BodyPublishers.ofByteArray(bytes);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/campaigns/" + campaignId
            + "/uploads?itemId=" + itemId))
        .timeout(Duration.ofSeconds(60)).POST(body).header("Authorization", "Bearer " + c.token());
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (disposition != null) {
      request.header("Content-Disposition", disposition);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Reply upload(TestApp app, WorkFixtures.Contributor c, long campaignId, long itemId,
      String contentType, byte[] bytes) {
    return upload(app, c, campaignId, itemId, contentType, bytes, null, false);
  }

  /**
   * Each validator votes {@code vote} on every upload the validation campaign serves them (peer
   * validation: with two agreeing votes an upload is decided); the number of votes signed.
   */
  public static int voteOnAll(TestApp app, List<WorkFixtures.Contributor> validators, long validationCampaign,
      String vote) {
    int votes = 0;
    for (WorkFixtures.Contributor validator : validators) {
      while (true) {
        Reply task = app.postJson("/api/campaigns/" + validationCampaign + "/tasks/next", "", validator.token());
        if (task.status() == 404) {
          break; // NO_TASK_AVAILABLE: this validator has seen every upload
        }
        assertThat(task.status()).as(task.body()).isEqualTo(200);
        Reply signed = TypedFixtures.submit(app, validator, task.json(), vote);
        assertThat(signed.status()).as(signed.body()).isEqualTo(201);
        votes++;
      }
    }
    return votes;
  }
}
