package io.labelledger.upload;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A request body written to a new file under the staging directory as it arrives: the request is
 * paused while the file's write queue is full, so at most a few buffers are in memory whatever the
 * size. More than {@code maxBytes} is refused the moment it is passed (413, the connection closed
 * after the reply, nothing more read); a body that breaks off (the client went away) fails the
 * upload, and so does one that sends no byte for {@code idle} while the service is waiting for it (408,
 * the connection closed: a client that stalls cannot hold a staging file and an upload slot for ever).
 * On any failure the file is deleted. The staging file's name is the service's own, never
 * the client's.
 */
public final class StagedBody {
  private final HttpServerRequest request;
  private final Path path;
  private final long maxBytes;
  private final Duration idle;
  private final Promise<Path> done = Promise.promise();
  private AsyncFile file;
  private long received;
  private boolean finished;
  /** When a byte last arrived, or the service last asked for more (System.nanoTime()). */
  private long lastActive = System.nanoTime();
  /** The service paused the request itself (its file's write queue is full): not the client's idleness. */
  private boolean draining;
  private long idleTimer = -1;

  private StagedBody(HttpServerRequest request, Path path, long maxBytes, Duration idle) {
    this.request = request;
    this.path = path;
    this.maxBytes = maxBytes;
    this.idle = idle;
  }

  /** Completes with the staged file once the whole body is written and the file closed. */
  public static Future<Path> receive(Vertx vertx, HttpServerRequest request, Path stagingDir, long maxBytes,
      Duration idle) {
    Path path = stagingDir.resolve("upload-" + UUID.randomUUID() + ".part");
    StagedBody body = new StagedBody(request, path, maxBytes, idle);
    return vertx.fileSystem().mkdirs(stagingDir.toString())
        .compose(v -> vertx.fileSystem().open(path.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
        .compose(file -> body.start(vertx, file));
  }

  private Future<Path> start(Vertx vertx, AsyncFile opened) {
    this.file = opened;
    file.exceptionHandler(this::fail);
    request.exceptionHandler(this::fail);
    // one timer per upload, not one per chunk: each chunk only notes the time
    long checkEvery = Math.max(100, Math.min(1_000, idle.toMillis() / 4));
    idleTimer = vertx.setPeriodic(checkEvery, id -> {
      if (!finished && !draining && System.nanoTime() - lastActive > idle.toNanos()) {
        refuseAndClose(new ApiException(ErrorCode.UPLOAD_STALLED, idle.toSeconds()));
      }
    });
    done.future().onComplete(ended -> vertx.cancelTimer(idleTimer));
    request.handler(buffer -> {
      if (finished) {
        return;
      }
      lastActive = System.nanoTime();
      received += buffer.length();
      if (received > maxBytes) {
        refuseAndClose(new ApiException(ErrorCode.FILE_TOO_LARGE, maxBytes));
        return;
      }
      file.write(buffer);
      if (file.writeQueueFull()) {
        draining = true;
        request.pause();
        file.drainHandler(v -> {
          draining = false;
          lastActive = System.nanoTime();
          if (!finished) {
            request.resume();
          }
        });
      }
    });
    request.endHandler(v -> {
      if (finished) {
        return;
      }
      finished = true;
      file.close().onComplete(closed -> {
        if (closed.succeeded()) {
          done.complete(path);
        } else {
          deleteQuietly();
          done.fail(closed.cause());
        }
      });
    });
    request.resume();
    return done.future();
  }

  /** Stops reading: the refusal is the reply, and the connection is closed behind it. */
  private void refuseAndClose(ApiException refusal) {
    request.pause();
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    request.response().endHandler(v -> request.connection().close());
    fail(refusal);
  }

  private void fail(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    Throwable reason = cause instanceof ApiException ? cause
        : new ApiException(ErrorCode.FILE_TRUNCATED, "the body broke off after " + received + " bytes ("
            + cause.getClass().getSimpleName() + ")");
    file.close().onComplete(closed -> {
      deleteQuietly();
      done.fail(reason);
    });
  }

  private void deleteQuietly() {
    try {
      Files.deleteIfExists(path);
    } catch (java.io.IOException ignored) {
      // the staging directory is emptied again when the store opens (file store) or left to the operator
    }
  }
}
