package io.labelledger.answer.multichoice;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code multi_choice}: zero or more of the campaign's labels (tags), between {@code minPicks} and
 * {@code maxPicks}. Signed as {@code {"labels":[...]}} with the picked labels sorted ascending (by
 * UTF-16 code units, as RFC 8785 sorts keys and JavaScript's default sort does) and not repeated.
 * Aggregated per label by {@link MultiLabelModel}. An answer agrees with the aggregate when the two
 * tag sets overlap by a Jaccard similarity of at least {@value #AGREEMENT} (two empty sets agree).
 */
public final class MultiChoiceType implements AnswerType {
  public static final String NAME = "multi_choice";
  static final double AGREEMENT = 0.5;

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of {\"labels\":[...]}: the picked labels sorted ascending, no repeats";
  }

  @Override
  public String taskCategory() {
    return "text-classification";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.AT_LEAST_ONE;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings s = Settings.of(given, Set.of("minPicks", "maxPicks"));
    int min = s.integer("minPicks", 0, 0, labels.size());
    int max = s.integer("maxPicks", labels.size(), 1, labels.size());
    if (max < min) {
      throw s.invalid("maxPicks", "must be at least minPicks (" + min + ")");
    }
    return given.objectNode().put("minPicks", min).put("maxPicks", max);
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    return new Bound(this, labels, settings.get("minPicks").intValue(), settings.get("maxPicks").intValue());
  }

  /** The type bound to a campaign; answers and aggregates are bit masks over the label positions. */
  public record Bound(MultiChoiceType type, List<String> labels, int minPicks, int maxPicks)
      implements CampaignAnswers<Long, Long> {
    public Bound {
      labels = List.copyOf(labels);
    }

    @Override
    public void checkItem(JsonNode data) {
      // any data object: the contributor is shown it and picks tags
    }

    @Override
    public String gold(JsonNode gold) {
      return Answers.asGold(() -> aggregateText(mask(gold)));
    }

    @Override
    public Long parse(String answer) {
      long mask = mask(CanonicalJson.parse(NAME, answer));
      String canonical = aggregateText(mask);
      if (!canonical.equals(answer)) { // RFC 8785 keeps array order: ours is sorted
        throw new ApiException(ErrorCode.ANSWER_NOT_CANONICAL, Map.of("canonical", canonical), NAME, canonical);
      }
      return mask;
    }

    private long mask(JsonNode node) {
      JsonNode picked = Answers.member(NAME, node, "labels", "{\"labels\":[...]}");
      if (!picked.isArray()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'labels' must be an array of labels");
      }
      long mask = 0;
      for (JsonNode label : picked) {
        if (!label.isTextual()) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'labels' must hold strings");
        }
        int position = labels.indexOf(label.textValue());
        if (position < 0) {
          throw new ApiException(ErrorCode.ANSWER_NOT_IN_LABEL_SET, Map.of("labels", labels), label.textValue(),
              labels);
        }
        if ((mask & (1L << position)) != 0) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'labels' repeats '" + label.textValue() + "'");
        }
        mask |= 1L << position;
      }
      int count = Long.bitCount(mask);
      if (count < minPicks || count > maxPicks) {
        throw new ApiException(ErrorCode.PICKS_OUT_OF_RANGE, Map.of("minPicks", minPicks, "maxPicks", maxPicks),
            count, minPicks, maxPicks);
      }
      return mask;
    }

    @Override
    public Map<String, Object> answerSchema() {
      return Map.of("description", "RFC 8785 canonical JSON: the picked labels sorted ascending, no repeats",
          "type", "object", "additionalProperties", false, "required", List.of("labels"),
          "properties", Map.of("labels", Map.of("type", "array", "uniqueItems", true, "minItems", minPicks,
              "maxItems", maxPicks, "items", Map.of("enum", labels))),
          "example", aggregateText(labels.isEmpty() || maxPicks == 0 ? 0L : 1L));
    }

    @Override
    public TypedModel<Long, Long> model() {
      return new MultiLabelModel(labels.size());
    }

    @Override
    public Long goldAggregate(String goldAnswer) {
      return mask(CanonicalJson.read(goldAnswer));
    }

    @Override
    public String aggregateText(Long aggregate) {
      return CanonicalJson.of(Map.of("labels", names(aggregate).stream().sorted().toList()));
    }

    @Override
    public Long parseAggregate(String text) {
      long mask = 0;
      for (JsonNode label : CanonicalJson.read(text).get("labels")) {
        mask |= 1L << labels.indexOf(label.textValue());
      }
      return mask;
    }

    @Override
    public boolean agrees(Long answer, Long aggregate) {
      long union = answer | aggregate;
      return union == 0 || (double) Long.bitCount(answer & aggregate) / Long.bitCount(union) >= AGREEMENT;
    }

    @Override
    public List<String> distributionKeys(Long aggregate) {
      return names(aggregate);
    }

    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("labels", ExportColumn.Kind.STRING_LIST));
    }

    @Override
    public Map<String, Object> exportColumns(Long aggregate) {
      return Map.of("labels", names(aggregate));
    }

    /** The labels of a mask, in the campaign's order. */
    List<String> names(long mask) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        if ((mask & (1L << i)) != 0) {
          out.add(labels.get(i));
        }
      }
      return out;
    }
  }
}
