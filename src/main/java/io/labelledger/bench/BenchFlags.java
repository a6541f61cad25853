package io.labelledger.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bench's command line: positional arguments (the output and node directories, as scripts/bench
 * passes them) and {@code --name value} or {@code --name=value} flags, each taken once by the bench;
 * a flag left over is an error that names the known ones.
 */
final class BenchFlags {
  private final Map<String, String> flags = new HashMap<>();
  private final List<String> positional = new ArrayList<>();

  BenchFlags(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        if (eq > 0) {
          flags.put(a.substring(2, eq), a.substring(eq + 1));
        } else {
          require(i + 1 < args.length, a + " needs a value");
          flags.put(a.substring(2), args[++i]);
        }
      } else {
        positional.add(a);
      }
    }
  }

  /** The {@code index}th positional argument as a path, else {@code fallback}. */
  Path path(int index, String fallback) {
    return Path.of(positional.size() > index ? positional.get(index) : fallback);
  }

  /** An integer flag ({@code 50_000} and {@code 50,000} allowed), else {@code fallback}. */
  int integer(String name, int fallback) {
    String v = flags.remove(name);
    return v == null ? fallback : Integer.parseInt(v.replace("_", "").replace(",", ""));
  }

  /** A text flag, else null. */
  String text(String name) {
    return flags.remove(name);
  }

  /** {@code --service-java-opts "..."}: JVM options of the service, split at white space. */
  List<String> serviceJavaOpts() {
    String v = flags.remove("service-java-opts");
    return v == null ? List.of() : List.of(v.trim().split("\\s+")).stream().filter(x -> !x.isEmpty()).toList();
  }

  /** {@code --service-env K=V,K=V}: LABELLEDGER_* settings for the service, over the bench's own. */
  Map<String, String> serviceEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    String spec = flags.remove("service-env");
    for (String pair : (spec == null ? "" : spec).split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      require(eq > 0 && pair.trim().startsWith("LABELLEDGER_"), "--service-env takes LABELLEDGER_K=V,...: " + pair);
      env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return env;
  }

  /** Fails when a flag was given that the bench did not take. */
  void requireAllTaken(String known) {
    require(flags.isEmpty(), "unknown flags: " + flags.keySet() + " (known: " + known + ")");
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
