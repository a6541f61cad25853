package io.labelledger.answer.freetext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.Answers;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.ExportColumn;
import io.labelledger.answer.CanonicalJson;
import io.labelledger.answer.Settings;
import io.labelledger.answer.TypedModel;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code free_text}: a short text (a transcription, a rewrite, a correction) of at most
 * {@code maxLength} characters (Unicode code points), not blank. Signed as {@code {"text":"..."}},
 * the text exactly as written. The campaign's {@code normalize} rules (case, whitespace,
 * punctuation) apply to comparing texts, never to what is signed: gold matches when the normalised
 * texts are equal, and an answer agrees with the aggregate when its word error rate against it,
 * both normalised, is at most {@code maxWordErrorRate} (default 0.2). Aggregated by
 * {@link TextModel}.
 */
public final class FreeTextType implements AnswerType {
  public static final String NAME = "free_text";
  /** Longest text a campaign may allow: the signed answer field holds 10,000 characters, JSON included. */
  static final int MAX_LENGTH = 4000;

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of {\"text\":\"...\"}: the text exactly as written";
  }

  @Override
  public String taskCategory() {
    return "text-generation";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.NONE;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings s = Settings.of(given, Set.of("maxLength", "normalize", "maxWordErrorRate"));
    int maxLength = s.integer("maxLength", 1000, 1, MAX_LENGTH);
    Settings n = s.object("normalize", Set.of("case", "whitespace", "punctuation"));
    ObjectNode out = given.objectNode().put("maxLength", maxLength);
    out.putObject("normalize").put("case", n.bool("case", false)).put("whitespace", n.bool("whitespace", true))
        .put("punctuation", n.bool("punctuation", false));
    out.put("maxWordErrorRate", s.number("maxWordErrorRate", 0.2, 0, 1));
    return out;
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    JsonNode n = settings.get("normalize");
    return new Bound(this, settings.get("maxLength").intValue(), new TextNormalizer(n.get("case").booleanValue(),
        n.get("whitespace").booleanValue(), n.get("punctuation").booleanValue()),
        settings.get("maxWordErrorRate").doubleValue());
  }

  /** The type bound to a campaign's limit and normalisation rules. */
  public record Bound(FreeTextType type, int maxLength, TextNormalizer normalizer, double maxWordErrorRate)
      implements CampaignAnswers<String, String> {
    @Override
    public void checkItem(JsonNode data) {
      // any data object: the contributor is shown it and writes
    }

    @Override
    public String gold(JsonNode gold) {
      return Answers.asGold(() -> CanonicalJson.of(Map.of("text", text(gold))));
    }

    @Override
    public String parse(String answer) {
      return text(CanonicalJson.parse(NAME, answer));
    }

    private String text(JsonNode node) {
      JsonNode value = Answers.member(NAME, node, "text", "{\"text\":\"...\"}");
      if (!value.isTextual()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'text' must be a string");
      }
      String text = value.textValue();
      if (text.isBlank()) {
        throw new ApiException(ErrorCode.TEXT_EMPTY);
      }
      int length = text.codePointCount(0, text.length());
      if (length > maxLength) {
        throw new ApiException(ErrorCode.TEXT_TOO_LONG, Map.of("maxLength", maxLength), length, maxLength);
      }
      return text;
    }

    /** Gold is matched on the normalised text. */
    @Override
    public String key(String answer) {
      return normalizer.normalize(CanonicalJson.read(answer).get("text").textValue());
    }

    @Override
    public Map<String, Object> answerSchema() {
      return Map.of("description", "RFC 8785 canonical JSON: the text as written, not blank",
          "type", "object", "additionalProperties", false, "required", List.of("text"),
          "properties", Map.of("text", Map.of("type", "string", "minLength", 1, "maxLength", maxLength)),
          "example", "{\"text\":\"...\"}");
    }

    @Override
    public TypedModel<String, String> model() {
      return new TextModel(normalizer);
    }

    @Override
    public String goldAggregate(String goldAnswer) {
      return CanonicalJson.read(goldAnswer).get("text").textValue();
    }

    @Override
    public String aggregateText(String aggregate) {
      return CanonicalJson.of(Map.of("text", aggregate));
    }

    @Override
    public String parseAggregate(String text) {
      return CanonicalJson.read(text).get("text").textValue();
    }

    @Override
    public boolean agrees(String answer, String aggregate) {
      return Wer.wordErrorRate(answer, aggregate, normalizer) <= maxWordErrorRate + 1e-9;
    }

    @Override
    public List<String> distributionKeys(String aggregate) {
      return List.of();
    }

    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("text", ExportColumn.Kind.STRING));
    }

    @Override
    public Map<String, Object> exportColumns(String aggregate) {
      return Map.of("text", aggregate);
    }

    @Override
    public List<String> labels() {
      return List.of();
    }
  }
}
