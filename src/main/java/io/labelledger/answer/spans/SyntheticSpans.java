package io.labelledger.answer.spans;

import static io.labelledger.answer.CrowdSampling.distinctWorker;
import static io.labelledger.answer.CrowdSampling.uniform;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.regions.RegionMatch;
import io.labelledger.answer.regions.Regions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated crowd marking entities in texts with known true entities, for tests and benchmarks.
 * The same arguments give the same crowd.
 *
 * <ul>
 *   <li><b>Texts:</b> 20-60 words of 1-9 lower-case letters separated by single spaces; one word in
 *       fifty ends in an emoji (one code point, two UTF-16 units), so offsets are code points.
 *   <li><b>Truth:</b> an entity starts at a word with probability 0.12, unless the word before is in
 *       one; it runs 1, 2 or 3 words (probability 0.5, 0.35, 0.15) and has a label drawn uniformly.
 *       Entities never overlap or touch.
 *   <li><b>Workers</b>, by {@link Mix} share:
 *       <ul>
 *         <li>good: marks each entity with probability 0.85-0.97; a marked entity is a word off at one
 *             end (one word more or less) with probability 0.03-0.12, a code point off (a trailing
 *             space taken, a last letter left) with probability 0.02, and mislabelled with probability
 *             0.02-0.05; 0.05-0.2 spurious spans per text;
 *         <li>sloppy: marks 0.55-0.75, a word off 0.25-0.40, a code point off 0.05, mislabelled
 *             0.10-0.20; 0.3-0.6 spurious spans per text;
 *         <li>random (careless): 0-4 spans of 1-3 words at random places with random labels, whatever
 *             the text says;
 *         <li>lazy (careless): marks 0.10-0.30 of the entities, exactly; nothing spurious.
 *       </ul>
 *       A spurious span is 1-2 words at a random place with a random label. Spans that would overlap a
 *       span the worker already marked are dropped (campaigns refuse overlapping spans by default).
 *   <li><b>Answers:</b> each text is answered by {@code answersPerTask} distinct workers drawn uniformly.
 *   <li><b>Gold:</b> the first {@code goldTasks} tasks carry their true spans as gold.
 * </ul>
 *
 * <p>Ids: tasks {@code t0, t1, ...} (a task's index in the answers is its number), workers
 * {@code w0, w1, ...}; labels {@code L0, L1, ...}.
 */
public final class SyntheticSpans {
  public enum Kind { GOOD, SLOPPY, RANDOM, LAZY }

  /** Shares of the workers of each kind, each at least 0, summing to 1. */
  public record Mix(double good, double sloppy, double random, double lazy) {
    /** 25 % careless workers (random or lazy). */
    public static final Mix DEFAULT = new Mix(0.55, 0.20, 0.15, 0.10);

    public Mix {
      double sum = 0;
      for (double share : new double[] {good, sloppy, random, lazy}) {
        if (!(share >= 0)) {
          throw new IllegalArgumentException("shares must be at least 0: " + this);
        }
        sum += share;
      }
      if (Math.abs(sum - 1) > 1e-9) {
        throw new IllegalArgumentException("shares must sum to 1, sum to " + sum);
      }
    }

    /** The kind of worker {@code j} of {@code workers}: kinds in blocks of their share. */
    Kind kindOf(int j, int workers) {
      double position = (j + 0.5) / workers;
      double[] shares = {good, sloppy, random, lazy};
      double upTo = 0;
      for (int k = 0; k < shares.length; k++) {
        upTo += shares[k];
        if (position < upTo) {
          return Kind.values()[k];
        }
      }
      return Kind.LAZY;
    }
  }

  /**
   * @param texts the text of each task, by task index
   * @param truth the true spans of each task, sorted
   * @param kinds the kind of each worker, by worker index of {@code answers}
   */
  public record Crowd(TypedAnswers<List<Span>, List<ScoredSpan>> answers, List<String> texts,
      List<List<Span>> truth, List<String> labels, Kind[] kinds) {
    /** {@link SyntheticSpans#f1} of aggregates against this crowd's truth. */
    public double f1(List<List<Span>> found, double iou) {
      return SyntheticSpans.f1(found, truth, labels, iou);
    }
  }

  /** What a worker of one kind does, drawn once per worker. */
  private record Worker(Kind kind, double recall, double wordOff, double pointOff, double mislabel,
      double spurious) {}

  private SyntheticSpans() {}

  /** A crowd of {@link Mix#DEFAULT} workers without gold. */
  public static Crowd generate(long seed, int tasks, int labels, int workers, int answersPerTask) {
    return generate(seed, tasks, labels, workers, answersPerTask, Mix.DEFAULT, 0);
  }

  public static Crowd generate(long seed, int tasks, int labels, int workers, int answersPerTask, Mix mix,
      int goldTasks) {
    if (labels < 1 || answersPerTask < 1 || answersPerTask > workers) {
      throw new IllegalArgumentException("need a label and 1 to " + workers + " answers per task, got " + labels
          + " labels and " + answersPerTask + " answers per task");
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<String> labelNames = new ArrayList<>();
    for (int l = 0; l < labels; l++) {
      labelNames.add("L" + l);
    }
    Worker[] crowd = new Worker[workers];
    for (int j = 0; j < workers; j++) {
      crowd[j] = draw(random, mix.kindOf(j, workers));
    }
    TypedAnswers.Builder<List<Span>, List<ScoredSpan>> builder = TypedAnswers.builder();
    List<String> texts = new ArrayList<>(tasks);
    List<List<Span>> truth = new ArrayList<>(tasks);
    int[] chosen = new int[answersPerTask];
    for (int t = 0; t < tasks; t++) {
      Text text = text(random);
      List<Span> entities = entities(random, text, labelNames);
      texts.add(text.value);
      truth.add(entities);
      String task = "t" + t;
      for (int a = 0; a < answersPerTask; a++) {
        int j = distinctWorker(random, workers, chosen, a);
        chosen[a] = j;
        builder.add(task, "w" + j, answer(random, crowd[j], text, entities, labelNames));
      }
      if (t < goldTasks) {
        builder.gold(task, entities.stream().map(s -> new ScoredSpan(s, 1)).toList());
      }
    }
    TypedAnswers<List<Span>, List<ScoredSpan>> answers = builder.build();
    Kind[] kinds = new Kind[answers.workerCount()];
    for (int w = 0; w < kinds.length; w++) {
      kinds[w] = crowd[Integer.parseInt(answers.workerId(w).substring(1))].kind;
    }
    return new Crowd(answers, texts, truth, labelNames, kinds);
  }

  /**
   * Micro-averaged span F1 of {@code found} against {@code truth} over all tasks: {@code 2 · matched /
   * (found + true spans)}, a found span matching a true one of the same label with an IoU of at least
   * {@code iou} (1: the same code points exactly, the CoNLL measure), one to one.
   */
  public static double f1(List<List<Span>> found, List<List<Span>> truth, List<String> labels, double iou) {
    if (found.size() != truth.size()) {
      throw new IllegalArgumentException(found.size() + " aggregates for " + truth.size() + " tasks");
    }
    long matched = 0;
    long total = 0;
    for (int t = 0; t < truth.size(); t++) {
      matched += RegionMatch.matches(regions(found.get(t), labels), regions(truth.get(t), labels), iou);
      total += found.get(t).size() + truth.get(t).size();
    }
    return total == 0 ? 1 : 2.0 * matched / total;
  }

  /** The spans of an aggregate, without confidences. */
  public static List<List<Span>> spans(List<List<ScoredSpan>> aggregates) {
    return aggregates.stream().map(a -> a.stream().map(ScoredSpan::span).toList()).toList();
  }

  static Regions regions(List<Span> spans, List<String> labels) {
    Regions.Builder out = Regions.builder(1);
    for (Span s : spans) {
      out.add(labels.indexOf(s.label()), s.start(), s.end());
    }
    return out.build();
  }

  /** A text and its words' code point ranges. */
  private record Text(String value, int[] wordStart, int[] wordEnd, int codePoints) {}

  private static Text text(SplittableRandom random) {
    int words = 20 + random.nextInt(41);
    StringBuilder s = new StringBuilder();
    int[] start = new int[words];
    int[] end = new int[words];
    int at = 0;
    for (int w = 0; w < words; w++) {
      if (w > 0) {
        s.append(' ');
        at++;
      }
      start[w] = at;
      int letters = 1 + random.nextInt(9);
      for (int k = 0; k < letters; k++) {
        s.append((char) ('a' + random.nextInt(26)));
      }
      at += letters;
      if (random.nextInt(50) == 0) {
        s.appendCodePoint(0x1F600);
        at++;
      }
      end[w] = at;
    }
    return new Text(s.toString(), start, end, at);
  }

  private static List<Span> entities(SplittableRandom random, Text text, List<String> labels) {
    List<Span> out = new ArrayList<>();
    int words = text.wordStart.length;
    int w = 0;
    while (w < words) {
      if (random.nextDouble() < 0.12) {
        double r = random.nextDouble();
        int length = r < 0.5 ? 1 : r < 0.85 ? 2 : 3;
        int last = Math.min(words - 1, w + length - 1);
        out.add(new Span(text.wordStart[w], text.wordEnd[last], labels.get(random.nextInt(labels.size()))));
        w = last + 2; // the word after an entity is not one
      } else {
        w++;
      }
    }
    return out;
  }

  private static Worker draw(SplittableRandom random, Kind kind) {
    return switch (kind) {
      case GOOD -> new Worker(kind, uniform(random, 0.85, 0.97), uniform(random, 0.03, 0.12), 0.02,
          uniform(random, 0.02, 0.05), uniform(random, 0.05, 0.2));
      case SLOPPY -> new Worker(kind, uniform(random, 0.55, 0.75), uniform(random, 0.25, 0.40), 0.05,
          uniform(random, 0.10, 0.20), uniform(random, 0.3, 0.6));
      case RANDOM -> new Worker(kind, 0, 0, 0, 0, 0);
      case LAZY -> new Worker(kind, uniform(random, 0.10, 0.30), 0, 0, 0, 0);
    };
  }

  private static List<Span> answer(SplittableRandom random, Worker worker, Text text, List<Span> entities,
      List<String> labels) {
    List<Span> marked = new ArrayList<>();
    if (worker.kind == Kind.RANDOM) {
      int count = random.nextInt(5);
      for (int k = 0; k < count; k++) {
        keep(marked, randomSpan(random, text, labels, 3));
      }
    } else {
      for (Span e : entities) {
        if (random.nextDouble() < worker.recall) {
          keep(marked, jittered(random, worker, text, e, labels));
        }
      }
      for (double spurious = worker.spurious; random.nextDouble() < spurious; spurious -= 1) {
        keep(marked, randomSpan(random, text, labels, 2));
      }
    }
    marked.sort(null);
    return List.copyOf(marked);
  }

  private static Span jittered(SplittableRandom random, Worker worker, Text text, Span e, List<String> labels) {
    int first = wordAt(text.wordStart, e.start());
    int last = wordAt(text.wordStart, e.end() - 1);
    if (random.nextDouble() < worker.wordOff) {
      boolean atStart = random.nextBoolean();
      boolean more = random.nextBoolean() || first == last;
      if (atStart) {
        first = more ? Math.max(0, first - 1) : first + 1;
      } else {
        last = more ? Math.min(text.wordStart.length - 1, last + 1) : last - 1;
      }
    }
    int start = text.wordStart[first];
    int end = text.wordEnd[last];
    if (random.nextDouble() < worker.pointOff) {
      if (random.nextBoolean() && end < text.codePoints) {
        end++; // the space after
      } else if (end - start > 1) {
        end--; // the last letter left out
      }
    }
    String label = e.label();
    if (random.nextDouble() < worker.mislabel && labels.size() > 1) {
      int other = random.nextInt(labels.size() - 1);
      label = labels.get(other >= labels.indexOf(label) ? other + 1 : other);
    }
    return new Span(start, end, label);
  }

  private static Span randomSpan(SplittableRandom random, Text text, List<String> labels, int maxWords) {
    int words = text.wordStart.length;
    int first = random.nextInt(words);
    int last = Math.min(words - 1, first + random.nextInt(maxWords));
    return new Span(text.wordStart[first], text.wordEnd[last], labels.get(random.nextInt(labels.size())));
  }

  /** Adds {@code span} unless it overlaps one already marked. */
  private static void keep(List<Span> marked, Span span) {
    for (Span m : marked) {
      if (m.overlaps(span)) {
        return;
      }
    }
    marked.add(span);
  }

  /** The word whose start is the last at or before {@code position}. */
  private static int wordAt(int[] wordStart, int position) {
    int lo = 0;
    int hi = wordStart.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (wordStart[mid] <= position) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
