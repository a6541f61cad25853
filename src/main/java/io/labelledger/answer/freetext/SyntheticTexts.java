package io.labelledger.answer.freetext;

import io.labelledger.answer.TypedAnswers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated transcription crowd with known truth, for tests and benchmarks. The same arguments give
 * the same crowd.
 *
 * <p>Every task's true text is a sentence of 6 to 14 words drawn uniformly from a built-in vocabulary
 * of 121 common English words, its first letter capitalised, a comma after one of its words in three
 * sentences out of ten, and a full stop at the end. Each task is answered by {@code answersPerTask}
 * distinct, uniformly chosen workers. Workers are of four kinds, assigned by shuffling the workers
 * and taking, in that order, a quarter (rounded to nearest) as careless — half of them (rounded
 * up) typing random words, the other half pasting another task's text — then 35 % (rounded) as
 * careful typists and the rest as noisy typists:
 *
 * <ul>
 *   <li><b>careful</b>: each word is replaced with probability 0.01 (by another vocabulary word or a
 *       misspelling of itself, even odds), dropped with 0.005, and followed by an extra vocabulary
 *       word with 0.005; a case slip (the first letter in the wrong case) and a punctuation slip (the
 *       full stop missing, or a comma added) each with probability 0.1 per answer.
 *   <li><b>noisy</b>: the same slips with per-word probabilities 0.08 (replaced), 0.05 (dropped) and
 *       0.04 (extra word), case and punctuation slips with 0.4 each, and a doubled space with 0.2.
 *   <li><b>random words</b>: 3 to 12 uniformly drawn vocabulary words, whatever the task.
 *   <li><b>copier</b>: the true text of another uniformly chosen task (the task's own only when
 *       there is one task).
 * </ul>
 *
 * <p>Ids: tasks {@code t0, t1, ...} (task index = generation order), workers {@code w0, w1, ...}.
 */
public final class SyntheticTexts {
  static final String[] VOCABULARY = {
      "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by",
      "about", "over", "under", "after", "before", "cat", "dog", "house", "river", "city", "road",
      "car", "train", "book", "letter", "window", "door", "garden", "tree", "flower", "bird", "child",
      "woman", "man", "friend", "teacher", "doctor", "market", "bread", "water", "coffee", "music",
      "song", "story", "morning", "evening", "night", "day", "week", "year", "winter", "summer",
      "rain", "sun", "wind", "light", "color", "table", "chair", "kitchen", "street", "bridge",
      "station", "ticket", "money", "price", "paper", "picture", "phone", "computer", "question",
      "answer", "problem", "idea", "plan", "walks", "runs", "reads", "writes", "opens", "closes",
      "finds", "buys", "sells", "brings", "takes", "sees", "hears", "likes", "wants", "needs",
      "makes", "builds", "paints", "sings", "old", "new", "small", "big", "quiet", "loud", "bright",
      "dark", "warm", "cold", "early", "late", "quickly", "slowly", "often", "never", "always",
      "again", "together", "alone", "here",
  };

  /** The crowd's answers and each task's true text, by task index. */
  public record Crowd(TypedAnswers<String, String> answers, List<String> truth) {
    public Crowd {
      truth = List.copyOf(truth);
    }
  }

  private enum Kind { CAREFUL, NOISY, RANDOM_WORDS, COPIER }

  private record Slips(double replace, double drop, double insert, double caseSlip,
      double punctuationSlip, double doubleSpace) {}

  private static final Slips CAREFUL = new Slips(0.01, 0.005, 0.005, 0.1, 0.1, 0);
  private static final Slips NOISY = new Slips(0.08, 0.05, 0.04, 0.4, 0.4, 0.2);

  private SyntheticTexts() {}

  /**
   * @throws IllegalArgumentException when a count is not positive or {@code answersPerTask >
   *     workers}
   */
  public static Crowd generate(long seed, int tasks, int workers, int answersPerTask) {
    if (tasks < 1 || workers < 1 || answersPerTask < 1) {
      throw new IllegalArgumentException(
          "tasks, workers and answersPerTask must be positive, were " + tasks + ", " + workers + ", "
              + answersPerTask);
    }
    if (answersPerTask > workers) {
      throw new IllegalArgumentException(
          answersPerTask + " answers per task need as many workers; got " + workers);
    }
    SplittableRandom random = new SplittableRandom(seed);
    Kind[] kinds = kinds(workers, random);
    List<String> truth = new ArrayList<>(tasks);
    for (int t = 0; t < tasks; t++) {
      truth.add(sentence(random));
    }
    TypedAnswers.Builder<String, String> builder = TypedAnswers.builder();
    int[] chosen = new int[answersPerTask];
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < tasks; t++) {
      String taskId = "t" + t;
      for (int a = 0; a < answersPerTask; a++) {
        int worker = distinctWorker(random, workers, chosen, a);
        chosen[a] = worker;
        String answer = switch (kinds[worker]) {
          case CAREFUL -> retype(truth.get(t), CAREFUL, random, text);
          case NOISY -> retype(truth.get(t), NOISY, random, text);
          case RANDOM_WORDS -> randomWords(random, text);
          case COPIER -> truth.get(tasks == 1 ? t : (t + 1 + random.nextInt(tasks - 1)) % tasks);
        };
        builder.add(taskId, "w" + worker, answer);
      }
    }
    return new Crowd(builder.build(), truth);
  }

  private static Kind[] kinds(int workers, SplittableRandom random) {
    int[] order = new int[workers];
    for (int w = 0; w < workers; w++) {
      order[w] = w;
    }
    for (int i = workers - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int careless = (int) Math.round(0.25 * workers);
    int randomWords = (careless + 1) / 2;
    int careful = (int) Math.round(0.35 * workers);
    Kind[] kinds = new Kind[workers];
    for (int i = 0; i < workers; i++) {
      Kind kind;
      if (i < randomWords) {
        kind = Kind.RANDOM_WORDS;
      } else if (i < careless) {
        kind = Kind.COPIER;
      } else if (i < careless + careful) {
        kind = Kind.CAREFUL;
      } else {
        kind = Kind.NOISY;
      }
      kinds[order[i]] = kind;
    }
    return kinds;
  }

  private static String sentence(SplittableRandom random) {
    int words = 6 + random.nextInt(9);
    int commaAfter = random.nextDouble() < 0.3 ? 1 + random.nextInt(words - 2) : -1;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        out.append(' ');
      }
      String word = VOCABULARY[random.nextInt(VOCABULARY.length)];
      out.append(i == 0 ? capitalise(word) : word);
      if (i == commaAfter) {
        out.append(',');
      }
    }
    return out.append('.').toString();
  }

  /** {@code truth} as typed by someone who makes {@code slips}. */
  private static String retype(String truth, Slips slips, SplittableRandom random, StringBuilder out) {
    out.setLength(0);
    for (String word : truth.split(" ")) {
      double u = random.nextDouble();
      if (u < slips.drop()) {
        continue;
      }
      if (out.length() > 0) {
        out.append(random.nextDouble() < slips.doubleSpace() ? "  " : " ");
      }
      if (u < slips.drop() + slips.replace()) {
        out.append(random.nextBoolean() ? VOCABULARY[random.nextInt(VOCABULARY.length)] : misspell(word, random));
      } else {
        out.append(word);
      }
      if (random.nextDouble() < slips.insert()) {
        out.append(' ').append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
      }
    }
    if (out.length() > 0 && random.nextDouble() < slips.caseSlip()) {
      char first = out.charAt(0);
      out.setCharAt(0, Character.isUpperCase(first) ? Character.toLowerCase(first) : Character.toUpperCase(first));
    }
    if (random.nextDouble() < slips.punctuationSlip()) {
      int stop = out.lastIndexOf(".");
      if (stop >= 0 && random.nextBoolean()) {
        out.deleteCharAt(stop);
      } else {
        int space = out.indexOf(" ");
        if (space > 0) {
          out.insert(space, ',');
        }
      }
    }
    return out.toString();
  }

  /** {@code word} with two neighbouring letters swapped, or a letter doubled when it is one letter long. */
  private static String misspell(String word, SplittableRandom random) {
    if (word.length() < 2) {
      return word + word;
    }
    int i = random.nextInt(word.length() - 1);
    char[] letters = word.toCharArray();
    char swap = letters[i];
    letters[i] = letters[i + 1];
    letters[i + 1] = swap;
    String out = new String(letters);
    return out.equals(word) ? word + word.charAt(i) : out;
  }

  private static String randomWords(SplittableRandom random, StringBuilder out) {
    out.setLength(0);
    int words = 3 + random.nextInt(10);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
    }
    return out.toString();
  }

  private static String capitalise(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static int distinctWorker(SplittableRandom random, int workers, int[] chosen, int chosenCount) {
    while (true) {
      int candidate = random.nextInt(workers);
      boolean taken = false;
      for (int i = 0; i < chosenCount && !taken; i++) {
        taken = chosen[i] == candidate;
      }
      if (!taken) {
        return candidate;
      }
    }
  }
}
