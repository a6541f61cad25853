package io.labelledger.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One kind of work a campaign can ask for (a label, tags, a rating, a text, a preference), with
 * everything the service needs to know about it behind this one interface: what a campaign of the
 * type must declare ({@link #labelRule}, {@link #settings}), and — once bound to a campaign's
 * labels and settings ({@link #bind}) — how its items, gold answers and signed answers are checked,
 * what exactly is signed, how answers are aggregated and what "agrees with the aggregate" means.
 * Types are registered once, in {@link AnswerTypes}; nothing else switches on the type.
 *
 * <p>The EIP-712 {@code Contribution} never changes: its {@code answer} is the label for
 * {@code single_choice} and the RFC 8785 canonical JSON of the typed answer for every other type,
 * so the contracts, the audit bundle and the verifier serve every type as they are.
 */
public interface AnswerType {
  /** The type's name in the API ({@code taskType}). */
  String wireName();

  /** What a signed {@code Contribution.answer} of this type holds, in words (for {@code GET /api/eip712}). */
  String answerEncoding();

  /** The Hugging Face task category a dataset of this type is listed under (dataset card metadata). */
  String taskCategory();

  /** Whether a campaign of this type declares labels, and how many. */
  LabelRule labelRule();

  /**
   * The campaign's settings for this type with every default filled in.
   *
   * @param given the request's {@code settings} (an empty object when it gave none)
   * @param labels the campaign's labels (empty for types without labels)
   * @throws InvalidSettingsException naming the setting and what is wrong with it
   */
  ObjectNode settings(ObjectNode given, List<String> labels);

  /** The type bound to one campaign's labels and settings (as {@link #settings} returned them). */
  CampaignAnswers<?, ?> bind(List<String> labels, JsonNode settings);

  /** How many labels a campaign of a type declares. */
  enum LabelRule {
    /** No labels: the request must not name any. */
    NONE(0, 0),
    /** At least one label (tags: a campaign may ask about a single tag). */
    AT_LEAST_ONE(1, 64),
    /** At least two labels to choose between. */
    AT_LEAST_TWO(2, 64);

    public final int min;
    public final int max;

    LabelRule(int min, int max) {
      this.min = min;
      this.max = max;
    }
  }

  /** A campaign's settings refused: {@code setting} is the JSON path under {@code settings}. */
  final class InvalidSettingsException extends RuntimeException {
    private final String setting;

    public InvalidSettingsException(String setting, String problem) {
      super(problem, null, false, false);
      this.setting = setting;
    }

    public String setting() {
      return setting;
    }
  }
}
