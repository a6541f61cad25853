package io.labelledger.answer.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.CanonicalJson;
import io.labelledger.answer.ContributedFile;
import io.labelledger.answer.ExportColumn;
import io.labelledger.answer.Settings;
import io.labelledger.answer.TypedModel;
import io.labelledger.blob.BlobId;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code upload}: a collection campaign. Its items are prompts (a sentence to read, a thing to
 * photograph, a question to answer in writing); a contributor answers one with a file of their own,
 * uploaded first ({@code POST /api/campaigns/{id}/uploads}) and then signed by reference as
 * {@code {"bytes":N,"file":"0x<keccak256>","mediaType":"..."}}. Settings: the accepted
 * {@code mediaTypes} (what the bytes are, detected from them), {@code maxBytes}, and for audio
 * {@code minSeconds}/{@code maxSeconds}.
 *
 * <p>Each file is its own datum: the aggregate of an item is the set of files it received (confidence 1,
 * so an item closes at its overlap), and every stored file agrees with it. Whether a file is good is for
 * peer validation to decide, not for an aggregation of files.
 */
public final class UploadType implements AnswerType {
  public static final String NAME = "upload";
  /** The media types a campaign may accept: what the service can recognise from the bytes. */
  public static final List<String> SUPPORTED = List.of("audio/ogg", "audio/wav", "audio/webm", "image/jpeg",
      "image/png", "text/plain");
  static final int DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
  static final int MAX_MAX_BYTES = 1024 * 1024 * 1024;
  /** Common Voice's rule: two agreeing validators decide. */
  static final int DEFAULT_AGREEING = 2;
  static final int DEFAULT_UPLOAD_SHARES = 10;
  static final int DEFAULT_VALIDATION_SHARES = 1;
  /** Weights stay small so that a version's total shares (a bigint) cannot overflow. */
  static final int MAX_WEIGHT = 1_000_000;

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of "
        + "{\"bytes\":N,\"file\":\"0x<keccak256>\",\"mediaType\":\"...\"}: the file uploaded first with "
        + "POST /api/campaigns/{id}/uploads, which replies with exactly this string";
  }

  @Override
  public String taskCategory() {
    return "audio-classification";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.NONE;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings s = Settings.of(given, Set.of("mediaTypes", "maxBytes", "minSeconds", "maxSeconds", "validation",
        "shares"));
    TreeSet<String> types = new TreeSet<>();
    JsonNode named = given == null ? null : given.get("mediaTypes");
    if (named == null || named.isNull()) {
      types.addAll(SUPPORTED);
    } else {
      if (!named.isArray() || named.isEmpty()) {
        throw s.invalid("mediaTypes", "must be a non-empty array of media types from " + SUPPORTED);
      }
      for (JsonNode type : named) {
        if (!type.isTextual() || !SUPPORTED.contains(type.textValue())) {
          throw s.invalid("mediaTypes", "may name only " + SUPPORTED + ", not " + type);
        }
        types.add(type.textValue());
      }
    }
    int maxBytes = s.integer("maxBytes", DEFAULT_MAX_BYTES, 1, MAX_MAX_BYTES);
    double minSeconds = s.number("minSeconds", 0, 0, 86_400);
    double maxSeconds = s.number("maxSeconds", 600, 0.001, 86_400);
    if (maxSeconds < minSeconds) {
      throw s.invalid("maxSeconds", "must be at least minSeconds (" + minSeconds + ")");
    }
    ObjectNode out = given == null ? new ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance)
        : given.objectNode();
    ArrayNode list = out.putArray("mediaTypes");
    types.forEach(list::add);
    out.put("maxBytes", maxBytes).put("minSeconds", minSeconds).put("maxSeconds", maxSeconds);
    Settings v = s.object("validation", Set.of("agreeing", "maxVotes", "goldRate", "accuracyFloor"));
    int agreeing = v.integer("agreeing", DEFAULT_AGREEING, 1, 25);
    int maxVotes = v.integer("maxVotes", 2 * agreeing - 1, 1, 50);
    if (maxVotes < agreeing) {
      throw v.invalid("maxVotes", "must be at least agreeing (" + agreeing + ")");
    }
    double goldRate = v.number("goldRate", 0, 0, 0.5);
    double accuracyFloor = v.number("accuracyFloor", 0, 0, 1);
    out.putObject("validation").put("agreeing", agreeing).put("maxVotes", maxVotes).put("goldRate", goldRate)
        .put("accuracyFloor", accuracyFloor);
    Settings w = s.object("shares", Set.of("upload", "validation"));
    out.putObject("shares").put("upload", w.integer("upload", DEFAULT_UPLOAD_SHARES, 1, MAX_WEIGHT))
        .put("validation", w.integer("validation", DEFAULT_VALIDATION_SHARES, 1, MAX_WEIGHT));
    return out;
  }

  /**
   * The peer validation an upload campaign asks for, from its complete settings; empty for a campaign
   * created before peer validation existed (its settings have no {@code validation}).
   */
  public static java.util.Optional<Validation> validation(JsonNode settings) {
    JsonNode v = settings == null ? null : settings.get("validation");
    JsonNode w = settings == null ? null : settings.get("shares");
    if (v == null || w == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Validation(v.get("agreeing").intValue(), v.get("maxVotes").intValue(),
        v.get("goldRate").doubleValue(), v.get("accuracyFloor").doubleValue(), w.get("upload").longValue(),
        w.get("validation").longValue()));
  }

  /**
   * An upload campaign's peer validation: an upload counts once {@code agreeing} validators agree (and
   * outvote the others), at most {@code maxVotes} are asked; an accepted upload earns {@code uploadShares},
   * an accepted validation {@code validationShares}.
   */
  public record Validation(int agreeing, int maxVotes, double goldRate, double accuracyFloor, long uploadShares,
      long validationShares) {}

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    List<String> types = new ArrayList<>();
    settings.get("mediaTypes").forEach(t -> types.add(t.textValue()));
    return new Bound(this, List.copyOf(types), settings.get("maxBytes").longValue(),
        settings.get("minSeconds").doubleValue(), settings.get("maxSeconds").doubleValue());
  }

  /** The type bound to a campaign's accepted media, size and duration. */
  public record Bound(UploadType type, List<String> mediaTypes, long maxBytes, double minSeconds, double maxSeconds)
      implements CampaignAnswers<ContributedFile, List<ContributedFile>> {
    /** The canonical answer string that names a file. */
    public static String answer(ContributedFile file) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("bytes", file.bytes());
      answer.put("file", file.file());
      answer.put("mediaType", file.mediaType());
      return CanonicalJson.of(answer);
    }

    /**
     * The aggregate of the files the given answers name, as {@link #aggregateText} writes it: what an export
     * shows for an item when only some of its contributions are left (the others erased).
     */
    public String aggregateOf(List<String> answers) {
      TreeSet<ContributedFile> files = new TreeSet<>(FileSetModel.ORDER);
      answers.forEach(a -> files.add(parse(a)));
      return aggregateText(List.copyOf(files));
    }

    public boolean accepts(String mediaType) {
      return mediaTypes.contains(mediaType);
    }

    @Override
    public void checkItem(JsonNode data) {
      // any data object: the prompt the contributor is shown
    }

    @Override
    public String gold(JsonNode gold) {
      throw new IllegalArgumentException("an upload campaign has no gold answers: each file is the contributor's own");
    }

    @Override
    public ContributedFile parse(String answer) {
      JsonNode node = CanonicalJson.parse(NAME, answer);
      if (!node.isObject() || node.size() != 3 || !node.has("bytes") || !node.has("file") || !node.has("mediaType")) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME,
            "expected {\"bytes\":N,\"file\":\"0x<keccak256>\",\"mediaType\":\"...\"}");
      }
      JsonNode bytes = node.get("bytes");
      JsonNode file = node.get("file");
      JsonNode mediaType = node.get("mediaType");
      if (!bytes.isIntegralNumber() || !bytes.canConvertToLong() || bytes.longValue() < 1
          || bytes.longValue() > maxBytes) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'bytes' must be an integer from 1 to " + maxBytes);
      }
      if (!file.isTextual() || !BlobId.isValid(file.textValue())) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'file' must be 0x and 64 lower-case hex digits");
      }
      if (!mediaType.isTextual() || !accepts(mediaType.textValue())) {
        throw new ApiException(ErrorCode.MEDIA_TYPE_NOT_ALLOWED, Map.of("mediaTypes", mediaTypes),
            mediaType.isTextual() ? mediaType.textValue() : mediaType.toString(), mediaTypes);
      }
      return new ContributedFile(file.textValue(), mediaType.textValue(), bytes.longValue());
    }

    @Override
    public ContributedFile file(String answer) {
      return parse(answer);
    }

    @Override
    public Map<String, Object> answerSchema() {
      return Map.of("description", "RFC 8785 canonical JSON naming a file uploaded first with "
              + "POST /api/campaigns/{id}/uploads (its reply's 'answer' is exactly the string to sign)",
          "type", "object", "additionalProperties", false, "required", List.of("bytes", "file", "mediaType"),
          "properties", Map.of(
              "bytes", Map.of("type", "integer", "minimum", 1, "maximum", maxBytes),
              "file", Map.of("type", "string", "pattern", "^0x[0-9a-f]{64}$"),
              "mediaType", Map.of("type", "string", "enum", mediaTypes)),
          "example", "{\"bytes\":48044,\"file\":\"0x" + "ab".repeat(32) + "\",\"mediaType\":\"" + mediaTypes.get(0)
              + "\"}");
    }

    @Override
    public TypedModel<ContributedFile, List<ContributedFile>> model() {
      return new FileSetModel();
    }

    @Override
    public List<ContributedFile> goldAggregate(String goldAnswer) {
      throw new IllegalStateException("an upload campaign has no gold answers");
    }

    @Override
    public String aggregateText(List<ContributedFile> aggregate) {
      List<Map<String, Object>> files = new ArrayList<>();
      for (ContributedFile f : aggregate) {
        files.add(Map.of("bytes", f.bytes(), "file", f.file(), "mediaType", f.mediaType()));
      }
      return CanonicalJson.of(Map.of("files", files));
    }

    @Override
    public List<ContributedFile> parseAggregate(String text) {
      List<ContributedFile> files = new ArrayList<>();
      for (JsonNode f : CanonicalJson.read(text).get("files")) {
        files.add(new ContributedFile(f.get("file").textValue(), f.get("mediaType").textValue(),
            f.get("bytes").longValue()));
      }
      return files;
    }

    @Override
    public boolean agrees(ContributedFile answer, List<ContributedFile> aggregate) {
      return aggregate.contains(answer);
    }

    @Override
    public List<String> distributionKeys(List<ContributedFile> aggregate) {
      return aggregate.stream().map(ContributedFile::mediaType).toList();
    }

    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("files", ExportColumn.Kind.STRING_LIST));
    }

    @Override
    public Map<String, Object> exportColumns(List<ContributedFile> aggregate) {
      return Map.of("files", aggregate.stream().map(ContributedFile::file).toList());
    }

    @Override
    public List<String> labels() {
      return List.of();
    }
  }
}
