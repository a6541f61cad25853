package io.labelledger.demo;

import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * What every campaign story does before its own steps: it opens its {@link StorySteps} (the
 * service's chain and signing domains, its own chain client, closed when the story ends), the
 * operator sets up ({@link #publish()}, timed as {@code set-up}), and its people sign in and
 * consent ({@link #enrol()}, timed as {@code sign-in and consent}). {@link #play(long)} takes the
 * story from there and returns what it leaves behind. One run per instance; not thread-safe.
 *
 * @param <O> the story's outcome
 */
abstract class Story<O> {
  final StorySetup setup;
  final PrintStream out;
  /** Seeded by the plan: the same plan draws the same story. */
  final SplittableRandom random;
  /** Open while {@link #run()} runs. */
  StorySteps steps;
  StoryHttp http;

  Story(StorySetup setup, long seed) {
    this.setup = setup;
    this.out = setup.out();
    this.random = new SplittableRandom(seed);
  }

  /** Runs the whole story; throws {@link StoryFailure} at the first figure that does not check out. */
  public final O run() {
    long t0 = System.nanoTime();
    try (StorySteps opened = new StorySteps(setup)) {
      steps = opened;
      http = steps.http;
      steps.timed("set-up", this::publish);
      steps.timed("sign-in and consent", this::enrol);
      return play(t0);
    }
  }

  /** The operator publishes terms and sets up the story's campaigns. */
  abstract void publish();

  /** The story's people sign in with their own keys and consent to the terms. */
  abstract void enrol();

  /** The story's own steps after enrolment; {@code t0} ({@link System#nanoTime()}) is when it started. */
  abstract O play(long t0);
}
