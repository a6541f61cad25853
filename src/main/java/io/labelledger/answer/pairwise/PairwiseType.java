package io.labelledger.answer.pairwise;

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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code pairwise}: each item carries a prompt and two candidates,
 * {@code {"prompt":"...","a":{"text":"..."},"b":{"text":"..."}}}; the answer says which is better,
 * {@code {"choice":"a"}}, {@code {"choice":"b"}} or (when the campaign allows it) {@code {"choice":"tie"}}.
 * Aggregated by {@link PairwiseModel} (Bradley-Terry with per-worker reliability), each item's two
 * candidates scored within the campaign. An answer agrees with the aggregate when it makes the same
 * choice (a tie agrees only with a tied aggregate).
 */
public final class PairwiseType implements AnswerType {
  public static final String NAME = "pairwise";
  static final int MAX_TEXT = 100_000;

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of {\"choice\":\"a\"}, {\"choice\":\"b\"} or, where the campaign allows it, {\"choice\":\"tie\"}";
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
    Settings s = Settings.of(given, Set.of("allowTie"));
    return given.objectNode().put("allowTie", s.bool("allowTie", true));
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    return new Bound(this, settings.get("allowTie").booleanValue());
  }

  /** The choice as signed: a, b or tie. */
  public static String choiceName(Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }

  /** The type bound to a campaign. */
  public record Bound(PairwiseType type, boolean allowTie) implements CampaignAnswers<Outcome, Outcome> {
    @Override
    public void checkItem(JsonNode data) {
      JsonNode prompt = data.get("prompt");
      if (prompt == null || !prompt.isTextual() || prompt.textValue().isBlank()) {
        throw new IllegalArgumentException("'data.prompt' must be a non-empty string");
      }
      for (String side : List.of("a", "b")) {
        JsonNode candidate = data.get(side);
        if (candidate == null || !candidate.isObject() || !candidate.path("text").isTextual()
            || candidate.path("text").textValue().isBlank() || candidate.path("text").textValue().length() > MAX_TEXT) {
          throw new IllegalArgumentException("'data." + side + "' must be an object with a non-empty 'text' of at most "
              + MAX_TEXT + " characters");
        }
        JsonNode id = candidate.get("id");
        if (id != null && (!id.isTextual() || id.textValue().isBlank())) {
          throw new IllegalArgumentException("'data." + side + ".id' must be a non-empty string when given");
        }
      }
      if (data.path("a").path("id").isTextual() && data.path("a").path("id").equals(data.path("b").path("id"))) {
        throw new IllegalArgumentException("'data.a.id' and 'data.b.id' must differ");
      }
    }

    @Override
    public String gold(JsonNode gold) {
      return Answers.asGold(() -> aggregateText(choice(gold)));
    }

    @Override
    public Outcome parse(String answer) {
      return choice(CanonicalJson.parse(NAME, answer));
    }

    private Outcome choice(JsonNode node) {
      JsonNode value = Answers.member(NAME, node, "choice", "{\"choice\":\"a\"|\"b\"|\"tie\"}");
      String choice = value.isTextual() ? value.textValue() : "";
      switch (choice) {
        case "a":
          return Outcome.A;
        case "b":
          return Outcome.B;
        case "tie":
          if (!allowTie) {
            throw new ApiException(ErrorCode.TIE_NOT_ALLOWED);
          }
          return Outcome.TIE;
        default:
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'choice' must be \"a\", \"b\""
              + (allowTie ? " or \"tie\"" : ""));
      }
    }

    @Override
    public Map<String, Object> answerSchema() {
      return Map.of("description", "RFC 8785 canonical JSON: the better candidate, a (data.a) or b (data.b)",
          "type", "object", "additionalProperties", false, "required", List.of("choice"),
          "properties", Map.of("choice", Map.of("enum", allowTie ? List.of("a", "b", "tie") : List.of("a", "b"))),
          "example", "{\"choice\":\"a\"}");
    }

    @Override
    public TypedModel<Outcome, Outcome> model() {
      return new ItemPairs();
    }

    @Override
    public Outcome goldAggregate(String goldAnswer) {
      return choice(CanonicalJson.read(goldAnswer));
    }

    @Override
    public String aggregateText(Outcome aggregate) {
      return "{\"choice\":\"" + choiceName(aggregate) + "\"}";
    }

    @Override
    public Outcome parseAggregate(String text) {
      return Outcome.valueOf(CanonicalJson.read(text).get("choice").textValue().toUpperCase(Locale.ROOT));
    }

    @Override
    public boolean agrees(Outcome answer, Outcome aggregate) {
      return answer == aggregate;
    }

    @Override
    public List<String> distributionKeys(Outcome aggregate) {
      return List.of(choiceName(aggregate));
    }

    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("choice", ExportColumn.Kind.STRING));
    }

    @Override
    public Map<String, Object> exportColumns(Outcome aggregate) {
      return Map.of("choice", choiceName(aggregate));
    }

    @Override
    public List<String> labels() {
      return List.of();
    }
  }
}
