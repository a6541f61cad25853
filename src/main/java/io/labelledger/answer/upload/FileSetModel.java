package io.labelledger.answer.upload;

import io.labelledger.answer.ContributedFile;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The "aggregation" of contributed files: there is nothing to infer from several people's recordings
 * of one prompt (each is its own datum), so a task's aggregate is the set of its distinct files, in
 * blob-id order, with confidence 1, and every contributor's reliability is 1 (no parameters). A file's
 * worth is decided by peer validation (a linked single-choice campaign), not here.
 */
final class FileSetModel implements TypedModel<ContributedFile, List<ContributedFile>> {
  static final Comparator<ContributedFile> ORDER = Comparator.comparing(ContributedFile::file)
      .thenComparing(ContributedFile::mediaType).thenComparingLong(ContributedFile::bytes);

  @Override
  public Fit<List<ContributedFile>> fit(TypedAnswers<ContributedFile, List<ContributedFile>> answers) {
    List<List<ContributedFile>> aggregates = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      TreeSet<ContributedFile> files = new TreeSet<>(ORDER);
      for (int a = answers.answerStart(t); a < answers.answerEnd(t); a++) {
        files.add(answers.value(a));
      }
      aggregates.add(List.copyOf(files));
    }
    double[] confidence = new double[answers.taskCount()];
    Arrays.fill(confidence, 1);
    List<double[]> params = new ArrayList<>();
    double[] reliability = new double[answers.workerCount()];
    for (int w = 0; w < answers.workerCount(); w++) {
      params.add(new double[0]);
      reliability[w] = 1;
    }
    return new Fit<>(aggregates, confidence, params, reliability, 0, true);
  }

  @Override
  public Scored<List<ContributedFile>> score(List<ContributedFile> values, List<double[]> workerParams) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException(values.size() + " answers and " + workerParams.size() + " worker parameters");
    }
    TreeSet<ContributedFile> files = new TreeSet<>(ORDER);
    files.addAll(values);
    return new Scored<>(List.copyOf(files), 1);
  }
}
