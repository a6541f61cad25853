package io.labelledger.auth;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** SIWE login: issues single-use nonces, turns a verified message into a session, logs out. */
public final class AuthService {
  private static final char[] NONCE_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final Pool pool;
  private final AuthQueries queries;
  private final SiweVerifier verifier;
  private final SessionTokens tokens;
  private final Clock clock;
  private final Duration nonceTtl;
  private final Duration sessionTtl;
  private final SecureRandom random = new SecureRandom();
  private final SessionCache cache;

  public AuthService(Pool pool, AuthQueries queries, SiweVerifier verifier, SessionTokens tokens,
      Clock clock, Duration nonceTtl, Duration sessionTtl, Duration sessionCacheTtl) {
    this.pool = pool;
    this.queries = queries;
    this.verifier = verifier;
    this.tokens = tokens;
    this.clock = clock;
    this.nonceTtl = nonceTtl;
    this.sessionTtl = sessionTtl;
    this.cache = new SessionCache(sessionCacheTtl);
  }

  public record IssuedNonce(String nonce, Instant expiresAt) {}

  public record IssuedSession(String token, String address, Instant expiresAt) {}

  public Future<IssuedNonce> issueNonce() {
    String nonce = randomNonce();
    Instant expiresAt = clock.instant().plus(nonceTtl);
    return queries.insertNonce(nonce, expiresAt).map(v -> new IssuedNonce(nonce, expiresAt));
  }

  /**
   * Verifies the message and signature, then consumes the nonce and creates the session in one
   * transaction: a nonce can open at most one session, even under concurrent attempts.
   */
  public Future<IssuedSession> signIn(String message, String signature) {
    SiweMessage siwe;
    try {
      siwe = verifier.verify(message, signature);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(sessionTtl);
    if (siwe.expirationTime() != null && siwe.expirationTime().isBefore(expiresAt)) {
      expiresAt = siwe.expirationTime(); // a session never outlives the sign-in message
    }
    String token = tokens.newToken();
    String address = siwe.address().toLowerCase();
    Instant sessionEnd = expiresAt;
    return pool.withTransaction(conn -> queries.consumeNonce(conn, siwe.nonce(), now)
        .compose(consumed -> consumed
            ? queries.insertSession(conn, SessionTokens.hash(token), address, sessionEnd)
            : Future.failedFuture(new ApiException(ErrorCode.NONCE_UNKNOWN_OR_USED, siwe.nonce()))))
        .map(v -> new IssuedSession(token, address, sessionEnd));
  }

  /**
   * The session's account, or the reason there is none (unknown / expired). A session read in the
   * last {@code sessionCacheTtl} is answered from memory (see {@link SessionCache}).
   */
  public Future<Principal> resolve(String bearer) {
    if (!SessionTokens.looksLikeToken(bearer)) {
      return Future.failedFuture(new ApiException(ErrorCode.SESSION_INVALID));
    }
    byte[] hash = SessionTokens.hash(bearer);
    Optional<Principal.Account> cached = cache.get(hash, clock.instant());
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.get());
    }
    return queries.findSession(hash).compose(found -> {
      Optional<Principal.Account> account = found;
      if (account.isEmpty()) {
        return Future.failedFuture(new ApiException(ErrorCode.SESSION_INVALID));
      }
      Instant now = clock.instant();
      if (!now.isBefore(account.get().expiresAt())) {
        return Future.failedFuture(new ApiException(ErrorCode.SESSION_EXPIRED, account.get().expiresAt()));
      }
      cache.put(account.get(), now);
      return Future.succeededFuture(account.get());
    });
  }

  public Future<Void> logout(Principal.Account account) {
    cache.remove(account.tokenHash());
    return queries.deleteSession(account.tokenHash()).onComplete(done -> cache.remove(account.tokenHash()));
  }

  public Future<Integer> sweepExpired() {
    cache.evictExpired(clock.instant());
    return queries.sweepExpired(clock.instant());
  }

  private String randomNonce() {
    char[] nonce = new char[24];
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = NONCE_ALPHABET[random.nextInt(NONCE_ALPHABET.length)];
    }
    return new String(nonce);
  }
}
