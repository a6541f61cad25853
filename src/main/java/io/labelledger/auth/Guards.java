package io.labelledger.auth;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Route-level access checks, placed before a route's own handler:
 * {@code router.post(path).handler(Guards.requireSession()).handler(...)}. After a guard, the
 * caller is available from {@link #account(RoutingContext)}.
 */
public final class Guards {
  private Guards() {}

  /** Lets through requests with a live SIWE session; 401 otherwise. */
  public static Handler<RoutingContext> requireSession() {
    return ctx -> {
      if (ctx.get(Authenticator.PRINCIPAL) instanceof Principal.Account) {
        ctx.next();
      } else if (ctx.get(Authenticator.REFUSAL) instanceof ApiException refusal) {
        ctx.fail(refusal);
      } else {
        ctx.fail(new ApiException(ErrorCode.AUTH_REQUIRED));
      }
    };
  }

  /**
   * Lets through requests bearing the operator token, or a session of an account configured as an
   * operator ({@code auth.operators}); 401 without a token, 403 for another account ({@code
   * NOT_AN_OPERATOR}) or another token.
   */
  public static Handler<RoutingContext> requireOperator() {
    return ctx -> {
      Object principal = ctx.get(Authenticator.PRINCIPAL);
      if (principal instanceof Principal.Operator || isOperatorAccount(ctx)) {
        ctx.next();
      } else if (principal instanceof Principal.Account account) {
        ctx.fail(new ApiException(ErrorCode.NOT_AN_OPERATOR, account.address()));
      } else if (ctx.get(Authenticator.REFUSAL) instanceof ApiException refusal
          && refusal.code() != ErrorCode.SESSION_INVALID) {
        ctx.fail(refusal); // an expired operator session says so
      } else if (Boolean.TRUE.equals(ctx.get(Authenticator.BEARER_SENT))) {
        ctx.fail(new ApiException(ErrorCode.OPERATOR_TOKEN_INVALID));
      } else {
        ctx.fail(new ApiException(ErrorCode.OPERATOR_AUTH_REQUIRED));
      }
    };
  }

  /** Lets through a live SIWE session or the operator token; 401 otherwise. */
  public static Handler<RoutingContext> requireSessionOrOperator() {
    return ctx -> {
      Object principal = ctx.get(Authenticator.PRINCIPAL);
      if (principal instanceof Principal.Account || principal instanceof Principal.Operator) {
        ctx.next();
      } else if (ctx.get(Authenticator.REFUSAL) instanceof ApiException refusal) {
        ctx.fail(refusal);
      } else {
        ctx.fail(new ApiException(ErrorCode.AUTH_REQUIRED));
      }
    };
  }

  /** Whether the request comes from a signed-in account that is one of the operators. */
  public static boolean isOperatorAccount(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(Authenticator.OPERATOR_ACCOUNT));
  }

  /**
   * Who acts on an operator route, for the activity log: the signed-in operator's address, or
   * {@code operator-token} for the shared token.
   */
  public static String actor(RoutingContext ctx) {
    return ctx.get(Authenticator.PRINCIPAL) instanceof Principal.Account account ? account.address()
        : "operator-token";
  }

  /** The caller, if the bearer token named one (any route). */
  public static java.util.Optional<Principal> principal(RoutingContext ctx) {
    return ctx.get(Authenticator.PRINCIPAL) instanceof Principal p ? java.util.Optional.of(p) : java.util.Optional.empty();
  }

  /** The signed-in account; only valid after {@link #requireSession()}. */
  public static Principal.Account account(RoutingContext ctx) {
    if (ctx.get(Authenticator.PRINCIPAL) instanceof Principal.Account account) {
      return account;
    }
    throw new IllegalStateException("account(ctx) used on a route without requireSession()");
  }
}
