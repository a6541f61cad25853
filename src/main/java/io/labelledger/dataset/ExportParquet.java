package io.labelledger.dataset;

import java.io.IOException;
import java.io.OutputStream;
import io.labelledger.answer.ExportColumn;
import java.util.HashMap;
import java.util.List;
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
 * double, then the answer type's typed columns ({@link ExportColumn}: a list of strings, a double or
 * a string; none for single choice), then leaves, a list of 32-byte content-tree leaves.
 * Snappy-compressed, dictionary-encoded where it pays (labels).
 */
public final class ExportParquet {
  /** Rows buffered before a row group is flushed; also what bounds the writer's memory. */
  public static final long ROW_GROUP_BYTES = 8L * 1024 * 1024;
  public static final int PAGE_BYTES = 512 * 1024;
  public static final String CARD_KEY = "labelledger.card";

  /** The schema of an export whose type adds {@code typed} columns. */
  public static MessageType schema(List<ExportColumn> typed) {
    StringBuilder s = new StringBuilder("""
        message labelledger_export {
          required int64 item_id;
          required binary item (STRING);
          required binary data (JSON);
          required binary label (STRING);
          required double confidence;
        """);
    for (ExportColumn c : typed) {
      switch (c.kind()) {
        case STRING -> s.append("  required binary ").append(c.name()).append(" (STRING);\n");
        case JSON -> s.append("  required binary ").append(c.name()).append(" (JSON);\n");
        case DOUBLE -> s.append("  required double ").append(c.name()).append(";\n");
        case STRING_LIST -> s.append("  required group ").append(c.name())
            .append(" (LIST) {\n    repeated group list {\n      required binary element (STRING);\n    }\n  }\n");
      }
    }
    s.append("""
          required group leaves (LIST) {
            repeated group list {
              required fixed_len_byte_array(32) element;
            }
          }
        }
        """);
    return MessageTypeParser.parseMessageType(s.toString());
  }

  /** The single-choice schema (no typed columns). */
  public static final MessageType SCHEMA = schema(List.of());

  private ExportParquet() {}

  /** A writer of rows to {@code out}; closing it writes the footer (it does not close {@code out}). */
  public static ParquetWriter<ExportRow> open(OutputStream out, Map<String, String> metadata) throws IOException {
    return open(out, metadata, List.of());
  }

  /** A writer of rows with the {@code typed} columns of their answer type. */
  public static ParquetWriter<ExportRow> open(OutputStream out, Map<String, String> metadata,
      List<ExportColumn> typed) throws IOException {
    return new Builder(new StreamOutputFile(out), metadata, typed)
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
    private final List<ExportColumn> typed;

    Builder(OutputFile file, Map<String, String> metadata, List<ExportColumn> typed) {
      super(file);
      this.metadata = metadata;
      this.typed = typed;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ExportRow> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(metadata, typed);
    }
  }

  private static final class RowWriteSupport extends WriteSupport<ExportRow> {
    private final Map<String, String> metadata;
    private final List<ExportColumn> typed;
    private RecordConsumer consumer;

    RowWriteSupport(Map<String, String> metadata, List<ExportColumn> typed) {
      this.metadata = metadata;
      this.typed = typed;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema(typed), new HashMap<>(metadata));
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
      int index = 5;
      for (ExportColumn c : typed) {
        Object value = row.typed().get(c.name());
        switch (c.kind()) {
          case STRING -> string(c.name(), index, (String) value);
          case JSON -> string(c.name(), index, ((ExportColumn.JsonText) value).json());
          case DOUBLE -> {
            consumer.startField(c.name(), index);
            consumer.addDouble(((Number) value).doubleValue());
            consumer.endField(c.name(), index);
          }
          case STRING_LIST -> {
            consumer.startField(c.name(), index);
            consumer.startGroup();
            List<?> values = (List<?>) value;
            if (!values.isEmpty()) {
              consumer.startField("list", 0);
              for (Object v : values) {
                consumer.startGroup();
                string("element", 0, (String) v);
                consumer.endGroup();
              }
              consumer.endField("list", 0);
            }
            consumer.endGroup();
            consumer.endField(c.name(), index);
          }
        }
        index++;
      }
      consumer.startField("leaves", index);
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
      consumer.endField("leaves", index);
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
