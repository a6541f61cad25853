package io.labelledger.answer;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.Iterator;

/** Shape checks shared by the typed answers: an object with exactly one known member. */
public final class Answers {
  private Answers() {}

  /**
   * The single member {@code field} of an answer object.
   *
   * @throws ApiException ANSWER_MALFORMED naming the expected shape
   */
  public static JsonNode member(String type, JsonNode answer, String field, String shape) {
    if (!answer.isObject() || answer.size() != 1 || !answer.has(field)) {
      throw new ApiException(ErrorCode.ANSWER_MALFORMED, type, "expected " + shape);
    }
    return answer.get(field);
  }

  /** Turns a refusal of an answer into the reason a gold answer is rejected at upload. */
  public static <T> T asGold(java.util.function.Supplier<T> check) {
    try {
      return check.get();
    } catch (ApiException e) {
      throw new IllegalArgumentException("'gold' is not a valid answer: " + e.getMessage());
    }
  }

  /** Names of a JSON object's members, for messages. */
  public static String names(JsonNode node) {
    StringBuilder s = new StringBuilder();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      s.append(s.length() == 0 ? "" : ", ").append(it.next());
    }
    return s.toString();
  }
}
