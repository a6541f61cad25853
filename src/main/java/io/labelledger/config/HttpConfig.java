package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Arrays;
import java.util.List;

/**
 * @param port 0 picks a free port (tests); the bound port is logged and returned by the App.
 * @param imageOrigins origins ({@code https://host[:port]}, separated by spaces or commas) the web
 *     app may load item images from (a {@code boxes} item's {@code data.image}), added to its
 *     Content-Security-Policy's {@code img-src}; empty: images from the service's own origin only.
 *     Origins only, never a path, a wildcard or a scheme alone, so a setting cannot widen the policy
 *     beyond the hosts it names.
 */
public record HttpConfig(
    @NotBlank String host,
    @Min(0) @Max(65535) int port,
    @Pattern(regexp = "[ ,]*(" + HttpConfig.ORIGIN + "([ ,]+" + HttpConfig.ORIGIN + ")*)?[ ,]*",
        message = "must be origins (https://host or https://host:port) separated by spaces or commas")
    String imageOrigins) {
  private static final String ORIGIN = "https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?";

  /** The image origins, in the order given, without repeats. */
  public List<String> imageOriginList() {
    if (imageOrigins == null) {
      return List.of();
    }
    return Arrays.stream(imageOrigins.split("[ ,]+")).filter(s -> !s.isEmpty()).distinct().toList();
  }
}
