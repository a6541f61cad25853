package io.labelledger.answer.spans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.Answers;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.CanonicalJson;
import io.labelledger.answer.ExportColumn;
import io.labelledger.answer.Settings;
import io.labelledger.answer.TypedModel;
import io.labelledger.answer.regions.RegionMatch;
import io.labelledger.answer.regions.Regions;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spans}: entities marked in a text (named entities, key phrases). An item is
 * {@code {"text":"..."}} (other data members ride along); an answer lists the spans marked, each the
 * code points {@code [start, end)} of the text and one of the campaign's labels, signed as
 * {@code {"spans":[{"end":E,"label":"L","start":S},...]}} sorted by (start, end, label), no span
 * twice, at most {@code maxSpans}, and none overlapping another unless the campaign sets
 * {@code allowOverlap}. Aggregated by {@link SpanModel}. An answer agrees with the aggregate when its
 * span F1 against it is at least {@value #AGREEMENT}, a span matching an aggregated one of the same
 * label that it overlaps by an IoU of at least {@value #MATCH_IOU} (overlap F1, not exact: an
 * annotator who took one word more than the crowd still agrees); two empty answers agree.
 */
public final class SpansType implements AnswerType {
  public static final String NAME = "spans";
  static final double AGREEMENT = 0.5;
  static final double MATCH_IOU = 0.5;
  /** Most spans a campaign may allow: the signed answer field holds 10,000 characters, JSON included. */
  static final int MAX_SPANS = 200;

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of"
        + " {\"spans\":[{\"end\":E,\"label\":\"L\",\"start\":S},...]}: code points [S, E) of the item's text,"
        + " sorted by start, end, label";
  }

  @Override
  public String taskCategory() {
    return "token-classification";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.AT_LEAST_ONE;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings s = Settings.of(given, Set.of("allowOverlap", "maxSpans"));
    return given.objectNode().put("allowOverlap", s.bool("allowOverlap", false))
        .put("maxSpans", s.integer("maxSpans", 50, 1, MAX_SPANS));
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    return new Bound(this, labels, settings.get("allowOverlap").booleanValue(), settings.get("maxSpans").intValue());
  }

  /** The type bound to a campaign's labels and settings. */
  public record Bound(SpansType type, List<String> labels, boolean allowOverlap, int maxSpans)
      implements CampaignAnswers<List<Span>, List<ScoredSpan>> {
    public Bound {
      labels = List.copyOf(labels);
    }

    @Override
    public void checkItem(JsonNode data) {
      JsonNode text = data.get("text");
      if (text == null || !text.isTextual() || text.textValue().isEmpty()) {
        throw new IllegalArgumentException("'data.text' must be a non-empty string: the text to mark spans in");
      }
    }

    @Override
    public String gold(JsonNode gold) {
      return Answers.asGold(() -> {
        List<Span> spans = spans(gold);
        spans.sort(null);
        String text = answerText(spans);
        parse(text);
        return text;
      });
    }

    @Override
    public List<Span> parse(String answer) {
      List<Span> spans = spans(CanonicalJson.parse(NAME, answer));
      for (int i = 1; i < spans.size(); i++) {
        int order = spans.get(i - 1).compareTo(spans.get(i));
        if (order == 0) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'spans' repeats " + describe(spans.get(i)));
        }
        if (order > 0) { // RFC 8785 keeps array order: ours is sorted
          List<Span> sorted = new ArrayList<>(spans);
          sorted.sort(null);
          String canonical = answerText(sorted);
          throw new ApiException(ErrorCode.ANSWER_NOT_CANONICAL, Map.of("canonical", canonical), NAME, canonical);
        }
      }
      if (!allowOverlap) {
        Span reaching = null;
        for (Span s : spans) {
          if (reaching != null && s.start() < reaching.end()) {
            throw new ApiException(ErrorCode.SPANS_OVERLAP, reaching.start(), reaching.end(), s.start(), s.end());
          }
          if (reaching == null || s.end() > reaching.end()) {
            reaching = s;
          }
        }
      }
      return List.copyOf(spans);
    }

    @Override
    public boolean answerNeedsItem() {
      return true;
    }

    /** Gold is scored by F1, as answers are: see {@link #agrees}. */
    @Override
    public boolean scoresGoldByAgreement() {
      return true;
    }

    @Override
    public List<Span> parse(String answer, JsonNode itemData) {
      List<Span> spans = parse(answer);
      String text = itemData.path("text").asText("");
      int length = text.codePointCount(0, text.length());
      for (Span s : spans) {
        if (s.end() > length) {
          throw new ApiException(ErrorCode.SPAN_OUT_OF_TEXT, Map.of("textLength", length), s.start(), s.end(),
              "the text has " + length + " code points");
        }
      }
      return spans;
    }

    /** The spans of an answer object, each checked on its own; not yet checked for order or overlap. */
    private List<Span> spans(JsonNode node) {
      JsonNode list = Answers.member(NAME, node, "spans", "{\"spans\":[{\"end\":E,\"label\":\"L\",\"start\":S},...]}");
      if (!list.isArray()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'spans' must be an array of spans");
      }
      if (list.size() > maxSpans) {
        throw new ApiException(ErrorCode.ANNOTATIONS_TOO_MANY, Map.of("max", maxSpans), list.size(), "spans",
            maxSpans);
      }
      List<Span> spans = new ArrayList<>(list.size());
      for (JsonNode element : list) {
        if (!element.isObject() || element.size() != 3) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME,
              "each span must be {\"end\":E,\"label\":\"L\",\"start\":S}");
        }
        int start = position(element.get("start"), "start");
        int end = position(element.get("end"), "end");
        JsonNode label = element.get("label");
        if (label == null || !label.isTextual()) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "a span's 'label' must be a string");
        }
        if (!labels.contains(label.textValue())) {
          throw new ApiException(ErrorCode.ANSWER_NOT_IN_LABEL_SET, Map.of("labels", labels), label.textValue(),
              labels);
        }
        if (start < 0) {
          throw new ApiException(ErrorCode.SPAN_OUT_OF_TEXT, start, end, "the text starts at code point 0");
        }
        if (end <= start) {
          throw new ApiException(ErrorCode.SPAN_WIDTH_INVALID, start, end);
        }
        spans.add(new Span(start, end, label.textValue()));
      }
      return spans;
    }

    private static int position(JsonNode value, String name) {
      if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "a span's '" + name + "' must be an integer"
            + " (a code point offset)");
      }
      return value.intValue();
    }

    @Override
    public Map<String, Object> answerSchema() {
      Map<String, Object> span = Map.of("type", "object", "additionalProperties", false,
          "required", List.of("end", "label", "start"),
          "properties", Map.of("start", Map.of("type", "integer", "minimum", 0),
              "end", Map.of("type", "integer", "minimum", 1), "label", Map.of("enum", labels)));
      return Map.of("description", "RFC 8785 canonical JSON: spans of the item's text in Unicode code points [start,"
              + " end), sorted by start, end, label; no repeats" + (allowOverlap ? "" : "; no two overlapping"),
          "type", "object", "additionalProperties", false, "required", List.of("spans"),
          "properties", Map.of("spans", Map.of("type", "array", "maxItems", maxSpans, "items", span)),
          "example", answerText(labels.isEmpty() ? List.of() : List.of(new Span(0, 5, labels.get(0)))));
    }

    @Override
    public TypedModel<List<Span>, List<ScoredSpan>> model() {
      return new SpanModel(labels);
    }

    @Override
    public List<ScoredSpan> goldAggregate(String goldAnswer) {
      return parse(goldAnswer).stream().map(s -> new ScoredSpan(s, 1)).toList();
    }

    @Override
    public String aggregateText(List<ScoredSpan> aggregate) {
      return CanonicalJson.of(Map.of("spans", elements(aggregate)));
    }

    @Override
    public List<ScoredSpan> parseAggregate(String text) {
      List<ScoredSpan> out = new ArrayList<>();
      for (JsonNode s : CanonicalJson.read(text).get("spans")) {
        out.add(new ScoredSpan(new Span(s.get("start").intValue(), s.get("end").intValue(), s.get("label").textValue()),
            s.get("confidence").doubleValue()));
      }
      return List.copyOf(out);
    }

    @Override
    public boolean agrees(List<Span> answer, List<ScoredSpan> aggregate) {
      return RegionMatch.f1(regions(answer), regions(aggregate.stream().map(ScoredSpan::span).toList()), MATCH_IOU)
          >= AGREEMENT;
    }

    @Override
    public List<String> distributionKeys(List<ScoredSpan> aggregate) {
      return aggregate.stream().map(s -> s.span().label()).toList();
    }

    /**
     * {@code spans}: the aggregate's spans, code point offsets with label and confidence;
     * {@code tokens} and {@code ner_tags}: the text's whitespace tokens and their BIO tags
     * ({@link BioTags}), what a Hugging Face token-classification dataset holds.
     */
    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("spans", ExportColumn.Kind.JSON),
          new ExportColumn("tokens", ExportColumn.Kind.STRING_LIST),
          new ExportColumn("ner_tags", ExportColumn.Kind.STRING_LIST));
    }

    /** Without the item's text: the spans, and no tokens. */
    @Override
    public Map<String, Object> exportColumns(List<ScoredSpan> aggregate) {
      return Map.of("spans", new ExportColumn.JsonText(CanonicalJson.of(elements(aggregate))),
          "tokens", List.of(), "ner_tags", List.of());
    }

    @Override
    public Map<String, Object> exportColumns(List<ScoredSpan> aggregate, String itemDataJson) {
      String text = CanonicalJson.read(itemDataJson).path("text").asText("");
      BioTags.Tagged tagged = BioTags.of(text, aggregate.stream().map(ScoredSpan::span).toList());
      return Map.of("spans", new ExportColumn.JsonText(CanonicalJson.of(elements(aggregate))),
          "tokens", tagged.tokens(), "ner_tags", tagged.tags());
    }

    private Regions regions(List<Span> spans) {
      Regions.Builder out = Regions.builder(1);
      for (Span s : spans) {
        out.add(labels.indexOf(s.label()), s.start(), s.end());
      }
      return out.build();
    }
  }

  /** The canonical answer text of spans already sorted. */
  static String answerText(List<Span> spans) {
    List<Map<String, Object>> out = new ArrayList<>(spans.size());
    for (Span s : spans) {
      out.add(Map.of("end", s.end(), "label", s.label(), "start", s.start()));
    }
    return CanonicalJson.of(Map.of("spans", out));
  }

  /** An aggregate's spans as JSON values, sorted, each with its confidence to four decimals. */
  static List<Map<String, Object>> elements(List<ScoredSpan> aggregate) {
    List<ScoredSpan> sorted = new ArrayList<>(aggregate);
    sorted.sort((a, b) -> a.span().compareTo(b.span()));
    List<Map<String, Object>> out = new ArrayList<>(sorted.size());
    for (ScoredSpan s : sorted) {
      Map<String, Object> element = new LinkedHashMap<>();
      element.put("confidence", Math.round(s.confidence() * 10_000) / 10_000.0);
      element.put("end", s.span().end());
      element.put("label", s.span().label());
      element.put("start", s.span().start());
      out.add(element);
    }
    return out;
  }

  private static String describe(Span s) {
    return s.start() + ".." + s.end() + " " + s.label();
  }
}
