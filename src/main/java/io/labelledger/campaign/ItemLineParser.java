package io.labelledger.campaign;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import io.labelledger.answer.Answers;
import io.labelledger.answer.CampaignAnswers;
import java.util.Set;

/**
 * One JSONL line of an item upload: {@code {"id": "ext-1", "data": {...}, "gold": "label"?}}.
 * A line that is not a JSON object means the file is broken (truncated, wrong format), so the
 * upload is refused as a whole; a JSON object of the wrong shape is one bad item, rejected alone.
 */
final class ItemLineParser {
  static final int MAX_ID_LENGTH = 200;
  private static final Set<String> FIELDS = Set.of("id", "data", "gold");

  /**
   * A line that parsed into an item; {@code gold} is the gold answer as a contributor would sign it,
   * {@code goldKey} its match key when that is not the answer itself (both null without gold).
   */
  record Item(String externalId, String payload, String gold, String goldKey) {}

  /** The line is not a JSON object: the whole upload is refused. */
  static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The line is a JSON object but not a valid item: it is skipped and reported. */
  static final class Rejected extends Exception {
    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  private final ObjectMapper mapper;
  private final CampaignAnswers<?, ?> type;

  ItemLineParser(ObjectMapper mapper, CampaignAnswers<?, ?> type) {
    this.mapper = mapper;
    this.type = type;
  }

  Item parse(String line) throws Malformed, Rejected {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JacksonException e) {
      throw new Malformed(e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new Malformed("expected a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new Rejected("unknown field '" + name + "'");
      }
    }
    JsonNode id = node.get("id");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      throw new Rejected("'id' must be a non-empty string");
    }
    if (id.asText().length() > MAX_ID_LENGTH || id.asText().indexOf('\0') >= 0) {
      throw new Rejected("'id' must be at most " + MAX_ID_LENGTH + " characters, without NUL");
    }
    JsonNode data = node.get("data");
    if (data == null || !data.isObject()) {
      throw new Rejected("'data' must be a JSON object");
    }
    String payload = data.toString();
    if (payload.contains("\\u0000")) {
      throw new Rejected("'data' must not contain the NUL character (\\u0000)");
    }
    try {
      type.checkItem(data);
      JsonNode gold = node.get("gold");
      if (gold == null || gold.isNull()) {
        return new Item(id.asText(), payload, null, null);
      }
      String goldAnswer = type.gold(gold);
      if (type.answerNeedsItem()) { // a span past the end of this item's text, a box off its image
        Answers.asGold(() -> type.parse(goldAnswer, data));
      }
      return new Item(id.asText(), payload, goldAnswer, type.key(goldAnswer));
    } catch (IllegalArgumentException e) {
      throw new Rejected(e.getMessage());
    }
  }
}
