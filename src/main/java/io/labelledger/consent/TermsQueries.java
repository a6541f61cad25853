package io.labelledger.consent;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of the terms table. */
public final class TermsQueries {
  private static final String COLUMNS = "terms_hash, text, uri, chain_status, created_at";
  private final Pool pool;

  public TermsQueries(Pool pool) {
    this.pool = pool;
  }

  /** Inserts unless the same text was published before; empty when it already existed. */
  public Future<Optional<Terms>> insert(String termsHash, String text, String uri) {
    return pool.preparedQuery("insert into terms (terms_hash, text, uri) values ($1, $2, $3) "
            + "on conflict (terms_hash) do nothing returning " + COLUMNS)
        .execute(Tuple.of(termsHash, text, uri))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toTerms(rows.iterator().next())));
  }

  public Future<Optional<Terms>> find(String termsHash) {
    return find(pool, termsHash);
  }

  public Future<Optional<Terms>> find(SqlClient client, String termsHash) {
    return client.preparedQuery("select " + COLUMNS + " from terms where terms_hash = $1")
        .execute(Tuple.of(termsHash))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toTerms(rows.iterator().next())));
  }

  /**
   * Pending terms for the registration worker, oldest first. Not locked: registering waits for a
   * receipt, and no transaction (nor pool connection) is held that long. Two instances may both
   * send the registration; the contract registers terms once and refuses the second
   * ({@code ConsentRegistryTermsAlreadyRegistered}), which the worker records as registered.
   */
  public Future<List<Terms>> pending(SqlClient client, int limit) {
    return client.preparedQuery("select " + COLUMNS + " from terms where chain_status = 'pending' "
            + "order by created_at limit $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Terms> out = new ArrayList<>();
          rows.forEach(row -> out.add(toTerms(row)));
          return out;
        });
  }

  public Future<Void> markRegistered(SqlClient client, String termsHash, String txHash) {
    return client.preparedQuery("update terms set chain_status = 'registered', chain_tx = $2 where terms_hash = $1")
        .execute(Tuple.of(termsHash, txHash)).mapEmpty();
  }

  public Future<Void> markFailed(SqlClient client, String termsHash) {
    return client.preparedQuery("update terms set chain_status = 'failed' where terms_hash = $1")
        .execute(Tuple.of(termsHash)).mapEmpty();
  }

  private static Terms toTerms(Row row) {
    return new Terms(row.getString("terms_hash"), row.getString("text"), row.getString("uri"),
        row.getString("chain_status"), row.getOffsetDateTime("created_at").toInstant());
  }
}
