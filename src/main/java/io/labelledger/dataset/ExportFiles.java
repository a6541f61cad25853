package io.labelledger.dataset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.labelledger.answer.ContributedFile;
import io.labelledger.blob.BlobHasher;
import io.labelledger.blob.BlobId;
import io.labelledger.blob.BlobStore;
import io.labelledger.chain.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Exports of an upload version with the files themselves, written entry by entry onto a blocking stream
 * (a worker thread's): each file is copied from the blob store in 64 KiB pieces, so memory stays flat
 * whatever the sizes. While a file is copied its keccak256 is computed; bytes that do not hash to the
 * name the contributor signed fail the export (the client sees a truncated transfer, never a wrong file).
 *
 * <ul>
 *   <li>{@link Tar}: WebDataset, a tar of samples {@code <key>.json} (the metadata) then {@code <key>.<ext>}
 *       (the file), which {@code webdataset.WebDataset(url)} reads as it downloads.
 *   <li>{@link Zip}: Hugging Face's {@code audiofolder}/{@code imagefolder} layout, {@code metadata.jsonl}
 *       (one line per file, {@code file_name} first) beside the files, in a zip;
 *       {@code load_dataset("audiofolder", data_dir=...)} loads it once unpacked. The metadata comes
 *       first (a pass of its own), so neither pass holds more than one row.
 * </ul>
 */
final class ExportFiles {
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();
  static final String METADATA = "metadata.jsonl";

  private ExportFiles() {}

  /** One contribution of the version with its file: a sample of the archive. */
  record Sample(long itemId, String externalId, String dataJson, long contributionId, long campaignId,
      String contributor, String answer, ContributedFile file, String termsHash, long submittedAt, byte[] digest) {
    /** The sample's name in the archive: no dot (WebDataset splits a name at its first dot). */
    String key() {
      return itemId + "-" + contributionId;
    }

    String fileName() {
      return key() + "." + extension(file.mediaType());
    }
  }

  private static final Map<String, String> EXTENSIONS = Map.of("audio/wav", "wav", "audio/ogg", "ogg",
      "audio/webm", "webm", "image/jpeg", "jpg", "image/png", "png", "text/plain", "txt");

  static String extension(String mediaType) {
    return EXTENSIONS.getOrDefault(mediaType, "bin");
  }

  /**
   * The sample's metadata as one JSON object (no line end): {@code file_name}, the item, and every signed
   * field of the contribution, so that keccak256(file) = {@code file}, keccak256({@code answer}) = the
   * answer hash, and the EIP-712 digest of the fields = {@code digest}, a leaf of an anchored batch.
   */
  static void metadata(StringBuilder out, Sample s) {
    out.append("{\"file_name\":\"").append(s.fileName())
        .append("\",\"key\":\"").append(s.key())
        .append("\",\"itemId\":").append(s.itemId())
        .append(",\"item\":\"");
    ENCODER.quoteAsString(s.externalId(), out);
    out.append("\",\"data\":").append(s.dataJson())
        .append(",\"file\":\"").append(s.file().file())
        .append("\",\"mediaType\":\"").append(s.file().mediaType())
        .append("\",\"bytes\":").append(s.file().bytes())
        .append(",\"answer\":\"");
    ENCODER.quoteAsString(s.answer(), out);
    out.append("\",\"contributor\":\"").append(s.contributor())
        .append("\",\"campaignId\":").append(s.campaignId())
        .append(",\"termsHash\":\"").append(s.termsHash())
        .append("\",\"submittedAt\":").append(s.submittedAt())
        .append(",\"digest\":\"").append(Hex.encode(s.digest())).append("\"}");
  }

  private static byte[] metadataBytes(Sample s) {
    StringBuilder text = new StringBuilder(512);
    metadata(text, s);
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Copies the sample's blob to {@code out}, failing unless the bytes are exactly the signed file. */
  static void copyFile(BlobStore store, Sample s, OutputStream out) throws IOException {
    try (InputStream in = store.open(new BlobId(s.file().file()))) {
      BlobHasher copied = BlobHasher.copy(in, out);
      String id = copied.finish(false).id().hex();
      if (copied.bytes() != s.file().bytes() || !id.equals(s.file().file())) {
        throw new IOException("the stored bytes of " + s.file().file() + " are not the signed file (" + copied.bytes()
            + " bytes, keccak256 " + id + ")");
      }
    }
  }

  /** WebDataset: a tar stream of {@code <key>.json} and {@code <key>.<ext>} per sample. */
  static final class Tar implements AutoCloseable {
    private final TarArchiveOutputStream tar;
    private final BlobStore store;

    Tar(OutputStream out, BlobStore store) {
      this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
      this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      this.store = store;
    }

    void write(Sample s) throws IOException {
      byte[] json = metadataBytes(s);
      Instant time = Instant.ofEpochSecond(s.submittedAt());
      TarArchiveEntry meta = new TarArchiveEntry(s.key() + ".json");
      meta.setSize(json.length);
      meta.setModTime(time.toEpochMilli());
      tar.putArchiveEntry(meta);
      tar.write(json);
      tar.closeArchiveEntry();
      TarArchiveEntry file = new TarArchiveEntry(s.fileName());
      file.setSize(s.file().bytes());
      file.setModTime(time.toEpochMilli());
      tar.putArchiveEntry(file);
      copyFile(store, s, tar);
      tar.closeArchiveEntry();
    }

    /** Writes the end-of-archive records (the stream underneath stays open). */
    @Override
    public void close() throws IOException {
      tar.finish();
    }
  }

  /**
   * Hugging Face folder layout in a zip written without seeking: entries carry their sizes and CRC in
   * data descriptors; files are stored deflated at level 0 (media is compressed already), the metadata at
   * the default level; ZIP64 where an archive grows past 4 GiB.
   */
  static final class Zip implements AutoCloseable {
    private final ZipArchiveOutputStream zip;
    private final BlobStore store;
    private final StringBuilder line = new StringBuilder(512);
    private boolean metadataOpen;
    private boolean metadataDone;

    Zip(OutputStream out, BlobStore store) {
      this.zip = new ZipArchiveOutputStream(out);
      this.zip.setUseZip64(Zip64Mode.AsNeeded);
      this.zip.setEncoding(StandardCharsets.UTF_8.name());
      this.store = store;
    }

    /** A line of {@code metadata.jsonl} (first pass). */
    void metadata(Sample s) throws IOException {
      if (!metadataOpen) {
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        zip.putArchiveEntry(new ZipArchiveEntry(METADATA));
        metadataOpen = true;
      }
      line.setLength(0);
      ExportFiles.metadata(line, s);
      line.append('\n');
      zip.write(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A file beside the metadata (second pass). */
    void file(Sample s) throws IOException {
      closeMetadata();
      zip.setLevel(Deflater.NO_COMPRESSION);
      ZipArchiveEntry entry = new ZipArchiveEntry(s.fileName());
      entry.setTime(s.submittedAt() * 1000);
      zip.putArchiveEntry(entry);
      copyFile(store, s, zip);
      zip.closeArchiveEntry();
    }

    /** Ends {@code metadata.jsonl}, once (an empty one when there were no rows). */
    private void closeMetadata() throws IOException {
      if (metadataDone) {
        return;
      }
      if (!metadataOpen) {
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        zip.putArchiveEntry(new ZipArchiveEntry(METADATA));
      }
      zip.closeArchiveEntry();
      metadataOpen = false;
      metadataDone = true;
    }

    /** Writes the central directory (the stream underneath stays open). */
    @Override
    public void close() throws IOException {
      closeMetadata();
      zip.finish();
    }
  }
}
