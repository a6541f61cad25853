package io.labelledger.audit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit found. {@link #ok()} when no check failed. {@code failures} lists at most the
 * configured number of failures; {@code failureCounts} counts every one, per check.
 *
 * @param header the bundle's header (null when the file could not be read that far)
 * @param block the block every chain read was made at
 * @param stoppedEarly true when a failure made the rest meaningless (wrong chain, foreign contracts)
 */
public record AuditReport(AuditBundle.Header header, long block, long contributions, long contributors,
    long batches, long accounts, List<AuditFailure> failures, Map<AuditCheck, Long> failureCounts,
    boolean stoppedEarly, Stats stats) {

  /**
   * How the run went.
   *
   * @param cpuSeconds CPU time of the whole process during the audit, all threads
   * @param peakHeapBytes sum of the heap pools' peaks during the audit (an upper bound)
   * @param peakRssBytes the process's peak resident set (Linux), or -1 where unknown
   * @param phaseSeconds wall time of each phase: contributions (the streaming pass), consent, roots, payouts
   */
  public record Stats(double seconds, double cpuSeconds, int threads, long peakHeapBytes, long peakRssBytes,
      Map<String, Double> phaseSeconds) {
    public double contributionsPerSecond(long contributions) {
      return seconds > 0 ? contributions / seconds : 0;
    }
  }

  public boolean ok() {
    return failureCounts.isEmpty();
  }

  public long failureCount() {
    return failureCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The report as JSON-ready maps and lists ({@code labelledger audit --json}). */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", ok());
    if (header != null) {
      Map<String, Object> bundle = new LinkedHashMap<>();
      bundle.put("chainId", header.chain().chainId());
      bundle.put("consentRegistry", header.chain().consentRegistry());
      bundle.put("provenanceRegistry", header.chain().provenanceRegistry());
      bundle.put("marketplace", header.chain().marketplace());
      bundle.put("paymentToken", header.chain().paymentToken());
      bundle.put("datasetId", header.dataset().id().toString());
      bundle.put("sharesRule", header.sharesRule().id());
      out.put("bundle", bundle);
    }
    Map<String, Object> checked = new LinkedHashMap<>();
    checked.put("block", block);
    checked.put("contributions", contributions);
    checked.put("contributors", contributors);
    checked.put("batches", batches);
    checked.put("shareAccounts", accounts);
    checked.put("stoppedEarly", stoppedEarly);
    out.put("checked", checked);
    Map<String, Long> counts = new LinkedHashMap<>();
    failureCounts.forEach((check, n) -> counts.put(check.id(), n));
    out.put("failureCounts", counts);
    List<Map<String, Object>> list = new ArrayList<>();
    for (AuditFailure f : failures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("check", f.check().id());
      if (f.contribution() != null) {
        m.put("contribution", f.contribution());
      }
      if (f.contributionId() != null) {
        m.put("contributionId", f.contributionId());
      }
      if (f.contributor() != null) {
        m.put("contributor", f.contributor());
      }
      if (f.account() != null) {
        m.put("account", f.account());
      }
      if (f.sharesIndex() != null) {
        m.put("sharesIndex", f.sharesIndex());
      }
      m.put("message", f.message());
      list.add(m);
    }
    out.put("failures", list);
    out.put("failuresListed", failures.size());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("seconds", round(stats.seconds()));
    s.put("cpuSeconds", round(stats.cpuSeconds()));
    s.put("threads", stats.threads());
    s.put("contributionsPerSecond", Math.round(stats.contributionsPerSecond(contributions)));
    s.put("peakHeapBytes", stats.peakHeapBytes());
    s.put("peakRssBytes", stats.peakRssBytes());
    Map<String, Double> phases = new LinkedHashMap<>();
    for (String phase : List.of("contributions", "consent", "roots", "payouts")) {
      if (stats.phaseSeconds().containsKey(phase)) {
        phases.put(phase, round(stats.phaseSeconds().get(phase)));
      }
    }
    s.put("phaseSeconds", phases);
    out.put("stats", s);
    return out;
  }

  static Map<AuditCheck, Long> emptyCounts() {
    return new EnumMap<>(AuditCheck.class);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
