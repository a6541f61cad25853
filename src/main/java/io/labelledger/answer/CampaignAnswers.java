package io.labelledger.answer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * An {@link AnswerType} bound to one campaign's labels and settings: checks its items, gold answers
 * and signed answers, and aggregates them. Immutable and thread-safe; campaigns never change, so
 * the service keeps one per campaign.
 *
 * @param <V> a parsed answer
 * @param <A> a parsed aggregate (and gold)
 */
public interface CampaignAnswers<V, A> {
  AnswerType type();

  /**
   * Checks an uploaded item's {@code data} object.
   *
   * @throws IllegalArgumentException with the reason the item is rejected
   */
  void checkItem(JsonNode data);

  /**
   * The stored form of an uploaded gold answer: exactly the answer string a contributor would sign
   * for it.
   *
   * @throws IllegalArgumentException with the reason the gold answer is rejected
   */
  String gold(JsonNode gold);

  /**
   * Checks a signed answer string and parses it, as far as that can be done without its item: the
   * whole check for most types; for a type whose {@link #answerNeedsItem()} it leaves out what only
   * the item can tell, and is how answers already stored (checked in full when accepted) are read.
   *
   * @throws io.labelledger.http.ApiException with the precise refusal (not canonical, out of range...)
   */
  V parse(String answer);

  /**
   * Whether a signed answer can only be checked in full against its item's data: true for answers
   * that point into the item (spans of its text, boxes on its image). Only for these types does the
   * service read the item on the submission path ({@link #parse(String, JsonNode)}), and check an
   * uploaded gold answer against its item.
   */
  default boolean answerNeedsItem() {
    return false;
  }

  /**
   * Checks a signed answer against the item it answers and parses it: {@link #parse(String)}, then
   * what only the item's {@code data} can tell (a span past the end of its text, a box off its image).
   *
   * @throws io.labelledger.http.ApiException with the precise refusal
   */
  default V parse(String answer, JsonNode itemData) {
    return parse(answer);
  }

  /**
   * The answer's match key: two answers (or an answer and a gold answer) are the same answer for
   * gold scoring exactly when their keys are equal. Null when the key is the answer string itself,
   * which is the case for every type whose canonical form already is its identity.
   */
  default String key(String answer) {
    return null;
  }

  /**
   * Whether an answer to a gold item is right when it {@link #agrees agrees} with the gold answer
   * (spans and boxes: an annotator rarely draws the very pixels or characters of the gold), rather
   * than only when it is the gold answer (by match key).
   */
  default boolean scoresGoldByAgreement() {
    return false;
  }

  /**
   * Checks a signed answer against its item in full ({@link #parse(String, JsonNode)}) and returns
   * its match key. For a type that {@link #scoresGoldByAgreement() scores gold by agreement}, an
   * answer to a gold item that agrees with the gold answer gets the gold answer's key, so that the
   * database, which scores gold by equal keys, counts it right.
   *
   * @param goldAnswer the item's stored gold answer, null when it is no gold item
   */
  default String checkedKey(String answer, JsonNode itemData, String goldAnswer) {
    V parsed = parse(answer, itemData);
    if (goldAnswer != null && scoresGoldByAgreement() && agrees(parsed, goldAggregate(goldAnswer))) {
      String goldKey = key(goldAnswer);
      return goldKey == null ? goldAnswer : goldKey;
    }
    return key(answer);
  }

  /**
   * The contributed file a (checked) answer names, for types whose answers reference an uploaded file;
   * null for every other type. The service then accepts the answer only if that file is stored and was
   * uploaded by the signer for this campaign item, with this length and media type.
   */
  default ContributedFile file(String answer) {
    return null;
  }

  /** What a wallet is told the answer is: a JSON Schema of the answer, or of its label. */
  Map<String, Object> answerSchema();

  /** The aggregation model of the type, bound to this campaign. */
  TypedModel<V, A> model();

  /** A parsed gold answer (as {@link #gold} stored it) in the model's aggregate form. */
  A goldAggregate(String goldAnswer);

  /** The stored text of an aggregate (the item's label): canonical JSON for the typed answers. */
  String aggregateText(A aggregate);

  /** The aggregate an item's stored label holds. */
  A parseAggregate(String text);

  /**
   * Whether {@code answer} agrees with {@code aggregate}: an agreeing contribution to a decided item
   * is accepted (and earns a share), any other is rejected. Each type states its rule in docs/operator-guide.md.
   */
  boolean agrees(V answer, A aggregate);

  /** The typed columns an export of this type adds, in order. */
  List<ExportColumn> exportSchema();

  /**
   * The aggregate as the values of {@link #exportSchema()}'s columns, by name: a {@code String}, a
   * {@code Double}, a {@code List<String>} or an {@link ExportColumn.JsonText} as each column's kind says.
   */
  Map<String, Object> exportColumns(A aggregate);

  /**
   * {@link #exportColumns(Object)} for a type whose columns also need the item: tokens of its text,
   * its image's size. {@code itemDataJson} is the item's data as JSON text, read only by such types.
   */
  default Map<String, Object> exportColumns(A aggregate, String itemDataJson) {
    return exportColumns(aggregate);
  }

  /**
   * What an aggregate counts as in a version's label distribution: its label, its tags, its rating
   * rounded to the scale, its choice; nothing for a text (every text is its own).
   */
  List<String> distributionKeys(A aggregate);

  /** The item's labels, empty for a type without labels. */
  List<String> labels();
}
