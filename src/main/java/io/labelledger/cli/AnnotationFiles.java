package io.labelledger.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import io.labelledger.answer.boxes.Box;
import io.labelledger.answer.boxes.ScoredBox;
import io.labelledger.answer.spans.ScoredSpan;
import io.labelledger.answer.spans.Span;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The JSONL files of span and box aggregation, one JSON object per line. Answers:
 * {@code {"task":"t1","worker":"w1","spans":[{"start":0,"end":5,"label":"PER"}],"text":"..."}} (the
 * text optional) or {@code {"task":"t1","worker":"w1","boxes":[{"x":0,"y":0,"w":10,"h":20,"label":"car"}]}};
 * gold: the same without {@code worker} (a {@code confidence} per element, as the output writes it,
 * is ignored); output: one line per task in the order tasks first appear, {@code {"task":"t1",
 * "spans":[{"confidence":0.97,"end":5,"label":"PER","start":0}]}}. Offsets are Unicode code points,
 * boxes whole pixels; the elements of a line may come in any order. Blank lines are skipped; any
 * other line that is not such an object stops the command, naming the file and line.
 */
final class AnnotationFiles {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private AnnotationFiles() {}

  /** One annotation type's lines: its member's name and how one element is read and written. */
  interface Shape<T> {
    /** {@code spans} or {@code boxes}. */
    String member();

    /** The element's label. */
    String label(T element);

    /**
     * Reads one element.
     *
     * @param gold whether a {@code confidence} member may ride along
     * @throws IllegalArgumentException saying what is wrong with it
     */
    T read(JsonNode element, boolean gold);

    /** Writes one element of an aggregate as a JSON object, keys sorted. */
    void write(T element, double confidence, JsonGenerator out) throws IOException;
  }

  /** Spans: {@code start} below {@code end}, code points; within the line's {@code text} when it has one. */
  static final Shape<Span> SPANS = new Shape<>() {
    @Override
    public String member() {
      return "spans";
    }

    @Override
    public String label(Span s) {
      return s.label();
    }

    @Override
    public Span read(JsonNode e, boolean gold) {
      known(e, gold, "start", "end", "label");
      int start = integer(e, "start", 0);
      int end = integer(e, "end", 1);
      if (end <= start) {
        throw new IllegalArgumentException("span " + start + ".." + end + ": 'end' must be above 'start'");
      }
      return new Span(start, end, labelOf(e));
    }

    @Override
    public void write(Span s, double confidence, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeFieldName("confidence");
      out.writeRawValue(rounded(confidence));
      out.writeNumberField("end", s.end());
      out.writeStringField("label", s.label());
      out.writeNumberField("start", s.start());
      out.writeEndObject();
    }
  };

  /** Boxes: {@code x}, {@code y} at least 0, {@code w}, {@code h} at least 1, pixels. */
  static final Shape<Box> BOXES = new Shape<>() {
    @Override
    public String member() {
      return "boxes";
    }

    @Override
    public String label(Box b) {
      return b.label();
    }

    @Override
    public Box read(JsonNode e, boolean gold) {
      known(e, gold, "x", "y", "w", "h", "label");
      return new Box(integer(e, "x", 0), integer(e, "y", 0), integer(e, "w", 1), integer(e, "h", 1),
          labelOf(e));
    }

    @Override
    public void write(Box b, double confidence, JsonGenerator out) throws IOException {
      out.writeStartObject();
      out.writeFieldName("confidence");
      out.writeRawValue(rounded(confidence));
      out.writeNumberField("h", b.h());
      out.writeStringField("label", b.label());
      out.writeNumberField("w", b.w());
      out.writeNumberField("x", b.x());
      out.writeNumberField("y", b.y());
      out.writeEndObject();
    }
  };

  /**
   * What an answers file (and its gold) held: the answers, the labels in the order they first
   * appear, and each task's text where a line gave one (spans only).
   */
  record Input<T, A>(TypedAnswers<List<T>, A> answers, List<String> labels, Map<String, String> texts,
      long annotations) {}

  /**
   * Reads answers, and gold when {@code gold} is not null.
   *
   * @param toGold how gold elements become the model's aggregate (with confidence 1)
   */
  static <T, A> Input<T, A> read(Path answers, Path gold, Shape<T> shape,
      Function<List<T>, A> toGold) {
    TypedAnswers.Builder<List<T>, A> builder = TypedAnswers.builder();
    Set<String> labels = new LinkedHashSet<>();
    Map<String, String> texts = new HashMap<>();
    long[] annotations = {0};
    int lines = lines(answers, (line, node) -> {
      known(node, false, "task", "worker", shape.member(), "text");
      String task = text(node, "task");
      String worker = text(node, "worker");
      List<T> elements = elements(node, shape, false);
      JsonNode text = node.get("text");
      if (text != null) {
        if (shape != SPANS || !text.isTextual()) {
          throw new IllegalArgumentException(shape != SPANS ? "unknown field 'text'"
              : "'text' must be a string");
        }
        checkWithin(elements, text.textValue());
        String before = texts.putIfAbsent(task, text.textValue());
        if (before != null && !before.equals(text.textValue())) {
          throw new IllegalArgumentException("task " + task + " was given another 'text' on an earlier line");
        }
      }
      elements.forEach(e -> labels.add(shape.label(e)));
      annotations[0] += elements.size();
      builder.add(task, worker, elements);
    });
    if (lines == 0) {
      throw new InputException(answers + " has no answers");
    }
    if (gold != null) {
      lines(gold, (line, node) -> {
        known(node, false, "task", shape.member());
        List<T> elements = elements(node, shape, true);
        elements.forEach(e -> labels.add(shape.label(e)));
        builder.gold(text(node, "task"), toGold.apply(elements));
      });
    }
    return new Input<>(builder.build(), List.copyOf(labels), texts, annotations[0]);
  }

  /**
   * Writes one line per task, in task order: its aggregate's elements with their confidences.
   *
   * @param elements the elements of an aggregate, with their confidences in {@code confidence}
   */
  static <T, A> void writeAggregates(Path output, TypedAnswers<?, A> answers, TypedModel.Fit<A> fit,
      Shape<T> shape, BiConsumer<A, List<Map.Entry<T, Double>>> elements) {
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
         JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.setRootValueSeparator(null);
      List<Map.Entry<T, Double>> scored = new ArrayList<>();
      for (int t = 0; t < answers.taskCount(); t++) {
        scored.clear();
        elements.accept(fit.aggregates().get(t), scored);
        json.writeStartObject();
        json.writeStringField("task", answers.taskId(t));
        json.writeArrayFieldStart(shape.member());
        for (Map.Entry<T, Double> e : scored) {
          shape.write(e.getKey(), e.getValue(), json);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
        out.write('\n');
      }
    } catch (IOException e) {
      throw InputException.cannot("write", output.toString(), e);
    }
  }

  /** Writes {@code worker,accuracy,answers}, one row per worker in worker order. */
  static void writeWorkers(Path output, TypedAnswers<?, ?> answers, double[] reliability) {
    int[] counts = answers.answersPerWorker();
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      out.write("worker,accuracy,answers\n");
      for (int w = 0; w < answers.workerCount(); w++) {
        out.write(AnswerFiles.field(answers.workerId(w)) + "," + AnswerFiles.number(reliability[w]) + ","
            + counts[w] + "\n");
      }
    } catch (IOException e) {
      throw InputException.cannot("write", output.toString(), e);
    }
  }

  /** The aggregate of boxes as (box, confidence) pairs. */
  static void boxes(List<ScoredBox> aggregate, List<Map.Entry<Box, Double>> out) {
    aggregate.forEach(b -> out.add(Map.entry(b.box(), b.confidence())));
  }

  /** The aggregate of spans as (span, confidence) pairs. */
  static void spans(List<ScoredSpan> aggregate, List<Map.Entry<Span, Double>> out) {
    aggregate.forEach(s -> out.add(Map.entry(s.span(), s.confidence())));
  }

  private interface LineSink {
    void accept(int line, JsonNode node);
  }

  /** Passes each non-blank line's object to {@code sink}; any problem is reported with its line. */
  private static int lines(Path file, LineSink sink) {
    int count = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
          }
          if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
          }
          sink.accept(number, node);
          count++;
        } catch (IllegalArgumentException e) {
          throw new InputException(file + " line " + number + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw InputException.cannot("read", file.toString(), e);
    } catch (UncheckedIOException e) {
      throw InputException.cannot("read", file.toString(), e.getCause());
    }
    return count;
  }

  private static <T> List<T> elements(JsonNode node, Shape<T> shape, boolean gold) {
    JsonNode list = node.get(shape.member());
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("'" + shape.member() + "' must be an array");
    }
    List<T> out = new ArrayList<>(list.size());
    for (JsonNode element : list) {
      if (!element.isObject()) {
        throw new IllegalArgumentException("each of '" + shape.member() + "' must be an object");
      }
      out.add(shape.read(element, gold));
    }
    return out;
  }

  private static void checkWithin(List<?> spans, String text) {
    int length = text.codePointCount(0, text.length());
    for (Object o : spans) {
      Span s = (Span) o;
      if (s.end() > length) {
        throw new IllegalArgumentException("span " + s.start() + ".." + s.end()
            + " is past the end of 'text' (" + length + " code points)");
      }
    }
  }

  private static void known(JsonNode node, boolean gold, String... names) {
    Set<String> allowed = Set.of(names);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name) && !(gold && name.equals("confidence"))) {
        throw new IllegalArgumentException("unknown field '" + name + "'");
      }
    }
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw new IllegalArgumentException("'" + name + "' must be a non-empty string");
    }
    return value.textValue();
  }

  private static String labelOf(JsonNode element) {
    return text(element, "label");
  }

  private static int integer(JsonNode element, String name, int min) {
    JsonNode value = element.get(name);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min) {
      throw new IllegalArgumentException("'" + name + "' must be an integer of at least " + min);
    }
    return value.intValue();
  }

  /** A confidence to four decimals, as the service stores aggregates. */
  private static String rounded(double confidence) {
    return io.labelledger.answer.CanonicalJson.number(Math.round(confidence * 10_000) / 10_000.0);
  }
}
