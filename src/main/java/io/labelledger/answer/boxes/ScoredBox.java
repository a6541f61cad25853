package io.labelledger.answer.boxes;

/** A box of an aggregate with the model's probability that it is a real object, in [0, 1] (1 for gold). */
public record ScoredBox(Box box, double confidence) {}
