package io.labelledger.answer.spans;

/** A span of an aggregate with the model's probability that it is a real entity, in [0, 1] (1 for gold). */
public record ScoredSpan(Span span, double confidence) {}
