package io.labelledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

class AggregateCommandTest {
  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LabelLedgerCli.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private Run aggregate(String method, Path input, String... more) {
    List<String> args = new ArrayList<>(List.of("aggregate", "--method", method,
        "--input", input.toString(), "--output", dir.resolve("labels.csv").toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private List<String> labels() throws IOException {
    return Files.readAllLines(dir.resolve("labels.csv"));
  }

  /** An input error: exit 2, one message naming the problem, no stack trace, nothing written. */
  private static void assertInputError(Run run, String... fragments) {
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(fragments).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void writesOneLabelPerTaskInFirstAppearanceOrder() throws IOException {
    Path answers = file("answers.csv", """
        task,worker,label
        b,w1,cat
        a,w1,dog
        b,w2,cat
        "a,2",w2,"say ""hi""\"
        a,w2,dog
        b,w3,dog
        """);

    Run run = aggregate("mv", answers);

    assertThat(run.exit()).isZero();
    assertThat(labels()).containsExactly(
        "task,label,confidence",
        "b,cat,0.666667",
        "a,dog,1.000000",
        "\"a,2\",\"say \"\"hi\"\"\",1.000000");
    assertThat(run.out()).contains("3 tasks", "3 workers");
  }

  @Test
  void dawidSkeneHoldsGoldFromATaskTruthFile() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,0\nt1,w2,0\nt2,w1,1\nt2,w2,0\n");
    Path gold = file("gold.csv", "task,truth\nt1,1\nunknown-task,0\n");

    Run run = aggregate("ds", answers, "--gold", gold.toString());

    assertThat(run.exit()).isZero();
    assertThat(labels()).startsWith("task,label,confidence", "t1,1,1.000000").hasSize(3);
    assertThat(run.out()).contains("1 gold");
  }

  @Test
  void acceptsGoldWithALabelColumnAndColumnsInAnyOrder() throws IOException {
    Path answers = file("answers.csv", "label,task,worker,comment\nx,t1,w1,sure\ny,t1,w2,\n");
    Path gold = file("gold.csv", "label,task\ny,t1\n");

    Run run = aggregate("MV", answers, "--gold", gold.toString());

    assertThat(run.exit()).isZero();
    assertThat(labels()).containsExactly("task,label,confidence", "t1,y,1.000000");
  }

  @Test
  void writesWorkerEstimatesOnRequest() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,ann,a\nt1,bob,b\nt2,ann,a\nt2,bob,a\n");
    Path workers = dir.resolve("workers.csv");

    Run run = aggregate("mv", answers, "--workers", workers.toString());

    assertThat(run.exit()).isZero();
    assertThat(Files.readAllLines(workers)).containsExactly(
        "worker,accuracy,answers", "ann,1.000000,2", "bob,0.500000,2");
  }

  @Test
  void namesTheMissingHeaderColumn() throws IOException {
    Path answers = file("answers.csv", "task,annotator,label\nt1,w1,a\n");

    assertInputError(aggregate("mv", answers), "answers.csv", "no 'worker' column",
        "task,annotator,label");
  }

  @Test
  void namesTheLineWithTheWrongColumnCount() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\nt2,w1\n");

    assertInputError(aggregate("ds", answers), "answers.csv line 3",
        "expected 3 columns", "found 2");
    assertThat(dir.resolve("labels.csv")).doesNotExist();
  }

  @Test
  void rejectsAnEmptyFile() throws IOException {
    Path answers = file("answers.csv", "");

    assertInputError(aggregate("mv", answers), "answers.csv is empty");
  }

  @Test
  void rejectsAHeaderWithoutAnswers() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\n");

    assertInputError(aggregate("mv", answers), "has no answers");
  }

  @Test
  void rejectsAnUnknownMethod() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    assertInputError(aggregate("glad", answers), "--method", "glad");
  }

  @Test
  void reportsAMissingInputFile() {
    assertInputError(aggregate("mv", dir.resolve("nope.csv")), "cannot read",
        "nope.csv", "no such file");
  }

  @Test
  void reportsAMissingGoldFile() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    assertInputError(aggregate("ds", answers, "--gold", dir.resolve("gold.csv").toString()),
        "cannot read", "gold.csv");
  }

  @Test
  void namesTheLineWithAnEmptyField() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\nt2,w1,\n");

    assertInputError(aggregate("mv", answers), "line 3", "empty label");
  }

  @Test
  void namesTheLineWithAnUnterminatedQuote() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\n\"t1,w1,a\n");

    assertInputError(aggregate("mv", answers), "line 2", "unterminated quoted field");
  }

  @Test
  void rejectsGoldWithoutATruthColumn() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");
    Path gold = file("gold.csv", "task,answer\nt1,a\n");

    assertInputError(aggregate("ds", answers, "--gold", gold.toString()), "gold.csv",
        "no 'truth' or 'label' column", "found task,answer");
  }

  @Test
  void rejectsTwoGoldLabelsForOneTask() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");
    Path gold = file("gold.csv", "task,truth\nt1,a\nt1,b\n");

    assertInputError(aggregate("mv", answers, "--gold", gold.toString()), "gold.csv line 3",
        "two gold labels");
  }

  @Test
  void reportsAnOutputItCannotWrite() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    Run run = run("aggregate", "--method", "mv", "--input", answers.toString(),
        "--output", dir.resolve("missing-dir/labels.csv").toString());

    assertInputError(run, "cannot write", "labels.csv");
  }

  @Test
  void rejectsAnInvalidDawidSkeneSetting() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    assertInputError(aggregate("ds", answers, "--max-iterations", "0"), "maxIterations");
  }

  @Test
  void requiresASubcommand() {
    Run run = run();

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required subcommand");
  }
}
