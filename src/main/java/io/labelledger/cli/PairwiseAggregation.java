package io.labelledger.cli;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.pairwise.Comparison;
import io.labelledger.answer.pairwise.Outcome;
import io.labelledger.answer.pairwise.PairwiseModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pairwise preferences, with Crowd-Kit's columns: answers {@code worker,left,right,label}, the label
 * being the id of the preferred one of left and right (empty for a tie); output {@code item,score},
 * the items' Bradley-Terry scores ({@link PairwiseModel}), higher = preferred, best first (equal
 * scores in the order the items first appear). Each unordered pair is one task. No gold.
 */
final class PairwiseAggregation implements AggregateType {
  @Override
  public String name() {
    return "pairwise";
  }

  @Override
  public String columns() {
    return "worker,left,right,label -> item,score (label: the preferred id, empty: a tie)";
  }

  @Override
  public Set<String> options() {
    return Set.of();
  }

  @Override
  public String aggregate(Request request) {
    TypedAnswers<Comparison, Outcome> answers = read(request);
    PairwiseModel.Ranking ranking = new PairwiseModel().rank(answers);
    List<Map.Entry<String, Double>> best = new ArrayList<>(ranking.scores().entrySet());
    best.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())); // stable
    AnswerFiles.write(request.output(), out -> {
      out.write("item,score\n");
      for (Map.Entry<String, Double> item : best) {
        out.write(AnswerFiles.field(item.getKey()));
        out.write(',');
        out.write(AnswerFiles.number(item.getValue()));
        out.write('\n');
      }
    });
    if (request.workers() != null) {
      AnswerFiles.writeWorkers(request.workers(), answers, ranking.fit().workerReliability());
    }
    return String.format("pairwise: %d items, %d pairs, %d workers, %d comparisons; %d iterations%s",
        best.size(), answers.taskCount(), answers.workerCount(), answers.answerCount(),
        ranking.fit().iterations(), ranking.fit().converged() ? "" : " (not converged)");
  }

  private static TypedAnswers<Comparison, Outcome> read(Request request) {
    TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
    try (CsvReader csv = CsvReader.open(request.input())) {
      int worker = csv.requireColumn("worker");
      int left = csv.requireColumn("left");
      int right = csv.requireColumn("right");
      int label = csv.requireColumn("label");
      boolean any = false;
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        String workerId = csv.nonEmpty(row, worker);
        String a = csv.nonEmpty(row, left);
        String b = csv.nonEmpty(row, right);
        String preferred = row[label];
        Outcome outcome = preferred.equals(a) ? Outcome.A : preferred.equals(b) ? Outcome.B
            : preferred.isEmpty() ? Outcome.TIE : null;
        if (outcome == null) {
          throw csv.error("label '" + preferred + "' is neither left '" + a + "' nor right '" + b + "'");
        }
        try {
          builder.add(pair(a, b), workerId, new Comparison(a, b, outcome));
        } catch (IllegalArgumentException e) {
          throw csv.error(e.getMessage());
        }
        any = true;
      }
      if (!any) {
        throw new InputException(request.input() + " has no answers after its header");
      }
    }
    return builder.build();
  }

  /** The task of an unordered pair: a line break cannot be in a field, so no two pairs share one. */
  private static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + '\n' + b : b + '\n' + a;
  }
}
