package io.labelledger.cli;

import io.labelledger.answer.TypedModel;
import io.labelledger.answer.boxes.Box;
import io.labelledger.answer.boxes.BoxModel;
import io.labelledger.answer.boxes.ScoredBox;
import io.labelledger.answer.spans.ScoredSpan;
import io.labelledger.answer.spans.Span;
import io.labelledger.answer.spans.SpanModel;
import io.labelledger.answer.spans.TokenMajority;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code --type spans} and {@code --type boxes}: JSONL answers in ({@link AnnotationFiles}), one line of
 * aggregated spans or boxes per task out, each with its confidence. {@code --method ds} (the default)
 * is the type's model; {@code mv} is per-token (BIO) majority for spans and per-box majority for boxes.
 */
abstract sealed class AnnotationAggregation<T, A> implements AggregateType {
  static final AggregateType SPANS = new Spans();
  static final AggregateType BOXES = new Boxes();

  @Override
  public Set<String> options() {
    return Set.of("--method", "--gold");
  }

  /** The aggregates of every task, by the model or by plain majority. */
  abstract TypedModel.Fit<A> fit(AnnotationFiles.Input<T, A> in, boolean majority);

  abstract AnnotationFiles.Input<T, A> read(AggregateType.Request request);

  abstract void write(AggregateType.Request request, AnnotationFiles.Input<T, A> in, TypedModel.Fit<A> fit);

  @Override
  public String aggregate(AggregateType.Request request) {
    boolean majority = request.method() == AggregateCommand.Method.MV;
    AnnotationFiles.Input<T, A> in = read(request);
    TypedModel.Fit<A> fit = fit(in, majority);
    write(request, in, fit);
    if (request.workers() != null) {
      if (fit.workerReliability().length != in.answers().workerCount()) {
        throw new InputException("--workers needs --method ds: majority estimates no workers");
      }
      AnnotationFiles.writeWorkers(request.workers(), in.answers(), fit.workerReliability());
    }
    return String.format("%s %s: %d tasks, %d workers, %d labels, %d answers, %d %s, %d gold; %d iterations%s",
        name(), majority ? "mv" : "ds", in.answers().taskCount(), in.answers().workerCount(), in.labels().size(),
        in.answers().answerCount(), in.annotations(), name(), in.answers().goldCount(), fit.iterations(),
        fit.converged() ? "" : " (not converged)");
  }

  private static List<String> labelsOrOne(List<String> labels) {
    return labels.isEmpty() ? List.of("") : labels;
  }

  private static final class Spans extends AnnotationAggregation<Span, List<ScoredSpan>> {
    @Override
    public String name() {
      return "spans";
    }

    @Override
    public String columns() {
      return "{task,worker,spans:[{start,end,label}],text?} -> {task,spans:[{start,end,label,confidence}]}"
          + " (JSONL)";
    }

    @Override
    AnnotationFiles.Input<Span, List<ScoredSpan>> read(AggregateType.Request request) {
      return AnnotationFiles.read(request.input(), request.gold(), AnnotationFiles.SPANS,
          spans -> spans.stream().sorted().map(s -> new ScoredSpan(s, 1)).toList());
    }

    @Override
    TypedModel.Fit<List<ScoredSpan>> fit(AnnotationFiles.Input<Span, List<ScoredSpan>> in, boolean majority) {
      if (!majority) {
        return new SpanModel(labelsOrOne(in.labels())).fit(in.answers());
      }
      List<String> texts = new ArrayList<>();
      for (int t = 0; t < in.answers().taskCount(); t++) {
        texts.add(in.texts().get(in.answers().taskId(t)));
      }
      List<List<ScoredSpan>> aggregates = TokenMajority.aggregate(in.answers(), texts);
      return new TypedModel.Fit<>(aggregates, new double[aggregates.size()], List.of(), new double[0], 1, true);
    }

    @Override
    void write(AggregateType.Request request, AnnotationFiles.Input<Span, List<ScoredSpan>> in,
        TypedModel.Fit<List<ScoredSpan>> fit) {
      AnnotationFiles.writeAggregates(request.output(), in.answers(), fit, AnnotationFiles.SPANS,
          AnnotationFiles::spans);
    }
  }

  private static final class Boxes extends AnnotationAggregation<Box, List<ScoredBox>> {
    @Override
    public String name() {
      return "boxes";
    }

    @Override
    public String columns() {
      return "{task,worker,boxes:[{x,y,w,h,label}]} -> {task,boxes:[{x,y,w,h,label,confidence}]} (JSONL)";
    }

    @Override
    AnnotationFiles.Input<Box, List<ScoredBox>> read(AggregateType.Request request) {
      return AnnotationFiles.read(request.input(), request.gold(), AnnotationFiles.BOXES,
          boxes -> boxes.stream().sorted().map(b -> new ScoredBox(b, 1)).toList());
    }

    @Override
    TypedModel.Fit<List<ScoredBox>> fit(AnnotationFiles.Input<Box, List<ScoredBox>> in, boolean majority) {
      BoxModel model = new BoxModel(labelsOrOne(in.labels()));
      return majority ? model.majority(in.answers()) : model.fit(in.answers());
    }

    @Override
    void write(AggregateType.Request request, AnnotationFiles.Input<Box, List<ScoredBox>> in,
        TypedModel.Fit<List<ScoredBox>> fit) {
      AnnotationFiles.writeAggregates(request.output(), in.answers(), fit, AnnotationFiles.BOXES,
          AnnotationFiles::boxes);
    }
  }
}
