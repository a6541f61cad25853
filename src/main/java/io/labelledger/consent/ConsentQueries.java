package io.labelledger.consent;

import io.labelledger.chain.ConsentRegistryGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of consent requests and of the consent state followed from the chain. */
public final class ConsentQueries {
  private static final String REQUEST_COLUMNS =
      "id, kind, contributor, terms_hash, expires_at, nonce, deadline, signature, status, tx_hash, failure, created_at, updated_at, "
      + "earlier_tx_hashes";

  private final Pool pool;

  public ConsentQueries(Pool pool) {
    this.pool = pool;
  }

  /** A stored request. {@code expiresAt} is null for revocations. */
  public record Request(long id, String kind, String contributor, String termsHash, Long expiresAt, long nonce,
      long deadline, byte[] signature, String status, String txHash, String failure, Instant createdAt,
      Instant updatedAt, List<String> earlierTxHashes) {

    /** Every transaction hash under which this request was sent (replacements: any one may mine), latest first. */
    public List<String> txHashes() {
      List<String> all = new ArrayList<>();
      if (txHash != null) {
        all.add(txHash);
      }
      for (int i = earlierTxHashes.size() - 1; i >= 0; i--) {
        all.add(earlierTxHashes.get(i));
      }
      return all;
    }
  }

  /** The consent of one pair as the chain's events say. */
  public record State(String contributor, String termsHash, Instant grantedAt, Instant expiresAt, Instant revokedAt) {
    public boolean validAt(Instant t) {
      return revokedAt == null && expiresAt.isAfter(t);
    }
  }

  /**
   * Stores a pending request unless its digest is already stored or its nonce is already carried
   * by an open request; returns the new id, or empty on either conflict.
   */
  public Future<Optional<Long>> insert(String kind, String contributor, String termsHash, Long expiresAt, long nonce,
      long deadline, byte[] signature, byte[] digest) {
    return pool.preparedQuery("insert into consent_requests "
            + "(kind, contributor, terms_hash, expires_at, nonce, deadline, signature, digest) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning id")
        .execute(Tuple.from(new Object[] {kind, contributor, termsHash, expiresAt, nonce, deadline,
            Buffer.buffer(signature), Buffer.buffer(digest)}))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id")));
  }

  /** After a conflict: the request with this digest, else the open one carrying the nonce. */
  public Future<Optional<Request>> conflicting(byte[] digest, String contributor, String termsHash, long nonce) {
    return pool.preparedQuery("select " + REQUEST_COLUMNS + " from consent_requests where digest = $1 "
            + "union all select " + REQUEST_COLUMNS + " from consent_requests where contributor = $2 and terms_hash = $3 "
            + "and nonce = $4 and status in ('pending', 'submitting', 'submitted') limit 1")
        .execute(Tuple.of(Buffer.buffer(digest), contributor, termsHash, nonce))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toRequest(rows.iterator().next())));
  }

  public Future<List<Request>> requestsOf(String contributor, int limit) {
    return pool.preparedQuery("select " + REQUEST_COLUMNS + " from consent_requests where contributor = $1 "
            + "order by id desc limit $2")
        .execute(Tuple.of(contributor, limit)).map(ConsentQueries::toRequests);
  }

  public Future<List<State>> statesOf(String contributor) {
    return pool.preparedQuery("select contributor, terms_hash, granted_at, expires_at, revoked_at from consent_state "
            + "where contributor = $1 order by terms_hash")
        .execute(Tuple.of(contributor)).map(rows -> {
          List<State> out = new ArrayList<>();
          rows.forEach(row -> out.add(new State(row.getString("contributor"), row.getString("terms_hash"),
              instant(row, "granted_at"), instant(row, "expires_at"), instant(row, "revoked_at"))));
          return out;
        });
  }

  // ------------------------------------------------------------------ relayer

  /**
   * Claims up to {@code limit} pending requests of one kind whose terms are registered on-chain:
   * they become 'submitting' in one statement, so concurrent relayers (other instances) claim
   * disjoint sets.
   */
  public Future<List<Request>> claimPending(String kind, int limit) {
    return pool.preparedQuery("update consent_requests r set status = 'submitting', updated_at = now() "
            + "where r.id in (select q.id from consent_requests q join terms t on t.terms_hash = q.terms_hash "
            + "where q.status = 'pending' and q.kind = $1 and t.chain_status = 'registered' "
            + "order by q.id limit $2 for update of q skip locked) returning " + REQUEST_COLUMNS)
        .execute(Tuple.of(kind, limit)).map(ConsentQueries::toRequests);
  }

  public Future<Void> markSubmitted(List<Long> ids, String txHash) {
    return pool.preparedQuery("update consent_requests set status = 'submitted', tx_hash = $2, updated_at = now() "
            + "where id = any($1) and status = 'submitting'")
        .execute(Tuple.of(ids.toArray(Long[]::new), txHash)).mapEmpty();
  }

  /**
   * Records a replacement of the batch's transaction before it is broadcast: {@code txHash} becomes
   * the latest attempt, the one it replaces joins the earlier ones (any of them may mine).
   */
  public Future<Void> markReplaced(List<Long> ids, String txHash) {
    return pool.preparedQuery("update consent_requests set tx_hash = $2, "
            + "earlier_tx_hashes = earlier_tx_hashes || tx_hash, updated_at = now() "
            + "where id = any($1) and status = 'submitted' and tx_hash <> $2")
        .execute(Tuple.of(ids.toArray(Long[]::new), txHash)).mapEmpty();
  }

  /** Puts in-flight requests back in the queue (nothing of theirs is or will be on the chain). */
  public Future<Void> release(List<Long> ids) {
    return pool.preparedQuery("update consent_requests set status = 'pending', tx_hash = null, "
            + "earlier_tx_hashes = '{}', block_number = null, updated_at = now() "
            + "where id = any($1) and status in ('submitting', 'submitted')")
        .execute(Tuple.of((Object) ids.toArray(Long[]::new))).mapEmpty();
  }

  /**
   * Marks requests of a transaction mined in {@code block}: failure null = confirmed. Only rows still
   * on that transaction change (its latest attempt or an earlier one). The block is what the consent
   * indexer checks against reorganisations.
   */
  public Future<Void> settle(String txHash, long block, List<Long> ids, List<String> failures) {
    String[] statuses = failures.stream().map(f -> f == null ? "confirmed" : "failed").toArray(String[]::new);
    return pool.preparedQuery("update consent_requests r set status = t.status, failure = t.failure, "
            + "block_number = $5, updated_at = now() "
            + "from unnest($1::bigint[], $2::text[], $3::text[]) as t(id, status, failure) "
            + "where r.id = t.id and (r.tx_hash = $4 or $4 = any(r.earlier_tx_hashes)) and r.status = 'submitted'")
        .execute(Tuple.of(ids.toArray(Long[]::new), statuses, failures.toArray(String[]::new), txHash, block))
        .mapEmpty();
  }

  /**
   * Requests claimed or sent before {@code before} and not settled, for recovery after crashes and
   * timeouts; and, whatever their age, sent requests whose confirmation a reorganisation removed (a
   * block number left from it), for the relayer to check at once.
   */
  public Future<List<Request>> inFlight(Instant before, int limit) {
    return pool.preparedQuery("select " + REQUEST_COLUMNS + " from consent_requests "
            + "where status in ('submitting', 'submitted') and (updated_at < $1 or block_number is not null) "
            + "order by id limit $2")
        .execute(Tuple.of(utc(before), limit)).map(ConsentQueries::toRequests);
  }

  // ------------------------------------------------------------------ indexer

  /** Records a log once; true when it was new (and must be applied). */
  public Future<Boolean> insertEvent(SqlClient tx, String txHash, int logIndex, long block, boolean granted,
      String contributor, String termsHash, long at, long expiresAt, long nonce) {
    return tx.preparedQuery("insert into consent_events "
            + "(tx_hash, log_index, block_number, kind, contributor, terms_hash, at, expires_at, nonce) "
            + "values ($1, $2, $3, $4, $5, $6, to_timestamp($7), to_timestamp($8), $9) on conflict do nothing")
        .execute(Tuple.from(new Object[] {txHash, logIndex, block, granted ? "granted" : "revoked", contributor,
            termsHash, (double) at, granted ? (double) expiresAt : null, nonce}))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Confirmed requests settled from a block after {@code block} (a reorganisation replaced it) go back
   * to 'submitted', keeping their transaction hashes and that block number: the relayer then looks
   * for a receipt of one of them on the new branch (settled again from it) or, the node knowing none,
   * relays the request again. A request whose nonce another open request now carries (the contributor
   * signed again meanwhile) cannot be sent again: it fails, naming why. Returns the requests reopened.
   */
  public Future<Integer> reopenConfirmedAfter(SqlClient tx, long block) {
    return reopen(tx, "r.block_number > $1", Tuple.of(block));
  }

  /**
   * Confirmed requests settled from a block in {@code from..to} whose log the chain's logs of that range
   * do not hold (stored in {@code consent_events} by this round): the block was replaced before the
   * indexer read it. They go back to 'submitted' as in {@link #reopenConfirmedAfter}.
   */
  public Future<Integer> reopenConfirmedMissing(SqlClient tx, long from, long to) {
    return reopen(tx, "r.block_number between $1 and $2 and not exists (select 1 from consent_events e "
        + "where e.block_number = r.block_number and (e.tx_hash = r.tx_hash or e.tx_hash = any(r.earlier_tx_hashes)) "
        + "and e.contributor = r.contributor and e.terms_hash = r.terms_hash and e.nonce = r.nonce)", Tuple.of(from, to));
  }

  private Future<Integer> reopen(SqlClient tx, String gone, Tuple args) {
    String superseded = "exists (select 1 from consent_requests o where o.contributor = r.contributor "
        + "and o.terms_hash = r.terms_hash and o.nonce = r.nonce and o.status in ('pending', 'submitting', 'submitted'))";
    return tx.preparedQuery("update consent_requests r set status = 'failed', block_number = null, updated_at = now(), "
            + "failure = 'its transaction left the chain in a reorganisation, and another request now carries its nonce' "
            + "where r.status = 'confirmed' and " + gone + " and " + superseded)
        .execute(args)
        .compose(failed -> tx.preparedQuery("update consent_requests r set status = 'submitted', updated_at = now() "
                + "where r.status = 'confirmed' and " + gone)
            .execute(args).map(reopened -> reopened.rowCount()));
  }

  /** A (contributor, terms) pair of {@code consent_state}. */
  public record Pair(String contributor, String termsHash) {}

  /** Deletes the consent events of blocks after {@code block}; the pairs they were about. */
  public Future<List<Pair>> deleteEventsAfter(SqlClient tx, long block) {
    return tx.preparedQuery("with gone as (delete from consent_events where block_number > $1 "
            + "returning contributor, terms_hash) select distinct contributor, terms_hash from gone")
        .execute(Tuple.of(block)).map(rows -> {
          List<Pair> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Pair(r.getString(0), r.getString(1))));
          return out;
        });
  }

  public Future<Void> deleteState(SqlClient tx, Pair pair) {
    return tx.preparedQuery("delete from consent_state where contributor = $1 and terms_hash = $2")
        .execute(Tuple.of(pair.contributor(), pair.termsHash())).mapEmpty();
  }

  /** The stored events of a pair, in chain order. */
  public Future<List<ConsentRegistryGateway.ConsentEvent>> eventsOf(SqlClient tx, Pair pair) {
    return tx.preparedQuery("select kind, extract(epoch from at)::bigint, coalesce(extract(epoch from expires_at)::bigint, 0), "
            + "nonce, block_number, tx_hash, log_index from consent_events where contributor = $1 and terms_hash = $2 "
            + "order by block_number, log_index")
        .execute(Tuple.of(pair.contributor(), pair.termsHash())).map(rows -> {
          List<ConsentRegistryGateway.ConsentEvent> out = new ArrayList<>();
          rows.forEach(r -> out.add(new ConsentRegistryGateway.ConsentEvent("granted".equals(r.getString(0)),
              pair.contributor(), pair.termsHash(), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4),
              r.getString(5), r.getInteger(6), null)));
          return out;
        });
  }

  public Future<Void> applyGrant(SqlClient tx, String contributor, String termsHash, long grantedAt, long expiresAt,
      long nonce, long block) {
    return tx.preparedQuery("insert into consent_state "
            + "(contributor, terms_hash, granted_at, expires_at, revoked_at, last_nonce, updated_block) "
            + "values ($1, $2, to_timestamp($3), to_timestamp($4), null, $5, $6) "
            + "on conflict (contributor, terms_hash) do update set granted_at = excluded.granted_at, "
            + "expires_at = excluded.expires_at, revoked_at = null, last_nonce = excluded.last_nonce, "
            + "updated_block = excluded.updated_block where consent_state.last_nonce < excluded.last_nonce")
        .execute(Tuple.of(contributor, termsHash, (double) grantedAt, (double) expiresAt, nonce, block)).mapEmpty();
  }

  public Future<Void> applyRevoke(SqlClient tx, String contributor, String termsHash, long revokedAt, long nonce,
      long block) {
    return tx.preparedQuery("update consent_state set revoked_at = to_timestamp($3), last_nonce = $4, "
            + "updated_block = $5 where contributor = $1 and terms_hash = $2 and last_nonce < $4")
        .execute(Tuple.of(contributor, termsHash, (double) revokedAt, nonce, block)).mapEmpty();
  }

  private static List<Request> toRequests(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Request> out = new ArrayList<>();
    rows.forEach(row -> out.add(toRequest(row)));
    return out;
  }

  private static Request toRequest(Row row) {
    return new Request(row.getLong("id"), row.getString("kind"), row.getString("contributor"),
        row.getString("terms_hash"), row.getLong("expires_at"), row.getLong("nonce"), row.getLong("deadline"),
        row.getBuffer("signature").getBytes(), row.getString("status"), row.getString("tx_hash"),
        row.getString("failure"), instant(row, "created_at"), instant(row, "updated_at"),
        row.getArrayOfStrings("earlier_tx_hashes") == null ? List.of() : List.of(row.getArrayOfStrings("earlier_tx_hashes")));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
