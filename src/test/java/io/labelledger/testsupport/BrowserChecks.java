package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What every browser test checks of its script's report the same way: named controls, screenshots, no overflow. */
public final class BrowserChecks {
  private BrowserChecks() {}

  /** No control without an accessible name on any page the script recorded ({@code unnamedControls}). */
  public static void everyControlNamed(JsonNode result) {
    result.get("unnamedControls").fields().forEachRemaining(e ->
        assertThat(e.getValue()).as("controls without an accessible name on " + e.getKey()).isEmpty());
  }

  /**
   * {@code expected} screenshots, each a PNG at 1280 px ({@code desktop}) and at 375 px
   * ({@code phone}), and nothing wider than a 375 px screen on any of them.
   */
  public static void screenshotsFitAt375(JsonNode result, int expected) throws IOException {
    assertThat(result.get("screenshots")).hasSize(expected);
    for (JsonNode shot : result.get("screenshots")) {
      assertThat(shot.get("overflowAt375").asInt()).as(shot.get("name") + " overflows at 375 px")
          .isLessThanOrEqualTo(0);
      for (String width : List.of("desktop", "phone")) {
        byte[] png = Files.readAllBytes(Path.of(shot.get(width).asText()));
        assertThat(png.length).isGreaterThan(2000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
      }
    }
  }

  /** axe-core ran on {@code atLeast} pages ({@code axe}: page → violations) and found nothing serious or critical. */
  public static void noSeriousAxeViolations(JsonNode result, int atLeast) {
    assertThat(result.get("axe").size()).isGreaterThanOrEqualTo(atLeast);
    result.get("axe").fields().forEachRemaining(e -> e.getValue().forEach(v ->
        assertThat(v.get("impact").asText()).as(e.getKey() + ": " + v).isNotIn("serious", "critical")));
  }
}
