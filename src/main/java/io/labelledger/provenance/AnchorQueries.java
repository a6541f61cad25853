package io.labelledger.provenance;

import io.labelledger.chain.Fees;
import io.labelledger.chain.ProvenanceRegistryGateway.Anchored;
import io.labelledger.chain.ProvenanceRegistryGateway.SignedTx;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL of the anchorer. Every state change of a batch is conditional on the state it expects, so a
 * second anchorer that somehow raced this one (a lost advisory lock) changes nothing it did not see.
 */
public final class AnchorQueries {
  private static final String BATCH_COLUMNS = "id, root, leaf_count, state, tx_hash, nonce, gas_price, priority_fee, attempts, "
      + "(extract(epoch from now() - sent_at) * 1000)::bigint as sent_ago_ms, search_from_block, chain_batch_id, "
      + "block_number, block_hash";

  private final Pool pool;

  public AnchorQueries(Pool pool) {
    this.pool = pool;
  }

  /** A contribution waiting for a batch: how long it has waited, and when it says it was signed (unix seconds). */
  public record Unbatched(long id, String txid, byte[] digest, long ageMs, long submittedAt) {}

  /** A batch as the anchorer works on it. Fields of the chain are null until they are known. */
  /** @param fees what the latest attempt offered (null before the first) */
  public record Batch(long id, byte[] root, int leafCount, String state, String txHash, BigInteger nonce,
      Fees fees, int attempts, Long sentAgoMs, Long searchFromBlock, Long chainBatchId, Long blockNumber,
      String blockHash) {}

  /**
   * What the anchorer may put in its next batch. {@code eligible}: at most the limit, all signed at
   * or before the chain's latest block time (deferred ones first, then new ones in cursor order).
   * {@code passedOver}: new ones signed after it, which the cursor moves past; they are deferred
   * when the batch is built, so one contribution signed ahead of the clock never holds back the
   * work behind it. {@code waiting}: everything signed after the chain's time that was seen
   * (deferred earlier, or passed over now): what a newer block would let in. {@code cursorTo}: the
   * last new contribution looked at, where the cursor goes when the batch is built (null: none).
   */
  public record Intake(List<Unbatched> eligible, List<Unbatched> passedOver, List<Unbatched> waiting,
      Unbatched cursorTo) {}

  /**
   * Reads the next {@link Intake}, locking the anchorer's cursor for this transaction (a
   * concurrent builder waits for it, then starts after this batch). New contributions are read in
   * (txid, id) order after the cursor, only from transactions older than every running one, so none
   * can still commit behind the cursor (the aggregation worker's rule). {@code batch_id is null} is
   * still required: rows batched before the cursor existed are skipped.
   */
  public Future<Intake> intake(SqlClient tx, int limit, long notAfter) {
    return tx.preparedQuery("select 1 from anchor_cursor where name = 'anchor' for update").execute()
        .compose(locked -> tx.preparedQuery("""
            select c.id, c.txid::text as txid, c.digest, c.submitted_at,
                   (extract(epoch from now() - c.created_at) * 1000)::bigint as age_ms
            from anchor_deferred d
            -- each deferred row looks its contribution up by key: as a plain join, the planner, which
            -- has no statistics of a table that is nearly always empty, scanned every contribution
            -- (85 ms at 45,000); "limit 1" (of a primary-key match) keeps the lookup from being
            -- flattened back into that join
            cross join lateral (
              select * from contributions c where c.id = d.contribution_id and c.batch_id is null limit 1) c
            order by d.submitted_at, c.id limit $1""").execute(Tuple.of(limit)))
        .compose(deferred -> tx.preparedQuery("""
            select c.id, c.txid::text as txid, c.digest, c.submitted_at,
                   (extract(epoch from now() - c.created_at) * 1000)::bigint as age_ms
            from anchor_cursor cur, contributions c
            where cur.name = 'anchor'
              and (c.txid, c.id) > (cur.txid, cur.last_id)
              and (c.txid, c.id) < (pg_snapshot_xmin(pg_current_snapshot()), 0) -- txid < xmin, as an index bound
              and c.batch_id is null
            order by c.txid, c.id limit $1""").execute(Tuple.of(limit))
            .map(fresh -> {
              List<Unbatched> eligible = new ArrayList<>();
              List<Unbatched> passedOver = new ArrayList<>();
              List<Unbatched> waiting = new ArrayList<>();
              for (Row r : deferred) {
                Unbatched u = unbatched(r);
                (u.submittedAt() <= notAfter && eligible.size() < limit ? eligible : waiting).add(u);
              }
              Unbatched cursorTo = null;
              for (Row r : fresh) {
                if (eligible.size() >= limit) {
                  break;
                }
                Unbatched u = unbatched(r);
                cursorTo = u;
                if (u.submittedAt() <= notAfter) {
                  eligible.add(u);
                } else {
                  passedOver.add(u);
                  waiting.add(u);
                }
              }
              return new Intake(eligible, passedOver, waiting, cursorTo);
            }));
  }

  private static Unbatched unbatched(Row r) {
    return new Unbatched(r.getLong("id"), r.getString("txid"), r.getBuffer("digest").getBytes(), r.getLong("age_ms"),
        r.getLong("submitted_at"));
  }

  /**
   * Commits what building a batch of {@code in.eligible()} means for the queue, in the
   * transaction that sets their batch_id: the passed-over contributions are deferred, the batched
   * ones leave the deferred list, and the cursor moves on.
   */
  public Future<Void> commitIntake(SqlClient tx, Intake in) {
    Long[] deferIds = in.passedOver().stream().map(Unbatched::id).toArray(Long[]::new);
    Long[] deferAt = in.passedOver().stream().map(Unbatched::submittedAt).toArray(Long[]::new);
    Long[] taken = in.eligible().stream().map(Unbatched::id).toArray(Long[]::new);
    Future<Void> deferred = deferIds.length == 0 ? Future.succeededFuture()
        : tx.preparedQuery("insert into anchor_deferred (contribution_id, submitted_at) "
            + "select * from unnest($1::bigint[], $2::bigint[]) on conflict do nothing")
            .execute(Tuple.tuple().addArrayOfLong(deferIds).addArrayOfLong(deferAt)).mapEmpty();
    return deferred
        .compose(v -> tx.preparedQuery("delete from anchor_deferred where contribution_id = any($1)")
            .execute(Tuple.tuple().addArrayOfLong(taken)))
        .compose(v -> in.cursorTo() == null ? Future.succeededFuture()
            : tx.preparedQuery("update anchor_cursor set txid = $1::text::xid8, last_id = $2 where name = 'anchor'")
                .execute(Tuple.of(in.cursorTo().txid(), in.cursorTo().id())).mapEmpty());
  }

  public Future<Long> insertBatch(SqlClient tx, byte[] root, int leafCount, byte[] tree) {
    return tx.preparedQuery("insert into anchor_batches (root, leaf_count, tree) values ($1, $2, $3) returning id")
        .execute(Tuple.of(Buffer.buffer(root), leafCount, Buffer.buffer(tree)))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /**
   * Puts the contributions in the batch, one statement; returns how many rows it changed. The rows
   * are locked in id order first, as the aggregation worker's status updates lock them (see
   * {@link io.labelledger.quality.QualityQueries}, lock order), so the two never deadlock: the
   * input is sorted by id and each row is looked up and locked by its key in that order. (As a
   * join, the plan followed the statistics of batch_id: analysed when nearly every row was
   * batched, the planner expected one unbatched row and compared each of 4,096 inputs with each
   * of them, 16 million comparisons, 2.6 s.)
   */
  public Future<Integer> assign(SqlClient tx, long batchId, Long[] ids, Integer[] leafIndexes) {
    return tx.preparedQuery("""
            with locked as (
              select c.id, t.leaf_index
              from (select * from unnest($2::bigint[], $3::int[]) as u(id, leaf_index) order by id) t
              cross join lateral (
                select id from contributions where id = t.id and batch_id is null limit 1 for no key update) c)
            -- the locked rows are still unbatched (nobody else can change them now); "= any" makes the
            -- update fetch them by key rather than hash-join a sequential scan of the whole table
            update contributions c set batch_id = $1, leaf_index = l.leaf_index from locked l
            where c.id = l.id and c.id = any($2::bigint[])""")
        .execute(Tuple.of(batchId, ids, leafIndexes)).map(rows -> rows.rowCount());
  }

  /** The batch between build and receipt, if there is one (at most one: a unique index says so). */
  public Future<Optional<Batch>> open() {
    return pool.preparedQuery("select " + BATCH_COLUMNS + " from anchor_batches where state in ('built', 'sent')")
        .execute().map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toBatch(rows.iterator().next())));
  }

  /** Mined batches waiting for their confirmations, oldest first. */
  public Future<List<Batch>> mined(int limit) {
    return pool.preparedQuery("select " + BATCH_COLUMNS + " from anchor_batches where state = 'mined' order by id limit $1")
        .execute(Tuple.of(limit)).map(rows -> {
          List<Batch> out = new ArrayList<>();
          rows.forEach(r -> out.add(toBatch(r)));
          return out;
        });
  }

  /**
   * Records a signed attempt before it is broadcast: after a crash the row names every nonce that
   * may be in use. Only when the batch is still as the caller saw it ({@code attempts}).
   */
  public Future<Boolean> recordAttempt(long id, int seenAttempts, SignedTx tx, long headBlock) {
    return pool.preparedQuery("update anchor_batches set state = 'sent', tx_hash = $3, nonce = $4, gas_price = $5, "
            + "priority_fee = $7, attempts = attempts + 1, sent_at = now(), "
            + "search_from_block = coalesce(search_from_block, $6) "
            + "where id = $1 and attempts = $2 and state in ('built', 'sent')")
        .execute(Tuple.from(new Object[] {id, seenAttempts, tx.hash(), tx.nonce().longValueExact(),
            Numeric.create(tx.fees().maxFeePerGas()), headBlock,
            tx.fees().isLegacy() ? null : Numeric.create(tx.fees().maxPriorityFeePerGas())}))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Records the landed anchor: the transaction that mined (maybe an earlier attempt than the last
   * recorded), its block and gas. {@code confirmed}: already deep enough to count as anchored.
   */
  public Future<Boolean> recordMined(long id, Anchored a, long gasUsed, BigInteger gasPrice, boolean confirmed) {
    return pool.withTransaction(tx -> freeChainBatchId(tx, id, a.chainBatchId()).compose(v -> tx.preparedQuery(
            "update anchor_batches set state = $2, chain_batch_id = $3, tx_hash = $4, "
            + "block_number = $5, block_hash = $6, block_time = $7, gas_used = $8, "
            + "gas_price = coalesce($9, gas_price), "
            + "anchored_at = case when $2 = 'anchored' then now() end "
            + "where id = $1 and state in ('built', 'sent')")
        .execute(Tuple.from(new Object[] {id, confirmed ? "anchored" : "mined", a.chainBatchId(), a.txHash(),
            a.blockNumber(), a.blockHash(), Instant.ofEpochSecond(a.anchoredAt()).atOffset(ZoneOffset.UTC), gasUsed,
            gasPrice == null ? null : Numeric.create(gasPrice)}))
        .map(rows -> rows.rowCount() == 1)));
  }

  /**
   * The contract numbers anchors in order, so after a reorganisation a re-sent root can get the
   * number a vanished anchor of another batch had: that batch's claim to it is stale. It loses the
   * number and, when it counted as anchored, goes back to mined for the anchorer to check its root.
   */
  private static Future<Void> freeChainBatchId(SqlConnection tx, long id, long chainBatchId) {
    return tx.preparedQuery("update anchor_batches set chain_batch_id = null, anchored_at = null, "
            + "state = case when state = 'anchored' then 'mined' else state end "
            + "where chain_batch_id = $2 and id <> $1")
        .execute(Tuple.of(id, chainBatchId)).mapEmpty();
  }

  /**
   * A mined batch whose anchor the chain now holds in another block (a reorganisation put the
   * transaction, or a re-sent one, elsewhere): its record follows the chain; it stays mined until buried.
   */
  public Future<Boolean> relocate(long id, Anchored a) {
    return pool.withTransaction(tx -> freeChainBatchId(tx, id, a.chainBatchId()).compose(v -> tx.preparedQuery(
            "update anchor_batches set chain_batch_id = $2, tx_hash = $3, block_number = $4, "
            + "block_hash = $5, block_time = $6 where id = $1 and state = 'mined'")
        .execute(Tuple.from(new Object[] {id, a.chainBatchId(), a.txHash(), a.blockNumber(), a.blockHash(),
            Instant.ofEpochSecond(a.anchoredAt()).atOffset(ZoneOffset.UTC)}))
        .map(rows -> rows.rowCount() == 1)));
  }

  public Future<Boolean> confirm(long id) {
    return pool.preparedQuery("update anchor_batches set state = 'anchored', anchored_at = now() "
            + "where id = $1 and state = 'mined'")
        .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Forgets the batch's transaction so it is sent afresh: its nonce was spent without anchoring
   * the root (reverted, or taken by another transaction), or its block left the chain. Membership
   * and tree stay. Not while another batch is open (nonce order).
   */
  public Future<Boolean> resetToBuilt(long id, String expectedState) {
    return pool.preparedQuery("update anchor_batches set state = 'built', chain_batch_id = null, tx_hash = null, "
            + "nonce = null, gas_price = null, priority_fee = null, sent_at = null, block_number = null, block_hash = null, "
            + "block_time = null, gas_used = null where id = $1 and state = $2 "
            + "and not exists (select 1 from anchor_batches o where o.state in ('built', 'sent') and o.id <> $1)")
        .execute(Tuple.of(id, expectedState)).map(rows -> rows.rowCount() == 1);
  }

  /** What the metrics show: contributions waiting for a batch, and the totals of mined batches. */
  public record Totals(long unbatched, long batches, long leaves, long gasUsed) {}

  public Future<Totals> totals() {
    // the cursor's position as an index bound (scalar subqueries): as a join it was a filter, and
    // the count read every contribution
    return pool.query("select (select count(*) from contributions c where (c.txid, c.id) > "
            + "((select txid from anchor_cursor where name = 'anchor'), (select last_id from anchor_cursor where name = 'anchor'))"
            + " and c.batch_id is null) "
            + "+ (select count(*) from anchor_deferred) as unbatched, "
            + "count(*) as batches, coalesce(sum(leaf_count), 0)::bigint as leaves, "
            + "coalesce(sum(gas_used), 0)::bigint as gas from anchor_batches where state in ('mined', 'anchored')")
        .execute().map(rows -> {
          Row r = rows.iterator().next();
          return new Totals(r.getLong("unbatched"), r.getLong("batches"), r.getLong("leaves"), r.getLong("gas"));
        });
  }

  private static Batch toBatch(Row r) {
    Numeric price = r.getNumeric("gas_price");
    Numeric priority = r.getNumeric("priority_fee");
    Fees fees = price == null ? null : priority == null ? Fees.legacy(price.bigIntegerValue())
        : Fees.eip1559(price.bigIntegerValue(), priority.bigIntegerValue());
    Long nonce = r.getLong("nonce");
    return new Batch(r.getLong("id"), r.getBuffer("root").getBytes(), r.getInteger("leaf_count"), r.getString("state"),
        r.getString("tx_hash"), nonce == null ? null : BigInteger.valueOf(nonce),
        fees, r.getInteger("attempts"), r.getLong("sent_ago_ms"),
        r.getLong("search_from_block"), r.getLong("chain_batch_id"), r.getLong("block_number"),
        r.getString("block_hash"));
  }
}
