package io.labelledger.demo;

import static io.labelledger.demo.StorySteps.check;
import static io.labelledger.demo.StorySteps.checkEqual;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.demo.StoryHttp.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * The story's reading of a dataset export with its files, as an ML tool would read it: each archive
 * taken apart into its samples, and its layout checked on the way (a {@link StoryFailure} names what
 * is wrong). Which samples there must be, and what each must hold, is the story's business.
 */
final class ExportArchives {
  private ExportArchives() {}

  /** A sample of an export: its metadata and the file's bytes. */
  record Sample(JsonNode meta, byte[] file) {}

  /** WebDataset: {@code <key>.json} then {@code <key>.wav}, consecutively, for each sample. */
  static List<Sample> webDataset(byte[] tar) {
    List<Sample> out = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      JsonNode meta = null;
      String key = null;
      for (ArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        String name = e.getName();
        byte[] bytes = in.readAllBytes();
        if (name.endsWith(".json")) {
          check("webdataset: a sample's metadata then its file", meta == null, name);
          meta = StoryHttp.JSON.readTree(bytes);
          key = name.substring(0, name.length() - ".json".length());
        } else {
          checkEqual("webdataset entry after " + key + ".json", key + ".wav", name);
          out.add(new Sample(meta, bytes));
          meta = null;
        }
      }
      check("webdataset: every metadata has its file", meta == null, String.valueOf(key));
    } catch (IOException e) {
      throw new StoryFailure("webdataset export", "not a tar: " + e.getMessage());
    }
    return out;
  }

  /** Hugging Face audiofolder: {@code metadata.jsonl} whose {@code file_name}s are exactly the other entries. */
  static List<Sample> audioFolder(byte[] zip) {
    Map<String, byte[]> entries = new TreeMap<>();
    try (ZipArchiveInputStream in = new ZipArchiveInputStream(new ByteArrayInputStream(zip))) {
      for (ArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        entries.put(e.getName(), in.readAllBytes());
      }
    } catch (IOException e) {
      throw new StoryFailure("audiofolder export", "not a zip: " + e.getMessage());
    }
    byte[] metadata = entries.remove("metadata.jsonl");
    check("audiofolder has metadata.jsonl", metadata != null, entries.keySet().toString());
    List<Sample> out = new ArrayList<>();
    TreeSet<String> named = new TreeSet<>();
    for (JsonNode meta : StorySteps.jsonLines(new Reply("audiofolder metadata", 200, metadata), "metadata.jsonl")) {
      String name = meta.path("file_name").asText();
      named.add(name);
      check("audiofolder entry " + name, entries.containsKey(name), "missing");
      out.add(new Sample(meta, entries.get(name)));
    }
    checkEqual("audiofolder entries besides metadata.jsonl", entries.keySet(), named);
    return out;
  }
}
