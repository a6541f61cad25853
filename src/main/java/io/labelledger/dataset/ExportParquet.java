package io.labelledger.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Parquet export, written with parquet-java to any {@link OutputStream} (the HTTP response): the
 * format only appends, the footer comes last, so nothing needs seeking. Memory is bounded by one
 * row group ({@link #ROW_GROUP_BYTES}) whatever the number of rows. The dataset card travels in
 * the footer's key-value metadata under {@code labelledger.card}.
 *
 * <p>Schema (one row per item): item_id int64, item string, data JSON, label string, confidence
 * double, leaves list of 32-byte content-tree leaves. Snappy-compressed, dictionary-encoded where
 * it pays (labels).
 */
public final class ExportParquet {
  /** Rows buffered before a row group is flushed; also what bounds the writer's memory. */
  public static final long ROW_GROUP_BYTES = 8L * 1024 * 1024;
  public static final int PAGE_BYTES = 512 * 1024;
  public static final String CARD_KEY = "labelledger.card";

  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message labelledger_export {
        required int64 item_id;
        required binary item (STRING);
        required binary data (JSON);
        required binary label (STRING);
        required double confidence;
        required group leaves (LIST) {
          repeated group list {
            required fixed_len_byte_array(32) element;
          }
        }
      }
      """);

  private ExportParquet() {}

  /** A writer of rows to {@code out}; closing it writes the footer (it does not close {@code out}). */
  public static ParquetWriter<ExportRow> open(OutputStream out, Map<String, String> metadata) throws IOException {
    return new Builder(new StreamOutputFile(out), metadata)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withRowGroupSize(ROW_GROUP_BYTES)
        .withPageSize(PAGE_BYTES)
        .withDictionaryPageSize(PAGE_BYTES)
        .withDictionaryEncoding(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .build();
  }

  private static final class Builder extends ParquetWriter.Builder<ExportRow, Builder> {
    private final Map<String, String> metadata;

    Builder(OutputFile file, Map<String, String> metadata) {
      super(file);
      this.metadata = metadata;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ExportRow> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(metadata);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<ExportRow> {
    private final Map<String, String> metadata;
    private RecordConsumer consumer;

    RowWriteSupport(Map<String, String> metadata) {
      this.metadata = metadata;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, new HashMap<>(metadata));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(ExportRow row) {
      consumer.startMessage();
      consumer.startField("item_id", 0);
      consumer.addLong(row.itemId());
      consumer.endField("item_id", 0);
      string("item", 1, row.externalId());
      string("data", 2, row.dataJson());
      string("label", 3, row.label());
      consumer.startField("confidence", 4);
      consumer.addDouble(row.confidence());
      consumer.endField("confidence", 4);
      consumer.startField("leaves", 5);
      consumer.startGroup();
      if (!row.leaves().isEmpty()) {
        consumer.startField("list", 0);
        for (byte[] leaf : row.leaves()) {
          consumer.startGroup();
          consumer.startField("element", 0);
          consumer.addBinary(Binary.fromConstantByteArray(leaf));
          consumer.endField("element", 0);
          consumer.endGroup();
        }
        consumer.endField("list", 0);
      }
      consumer.endGroup();
      consumer.endField("leaves", 5);
      consumer.endMessage();
    }

    private void string(String field, int index, String value) {
      consumer.startField(field, index);
      consumer.addBinary(Binary.fromString(value));
      consumer.endField(field, index);
    }
  }

  /** An append-only {@link OutputFile} over a stream, counting its position. */
  private static final class StreamOutputFile implements OutputFile {
    private final OutputStream out;

    StreamOutputFile(OutputStream out) {
      this.out = out;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          position += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return "export";
    }
  }
}
