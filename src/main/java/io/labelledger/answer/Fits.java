package io.labelledger.answer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Helpers for models that fit a re-shaped copy of their input. */
public final class Fits {
  private Fits() {}

  /**
   * Re-indexes a fit's worker parameters and reliabilities from the worker numbering of
   * {@code fitted} (a copy of {@code original} built in another order) to that of {@code original};
   * task order must already be the same.
   *
   * @param fittedWorkerIds the worker id of each worker index of the fit
   */
  public static <A> TypedModel.Fit<A> inWorkerOrder(TypedModel.Fit<A> fit, List<String> fittedWorkerIds,
      TypedAnswers<?, ?> original) {
    Map<String, Integer> index = new HashMap<>();
    for (int w = 0; w < fittedWorkerIds.size(); w++) {
      index.put(fittedWorkerIds.get(w), w);
    }
    List<double[]> params = new ArrayList<>(original.workerCount());
    double[] reliability = new double[original.workerCount()];
    for (int w = 0; w < original.workerCount(); w++) {
      int from = index.get(original.workerId(w));
      params.add(fit.workerParams().get(from));
      reliability[w] = fit.workerReliability()[from];
    }
    return new TypedModel.Fit<>(fit.aggregates(), fit.confidence(), params, reliability, fit.iterations(),
        fit.converged());
  }

  /** The worker ids of {@code answers} by index. */
  public static List<String> workerIds(TypedAnswers<?, ?> answers) {
    List<String> ids = new ArrayList<>(answers.workerCount());
    for (int w = 0; w < answers.workerCount(); w++) {
      ids.add(answers.workerId(w));
    }
    return ids;
  }
}
