package io.labelledger.answer.boxes;

import static io.labelledger.answer.CrowdSampling.distinctWorker;
import static io.labelledger.answer.CrowdSampling.uniform;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.regions.RegionMatch;
import io.labelledger.answer.regions.Regions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated crowd outlining objects on images with known true boxes, for tests and benchmarks.
 * The same arguments give the same crowd.
 *
 * <ul>
 *   <li><b>Images:</b> 320-1280 pixels wide, 240-960 high.
 *   <li><b>Truth:</b> 1-6 objects per image, each 16-320 pixels wide and high (at most half the
 *       image's), anywhere on it (objects may overlap), with a label drawn uniformly.
 *   <li><b>Workers</b>, by {@link Mix} share. An outlined object's four edges each move by a normal
 *       jitter of standard deviation {@code σ} times the object's width (x) or height (y), rounded
 *       to pixels and kept inside the image, at least a pixel wide and high:
 *       <ul>
 *         <li>good: outlines each object with probability 0.85-0.97, σ 0.02-0.05, mislabels
 *             0.02-0.05 of them; 0.05-0.2 spurious boxes per image;
 *         <li>sloppy: 0.55-0.75, σ 0.08-0.15, mislabels 0.10-0.20; 0.3-0.6 spurious boxes per image;
 *         <li>random (careless): 0-4 boxes at random places with random labels, whatever the image
 *             shows;
 *         <li>lazy (careless): outlines 0.10-0.30 of the objects, σ 0.05; nothing spurious.
 *       </ul>
 *       A spurious box is 16-200 pixels a side at a random place with a random label.
 *   <li><b>Answers:</b> each image is answered by {@code answersPerTask} distinct workers drawn uniformly.
 *   <li><b>Gold:</b> the first {@code goldTasks} tasks carry their true boxes as gold.
 * </ul>
 *
 * <p>Ids: tasks {@code t0, t1, ...} (a task's index in the answers is its number), workers
 * {@code w0, w1, ...}; labels {@code C0, C1, ...}.
 */
public final class SyntheticBoxes {
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
   * @param sizes each task's image {width, height}, by task index
   * @param truth each task's true boxes, sorted
   * @param kinds the kind of each worker, by worker index of {@code answers}
   */
  public record Crowd(TypedAnswers<List<Box>, List<ScoredBox>> answers, List<int[]> sizes, List<List<Box>> truth,
      List<String> labels, Kind[] kinds) {
    /** {@link SyntheticBoxes#f1} of {@code found} against this crowd's truth. */
    public double f1(List<List<Box>> found, double iou) {
      return SyntheticBoxes.f1(found, truth, labels, iou);
    }
  }

  private record Worker(Kind kind, double recall, double jitter, double mislabel, double spurious) {}

  private SyntheticBoxes() {}

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
      labelNames.add("C" + l);
    }
    Worker[] crowd = new Worker[workers];
    for (int j = 0; j < workers; j++) {
      crowd[j] = draw(random, mix.kindOf(j, workers));
    }
    TypedAnswers.Builder<List<Box>, List<ScoredBox>> builder = TypedAnswers.builder();
    List<int[]> sizes = new ArrayList<>(tasks);
    List<List<Box>> truth = new ArrayList<>(tasks);
    int[] chosen = new int[answersPerTask];
    for (int t = 0; t < tasks; t++) {
      int width = 320 + random.nextInt(961);
      int height = 240 + random.nextInt(721);
      List<Box> objects = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int k = 0; k < count; k++) {
        objects.add(randomBox(random, width, height, 16, 320, labelNames));
      }
      objects.sort(null);
      sizes.add(new int[] {width, height});
      truth.add(List.copyOf(objects));
      String task = "t" + t;
      for (int a = 0; a < answersPerTask; a++) {
        int j = distinctWorker(random, workers, chosen, a);
        chosen[a] = j;
        builder.add(task, "w" + j, answer(random, crowd[j], width, height, objects, labelNames));
      }
      if (t < goldTasks) {
        builder.gold(task, objects.stream().map(b -> new ScoredBox(b, 1)).toList());
      }
    }
    TypedAnswers<List<Box>, List<ScoredBox>> answers = builder.build();
    Kind[] kinds = new Kind[answers.workerCount()];
    for (int w = 0; w < kinds.length; w++) {
      kinds[w] = crowd[Integer.parseInt(answers.workerId(w).substring(1))].kind;
    }
    return new Crowd(answers, sizes, truth, labelNames, kinds);
  }

  /**
   * Micro-averaged F1 of {@code found} against {@code truth} over all tasks: {@code 2 · matched /
   * (found + true boxes)}, a found box matching a true one of the same label with an IoU of at least
   * {@code iou}, one to one.
   */
  public static double f1(List<List<Box>> found, List<List<Box>> truth, List<String> labels, double iou) {
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

  /** The boxes of aggregates, without confidences. */
  public static List<List<Box>> boxes(List<List<ScoredBox>> aggregates) {
    return aggregates.stream().map(a -> a.stream().map(ScoredBox::box).toList()).toList();
  }

  static Regions regions(List<Box> boxes, List<String> labels) {
    Regions.Builder out = Regions.builder(2);
    for (Box b : boxes) {
      out.add(labels.indexOf(b.label()), b.x(), b.x() + b.w(), b.y(), b.y() + b.h());
    }
    return out.build();
  }

  private static Worker draw(SplittableRandom random, Kind kind) {
    return switch (kind) {
      case GOOD -> new Worker(kind, uniform(random, 0.85, 0.97), uniform(random, 0.02, 0.05),
          uniform(random, 0.02, 0.05), uniform(random, 0.05, 0.2));
      case SLOPPY -> new Worker(kind, uniform(random, 0.55, 0.75), uniform(random, 0.08, 0.15),
          uniform(random, 0.10, 0.20), uniform(random, 0.3, 0.6));
      case RANDOM -> new Worker(kind, 0, 0, 0, 0);
      case LAZY -> new Worker(kind, uniform(random, 0.10, 0.30), 0.05, 0, 0);
    };
  }

  private static List<Box> answer(SplittableRandom random, Worker worker, int width, int height, List<Box> objects,
      List<String> labels) {
    List<Box> out = new ArrayList<>();
    if (worker.kind == Kind.RANDOM) {
      int count = random.nextInt(5);
      for (int k = 0; k < count; k++) {
        out.add(randomBox(random, width, height, 16, 200, labels));
      }
    } else {
      for (Box o : objects) {
        if (random.nextDouble() < worker.recall) {
          out.add(jittered(random, worker, width, height, o, labels));
        }
      }
      if (random.nextDouble() < worker.spurious) {
        out.add(randomBox(random, width, height, 16, 200, labels));
      }
    }
    out.sort(null);
    // two identical boxes are one answer's one box: a signed answer lists each box once
    List<Box> distinct = new ArrayList<>(out.size());
    for (Box b : out) {
      if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(b)) {
        distinct.add(b);
      }
    }
    return List.copyOf(distinct);
  }

  private static Box jittered(SplittableRandom random, Worker worker, int width, int height, Box o,
      List<String> labels) {
    double sx = worker.jitter * o.w();
    double sy = worker.jitter * o.h();
    int x1 = clamp((int) Math.round(o.x() + sx * random.nextGaussian()), 0, width - 1);
    int x2 = clamp((int) Math.round(o.x() + o.w() + sx * random.nextGaussian()), x1 + 1, width);
    int y1 = clamp((int) Math.round(o.y() + sy * random.nextGaussian()), 0, height - 1);
    int y2 = clamp((int) Math.round(o.y() + o.h() + sy * random.nextGaussian()), y1 + 1, height);
    String label = o.label();
    if (random.nextDouble() < worker.mislabel && labels.size() > 1) {
      int other = random.nextInt(labels.size() - 1);
      label = labels.get(other >= labels.indexOf(label) ? other + 1 : other);
    }
    return new Box(x1, y1, x2 - x1, y2 - y1, label);
  }

  private static Box randomBox(SplittableRandom random, int width, int height, int min, int max,
      List<String> labels) {
    int w = min + random.nextInt(Math.min(max, width / 2) - min + 1);
    int h = min + random.nextInt(Math.min(max, height / 2) - min + 1);
    int x = random.nextInt(width - w + 1);
    int y = random.nextInt(height - h + 1);
    return new Box(x, y, w, h, labels.get(random.nextInt(labels.size())));
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }
}
