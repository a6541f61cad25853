package io.labelledger.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.http.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation keeps up with the code: every setting {@code ConfigLoader} reads (its dotted
 * key and its variable) is in the configuration reference, every {@link ErrorCode} in the API notes,
 * and every relative link of the README and {@code docs/} leads to a file that exists.
 */
class DocsTest {
  private static final Path ROOT = Path.of(System.getProperty("labelledger.root", System.getProperty("user.dir")));

  private static String read(String file) throws IOException {
    return Files.readString(ROOT.resolve(file));
  }

  @Test
  void everySettingIsInTheConfigurationReference() throws IOException {
    String doc = read("docs/configuration.md");
    List<String> missing = new ArrayList<>();
    ConfigLoader.ENV_KEYS.forEach((variable, key) -> {
      if (!doc.contains("`" + key + "`") || !doc.contains("`" + variable + "`")) {
        missing.add(key + " (" + variable + ")");
      }
    });
    ConfigLoader.SECRET_KEYS.forEach((key, variable) -> {
      if (!doc.contains("`" + key + "`") || !doc.contains("`" + variable + "`")) {
        missing.add(key + " (" + variable + ")");
      }
    });
    assertThat(missing).as("settings missing from docs/configuration.md").isEmpty();
    assertThat(ConfigLoader.ENV_KEYS).as("the test reads the real table").containsKey("LABELLEDGER_RPC_URL");
  }

  @Test
  void everyErrorCodeIsInTheApiNotesWithItsStatus() throws IOException {
    String doc = read("docs/api.md");
    List<String> missing = Arrays.stream(ErrorCode.values())
        .filter(c -> !doc.contains("| `" + c.name() + "` | " + c.status() + " |"))
        .map(Enum::name).toList();
    assertThat(missing).as("error codes missing from docs/api.md (or with another status)").isEmpty();
  }

  @Test
  void everyRelativeLinkLeadsToAFile() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");
    List<String> broken = new ArrayList<>();
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertThat(pages).hasSizeGreaterThan(5);
    for (Path page : pages) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        if (!Files.exists(page.getParent().resolve(m.group(1)))) {
          broken.add(ROOT.relativize(page) + " → " + m.group(1));
        }
      }
    }
    assertThat(broken).as("links to nowhere").isEmpty();
  }
}
