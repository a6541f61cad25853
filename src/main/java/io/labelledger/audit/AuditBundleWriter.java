package io.labelledger.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes an {@link AuditBundle} in one pass with Jackson's streaming generator: memory stays flat
 * whatever the number of contributions (nothing is kept but the generator's small buffer).
 *
 * <p>Calls go in this order, each step once except the repeated ones:
 *
 * <pre>{@code
 * AuditBundleWriter w = AuditBundleWriter.to(outputStream);   // or AuditBundleWriter.buffered()
 * w.begin(header);                      // format, version, chain, dataset, sharesRule
 * w.contribution(c);                    // dataset.contributionCount times; order by batch id, then leaf
 * w.share(s);                           // once per shares-tree leaf, any order
 * w.finish();                           // closes the JSON document and flushes
 * }</pre>
 *
 * <p>Order the contributions by batch id (then by position in the batch): the verifier checks
 * proofs of neighbouring contributions of one batch together, which makes it several times faster.
 *
 * <p>Out of order calls, or a number of contributions different from {@code contributionCount},
 * are programming errors ({@link IllegalStateException}); by then the document is incomplete.
 *
 * <p>Non-blocking use (a Vert.x route streaming SQL rows): create it with {@link #buffered()}, write
 * rows, and hand {@link #drain()} to the HTTP response whenever {@link #pendingBytes()} passes a
 * threshold, pausing the row stream while the response's write queue is full:
 *
 * <pre>{@code
 * AuditBundleWriter w = AuditBundleWriter.buffered();
 * w.begin(header);
 * rows.handler(row -> {
 *   w.contribution(toContribution(row));
 *   if (w.pendingBytes() >= 64 * 1024) {
 *     response.write(Buffer.buffer(w.drain()));
 *     if (response.writeQueueFull()) { rows.pause(); response.drainHandler(v -> rows.resume()); }
 *   }
 * });
 * }</pre>
 *
 * Not thread-safe: one writer per bundle, used by one thread at a time.
 */
public final class AuditBundleWriter implements Closeable {
  private static final JsonFactory JSON = new JsonFactory();

  private enum State { NEW, CONTRIBUTIONS, SHARES, FINISHED }

  private final JsonGenerator out;
  private final Buffer buffer;
  private State state = State.NEW;
  private long expected;
  private long written;

  private AuditBundleWriter(OutputStream stream, Buffer buffer) {
    try {
      this.out = JSON.createGenerator(stream, JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.buffer = buffer;
  }

  /** A writer onto a stream (a file, a blocking HTTP body). {@link #close()} closes the stream. */
  public static AuditBundleWriter to(OutputStream stream) {
    return new AuditBundleWriter(stream, null);
  }

  /** A writer that keeps what it wrote in memory until {@link #drain()} hands it over. */
  public static AuditBundleWriter buffered() {
    Buffer buffer = new Buffer();
    return new AuditBundleWriter(buffer, buffer);
  }

  /** Writes the members before the contributions and opens the contributions array. */
  public AuditBundleWriter begin(AuditBundle.Header header) {
    require(State.NEW, "begin");
    try {
      out.writeStartObject();
      out.writeStringField("format", AuditBundle.FORMAT);
      out.writeNumberField("version", AuditBundle.VERSION);

      AuditBundle.Chain chain = header.chain();
      out.writeObjectFieldStart("chain");
      out.writeNumberField("chainId", chain.chainId());
      out.writeStringField("consentRegistry", chain.consentRegistry());
      out.writeStringField("provenanceRegistry", chain.provenanceRegistry());
      out.writeStringField("marketplace", chain.marketplace());
      out.writeStringField("paymentToken", chain.paymentToken());
      out.writeEndObject();

      AuditBundle.Dataset dataset = header.dataset();
      out.writeObjectFieldStart("dataset");
      out.writeStringField("id", dataset.id().toString());
      hexField("contentRoot", dataset.contentRoot());
      hexField("sharesRoot", dataset.sharesRoot());
      out.writeStringField("totalShares", dataset.totalShares().toString());
      hexField("termsHash", dataset.termsHash());
      out.writeNumberField("contributionCount", dataset.contributionCount());
      out.writeEndObject();

      out.writeObjectFieldStart("sharesRule");
      out.writeStringField("id", header.sharesRule().id());
      out.writeStringField("description", header.sharesRule().description());
      if (!header.sharesRule().weights().isEmpty()) {
        out.writeObjectFieldStart("weights");
        for (var w : header.sharesRule().weights().entrySet()) {
          out.writeNumberField(w.getKey().toString(), w.getValue());
        }
        out.writeEndObject();
      }
      out.writeEndObject();

      out.writeArrayFieldStart("contributions");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    expected = header.dataset().contributionCount();
    state = State.CONTRIBUTIONS;
    return this;
  }

  /** Appends one contribution. */
  public AuditBundleWriter contribution(AuditBundle.Contribution c) {
    require(State.CONTRIBUTIONS, "contribution");
    if (written == expected) {
      throw new IllegalStateException("more contributions than the header's contributionCount " + expected);
    }
    try {
      out.writeStartObject();
      if (c.id() != null) {
        out.writeStringField("id", c.id());
      }
      out.writeStringField("contributor", c.contributor());
      out.writeStringField("campaignId", c.campaignId().toString());
      out.writeStringField("itemId", c.itemId().toString());
      hexField("answerHash", c.answerHash());
      hexField("termsHash", c.termsHash());
      out.writeNumberField("submittedAt", c.submittedAt());
      hexField("signature", c.signature());
      hexField("leaf", c.leaf());
      out.writeNumberField("batchId", c.batchId());
      out.writeArrayFieldStart("proof");
      for (byte[] node : c.proof()) {
        hexValue(node);
      }
      out.writeEndArray();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    written++;
    return this;
  }

  /** Appends one leaf of the shares tree (the first call closes the contributions array). */
  public AuditBundleWriter share(AuditBundle.Share s) {
    if (state == State.CONTRIBUTIONS) {
      startShares();
    }
    require(State.SHARES, "share");
    try {
      out.writeStartObject();
      out.writeNumberField("index", s.index());
      out.writeStringField("account", s.account());
      out.writeStringField("shares", s.shares().toString());
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Closes the document and flushes it (to the stream, or into the buffer for {@link #drain()}). */
  public void finish() {
    if (state == State.CONTRIBUTIONS) {
      startShares();
    }
    require(State.SHARES, "finish");
    try {
      out.writeEndArray();
      out.writeEndObject();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    state = State.FINISHED;
  }

  /** Bytes written and not yet drained (buffered writers), after flushing the generator. */
  public int pendingBytes() {
    requireBuffered();
    flush();
    return buffer.size();
  }

  /** Everything written since the last drain (buffered writers); the buffer is emptied. */
  public byte[] drain() {
    requireBuffered();
    flush();
    byte[] bytes = buffer.toByteArray();
    buffer.reset();
    return bytes;
  }

  /** Contributions written so far. */
  public long contributionsWritten() {
    return written;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startShares() {
    if (written != expected) {
      throw new IllegalStateException(
          "the header announced " + expected + " contributions but " + written + " were written");
    }
    try {
      out.writeEndArray();
      out.writeArrayFieldStart("shares");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    state = State.SHARES;
  }

  private void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void require(State wanted, String call) {
    if (state != wanted) {
      throw new IllegalStateException(call + "() called while the writer is at " + state);
    }
  }

  private void requireBuffered() {
    if (buffer == null) {
      throw new IllegalStateException("only a buffered() writer can be drained");
    }
  }

  private void hexField(String name, byte[] value) throws IOException {
    out.writeFieldName(name);
    hexValue(value);
  }

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private void hexValue(byte[] value) throws IOException {
    char[] chars = new char[2 + 2 * value.length];
    chars[0] = '0';
    chars[1] = 'x';
    for (int i = 0; i < value.length; i++) {
      chars[2 + 2 * i] = DIGITS[(value[i] >> 4) & 0xf];
      chars[3 + 2 * i] = DIGITS[value[i] & 0xf];
    }
    out.writeString(chars, 0, chars.length);
  }

  /** A byte buffer that can be emptied without reallocating. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(64 * 1024);
    }
  }
}
