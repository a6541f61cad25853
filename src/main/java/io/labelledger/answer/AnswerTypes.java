package io.labelledger.answer;

import io.labelledger.answer.boxes.BoxesType;
import io.labelledger.answer.freetext.FreeTextType;
import io.labelledger.answer.multichoice.MultiChoiceType;
import io.labelledger.answer.pairwise.PairwiseType;
import io.labelledger.answer.rating.RatingType;
import io.labelledger.answer.singlechoice.SingleChoiceType;
import io.labelledger.answer.spans.SpansType;
import io.labelledger.answer.upload.UploadType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of answer types: the one place a type is added. */
public final class AnswerTypes {
  public static final String SINGLE_CHOICE = "single_choice";

  private static final Map<String, AnswerType> TYPES = index(List.of(new SingleChoiceType(), new MultiChoiceType(),
      new RatingType(), new FreeTextType(), new PairwiseType(), new SpansType(), new BoxesType(), new UploadType()));

  private AnswerTypes() {}

  public static Optional<AnswerType> find(String wireName) {
    return Optional.ofNullable(TYPES.get(wireName));
  }

  /** The type of a stored campaign. */
  public static AnswerType of(String wireName) {
    return find(wireName).orElseThrow(() -> new IllegalStateException("unknown task type " + wireName));
  }

  public static List<String> wireNames() {
    return List.copyOf(TYPES.keySet());
  }

  public static List<AnswerType> all() {
    return List.copyOf(TYPES.values());
  }

  private static Map<String, AnswerType> index(List<AnswerType> types) {
    Map<String, AnswerType> out = new LinkedHashMap<>();
    types.forEach(t -> out.put(t.wireName(), t));
    return out;
  }
}
