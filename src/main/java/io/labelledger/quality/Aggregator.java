package io.labelledger.quality;

/** Infers one label per task, with a confidence, from the answers of several workers. */
public interface Aggregator {
  /** Pure function of its input: the same answers give the same result, bit for bit. */
  Aggregation aggregate(AnswerSet answers);
}
