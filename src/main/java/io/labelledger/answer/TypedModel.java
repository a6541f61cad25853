package io.labelledger.answer;

import java.util.List;

/**
 * The aggregation model of one answer type: fits per-worker parameters and every task's aggregate
 * to a whole campaign's answers ({@link #fit}), and scores one task with parameters already fitted
 * ({@link #score}) so the service can relabel an item the moment an answer arrives and leave the
 * full fit to a periodic re-estimate. Both are pure functions of their input (same input, same
 * output, bit for bit) and safe to call from several threads.
 *
 * <p>Worker parameters are the model's own ({@code double[]}, stored as they are by the service);
 * each model documents its layout. A worker's reliability is a number in [0, 1] that reads as an
 * accuracy: the service shows it, and weighs contributors by it.
 *
 * @param <V> an answer's value
 * @param <A> an aggregate's value (and gold's)
 */
public interface TypedModel<V, A> {
  /** Fits the model to every answer; gold tasks keep their gold aggregate with confidence 1. */
  Fit<A> fit(TypedAnswers<V, A> answers);

  /**
   * One task's aggregate from its answers, each with its worker's parameters from the last
   * {@link #fit} (an element is null for a worker the fit has not seen: the model assumes a typical
   * worker for it).
   *
   * @throws IllegalArgumentException when {@code values} is empty or the lists differ in length
   */
  Scored<A> score(List<V> values, List<double[]> workerParams);

  /** A task's aggregate and the model's confidence in it, in [0, 1]. */
  record Scored<A>(A aggregate, double confidence) {}

  /**
   * What a fit concluded: per task (indexed as in the answers) the aggregate and its confidence in
   * [0, 1]; per worker the parameters for {@link #score} and a reliability in [0, 1].
   */
  record Fit<A>(List<A> aggregates, double[] confidence, List<double[]> workerParams, double[] workerReliability,
      int iterations, boolean converged) {
    public Fit {
      aggregates = List.copyOf(aggregates);
      workerParams = List.copyOf(workerParams);
    }
  }
}
