package io.labelledger.dataset;

import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.upload.UploadType;
import io.labelledger.campaign.CampaignTypes;
import io.labelledger.campaign.ValidationCampaign;
import io.labelledger.campaign.ValidationRule;
import io.labelledger.chain.Abi;
import io.labelledger.chain.Hex;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.market.SharesTree;
import io.labelledger.provenance.StandardMerkleTree;
import io.labelledger.quality.QualityWorker;
import io.labelledger.quality.Reestimate;
import io.labelledger.quality.TypedQuality;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds a dataset version from a campaign. A version is built on a <b>settled</b> model: the
 * campaign's quality model is first fitted again to every answer stored when the build starts
 * ({@link QualityWorker#settle}: Dawid-Skene for single choice, the type's model for the others),
 * and the version's labels, confidences and accepted contributions are that fit's, never what the
 * aggregation worker last wrote — so what a version contains, and who is paid for it, does not
 * depend on when the worker last ran. Then, in one transaction (builds of one campaign are
 * serialised by a lock on its row), what goes in:
 *
 * <ul>
 *   <li>items of the campaign that are not gold (gold answers stay secret: they test contributors),
 *       decided (quality stopped buying answers for them), and whose settled label has a
 *       confidence at or above the bar (the campaign's target confidence unless the request names
 *       another);
 *   <li>of those items, the contributions the settled fit accepts (they agree with the item's
 *       label by the type's rule), stored before the fit read the answers, whose contributor's
 *       consent to the contribution's terms is valid at build time (not revoked, not expired, as
 *       indexed from ConsentRegistry), and that are anchored (in an anchor batch mined on-chain);
 *   <li>an item none of whose contributions qualify is left out.
 * </ul>
 *
 * <p>Content tree: OpenZeppelin StandardMerkleTree over the contributions' EIP-712 digests (leaf =
 * double keccak of the digest as bytes32), input order = contribution id. Shares rule: <b>one share
 * per contribution in the version</b>; an account's leaf sums its shares; shares-tree leaves are
 * ordered by account address. The version's parent is the campaign's previous version.
 *
 * <p>An upload campaign with peer validation (V19) builds differently in two ways: its uploads stay only
 * when the votes stored when the build starts decide them valid, and the version also holds those
 * uploads' agreeing validations; shares then follow the campaign's weighted rule
 * ({@code settings.shares}: each upload {@code upload} shares, each validation {@code validation}), stated
 * in the audit bundle as {@code weighted-by-campaign} with both campaigns' weights.
 */
public final class DatasetBuilder {
  /**
   * What "anchored" means, in one place: the contribution has a batch, and that batch's
   * transaction was mined (it has a block number).
   */
  static final String ANCHORED = """
      c.batch_id is not null
      and exists (select 1 from anchor_batches b where b.id = c.batch_id and b.block_number is not null)""";

  static final String SELECT = """
      select c.id, c.campaign_id, c.item_id, c.contributor, c.digest, c.batch_id, c.leaf_index
        from items i
        join contributions c on c.item_id = i.id
       where i.campaign_id = $1 and not i.is_gold and i.decided_at is not null and c.id <= $2
         and exists (select 1 from consent_state cs
                      where cs.contributor = c.contributor and cs.terms_hash = c.terms_hash
                        and cs.revoked_at is null and cs.expires_at > $3)
         and not exists (select 1 from erasures e where e.contribution_id = c.id)
         and\s""" + ANCHORED + """
       order by c.id""";

  /**
   * The votes on an upload campaign's files stored up to a contribution id: each with whether its
   * validator's consent is valid at build time and whether it is anchored (only such votes are in a
   * version; every stored vote counts towards the decision).
   */
  static final String VOTES = """
      select i.validates_contribution as upload, c.id, c.campaign_id, c.item_id, c.contributor, c.answer, c.digest,
             c.batch_id, c.leaf_index,
             exists (select 1 from consent_state cs
                      where cs.contributor = c.contributor and cs.terms_hash = c.terms_hash
                        and cs.revoked_at is null and cs.expires_at > $3) as consented,
             (""" + ANCHORED + """
      ) as anchored
        from items i
        join contributions c on c.item_id = i.id
       where i.campaign_id = $1 and i.validates_contribution is not null and c.id <= $2
       order by c.id""";

  /** An upload campaign's validation campaign, its rule, and the last vote its settled fit read. */
  record Validated(long campaignId, UploadType.Validation rule, long lastId) {}

  /** What the operator asks for. */
  public record Request(BigInteger price, String name, Double confidenceBar) {}

  private final Pool pool;
  private final String paymentToken;
  private final QualityWorker quality;
  private final CampaignTypes types;

  public DatasetBuilder(Pool pool, String paymentToken, QualityWorker quality, CampaignTypes types) {
    this.pool = pool;
    this.paymentToken = paymentToken.toLowerCase();
    this.quality = quality;
    this.types = types;
  }

  /** Builds the next version of {@code campaignId} at time {@code now}; the future gives its id. */
  public Future<Long> build(long campaignId, Request request, Instant now) {
    return types.of(campaignId).compose(type -> type.isEmpty()
        ? Future.failedFuture(new ApiException(ErrorCode.CAMPAIGN_NOT_FOUND, campaignId))
        : quality.settle(campaignId).compose(settled -> validated(campaignId)
            .compose(validated -> build(campaignId, request, now, type.get(), settled, validated))));
  }

  /**
   * For an upload campaign with peer validation: its validation campaign settled too (every vote stored
   * when this build reads them is counted, whatever the aggregation worker last did); else null.
   */
  private Future<Validated> validated(long campaignId) {
    return pool.preparedQuery("""
            select v.id, c.settings::text as settings from campaigns c join campaigns v on v.validates_campaign = c.id
             where c.id = $1""").execute(Tuple.of(campaignId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row row = rows.iterator().next();
      long validationId = row.getLong("id");
      UploadType.Validation rule = UploadType.validation(io.labelledger.answer.CanonicalJson.read(
          row.getString("settings"))).orElseThrow();
      return quality.settle(validationId).map(settled -> new Validated(validationId, rule, settled.lastId()));
    });
  }

  private Future<Long> build(long campaignId, Request request, Instant now, CampaignAnswers<?, ?> type,
      QualityWorker.Settled settled, Validated validated) {
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    Map<Long, Reestimate.ItemEstimate> labels = new HashMap<>();
    settled.result().items().forEach(e -> labels.put(e.itemId(), e));
    Map<Long, Boolean> agrees = new HashMap<>();
    settled.verdicts().forEach(v -> agrees.put(v.contribution(), v.agrees()));
    return pool.withTransaction(tx -> tx.preparedQuery("""
            select c.id, c.name, c.terms_hash, c.target_confidence,
                   (select coalesce(max(version), 0) from datasets d where d.campaign_id = c.id) as last_version,
                   (select id from datasets d where d.campaign_id = c.id order by version desc limit 1) as parent
              from campaigns c where c.id = $1 for update""").execute(Tuple.of(campaignId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.CAMPAIGN_NOT_FOUND, campaignId));
          }
          Row campaign = rows.iterator().next();
          double bar = request.confidenceBar() != null ? request.confidenceBar()
              : campaign.getDouble("target_confidence");
          return tx.preparedQuery(SELECT).execute(Tuple.of(campaignId, settled.lastId(), at)).compose(selected -> {
            List<Row> contributions = new ArrayList<>();
            selected.forEach(c -> {
              Reestimate.ItemEstimate item = labels.get(c.getLong("item_id"));
              if (item != null && item.confidence() >= bar && Boolean.TRUE.equals(agrees.get(c.getLong("id")))) {
                contributions.add(c);
              }
            });
            if (validated == null) {
              if (contributions.isEmpty()) {
                return Future.failedFuture(new ApiException(ErrorCode.DATASET_EMPTY, campaignId, bar));
              }
              return store(tx, campaign, request, bar, at, contributions, labels, settled.verdicts(), type, null);
            }
            return tx.preparedQuery(VOTES).execute(Tuple.of(validated.campaignId(), validated.lastId(), at))
                .compose(votes -> {
                  List<Row> all = withValidations(contributions, votes, validated.rule().agreeing());
                  if (all.isEmpty()) {
                    return Future.failedFuture(new ApiException(ErrorCode.DATASET_EMPTY, campaignId, bar));
                  }
                  Map<Long, Long> weights = new TreeMap<>();
                  weights.put(campaignId, validated.rule().uploadShares());
                  weights.put(validated.campaignId(), validated.rule().validationShares());
                  return store(tx, campaign, request, bar, at, all, labels, settled.verdicts(), type, weights);
                });
          });
        }));
  }

  /**
   * Peer validation applied to the uploads the settled fit accepts: an upload stays when its stored votes
   * decide it valid ({@link ValidationRule}); undecided and invalid ones go. With each upload that stays
   * come the votes that agree with the decision ("valid") whose validator's consent is valid and which
   * are anchored: the validations paid for with the file they checked. Returns both, in id order.
   */
  static List<Row> withValidations(List<Row> uploads, Iterable<Row> votes, int agreeing) {
    Map<Long, long[]> counts = new HashMap<>();
    for (Row v : votes) {
      long[] n = counts.computeIfAbsent(v.getLong("upload"), k -> new long[2]);
      n[ValidationCampaign.VALID.equals(v.getString("answer")) ? 0 : 1]++;
    }
    java.util.Set<Long> valid = new java.util.HashSet<>();
    List<Row> out = new ArrayList<>();
    for (Row u : uploads) {
      long[] n = counts.getOrDefault(u.getLong("id"), new long[2]);
      if (ValidationRule.decide(n[0], n[1], agreeing) == ValidationRule.Decision.VALID) {
        valid.add(u.getLong("id"));
        out.add(u);
      }
    }
    for (Row v : votes) {
      if (valid.contains(v.getLong("upload")) && ValidationCampaign.VALID.equals(v.getString("answer"))
          && v.getBoolean("consented") && v.getBoolean("anchored")) {
        out.add(v);
      }
    }
    out.sort(java.util.Comparator.comparingLong(r -> r.getLong("id")));
    return out;
  }

  /**
   * @param weights campaign id to shares per contribution (the weighted rule), or null: one share each
   */
  private Future<Long> store(SqlConnection tx, Row campaign, Request request, double bar, OffsetDateTime at,
      List<Row> contributions, Map<Long, Reestimate.ItemEstimate> labels, List<TypedQuality.Verdict> verdicts,
      CampaignAnswers<?, ?> type, Map<Long, Long> weights) {
    List<byte[]> leaves = new ArrayList<>(contributions.size());
    TreeMap<String, Long> sharesByAccount = new TreeMap<>();
    TreeSet<Long> batches = new TreeSet<>();
    // item id -> (label, confidence, leaves); TreeMap: export order = item id
    TreeMap<Long, ItemEntry> items = new TreeMap<>();
    for (Row c : contributions) {
      byte[] digest = c.getBuffer("digest").getBytes();
      leaves.add(StandardMerkleTree.leafHash(Abi.bytes32(digest)));
      long campaignOf = c.getLong("campaign_id");
      sharesByAccount.merge(c.getString("contributor"), weights == null ? 1L : weights.get(campaignOf), Math::addExact);
      batches.add(c.getLong("batch_id"));
      if (campaignOf != campaign.getLong("id")) {
        continue; // a validation: paid for, in the content root, not an item of the export
      }
      items.computeIfAbsent(c.getLong("item_id"), id -> new ItemEntry(labels.get(id).label(),
          labels.get(id).confidence(), new ArrayList<>())).digests.add(digest);
    }
    StandardMerkleTree content = StandardMerkleTree.of(leaves);
    List<SharesTree.Entry> entries = new ArrayList<>();
    sharesByAccount.forEach((account, shares) -> entries.add(new SharesTree.Entry(account, BigInteger.valueOf(shares))));
    SharesTree shares = SharesTree.of(entries);

    Map<String, Long> distribution = new TreeMap<>();
    double confidenceSum = 0;
    for (ItemEntry item : items.values()) {
      distributionKeys(type, item.label).forEach(key -> distribution.merge(key, 1L, Long::sum));
      confidenceSum += item.confidence;
    }
    long agreeing = 0;
    long answered = 0;
    for (TypedQuality.Verdict v : verdicts) {
      if (items.containsKey(v.item())) {
        answered++;
        agreeing += v.agrees() ? 1 : 0;
      }
    }
    Double agreement = answered == 0 ? null : (double) agreeing / answered;
    int version = campaign.getInteger("last_version") + 1;
    String name = request.name() != null ? request.name() : campaign.getString("name") + " v" + version;
    long campaignId = campaign.getLong("id");
    double meanConfidence = confidenceSum / items.size();
    return goldFigures(tx, campaignId, sharesByAccount.keySet()).compose(figures -> {
      JsonObject quality = new JsonObject()
          .put("labelDistribution", new JsonObject(new LinkedHashMap<>(distribution)))
          .put("meanConfidence", meanConfidence)
          .put("agreement", agreement)
          .put("goldAccuracy", figures.goldAccuracy())
          .put("goldAnswers", figures.goldAnswers());
      return tx.preparedQuery("""
              insert into datasets (campaign_id, version, parent_id, name, terms_hash, payment_token, price,
                                    confidence_bar, content_root, shares_root, total_shares, item_count,
                                    contribution_count, contributor_count, batch_ids, quality, built_at,
                                    shares_rule)
              values ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                      $18::text::jsonb)
              returning id""")
          .execute(Tuple.from(new Object[] {campaignId, version, campaign.getLong("parent"), name,
              campaign.getString("terms_hash"), paymentToken, io.vertx.sqlclient.data.Numeric.create(new java.math.BigDecimal(request.price())), bar,
              Hex.encode(content.root()), Hex.encode(shares.root()), shares.totalShares().longValueExact(),
              (long) items.size(), (long) contributions.size(), sharesByAccount.size(),
              batches.toArray(Long[]::new), quality, at, weights == null ? null : sharesRule(weights)}));
    }).compose(inserted -> {
      long datasetId = inserted.iterator().next().getLong(0);
      List<Tuple> itemRows = new ArrayList<>();
      int position = 0;
      for (var e : items.entrySet()) {
        Buffer[] digests = e.getValue().digests.stream().map(Buffer::buffer).toArray(Buffer[]::new);
        itemRows.add(Tuple.of(datasetId, position++, e.getKey(), e.getValue().label, e.getValue().confidence)
            .addArrayOfBuffer(digests));
      }
      List<Tuple> contributionRows = new ArrayList<>();
      for (int i = 0; i < contributions.size(); i++) {
        Row c = contributions.get(i);
        contributionRows.add(Tuple.of(datasetId, i, c.getLong("id"), c.getLong("item_id"), c.getString("contributor"),
            c.getBuffer("digest"), c.getLong("batch_id"), c.getInteger("leaf_index")));
      }
      List<Tuple> shareRows = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        shareRows.add(Tuple.of(datasetId, i, entries.get(i).account(), entries.get(i).shares().longValueExact()));
      }
      return tx.preparedQuery("insert into dataset_items (dataset_id, position, item_id, label, confidence, leaves)"
              + " values ($1, $2, $3, $4, $5, $6)").executeBatch(itemRows)
          .compose(v -> tx.preparedQuery("insert into dataset_contributions (dataset_id, leaf_index, contribution_id,"
              + " item_id, contributor, digest, batch_id, batch_leaf) values ($1, $2, $3, $4, $5, $6, $7, $8)")
              .executeBatch(contributionRows))
          .compose(v -> tx.preparedQuery("insert into dataset_shares (dataset_id, leaf_index, account, shares)"
              + " values ($1, $2, $3, $4)").executeBatch(shareRows))
          .map(datasetId);
    });
  }

  /** How {@code datasets.shares_rule} holds the weighted rule (read back by the audit bundle's queries). */
  static String sharesRule(Map<Long, Long> weights) {
    Map<String, Object> byCampaign = new TreeMap<>();
    weights.forEach((campaign, w) -> byCampaign.put(Long.toString(campaign), w));
    return io.labelledger.answer.CanonicalJson.of(Map.of("id",
        io.labelledger.audit.AuditBundle.SharesRule.WEIGHTED_BY_CAMPAIGN_ID, "weights", byCampaign));
  }

  private record ItemEntry(String label, double confidence, List<byte[]> digests) {}

  private static <A> List<String> distributionKeys(CampaignAnswers<?, A> type, String label) {
    return type.distributionKeys(type.parseAggregate(label));
  }

  /** Gold accuracy of the version's contributors. */
  record Figures(Double goldAccuracy, long goldAnswers) {}

  /**
   * Gold accuracy: the share of the version's contributors' answers to the campaign's gold items that
   * match the gold answer (by match key, see V13; null when they answered no gold item). Agreement
   * (the share of all answers to the version's items that agree with the settled label) comes from
   * the settled fit's verdicts.
   */
  private static Future<Figures> goldFigures(SqlConnection tx, long campaignId, java.util.Set<String> contributors) {
    return tx.preparedQuery("""
            select count(*) filter (where coalesce(c.answer_key, c.answer) = coalesce(i.gold_key, i.gold_answer))
                     as right, count(*) as total
              from contributions c join items i on i.id = c.item_id
             where i.campaign_id = $1 and i.is_gold and c.contributor = any($2)""")
        .execute(Tuple.tuple().addLong(campaignId).addArrayOfString(contributors.toArray(String[]::new)))
        .map(gold -> {
          Row g = gold.iterator().next();
          long goldTotal = g.getLong("total");
          return new Figures(goldTotal == 0 ? null : (double) g.getLong("right") / goldTotal, goldTotal);
        });
  }
}
