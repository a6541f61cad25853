package io.labelledger.answer.freetext;

import io.labelledger.answer.TypedAnswers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The naive aggregations a text model has to beat. Both ignore gold and compare texts exactly as
 * given (no normalisation), and both return one of the task's own answers.
 */
public final class TextBaselines {
  private TextBaselines() {}

  /**
   * One uniformly random answer per task index; the same seed picks the same answers (tasks drawn
   * in index order from one {@link SplittableRandom}).
   */
  public static List<String> randomAnswer(TypedAnswers<String, String> answers, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      int from = answers.answerStart(t);
      out.add(answers.value(from + random.nextInt(answers.answerEnd(t) - from)));
    }
    return out;
  }

  /** Per task index, the answer given most often as an exact string; ties go to the first seen. */
  public static List<String> mostFrequent(TypedAnswers<String, String> answers) {
    List<String> out = new ArrayList<>(answers.taskCount());
    Map<String, Integer> counts = new LinkedHashMap<>(); // iterates in first-seen order
    for (int t = 0; t < answers.taskCount(); t++) {
      counts.clear();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        counts.merge(answers.value(i), 1, Integer::sum);
      }
      String best = null;
      int bestCount = 0;
      for (Map.Entry<String, Integer> entry : counts.entrySet()) {
        if (entry.getValue() > bestCount) {
          best = entry.getKey();
          bestCount = entry.getValue();
        }
      }
      out.add(best);
    }
    return out;
  }
}
