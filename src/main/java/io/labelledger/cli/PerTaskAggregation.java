package io.labelledger.cli;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * An answer type whose answers are {@code task,worker,<column>} rows, gold {@code task,<column>} (or
 * {@code task,truth}) rows and output {@code task,<column>[,confidence]} rows, one per task in the order
 * tasks first appear; the type itself is a {@link Codec}: how it reads and writes one field, and its
 * model.
 */
final class PerTaskAggregation<V, A> implements AggregateType {
  /**
   * How one run reads a type's fields and which model it fits; a new one per run, so it may collect
   * what it reads (a label dictionary, the scale's ends) before it makes the model.
   */
  interface Codec<V, A> {
    /** An answer's field; an IllegalArgumentException is reported with the file and line. */
    V value(String field);

    /** A gold field; an IllegalArgumentException is reported with the file and line. */
    A gold(String field);

    /** The model, once every answer and gold field has been read. */
    TypedModel<V, A> model();

    String format(A aggregate);
  }

  private final String name;
  private final String column;
  private final boolean withConfidence;
  private final Set<String> options;
  private final Function<Request, Codec<V, A>> codecs;

  /**
   * @param column the answers', gold's and output's column of values
   * @param withConfidence whether the output has a confidence column after the values
   * @param options the options the type reads, besides {@code --gold}
   * @param codecs a new codec for a run; an IllegalArgumentException is reported as an input error
   */
  PerTaskAggregation(String name, String column, boolean withConfidence, Set<String> options,
      Function<Request, Codec<V, A>> codecs) {
    this.name = name;
    this.column = column;
    this.withConfidence = withConfidence;
    this.options = union(options, Set.of("--gold"));
    this.codecs = codecs;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String columns() {
    return "task,worker," + column + " -> task," + column + (withConfidence ? ",confidence" : "");
  }

  @Override
  public Set<String> options() {
    return options;
  }

  @Override
  public String aggregate(Request request) {
    Codec<V, A> codec;
    try {
      codec = codecs.apply(request);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
    TypedAnswers<V, A> answers = read(request, codec);
    TypedModel.Fit<A> fit;
    try {
      fit = codec.model().fit(answers);
    } catch (IllegalArgumentException e) {
      throw new InputException(request.input() + ": " + e.getMessage());
    }
    AnswerFiles.write(request.output(), out -> {
      out.write("task," + column + (withConfidence ? ",confidence" : "") + "\n");
      for (int t = 0; t < answers.taskCount(); t++) {
        out.write(AnswerFiles.field(answers.taskId(t)));
        out.write(',');
        out.write(AnswerFiles.field(codec.format(fit.aggregates().get(t))));
        if (withConfidence) {
          out.write(',');
          out.write(AnswerFiles.number(fit.confidence()[t]));
        }
        out.write('\n');
      }
    });
    if (request.workers() != null) {
      AnswerFiles.writeWorkers(request.workers(), answers, fit.workerReliability());
    }
    return String.format("%s: %d tasks, %d workers, %d answers, %d gold; %d iterations%s", name,
        answers.taskCount(), answers.workerCount(), answers.answerCount(), answers.goldCount(),
        fit.iterations(), fit.converged() ? "" : " (not converged)");
  }

  private TypedAnswers<V, A> read(Request request, Codec<V, A> codec) {
    TypedAnswers.Builder<V, A> builder = TypedAnswers.builder();
    try (CsvReader csv = CsvReader.open(request.input())) {
      int task = csv.requireColumn("task");
      int worker = csv.requireColumn("worker");
      int value = csv.requireColumn(column);
      boolean any = false;
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        String taskId = csv.nonEmpty(row, task);
        String workerId = csv.nonEmpty(row, worker);
        try {
          builder.add(taskId, workerId, codec.value(row[value]));
        } catch (IllegalArgumentException e) {
          throw csv.error(e.getMessage());
        }
        any = true;
      }
      if (!any) {
        throw new InputException(request.input() + " has no answers after its header");
      }
    }
    if (request.gold() != null) {
      AnswerFiles.readGold(request.gold(), false, (t, truth) -> builder.gold(t, codec.gold(truth)), column,
          "truth");
    }
    return builder.build();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
