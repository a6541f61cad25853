package io.labelledger.audit;

import java.io.IOException;

/** The RPC endpoint could not be reached or answered with an error: nothing can be verified. */
public final class ChainUnavailableException extends IOException {
  public ChainUnavailableException(String message) {
    super(message);
  }
}
