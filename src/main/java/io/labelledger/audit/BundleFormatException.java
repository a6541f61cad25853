package io.labelledger.audit;

import java.io.IOException;

/** The file is not a readable version-1 audit bundle (as opposed to a bundle whose claims fail checks). */
public final class BundleFormatException extends IOException {
  public BundleFormatException(String message) {
    super(message);
  }
}
