package io.labelledger.quality;

import java.util.Arrays;
import java.util.List;

/**
 * Scores one item's answers under a Dawid-Skene model that is already estimated: the posterior
 * {@code P(true = k | answers) ∝ prior[k] · Π P(answer_a | true = k)}, each answer read from
 * its contributor's confusion matrix. This is the E-step of {@link DawidSkene} for a single task,
 * so the service can relabel an item the moment an answer arrives and leave re-estimating the
 * matrices to a periodic full run. Summed in log space, so many answers cannot underflow.
 */
public final class Posterior {
  private Posterior() {}

  /**
   * One answer: the label index given and the contributor's confusion matrix, {@code K × K}
   * laid out {@code [true k * K + answered l]}, each row a distribution.
   */
  public record Answer(double[] confusion, int label) {}

  /**
   * @param prior {@code P(true = k)}, length K, positive
   * @return the posterior over the K labels, summing to 1; the prior when there are no answers
   */
  public static double[] of(double[] prior, List<Answer> answers) {
    int labelCount = prior.length;
    double[] log = new double[labelCount];
    for (int k = 0; k < labelCount; k++) {
      log[k] = Math.log(prior[k]);
    }
    for (Answer a : answers) {
      if (a.confusion().length != labelCount * labelCount || a.label() < 0 || a.label() >= labelCount) {
        throw new IllegalArgumentException("answer " + a.label() + " with a confusion matrix of "
            + a.confusion().length + " cells does not fit " + labelCount + " labels");
      }
      for (int k = 0; k < labelCount; k++) {
        log[k] += Math.log(a.confusion()[k * labelCount + a.label()]);
      }
    }
    double max = Arrays.stream(log).max().orElse(0);
    if (max == Double.NEGATIVE_INFINITY) {
      return prior.clone(); // every label impossible (zero cells): the answers say nothing usable
    }
    double sum = 0;
    for (int k = 0; k < labelCount; k++) {
      log[k] = Math.exp(log[k] - max);
      sum += log[k];
    }
    for (int k = 0; k < labelCount; k++) {
      log[k] /= sum;
    }
    return log;
  }

  /** The most probable label index; exact ties to the lowest index, as {@link Aggregation}. */
  public static int mostProbable(double[] posterior) {
    int best = 0;
    for (int k = 1; k < posterior.length; k++) {
      if (posterior[k] > posterior[best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * The confusion matrix of a contributor known only by an accuracy: right with probability
   * {@code accuracy}, otherwise any wrong label alike ({@code K × K}, [true * K + answered]).
   */
  public static double[] symmetric(int labelCount, double accuracy) {
    if (labelCount < 1 || !(accuracy > 0) || !(accuracy < 1)) {
      throw new IllegalArgumentException("need at least one label and an accuracy in (0, 1), got "
          + labelCount + " labels and " + accuracy);
    }
    double[] m = new double[labelCount * labelCount];
    double wrong = labelCount == 1 ? 0 : (1 - accuracy) / (labelCount - 1);
    for (int k = 0; k < labelCount; k++) {
      for (int l = 0; l < labelCount; l++) {
        m[k * labelCount + l] = k == l ? (labelCount == 1 ? 1 : accuracy) : wrong;
      }
    }
    return m;
  }
}
