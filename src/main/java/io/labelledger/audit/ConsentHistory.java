package io.labelledger.audit;

/**
 * A (contributor, terms) pair's consent as ConsentRegistry stores it: the current record and the
 * closed earlier intervals. {@link #validAt} answers exactly as the contract's {@code wasValidAt}:
 * read once per contributor (consentOf + historyAt), it answers for every batch time without a
 * call per contribution. Immutable.
 *
 * @param history closed intervals {grantedAt, endedAt}, oldest first (non-decreasing grantedAt)
 */
record ConsentHistory(AuditChain.ConsentRecord current, long[][] history) {

  /** Whether some interval has grantedAt <= t < end (end = min(expiry, revocation) for the current one). */
  boolean validAt(long t) {
    long grantedAt = current.grantedAt();
    if (grantedAt == 0) {
      return false;
    }
    if (t >= grantedAt) {
      return t < current.expiresAt() && (current.revokedAt() == 0 || t < current.revokedAt());
    }
    int low = 0;
    int high = history.length;
    while (low < high) { // entries [0, low) start at or before t, [high, length) after it
      int mid = (low + high) >>> 1;
      if (history[mid][0] <= t) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low != 0 && t < history[low - 1][1];
  }

  /** A short account of the intervals, for failure messages. */
  String describe() {
    if (current.grantedAt() == 0) {
      return "never granted";
    }
    StringBuilder s = new StringBuilder();
    for (long[] h : history) {
      s.append('[').append(h[0]).append(", ").append(h[1]).append(") ");
    }
    s.append('[').append(current.grantedAt()).append(", ");
    long end = current.expiresAt();
    if (current.revokedAt() != 0 && current.revokedAt() < end) {
      s.append(current.revokedAt()).append(") revoked");
    } else {
      s.append(end).append(") until expiry");
    }
    return "valid during " + s;
  }
}
