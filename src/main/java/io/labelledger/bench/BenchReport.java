package io.labelledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The figures of a loopback bench: printed as a two-column table and written as {@code <out>/<name>.json}. */
final class BenchReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchReport() {}

  static void printAndWrite(Map<String, Object> figures, Path out, String name) throws IOException {
    System.out.println();
    figures.forEach((k, v) -> System.out.printf("%-32s %s%n", k, v));
    Files.createDirectories(out);
    Path file = out.resolve(name + ".json");
    JSON.writeValue(file.toFile(), figures);
    System.out.println("wrote " + file);
  }

  /** The {@code p} quantile (0..1) of {@code values}, to 0.1; 0 when there are none. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return Math.round(sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] * 10) / 10.0;
  }

  static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
