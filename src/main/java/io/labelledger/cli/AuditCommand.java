package io.labelledger.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.audit.AuditCheck;
import io.labelledger.audit.AuditFailure;
import io.labelledger.audit.AuditReport;
import io.labelledger.audit.AuditVerifier;
import io.labelledger.audit.BundleFormatException;
import io.labelledger.audit.ChainUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code labelledger audit}: checks a dataset's audit bundle against the chain, with nothing but the
 * bundle file and an RPC endpoint (never the service). Exit 0 when every check holds, 1 when
 * something does not (each failure named by contribution or account and check), 2 for bad usage,
 * an unreadable bundle or no reachable RPC endpoint.
 *
 * <p>Also the whole of the standalone {@code labelledger-audit.jar} ({@link #main}): the same
 * command, options and exit codes, run with {@code java -jar}. Nothing it reaches may need the
 * service's libraries (Vert.x, PostgreSQL...): the jar holds only the classes reachable from here.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = AuditCommand.Version.class,
    description = {
        "Verifies a dataset's audit bundle against the chain alone (never the service):",
        "signatures, anchoring, consent, content and shares roots, the shares rule, payouts.",
        "Exit codes: 0 every check holds; 1 some check fails (each failure is named);",
        "2 bad usage, an unreadable bundle or no reachable RPC endpoint."})
final class AuditCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int UNUSABLE = 2;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec
  private CommandSpec spec;

  @Option(names = "--rpc", required = true, split = ",", paramLabel = "URL",
      description = "JSON-RPC endpoint of the chain. Several (comma-separated or repeated) are tried in order,"
          + " the next when one cannot be reached; each must serve the same chain and block.")
  private List<String> rpc;

  @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The audit bundle (JSON).")
  private Path bundle;

  @Option(names = "--json", description = "Print the report as JSON on stdout.")
  private boolean json;

  @Option(names = "--progress", description = "Show the progress bar on stderr even when it is not a terminal.")
  private boolean progress;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: every core, ${DEFAULT-VALUE}).")
  private int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--max-failures", paramLabel = "N", defaultValue = "1000",
      description = "List at most N failures (all are counted; default: ${DEFAULT-VALUE}).")
  private int maxFailures;

  /** The standalone jar's entry point: {@code java -jar labelledger-audit.jar --rpc URL --bundle FILE}. */
  public static void main(String[] args) {
    // The jar logs through slf4j-simple: warnings only (an endpoint failed over, no native secp256k1),
    // one plain line each on stderr; -D options on the command line still win.
    Map.of("defaultLogLevel", "warn", "showThreadName", "false", "showLogName", "false").forEach((key, value) ->
        System.setProperty("org.slf4j.simpleLogger." + key,
            System.getProperty("org.slf4j.simpleLogger." + key, value)));
    System.exit(new picocli.CommandLine(new AuditCommand()).setCommandName("labelledger-audit").execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (threads < 1 || maxFailures < 0) {
      return unusable(out, err, "usage", "--threads must be at least 1 and --max-failures non-negative");
    }
    List<String> endpoints = rpc.stream().map(String::strip).toList();
    if (endpoints.contains("")) {
      return unusable(out, err, "usage", "--rpc has an empty endpoint");
    }
    if (!Files.isRegularFile(bundle)) {
      return unusable(out, err, "bundle-unreadable", "no bundle file at " + bundle);
    }
    boolean terminal = System.console() != null;
    ProgressBar bar = progress || terminal ? new ProgressBar(err, terminal) : null;
    AuditVerifier verifier = new AuditVerifier(endpoints, new AuditVerifier.Options(threads, maxFailures,
        bar == null ? AuditVerifier.Progress.NONE : bar));
    AuditReport report;
    try {
      report = verifier.verify(bundle);
    } catch (ChainUnavailableException e) {
      return unusable(out, err, "rpc-unreachable", e.getMessage());
    } catch (BundleFormatException e) {
      return unusable(out, err, "bundle-malformed", "not a readable audit bundle: " + e.getMessage());
    } catch (NoSuchFileException e) {
      return unusable(out, err, "bundle-unreadable", "no bundle file at " + bundle);
    } catch (IOException e) {
      return unusable(out, err, "bundle-unreadable", "cannot read " + bundle + ": " + e.getMessage());
    }
    if (json) {
      printJson(out, report.toJson());
    } else {
      printText(out, report);
    }
    out.flush();
    return report.ok() ? OK : FAILED;
  }

  private int unusable(PrintWriter out, PrintWriter err, String code, String message) {
    err.println("labelledger audit: " + message);
    if (json) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", code);
      error.put("message", message);
      printJson(out, Map.of("ok", false, "error", error));
    }
    err.flush();
    out.flush();
    return UNUSABLE;
  }

  private static void printJson(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void printText(PrintWriter out, AuditReport r) {
    if (r.header() != null) {
      var c = r.header().chain();
      out.printf("audit: dataset %s on chain %d (marketplace %s, provenance %s, consent %s), block %d%n",
          r.header().dataset().id(), c.chainId(), c.marketplace(), c.provenanceRegistry(), c.consentRegistry(),
          r.block());
    }
    out.printf(Locale.ROOT, "checked: %,d contributions by %,d contributors in %,d batches; %,d shares accounts%s%n",
        r.contributions(), r.contributors(), r.batches(), r.accounts(),
        r.stoppedEarly() ? " (stopped early)" : "");
    for (AuditFailure f : r.failures()) {
      out.println("FAIL " + f.describe());
    }
    if (r.failures().size() < r.failureCount()) {
      out.printf(Locale.ROOT, "... %,d more failures not listed (--max-failures)%n",
          r.failureCount() - r.failures().size());
    }
    AuditReport.Stats s = r.stats();
    out.printf(Locale.ROOT, "time: %.2f s, CPU %.2f s, %d threads, %,.0f contributions/s, peak heap %,d MiB%n",
        s.seconds(), s.cpuSeconds(), s.threads(), s.contributionsPerSecond(r.contributions()),
        s.peakHeapBytes() >> 20);
    if (r.ok()) {
      out.printf("result: OK - all %d checks hold%n", AuditCheck.values().length);
    } else {
      StringBuilder counts = new StringBuilder();
      r.failureCounts().forEach((check, n) -> counts.append(counts.isEmpty() ? "" : ", ")
          .append(check.id()).append(' ').append(n));
      out.printf(Locale.ROOT, "result: FAILED - %,d failures (%s)%n", r.failureCount(), counts);
    }
  }

  /** The version the jar's manifest states (the build's), for {@code --version}. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AuditCommand.class.getPackage().getImplementationVersion();
      return new String[] {"labelledger-audit " + (version == null ? "(not from a packaged jar)" : version)};
    }
  }

  /** A one-line bar on stderr, redrawn in place (in a terminal), or a line every few seconds (elsewhere). */
  private static final class ProgressBar implements AuditVerifier.Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastLine;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean terminal) {
      this.err = err;
      this.terminal = terminal;
    }

    @Override
    public synchronized void update(String phase, long done, long total, long bytesRead, long bytesTotal) {
      long now = System.nanoTime();
      if (!terminal && now - lastLine < 5_000_000_000L) {
        return;
      }
      lastLine = now;
      double fraction = total > 0 ? Math.min(1.0, (double) done / total)
          : bytesTotal > 0 ? (double) bytesRead / bytesTotal : 0;
      int width = 30;
      int filled = (int) Math.round(fraction * width);
      double seconds = (System.nanoTime() - started) / 1e9;
      err.printf(Locale.ROOT, "%s[%s%s] %3.0f%% %,d/%,d contributions, %,.0f/s, %s   %s",
          terminal ? "\r" : "", "#".repeat(filled), "-".repeat(width - filled), fraction * 100, done, total,
          seconds > 0 ? done / seconds : 0, phase, terminal ? "" : "\n");
      err.flush();
      drawn = true;
    }

    @Override
    public synchronized void finished() {
      if (drawn && terminal) {
        err.print("\r" + " ".repeat(100) + "\r");
        err.flush();
      }
    }
  }
}
