package io.labelledger.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** SQL of SIWE nonces and sessions. Times come from the service clock, passed as parameters. */
public final class AuthQueries {
  private final Pool pool;

  public AuthQueries(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insertNonce(String nonce, Instant expiresAt) {
    return pool.preparedQuery("insert into auth_nonces (nonce, expires_at) values ($1, $2)")
        .execute(Tuple.of(nonce, utc(expiresAt))).mapEmpty();
  }

  /** Deletes the nonce if it exists and is unexpired; true when this call consumed it (atomic). */
  public Future<Boolean> consumeNonce(SqlClient client, String nonce, Instant now) {
    return client.preparedQuery("delete from auth_nonces where nonce = $1 and expires_at > $2")
        .execute(Tuple.of(nonce, utc(now))).map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> insertSession(SqlClient client, byte[] tokenHash, String address, Instant expiresAt) {
    return client.preparedQuery("insert into sessions (token_hash, address, expires_at) values ($1, $2, $3)")
        .execute(Tuple.of(Buffer.buffer(tokenHash), address, utc(expiresAt))).mapEmpty();
  }

  public Future<Optional<Principal.Account>> findSession(byte[] tokenHash) {
    return pool.preparedQuery("select address, expires_at from sessions where token_hash = $1")
        .execute(Tuple.of(Buffer.buffer(tokenHash)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new Principal.Account(row.getString("address"),
              row.getOffsetDateTime("expires_at").toInstant(), tokenHash));
        });
  }

  public Future<Void> deleteSession(byte[] tokenHash) {
    return pool.preparedQuery("delete from sessions where token_hash = $1")
        .execute(Tuple.of(Buffer.buffer(tokenHash))).mapEmpty();
  }

  /** Removes expired nonces and sessions; returns how many rows went. */
  public Future<Integer> sweepExpired(Instant now) {
    Tuple at = Tuple.of(utc(now));
    return pool.preparedQuery("delete from auth_nonces where expires_at <= $1").execute(at)
        .compose(nonces -> pool.preparedQuery("delete from sessions where expires_at <= $1").execute(at)
            .map(sessions -> nonces.rowCount() + sessions.rowCount()));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
