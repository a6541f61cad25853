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
import java.util.UUID;

/**
 * A request body written to a new file under the staging directory as it arrives: the request is
 * paused while the file's write queue is full, so at most a few buffers are in memory whatever the
 * size. More than {@code maxBytes} is refused the moment it is passed (413, the connection closed
 * after the reply, nothing more read); a body that breaks off (the client went away) fails the
 * upload. On any failure the file is deleted. The staging file's name is the service's own, never
 * the client's.
 */
public final class StagedBody {
  private final HttpServerRequest request;
  private final Path path;
  private final long maxBytes;
  private final Promise<Path> done = Promise.promise();
  private AsyncFile file;
  private long received;
  private boolean finished;

  private StagedBody(HttpServerRequest request, Path path, long maxBytes) {
    this.request = request;
    this.path = path;
    this.maxBytes = maxBytes;
  }

  /** Completes with the staged file once the whole body is written and the file closed. */
  public static Future<Path> receive(Vertx vertx, HttpServerRequest request, Path stagingDir, long maxBytes) {
    Path path = stagingDir.resolve("upload-" + UUID.randomUUID() + ".part");
    StagedBody body = new StagedBody(request, path, maxBytes);
    return vertx.fileSystem().mkdirs(stagingDir.toString())
        .compose(v -> vertx.fileSystem().open(path.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
        .compose(file -> body.start(vertx, file));
  }

  private Future<Path> start(Vertx vertx, AsyncFile opened) {
    this.file = opened;
    file.exceptionHandler(this::fail);
    request.exceptionHandler(this::fail);
    request.handler(buffer -> {
      if (finished) {
        return;
      }
      received += buffer.length();
      if (received > maxBytes) {
        // stop reading: reply now and close the connection behind the reply
        request.pause();
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        request.response().endHandler(v -> request.connection().close());
        fail(new ApiException(ErrorCode.FILE_TOO_LARGE, maxBytes));
        return;
      }
      file.write(buffer);
      if (file.writeQueueFull()) {
        request.pause();
        file.drainHandler(v -> {
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
