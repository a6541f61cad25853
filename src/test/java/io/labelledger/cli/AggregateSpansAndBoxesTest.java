package io.labelledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code labelledger aggregate --type spans|boxes} on JSONL answers. */
class AggregateSpansAndBoxesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LabelLedgerCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private Run aggregate(String type, Path input, String... more) {
    List<String> args = new ArrayList<>(List.of("aggregate", "--type", type, "--input", input.toString(),
        "--output", dir.resolve("out.jsonl").toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private List<JsonNode> output() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("out.jsonl"))) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static void assertInputError(Run run, String... fragments) {
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(fragments).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static final String SPANS = "{\"task\":\"t1\",\"worker\":\"a\",\"text\":\"Ada met in London\","
      + "\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PER\"},{\"start\":11,\"end\":17,\"label\":\"LOC\"}]}\n" + """
      {"task":"t1","worker":"b","spans":[{"label":"LOC","start":11,"end":17},{"start":0,"end":3,"label":"PER"}]}
      {"task":"t1","worker":"c","spans":[{"start":4,"end":7,"label":"PER"}]}

      {"task":"t2","worker":"a","spans":[]}
      {"task":"t2","worker":"b","spans":[]}
      """;

  @Test
  void aggregatesSpansOneLinePerTaskEachSpanWithItsConfidence() throws IOException {
    Run run = aggregate("spans", file("spans.jsonl", SPANS), "--workers", dir.resolve("w.csv").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("spans ds: 2 tasks, 3 workers, 2 labels, 5 answers, 5 spans, 0 gold");
    List<JsonNode> out = output();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).get("task").asText()).isEqualTo("t1");
    assertThat(out.get(0).get("spans").toString()).matches(
        "\\[\\{\"confidence\":0\\.9\\d+,\"end\":3,\"label\":\"PER\",\"start\":0},"
            + "\\{\"confidence\":0\\.9\\d+,\"end\":17,\"label\":\"LOC\",\"start\":11}]");
    assertThat(out.get(1).toString()).isEqualTo("{\"task\":\"t2\",\"spans\":[]}");
    assertThat(Files.readAllLines(dir.resolve("w.csv"))).first().isEqualTo("worker,accuracy,answers");
  }

  @Test
  void perTokenMajorityOnRequestAndGoldHeldFixed() throws IOException {
    Path gold = file("gold.jsonl",
        "{\"task\":\"t2\",\"spans\":[{\"start\":2,\"end\":4,\"label\":\"PER\",\"confidence\":1}]}\n");

    Run run = aggregate("spans", file("spans.jsonl", SPANS), "--method", "mv", "--gold", gold.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    List<JsonNode> out = output();
    assertThat(out.get(0).at("/spans/0/confidence").asDouble()).isEqualTo(0.6667);
    assertThat(out.get(1).toString())
        .isEqualTo("{\"task\":\"t2\",\"spans\":[{\"confidence\":1,\"end\":4,\"label\":\"PER\",\"start\":2}]}");
  }

  @Test
  void aggregatesBoxesByModelAndByPerBoxMajority() throws IOException {
    Path boxes = file("boxes.jsonl", """
        {"task":"img1","worker":"a","boxes":[{"x":10,"y":10,"w":100,"h":50,"label":"car"}]}
        {"task":"img1","worker":"b","boxes":[{"x":12,"y":9,"w":98,"h":52,"label":"car"},\
        {"x":300,"y":300,"w":20,"h":20,"label":"dog"}]}
        {"task":"img1","worker":"c","boxes":[{"x":11,"y":11,"w":100,"h":50,"label":"car"}]}
        """);

    for (String method : List.of("ds", "mv")) {
      Run run = aggregate("boxes", boxes, "--method", method);

      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode img = output().get(0);
      assertThat(img.get("task").asText()).isEqualTo("img1");
      assertThat(img.get("boxes")).hasSize(1);
      assertThat(img.at("/boxes/0/label").asText()).isEqualTo("car");
      assertThat(img.at("/boxes/0/x").asInt()).isBetween(10, 12);
      assertThat(img.at("/boxes/0/w").asInt()).isBetween(98, 100);
      assertThat(img.at("/boxes/0/confidence").asDouble()).isGreaterThan(0.5);
    }
  }

  @Test
  void namesTheFileAndLineOfMalformedInput() throws IOException {
    assertInputError(aggregate("spans", file("a.jsonl", "{\"task\":\"t\",\"worker\":\"w\",\"spans\":[]}\nnot json\n")),
        "a.jsonl line 2", "not JSON");
    assertInputError(aggregate("spans", file("b.jsonl",
        "{\"task\":\"t\",\"worker\":\"w\",\"spans\":[{\"start\":5,\"end\":5,\"label\":\"X\"}]}\n")),
        "b.jsonl line 1", "'end' must be above 'start'");
    assertInputError(aggregate("spans", file("c.jsonl",
        "{\"task\":\"t\",\"worker\":\"w\",\"spans\":[{\"start\":0,\"end\":9,\"label\":\"X\"}],\"text\":\"short\"}\n")),
        "c.jsonl line 1", "past the end of 'text' (5 code points)");
    assertInputError(aggregate("spans", file("d.jsonl", "{\"task\":\"t\",\"spans\":[]}\n")),
        "d.jsonl line 1", "'worker'");
    assertInputError(aggregate("boxes", file("e.jsonl",
        "{\"task\":\"t\",\"worker\":\"w\",\"boxes\":[{\"x\":0,\"y\":0,\"w\":0,\"h\":5,\"label\":\"car\"}]}\n")),
        "e.jsonl line 1", "'w' must be an integer of at least 1");
    assertInputError(aggregate("boxes", file("f.jsonl", "{\"task\":\"t\",\"worker\":\"w\",\"spans\":[]}\n")),
        "f.jsonl line 1", "unknown field 'spans'");
    assertInputError(aggregate("boxes", file("g.jsonl", "\n\n")), "has no answers");
    assertInputError(aggregate("spans", file("h.jsonl", SPANS), "--gold",
        file("gold.jsonl", "{\"task\":\"t1\",\"spans\":[{\"start\":0}]}\n").toString()), "gold.jsonl line 1", "'end'");
    assertInputError(aggregate("spans", dir.resolve("missing.jsonl")), "cannot read", "missing.jsonl");
  }

  @Test
  void singleChoiceStillNeedsItsMethod() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt,w,a\n");

    assertInputError(run("aggregate", "--input", answers.toString(), "--output", dir.resolve("l.csv").toString()),
        "--method");
    assertThat(run("aggregate", "--method", "mv", "--input", answers.toString(), "--output",
        dir.resolve("l.csv").toString()).exit()).isZero();
  }
}
