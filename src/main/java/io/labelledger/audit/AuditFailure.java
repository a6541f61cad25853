package io.labelledger.audit;

/**
 * One thing that does not hold. Per-contribution failures carry the contribution's position in the
 * bundle's array (and its id and contributor when known); per-account failures carry the account
 * and its shares-tree index; dataset-wide failures carry neither.
 */
public record AuditFailure(AuditCheck check, String message, Long contribution, String contributionId,
    String contributor, String account, Long sharesIndex) {

  static AuditFailure dataset(AuditCheck check, String message) {
    return new AuditFailure(check, message, null, null, null, null, null);
  }

  static AuditFailure contribution(AuditCheck check, long index, String id, String contributor, String message) {
    return new AuditFailure(check, message, index, id, contributor, null, null);
  }

  static AuditFailure account(AuditCheck check, String account, Long sharesIndex, String message) {
    return new AuditFailure(check, message, null, null, null, account, sharesIndex);
  }

  /** One line for humans: check, subject, what is wrong. */
  public String describe() {
    StringBuilder s = new StringBuilder(check.id()).append(": ");
    if (contribution != null) {
      s.append("contribution #").append(contribution);
      if (contributionId != null) {
        s.append(" (id ").append(contributionId).append(')');
      }
      if (contributor != null) {
        s.append(" by ").append(contributor);
      }
      s.append(": ");
    } else if (account != null) {
      s.append("account ").append(account);
      if (sharesIndex != null) {
        s.append(" (shares index ").append(sharesIndex).append(')');
      }
      s.append(": ");
    }
    return s.append(message).toString();
  }
}
