package io.labelledger.cli;

import io.labelledger.answer.TypedModel;
import io.labelledger.answer.freetext.TextModel;
import io.labelledger.answer.freetext.TextNormalizer;
import io.labelledger.answer.multichoice.MultiLabelModel;
import io.labelledger.answer.rating.RatingModel;
import io.labelledger.quality.Aggregation;
import io.labelledger.quality.Aggregator;
import io.labelledger.quality.AnswerSet;
import io.labelledger.quality.DawidSkene;
import io.labelledger.quality.MajorityVote;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer types {@code labelledger aggregate} knows: one entry each in {@link #ALL}. A new type is
 * one more entry (for {@code task,worker,<column>} answers, a {@link PerTaskAggregation} with a codec).
 */
final class AggregateTypes {
  /** Options every type takes; any other must be in the type's {@link AggregateType#options()}. */
  static final Set<String> COMMON_OPTIONS = Set.of("--type", "--input", "--output", "--workers", "--help",
      "--version");

  static final List<AggregateType> ALL = List.of(
      new SingleChoice(),
      new PerTaskAggregation<>("multi_choice", "labels", true, Set.of(), request -> new LabelSets()),
      new PerTaskAggregation<>("rating", "value", false, Set.of("--scale"), Ratings::new),
      new PerTaskAggregation<>("free_text", "text", false, Set.of(),
          request -> new Texts(new TextNormalizer(true, true, true))),
      new PairwiseAggregation(),
      AnnotationAggregation.SPANS,
      AnnotationAggregation.BOXES);

  private AggregateTypes() {}

  /** The entry {@code --type name} means (any case). */
  static AggregateType named(String name) {
    for (AggregateType type : ALL) {
      if (type.name().equalsIgnoreCase(name)) {
        return type;
      }
    }
    throw new InputException("--type " + name + ": unknown; the types are " + String.join(", ", names()));
  }

  static List<String> names() {
    return ALL.stream().map(AggregateType::name).toList();
  }

  /** The types' names, for picocli's {@code ${COMPLETION-CANDIDATES}}. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names().iterator();
    }
  }

  /** One line per type, its files, for the command's help. */
  static String usage() {
    StringJoiner lines = new StringJoiner("%n", "Files by --type:%n", "");
    for (AggregateType type : ALL) {
      lines.add("  " + type.name() + ": " + type.columns());
    }
    return lines.toString();
  }

  /** {@code task,worker,label}: majority vote or Dawid-Skene, the command's behaviour before --type. */
  private static final class SingleChoice implements AggregateType {
    @Override
    public String name() {
      return "single_choice";
    }

    @Override
    public String columns() {
      return "task,worker,label -> task,label,confidence (needs --method)";
    }

    @Override
    public Set<String> options() {
      return Set.of("--method", "--gold", "--max-iterations", "--tolerance", "--smoothing",
          "--diagonal-prior");
    }

    @Override
    public String aggregate(AggregateType.Request request) {
      if (request.method() == null) {
        throw new InputException("--type single_choice needs --method mv or ds");
      }
      Aggregator aggregator = aggregator(request);
      AnswerSet answers = AnswerFiles.read(request.input(), request.gold());
      Aggregation result = aggregator.aggregate(answers);
      AnswerFiles.writeLabels(request.output(), result);
      if (request.workers() != null) {
        AnswerFiles.writeWorkers(request.workers(), result);
      }
      return String.format("%s: %d tasks, %d workers, %d labels, %d answers, %d gold; %d iterations%s",
          request.method().name().toLowerCase(Locale.ROOT), answers.taskCount(), answers.workerCount(),
          answers.labelCount(), answers.answerCount(), answers.goldCount(), result.iterations(),
          result.converged() ? "" : " (not converged)");
    }

    private static Aggregator aggregator(AggregateType.Request request) {
      if (request.method() == AggregateCommand.Method.MV) {
        return new MajorityVote();
      }
      try {
        return new DawidSkene(new DawidSkene.Config(request.maxIterations(), request.tolerance(),
            request.smoothing(), request.diagonalPrior()));
      } catch (IllegalArgumentException e) {
        throw new InputException(e.getMessage());
      }
    }
  }

  /**
   * Label sets as label names joined by {@code |} (empty for none), at most 64 distinct labels; a mask
   * bit per label, numbered in the order labels first appear (answers first, then gold), and written
   * in that order.
   */
  static final class LabelSets implements PerTaskAggregation.Codec<Long, Long> {
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final List<String> names = new ArrayList<>();

    @Override
    public Long value(String field) {
      long mask = 0;
      if (field.isEmpty()) {
        return mask;
      }
      for (String label : field.split("\\|", -1)) {
        if (label.isEmpty()) {
          throw new IllegalArgumentException("empty label in '" + field + "'");
        }
        mask |= 1L << bit(label);
      }
      return mask;
    }

    @Override
    public Long gold(String field) {
      return value(field);
    }

    @Override
    public TypedModel<Long, Long> model() {
      return new MultiLabelModel(Math.max(1, names.size()));
    }

    @Override
    public String format(Long mask) {
      StringJoiner labels = new StringJoiner("|");
      for (int l = 0; l < names.size(); l++) {
        if ((mask >>> l & 1) != 0) {
          labels.add(names.get(l));
        }
      }
      return labels.toString();
    }

    private int bit(String label) {
      Integer known = index.get(label);
      if (known != null) {
        return known;
      }
      if (names.size() == Long.SIZE) {
        throw new IllegalArgumentException("label '" + label + "' is a 65th distinct label; at most 64");
      }
      index.put(label, names.size());
      names.add(label);
      return names.size() - 1;
    }
  }

  /**
   * Whole-number ratings and real gold values, on the scale {@code --scale MIN..MAX} when given, else
   * from the lowest to the highest rating or gold value read (one wider when they are all the same).
   */
  static final class Ratings implements PerTaskAggregation.Codec<Integer, Double> {
    private static final Pattern SCALE = Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)");

    private final boolean fixed;
    private long min;
    private long max;

    Ratings(AggregateType.Request request) {
      fixed = request.scale() != null;
      if (fixed) {
        Matcher m = SCALE.matcher(request.scale());
        if (!m.matches() || Long.parseLong(m.group(1)) >= Long.parseLong(m.group(2))) {
          throw new IllegalArgumentException("--scale must be MIN..MAX, whole numbers with MIN < MAX; got "
              + request.scale());
        }
        min = Integer.parseInt(m.group(1));
        max = Integer.parseInt(m.group(2));
      } else {
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
      }
    }

    @Override
    public Integer value(String field) {
      int rating;
      try {
        rating = Integer.parseInt(field);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("value '" + field + "' is not a whole number");
      }
      take(rating, rating, "rating " + rating);
      return rating;
    }

    @Override
    public Double gold(String field) {
      double value;
      try {
        value = Double.parseDouble(field);
      } catch (NumberFormatException e) {
        value = Double.NaN;
      }
      if (!(Math.abs(value) < Integer.MAX_VALUE) || field.isBlank() || !field.strip().equals(field)) {
        throw new IllegalArgumentException("gold value '" + field + "' is not a number on a rating scale");
      }
      take((long) Math.floor(value), (long) Math.ceil(value), "gold value " + field);
      return value;
    }

    private void take(long low, long high, String what) {
      if (fixed && (low < min || high > max)) {
        throw new IllegalArgumentException(what + " is off the scale " + min + ".." + max);
      }
      if (!fixed) {
        min = Math.min(min, low);
        max = Math.max(max, high);
      }
    }

    @Override
    public TypedModel<Integer, Double> model() {
      return new RatingModel((int) min, (int) Math.max(max, min + 1));
    }

    @Override
    public String format(Double value) {
      return AnswerFiles.number(value);
    }
  }

  /** Texts as they are (empty ones too); the model compares them normalised, and writes one as given. */
  private record Texts(TextNormalizer normalizer) implements PerTaskAggregation.Codec<String, String> {
    @Override
    public String value(String field) {
      return field;
    }

    @Override
    public String gold(String field) {
      return field;
    }

    @Override
    public TypedModel<String, String> model() {
      return new TextModel(normalizer);
    }

    @Override
    public String format(String aggregate) {
      return aggregate;
    }
  }
}
