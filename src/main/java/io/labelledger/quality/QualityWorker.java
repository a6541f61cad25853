package io.labelledger.quality;

import io.labelledger.config.QualityConfig;
import io.labelledger.ops.SerialRounds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregation worker: keeps items' labels and confidences, contributors' gold scores, dynamic
 * overlap and contribution statuses up to date, entirely off the submission path.
 *
 * <p>A round (timer, {@code quality.intervalMs}) does two things:
 * <ol>
 *   <li><b>Take in new answers</b>, in batches of {@code quality.batchSize}, one transaction each:
 *       claim queued contributions (gold ones score their contributor), relabel every item they
 *       touched with the campaign's current model ({@link CampaignModel}: the confusion matrices
 *       of the last re-estimate), let {@link OverlapPolicy} raise the item's
 *       {@code answers_wanted} or decide it, and accept or reject the answers of decided items.
 *       Cost per answer, not per campaign.
 *   <li><b>Re-estimate</b> at most one campaign that got answers since its last re-estimate and
 *       whose last one is older than {@code quality.reestimateIntervalMs}: Dawid-Skene over all
 *       its answers (gold held fixed), off the event loop, then the new model, every item's label
 *       and the overlap decisions and statuses that follow, written in short transactions of
 *       {@value #WRITE_CHUNK} items so leasing and submissions never wait long on an item row.
 * </ol>
 * Several instances may run it at once (see {@link QualityQueries} for how they share the work).
 */
public final class QualityWorker {
  private static final Logger LOG = LoggerFactory.getLogger(QualityWorker.class);
  static final int WRITE_CHUNK = 2000;
  private static final int READ_PAGE = 20_000;
  private static final int MAX_BATCHES_PER_ROUND = 20;
  private static final Duration ABANDONED_CLAIM = Duration.ofMinutes(10);
  /** A re-estimate that moves an item's confidence by less than this, label unchanged, leaves it alone. */
  static final double UNCHANGED = 1e-4;

  private final Vertx vertx;
  private final QualityQueries queries;
  private final QualityConfig config;
  private final Clock clock;
  private final DawidSkene dawidSkene;
  private final SerialRounds rounds;

  public QualityWorker(Vertx vertx, QualityQueries queries, QualityConfig config, Clock clock) {
    this.vertx = vertx;
    this.queries = queries;
    this.config = config;
    this.clock = clock;
    this.dawidSkene = new DawidSkene(new DawidSkene.Config(DawidSkene.Config.DEFAULT_MAX_ITERATIONS,
        DawidSkene.Config.DEFAULT_TOLERANCE, config.smoothing(), config.diagonalPrior()));
    this.rounds = new SerialRounds(vertx, "quality aggregation", this::work);
  }

  /** Starts the timer. */
  public long start() {
    return rounds.start(config.intervalMs());
  }

  /** Stops the timer; completes when the running round, if any, has ended (see {@link SerialRounds#stop}). */
  public Future<Void> stop() {
    return rounds.stop();
  }

  /** A whole round (all queued answers taken in, then a due re-estimate), after any running one. Never fails. */
  public Future<Void> round() {
    return rounds.round();
  }

  /**
   * Takes every queued answer in, then re-estimates {@code campaignId} now, due or not (for tools
   * and tests that cannot wait for the interval).
   */
  public Future<Void> reestimate(long campaignId) {
    return takeIn(Integer.MAX_VALUE).compose(n -> queries.claimCampaign(campaignId, clock.instant()))
        .compose(claimed -> claimed.isPresent() ? reestimateClaimed(campaignId) : Future.succeededFuture());
  }


  private Future<?> work() {
    return takeIn(MAX_BATCHES_PER_ROUND).compose(n -> {
      Instant now = clock.instant();
      return queries.claimDueCampaign(now, now.minusMillis(config.reestimateIntervalMs()), now.minus(ABANDONED_CLAIM));
    }).compose(due -> due.isPresent() ? reestimateClaimed(due.get()) : Future.succeededFuture());
  }

  /** Takes in batches until the queue is empty or {@code maxBatches} ran; returns the answers taken. */
  private Future<Integer> takeIn(int maxBatches) {
    return batch().compose(n -> n < config.batchSize() || maxBatches <= 1 ? Future.succeededFuture(n)
        : takeIn(maxBatches - 1).map(more -> n + more));
  }

  /** One batch in one transaction: claim, relabel the touched items, decide, statuses. */
  private Future<Integer> batch() {
    Instant now = clock.instant();
    return queries.pool().withTransaction(tx -> queries.claim(tx, config.batchSize(), now).compose(claimed -> {
      if (claimed.count() == 0) {
        return Future.succeededFuture(0);
      }
      return queries.items(tx, claimed.items()).compose(items -> {
        long[] campaigns = items.stream().mapToLong(QualityQueries.ItemState::campaignId).distinct().toArray();
        return queries.models(tx, campaigns, config.defaultAccuracy()).compose(models -> {
          // a gold item's label is its gold answer: its answers (everyone answers it) are not read
          long[] regular = regularItems(items, models.choice().keySet());
          long[] typed = regularItems(items, models.typed().keySet());
          return queries.answers(tx, regular)
              .compose(answers -> (typed.length == 0
                  ? Future.succeededFuture(Map.<Long, List<QualityQueries.TypedAnswer>>of())
                  : queries.typedAnswers(tx, typed))
                  .compose(typedAnswers -> vertx.executeBlocking(
                      () -> relabel(items, models, answers, typedAnswers), false)));
        }).compose(relabelled -> queries.writeItems(tx, relabelled.writes(), relabelled.statuses(), now));
      }).map(claimed.count());
    }));
  }

  private static long[] regularItems(List<QualityQueries.ItemState> items, java.util.Set<Long> campaigns) {
    return items.stream().filter(i -> !i.gold() && campaigns.contains(i.campaignId()))
        .mapToLong(QualityQueries.ItemState::id).toArray();
  }

  /** What one batch writes: items' labels and decisions, and the statuses of typed answers. */
  record Relabelled(List<QualityQueries.ItemWrite> writes, List<QualityQueries.StatusWrite> statuses) {}

  /** Pure: the new label and decision of each touched item. */
  static Relabelled relabel(List<QualityQueries.ItemState> items, QualityQueries.Models models,
      Map<Long, List<CampaignModel.Answer>> answers, Map<Long, List<QualityQueries.TypedAnswer>> typedAnswers) {
    List<QualityQueries.ItemWrite> writes = new ArrayList<>(items.size());
    List<QualityQueries.StatusWrite> statuses = new ArrayList<>();
    for (QualityQueries.ItemState item : items) {
      CampaignModel model = models.choice().get(item.campaignId());
      TypedCampaign typed = models.typed().get(item.campaignId());
      if (model == null && typed == null) {
        continue;
      }
      OverlapPolicy policy = model != null ? model.policy() : typed.policy();
      if (item.gold()) {
        if (!item.decided()) { // labelled once; its answers were accepted or rejected as they were claimed
          CampaignModel.Labelled l = CampaignModel.gold(item.goldAnswer());
          writes.add(new QualityQueries.ItemWrite(item.id(), -1, l.label(), l.confidence(), l.action(),
              policy.maxOverlap()));
        }
        continue;
      }
      if (typed != null) {
        List<QualityQueries.TypedAnswer> given = typedAnswers.getOrDefault(item.id(), List.of());
        if (!given.isEmpty()) {
          TypedQuality.Relabelled r = TypedQuality.relabel(item, typed, given);
          writes.add(r.write());
          statuses.addAll(r.statuses());
        }
        continue;
      }
      List<CampaignModel.Answer> given = answers.getOrDefault(item.id(), List.of());
      if (given.isEmpty()) {
        continue;
      }
      CampaignModel.Labelled l = model.label(given, item.answersWanted(), item.decided());
      writes.add(new QualityQueries.ItemWrite(item.id(), given.size(), l.label(), l.confidence(), l.action(),
          model.policy().maxOverlap()));
    }
    return new Relabelled(writes, statuses);
  }

  /** Re-estimates a campaign this instance has claimed; the claim is released whatever happens. */
  private Future<Void> reestimateClaimed(long campaignId) {
    return settleClaimed(campaignId).mapEmpty();
  }

  /**
   * Re-estimates {@code campaignId} now on every answer stored so far (taking queued answers in
   * first), writes the model, labels, decisions and statuses, and returns what it concluded: what a
   * dataset version is built on, so its labels and shares are a function of the stored answers
   * alone, never of when this worker last ran.
   */
  public Future<Settled> settle(long campaignId) {
    return takeIn(Integer.MAX_VALUE).compose(n -> queries.claimCampaign(campaignId, clock.instant()))
        .compose(claimed -> claimed.isPresent() ? settleClaimed(campaignId)
            : Future.failedFuture(new IllegalArgumentException("no campaign " + campaignId)));
  }

  private Future<Settled> settleClaimed(long campaignId) {
    long started = System.nanoTime();
    return queries.campaignInput(campaignId, config.defaultAccuracy()).compose(input -> {
      List<QualityQueries.StoredAnswer> stored = new ArrayList<>();
      return queries.readAnswers(campaignId, stored::add, READ_PAGE)
          .compose(lastId -> queries.answeredItems(campaignId)
              .compose(items -> vertx.executeBlocking(() -> estimate(input, stored, items, lastId), false)))
          .compose(estimated -> {
            Instant now = clock.instant();
            return queries.writeModel(campaignId, estimated.result(), now)
                .compose(v -> writeInChunks(estimated.writes(), estimated.statuses(), 0, now))
                .onSuccess(v -> LOG.info("campaign {} re-estimated: {} answers, {} contributors, {} items "
                        + "({} written), {} iterations (converged: {}), mean accuracy {}, {} ms", campaignId,
                    estimated.result().answerCount(), estimated.result().contributors().size(),
                    estimated.result().items().size(), estimated.writes().size(), estimated.result().iterations(),
                    estimated.result().converged(), String.format(java.util.Locale.ROOT, "%.3f", estimated.result().meanAccuracy()),
                    (System.nanoTime() - started) / 1_000_000))
                .map(estimated.settled());
          });
    }).recover(err -> queries.releaseCampaign(campaignId).transform(ar -> Future.<Settled>failedFuture(err)));
  }

  /** Pure: fits the campaign's model to its stored answers and derives every write and verdict. */
  private Estimated estimate(QualityQueries.CampaignInput input, List<QualityQueries.StoredAnswer> stored,
      Map<Long, QualityQueries.ItemState> items, long lastId) {
    Reestimate.Result result;
    List<TypedQuality.Verdict> verdicts;
    OverlapPolicy policy;
    if (stored.isEmpty()) {
      return new Estimated(new Reestimate.Result(new double[0], Double.NaN, List.of(), List.of(), 0, 0, true),
          List.of(), List.of(), new Settled(new Reestimate.Result(new double[0], Double.NaN, List.of(), List.of(), 0,
          0, true), List.of(), lastId));
    }
    if (input.typed() != null) {
      TypedQuality.Fitted fitted = TypedQuality.fit(input.typed(), stored, input.gold());
      result = fitted.result();
      verdicts = fitted.verdicts();
      policy = input.typed().policy();
    } else {
      AnswerSet.Builder builder = Reestimate.answers(input.model().labels());
      stored.forEach(a -> builder.add(Long.toString(a.itemId()), a.contributor(), a.answer()));
      input.gold().forEach((item, answer) -> builder.gold(Long.toString(item), answer));
      result = Reestimate.run(dawidSkene, input.model().labels(), builder.build());
      Map<Long, String> labels = new HashMap<>();
      result.items().forEach(e -> labels.put(e.itemId(), e.label()));
      verdicts = new ArrayList<>(stored.size());
      for (QualityQueries.StoredAnswer a : stored) {
        verdicts.add(new TypedQuality.Verdict(a.id(), a.itemId(), a.answer().equals(labels.get(a.itemId()))));
      }
      policy = input.model().policy();
    }
    List<QualityQueries.ItemWrite> writes = decisions(result, policy, items);
    List<QualityQueries.StatusWrite> statuses = new ArrayList<>();
    if (input.typed() != null) {
      Map<Long, Integer> answersOf = new HashMap<>();
      result.items().forEach(e -> answersOf.put(e.itemId(), e.answers()));
      verdicts.forEach(v -> statuses.add(new QualityQueries.StatusWrite(v.contribution(), v.item(),
          answersOf.get(v.item()), v.agrees())));
    }
    return new Estimated(result, writes, statuses, new Settled(result, verdicts, lastId));
  }

  /**
   * A campaign's model fitted to every answer stored up to contribution {@code lastId}: each answered
   * item's label and confidence, and whether each answer agrees with its item's label.
   */
  public record Settled(Reestimate.Result result, List<TypedQuality.Verdict> verdicts, long lastId) {}

  private record Estimated(Reestimate.Result result, List<QualityQueries.ItemWrite> writes,
      List<QualityQueries.StatusWrite> statuses, Settled settled) {}

  /**
   * The overlap decision of every re-estimated item, with the new model's labels; items whose label
   * stays and whose confidence barely moves, with nothing to decide, are left out.
   */
  static List<QualityQueries.ItemWrite> decisions(Reestimate.Result result, OverlapPolicy policy,
      Map<Long, QualityQueries.ItemState> items) {
    List<QualityQueries.ItemWrite> writes = new ArrayList<>(result.items().size());
    for (Reestimate.ItemEstimate e : result.items()) {
      QualityQueries.ItemState item = items.get(e.itemId());
      if (item == null) {
        continue; // answered after the items were read: the next round labels it
      }
      CampaignModel.Action action = CampaignModel.Action.KEEP;
      if (item.gold()) {
        action = item.decided() ? CampaignModel.Action.KEEP : CampaignModel.Action.DECIDE;
      } else if (!item.decided()) {
        OverlapPolicy.Decision d = policy.decide(e.answers(), item.answersWanted(), e.confidence());
        action = d.close() ? CampaignModel.Action.DECIDE
            : d.answersWanted() > item.answersWanted() ? CampaignModel.Action.RAISE : CampaignModel.Action.KEEP;
      }
      if (action == CampaignModel.Action.KEEP && e.label().equals(item.label()) && item.confidence() != null
          && Math.abs(e.confidence() - item.confidence()) < UNCHANGED) {
        continue; // nothing to write: a steady campaign's re-estimate touches only the items it moves
      }
      writes.add(new QualityQueries.ItemWrite(e.itemId(), e.answers(), e.label(), e.confidence(), action,
          policy.maxOverlap()));
    }
    return writes;
  }

  /** Item writes in chunks of {@value #WRITE_CHUNK}, each with the statuses of its items, one transaction each. */
  private Future<Void> writeInChunks(List<QualityQueries.ItemWrite> writes, List<QualityQueries.StatusWrite> statuses,
      int from, Instant now) {
    if (from >= writes.size()) {
      // statuses of items whose label did not move (so were not written) still follow the fit
      return writeStatusesInChunks(statuses, 0);
    }
    List<QualityQueries.ItemWrite> chunk = writes.subList(from, Math.min(writes.size(), from + WRITE_CHUNK));
    java.util.Set<Long> chunkItems = new java.util.HashSet<>();
    chunk.forEach(w -> chunkItems.add(w.id()));
    List<QualityQueries.StatusWrite> chunkStatuses = new ArrayList<>();
    List<QualityQueries.StatusWrite> rest = new ArrayList<>();
    statuses.forEach(st -> (chunkItems.contains(st.item()) ? chunkStatuses : rest).add(st));
    return queries.pool().withTransaction(tx -> queries.writeItems(tx, chunk, chunkStatuses, now))
        .compose(v -> writeInChunks(writes, rest, from + WRITE_CHUNK, now));
  }

  private Future<Void> writeStatusesInChunks(List<QualityQueries.StatusWrite> statuses, int from) {
    if (from >= statuses.size()) {
      return Future.succeededFuture();
    }
    List<QualityQueries.StatusWrite> chunk = statuses.subList(from, Math.min(statuses.size(), from + 10 * WRITE_CHUNK));
    return queries.pool().withTransaction(tx -> queries.writeStatuses(tx, chunk))
        .compose(v -> writeStatusesInChunks(statuses, from + 10 * WRITE_CHUNK));
  }
}
