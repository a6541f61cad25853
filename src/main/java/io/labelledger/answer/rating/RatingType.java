package io.labelledger.answer.rating;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rating}: an integer on the campaign's scale {@code min..max} (named ends {@code minLabel},
 * {@code maxLabel}). Signed as {@code {"rating":N}}. Aggregated by {@link RatingModel}, which removes
 * each rater's bias and scale; the aggregate is a real number on the scale. An answer agrees with
 * the aggregate when it is within {@code tolerance} (default 1) of it.
 */
public final class RatingType implements AnswerType {
  public static final String NAME = "rating";

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of {\"rating\":N}: N an integer on the campaign's scale";
  }

  @Override
  public String taskCategory() {
    return "text-classification";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.NONE;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings s = Settings.of(given, Set.of("min", "max", "minLabel", "maxLabel", "tolerance"));
    int min = s.integer("min", 1, -1000, 1000);
    int max = s.integer("max", 5, -1000, 1000);
    if (max <= min || max - min > 100) {
      throw s.invalid("max", "must be above min (" + min + ") by 1 to 100");
    }
    double tolerance = s.number("tolerance", 1, 0, max - min);
    return given.objectNode().put("min", min).put("max", max).put("minLabel", s.text("minLabel", "", 100))
        .put("maxLabel", s.text("maxLabel", "", 100)).put("tolerance", tolerance);
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    return new Bound(this, settings.get("min").intValue(), settings.get("max").intValue(),
        settings.get("tolerance").doubleValue());
  }

  /** The type bound to a campaign's scale. */
  public record Bound(RatingType type, int min, int max, double tolerance) implements CampaignAnswers<Integer, Double> {
    @Override
    public void checkItem(JsonNode data) {
      // any data object: the contributor is shown it and rates it
    }

    @Override
    public String gold(JsonNode gold) {
      return Answers.asGold(() -> CanonicalJson.of(Map.of("rating", rating(gold))));
    }

    @Override
    public Integer parse(String answer) {
      return rating(CanonicalJson.parse(NAME, answer));
    }

    private int rating(JsonNode node) {
      JsonNode value = Answers.member(NAME, node, "rating", "{\"rating\":N}");
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'rating' must be an integer");
      }
      int rating = value.intValue();
      if (rating < min || rating > max) {
        throw new ApiException(ErrorCode.RATING_OUT_OF_RANGE, Map.of("min", min, "max", max), rating, min, max);
      }
      return rating;
    }

    @Override
    public Map<String, Object> answerSchema() {
      return Map.of("description", "RFC 8785 canonical JSON: an integer rating on the campaign's scale",
          "type", "object", "additionalProperties", false, "required", List.of("rating"),
          "properties", Map.of("rating", Map.of("type", "integer", "minimum", min, "maximum", max)),
          "example", "{\"rating\":" + max + "}");
    }

    @Override
    public TypedModel<Integer, Double> model() {
      return new RatingModel(min, max);
    }

    @Override
    public Double goldAggregate(String goldAnswer) {
      return CanonicalJson.read(goldAnswer).get("rating").doubleValue();
    }

    @Override
    public String aggregateText(Double aggregate) {
      // four decimals: the stored label is stable text, far below any meaningful difference in a rating
      double rounded = Math.round(aggregate * 10_000) / 10_000.0;
      return "{\"rating\":" + CanonicalJson.number(rounded) + "}";
    }

    @Override
    public Double parseAggregate(String text) {
      return CanonicalJson.read(text).get("rating").doubleValue();
    }

    @Override
    public boolean agrees(Integer answer, Double aggregate) {
      return Math.abs(answer - aggregate) <= tolerance + 1e-9;
    }

    @Override
    public List<String> distributionKeys(Double aggregate) {
      return List.of(Long.toString(Math.round(aggregate)));
    }

    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("rating", ExportColumn.Kind.DOUBLE));
    }

    @Override
    public Map<String, Object> exportColumns(Double aggregate) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rating", parseAggregate(aggregateText(aggregate)));
      return out;
    }

    @Override
    public List<String> labels() {
      return List.of();
    }
  }
}
