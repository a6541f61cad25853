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

  private Run aggregateType(String type, Path input, String... more) {
    List<String> args = new ArrayList<>(List.of("aggregate", "--type", type,
        "--input", input.toString(), "--output", dir.resolve("out.csv").toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  private List<String> out() throws IOException {
    return Files.readAllLines(dir.resolve("out.csv"));
  }

  /** The output's rows without the header, each split at its commas. */
  private List<String[]> outRows() throws IOException {
    return out().stream().skip(1).map(line -> line.split(",", -1)).toList();
  }

  @Test
  void singleChoiceStillNeedsAMethod() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    assertInputError(run("aggregate", "--input", answers.toString(), "--output",
        dir.resolve("labels.csv").toString()), "--type single_choice needs --method");
  }

  @Test
  void rejectsAnUnknownTypeNamingTheKnownOnes() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    assertInputError(aggregateType("ranking", answers), "--type ranking",
        "single_choice, multi_choice, rating, free_text, pairwise");
  }

  @Test
  void rejectsAnOptionOfAnotherType() throws IOException {
    Path answers = file("answers.csv", "task,worker,labels\nt1,w1,a\n");

    assertInputError(aggregateType("multi_choice", answers, "--method", "ds"),
        "--method does not apply to --type multi_choice");
    assertInputError(aggregateType("multi_choice", answers, "--scale", "1..5"),
        "--scale does not apply to --type multi_choice");
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }

  @Test
  void multiChoiceWritesEachTasksTagSetWithAConfidence() throws IOException {
    Path answers = file("answers.csv", """
        task,worker,labels
        t1,w1,cat|dog
        t1,w2,cat
        t1,w3,dog|cat
        t2,w1,
        t2,w2,bird
        t2,w3,
        t3,w1,bird
        t3,w2,bird|cat
        t3,w3,bird
        """);

    Run run = aggregateType("multi_choice", answers);

    assertThat(run.exit()).isZero();
    assertThat(out().get(0)).isEqualTo("task,labels,confidence");
    List<String[]> rows = outRows();
    assertThat(rows).extracting(r -> r[0] + "=" + r[1]).containsExactly("t1=cat|dog", "t2=", "t3=bird");
    assertThat(rows).allSatisfy(r -> assertThat(Double.parseDouble(r[2])).isBetween(0.5, 1.0));
    assertThat(run.out()).contains("multi_choice: 3 tasks, 3 workers, 9 answers, 0 gold");
  }

  @Test
  void multiChoiceHoldsGoldTagSets() throws IOException {
    Path answers = file("answers.csv", "task,worker,labels\nt1,w1,a\nt1,w2,a\nt2,w1,b\n");
    Path gold = file("gold.csv", "task,labels\nt1,a|b\n");

    Run run = aggregateType("multi_choice", answers, "--gold", gold.toString());

    assertThat(run.exit()).isZero();
    assertThat(out()).contains("t1,a|b,1.000000");
  }

  @Test
  void multiChoiceNamesTheLineWithAnEmptyLabel() throws IOException {
    Path answers = file("answers.csv", "task,worker,labels\nt1,w1,a\nt2,w1,a||b\n");

    assertInputError(aggregateType("multi_choice", answers), "answers.csv line 3", "empty label");
  }

  @Test
  void multiChoiceRejectsASixtyFifthLabel() throws IOException {
    StringBuilder csv = new StringBuilder("task,worker,labels\n");
    for (int l = 0; l <= 64; l++) {
      csv.append("t").append(l).append(",w1,label").append(l).append('\n');
    }

    assertInputError(aggregateType("multi_choice", file("answers.csv", csv.toString())), "line 66",
        "65th distinct label");
  }

  @Test
  void multiChoiceNeedsALabelsColumn() throws IOException {
    Path answers = file("answers.csv", "task,worker,label\nt1,w1,a\n");

    assertInputError(aggregateType("multi_choice", answers), "no 'labels' column");
  }

  @Test
  void ratingWritesOneValuePerTaskOnTheScale() throws IOException {
    Path answers = file("answers.csv", """
        task,worker,value
        t1,w1,5
        t1,w2,4
        t1,w3,5
        t2,w1,1
        t2,w2,2
        t2,w3,1
        """);
    Path workers = dir.resolve("workers.csv");

    Run run = aggregateType("rating", answers, "--scale", "1..5", "--workers", workers.toString());

    assertThat(run.exit()).isZero();
    assertThat(out().get(0)).isEqualTo("task,value");
    List<String[]> rows = outRows();
    assertThat(rows).extracting(r -> r[0]).containsExactly("t1", "t2");
    assertThat(Double.parseDouble(rows.get(0)[1])).isBetween(4.0, 5.0);
    assertThat(Double.parseDouble(rows.get(1)[1])).isBetween(1.0, 2.0);
    assertThat(Files.readAllLines(workers)).hasSize(4).first().isEqualTo("worker,accuracy,answers");
  }

  @Test
  void ratingHoldsGoldValues() throws IOException {
    Path answers = file("answers.csv", "task,worker,value\nt1,w1,2\nt1,w2,3\nt2,w1,4\n");
    Path gold = file("gold.csv", "task,value\nt1,4.5\n");

    Run run = aggregateType("rating", answers, "--gold", gold.toString(), "--scale", "1..5");

    assertThat(run.exit()).isZero();
    assertThat(out()).contains("t1,4.500000");
    assertThat(run.out()).contains("1 gold");
  }

  @Test
  void ratingNamesTheLineWithAValueThatIsNotAWholeNumber() throws IOException {
    Path answers = file("answers.csv", "task,worker,value\nt1,w1,4\nt1,w2,4.5\n");

    assertInputError(aggregateType("rating", answers), "answers.csv line 3",
        "value '4.5' is not a whole number");
  }

  @Test
  void ratingNamesTheLineWithARatingOffTheScale() throws IOException {
    Path answers = file("answers.csv", "task,worker,value\nt1,w1,4\nt1,w2,7\n");

    assertInputError(aggregateType("rating", answers, "--scale", "1..5"), "answers.csv line 3",
        "rating 7 is off the scale 1..5");
  }

  @Test
  void ratingRejectsAMalformedScaleAndGold() throws IOException {
    Path answers = file("answers.csv", "task,worker,value\nt1,w1,4\n");
    Path gold = file("gold.csv", "task,value\nt1,high\n");

    assertInputError(aggregateType("rating", answers, "--scale", "5..1"), "--scale must be MIN..MAX");
    assertInputError(aggregateType("rating", answers, "--gold", gold.toString()), "gold.csv line 2",
        "gold value 'high' is not a number");
  }

  @Test
  void freeTextWritesTheConsensusTextAsOneWorkerTypedIt() throws IOException {
    Path answers = file("answers.csv", """
        task,worker,text
        t1,w1,"The cat sat, then slept."
        t1,w2,the cat sat then slept
        t1,w3,A dog ran
        t2,w1,hello world
        t2,w2,Hello world!
        t2,w3,
        """);

    Run run = aggregateType("free_text", answers);

    assertThat(run.exit()).isZero();
    assertThat(out()).containsExactly("task,text", "t1,\"The cat sat, then slept.\"", "t2,hello world");
  }

  @Test
  void freeTextHoldsGoldTexts() throws IOException {
    Path answers = file("answers.csv", "task,worker,text\nt1,w1,a b c\nt1,w2,a b c\n");
    Path gold = file("gold.csv", "task,text\nt1,a b d\n");

    Run run = aggregateType("free_text", answers, "--gold", gold.toString());

    assertThat(run.exit()).isZero();
    assertThat(out()).containsExactly("task,text", "t1,a b d");
  }

  @Test
  void freeTextNamesTheLineWithTheWrongColumnCount() throws IOException {
    Path answers = file("answers.csv", "task,worker,text\nt1,w1,hi\nt1,w2,hi,there\n");

    assertInputError(aggregateType("free_text", answers), "answers.csv line 3", "expected 3 columns");
  }

  @Test
  void pairwiseRanksItemsBestFirst() throws IOException {
    StringBuilder csv = new StringBuilder("worker,left,right,label\n");
    String[][] judged = {{"b", "a", "a"}, {"c", "b", "b"}, {"a", "c", "a"}, {"a", "b", "a"}, {"c", "b", "b"},
        {"c", "a", "a"}, {"b", "c", ""}};
    for (int w = 0; w < 3; w++) {
      for (String[] j : judged) {
        csv.append("w").append(w).append(',').append(String.join(",", j)).append('\n');
      }
    }
    Path workers = dir.resolve("workers.csv");

    Run run = aggregateType("pairwise", file("answers.csv", csv.toString()), "--workers", workers.toString());

    assertThat(run.exit()).isZero();
    assertThat(out().get(0)).isEqualTo("item,score");
    List<String[]> rows = outRows();
    assertThat(rows).extracting(r -> r[0]).containsExactly("a", "b", "c");
    assertThat(Double.parseDouble(rows.get(0)[1])).isGreaterThan(Double.parseDouble(rows.get(1)[1]));
    assertThat(Double.parseDouble(rows.get(1)[1])).isGreaterThan(Double.parseDouble(rows.get(2)[1]));
    assertThat(run.out()).contains("pairwise: 3 items, 3 pairs, 3 workers, 21 comparisons");
    assertThat(Files.readAllLines(workers)).hasSize(4);
  }

  @Test
  void pairwiseNamesTheLineWithALabelThatIsNeitherItem() throws IOException {
    Path answers = file("answers.csv", "worker,left,right,label\nw1,a,b,a\nw1,a,c,d\n");

    assertInputError(aggregateType("pairwise", answers), "answers.csv line 3",
        "label 'd' is neither left 'a' nor right 'c'");
  }

  @Test
  void pairwiseNamesTheLineComparingAnItemWithItself() throws IOException {
    Path answers = file("answers.csv", "worker,left,right,label\nw1,a,a,a\n");

    assertInputError(aggregateType("pairwise", answers), "answers.csv line 2", "a twice");
  }

  @Test
  void pairwiseTakesNoGold() throws IOException {
    Path answers = file("answers.csv", "worker,left,right,label\nw1,a,b,a\n");
    Path gold = file("gold.csv", "task,label\nt1,a\n");

    assertInputError(aggregateType("pairwise", answers, "--gold", gold.toString()),
        "--gold does not apply to --type pairwise");
  }

  @Test
  void requiresASubcommand() {
    Run run = run();

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required subcommand");
  }
}
