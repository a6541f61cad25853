package io.labelledger.answer.singlechoice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.ExportColumn;
import io.labelledger.answer.Settings;
import io.labelledger.answer.TypedModel;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code single_choice}: one label of the campaign's list. The signed answer is the label text
 * itself (not JSON), as it has been from the start; aggregated by Dawid-Skene. An answer agrees
 * with the aggregate when it is the aggregated label.
 */
public final class SingleChoiceType implements AnswerType {
  @Override
  public String wireName() {
    return AnswerTypes.SINGLE_CHOICE;
  }

  @Override
  public String answerEncoding() {
    return "the label itself, as plain text (not JSON)";
  }

  @Override
  public String taskCategory() {
    return "text-classification";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.AT_LEAST_TWO;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings.of(given, Set.of()); // no settings: any key is refused
    return given.objectNode();
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    return new Bound(this, labels);
  }

  /** The type bound to a campaign's labels. */
  public record Bound(SingleChoiceType type, List<String> labels) implements CampaignAnswers<String, String> {
    public Bound {
      labels = List.copyOf(labels);
    }

    @Override
    public void checkItem(JsonNode data) {
      // any data object: the contributor is shown it and picks a label
    }

    @Override
    public String gold(JsonNode gold) {
      if (!gold.isTextual() || !labels.contains(gold.textValue())) {
        throw new IllegalArgumentException("'gold' must be one of the campaign's labels");
      }
      return gold.textValue();
    }

    @Override
    public String parse(String answer) {
      if (!labels.contains(answer)) {
        throw new ApiException(ErrorCode.ANSWER_NOT_IN_LABEL_SET, Map.of("labels", labels), answer, labels);
      }
      return answer;
    }

    @Override
    public Map<String, Object> answerSchema() {
      return Map.of("description", "the label itself, as plain text (not JSON)", "type", "string", "enum", labels);
    }

    @Override
    public TypedModel<String, String> model() {
      return new SingleChoiceModel(labels);
    }

    @Override
    public String goldAggregate(String goldAnswer) {
      return goldAnswer;
    }

    @Override
    public String aggregateText(String aggregate) {
      return aggregate;
    }

    @Override
    public String parseAggregate(String text) {
      return text;
    }

    @Override
    public boolean agrees(String answer, String aggregate) {
      return answer.equals(aggregate);
    }

    @Override
    public List<String> distributionKeys(String aggregate) {
      return List.of(aggregate);
    }

    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(); // the label column already is the label
    }

    @Override
    public Map<String, Object> exportColumns(String aggregate) {
      return Map.of();
    }
  }
}
