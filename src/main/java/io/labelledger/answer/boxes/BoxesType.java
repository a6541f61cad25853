package io.labelledger.answer.boxes;

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
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code boxes}: objects outlined on an image (object detection). An item is
 * {@code {"image":"https://...","width":W,"height":H}} (the image's URL and its size in pixels; other
 * data members ride along); an answer lists the boxes drawn, each {@code [x, x + w) × [y, y + h)} in
 * whole pixels inside the image, at least {@code minSize} pixels wide and high, with one of the
 * campaign's labels, signed as {@code {"boxes":[{"h":H,"label":"L","w":W,"x":X,"y":Y},...]}} sorted by
 * (x, y, w, h, label), no box twice, at most {@code maxBoxes}. Aggregated by {@link BoxModel}. An answer
 * agrees with the aggregate when its F1 against it is at least {@value #AGREEMENT}, a box matching an
 * aggregated one of the same label with an IoU of at least {@value #MATCH_IOU} (the detection
 * measure of PASCAL VOC); two empty answers agree.
 */
public final class BoxesType implements AnswerType {
  public static final String NAME = "boxes";
  static final double AGREEMENT = 0.5;
  static final double MATCH_IOU = 0.5;
  /** Most boxes a campaign may allow: the signed answer field holds 10,000 characters, JSON included. */
  static final int MAX_BOXES = 150;
  /** Largest image side: far above any camera's, and every area fits a long. */
  static final int MAX_SIDE = 1_000_000;

  @Override
  public String wireName() {
    return NAME;
  }

  @Override
  public String answerEncoding() {
    return "the RFC 8785 canonical JSON (sorted keys, no whitespace, shortest numbers) of"
        + " {\"boxes\":[{\"h\":H,\"label\":\"L\",\"w\":W,\"x\":X,\"y\":Y},...]}: whole pixels of the item's image,"
        + " sorted by x, y, w, h, label";
  }

  @Override
  public String taskCategory() {
    return "object-detection";
  }

  @Override
  public LabelRule labelRule() {
    return LabelRule.AT_LEAST_ONE;
  }

  @Override
  public ObjectNode settings(ObjectNode given, List<String> labels) {
    Settings s = Settings.of(given, Set.of("maxBoxes", "minSize"));
    return given.objectNode().put("maxBoxes", s.integer("maxBoxes", 50, 1, MAX_BOXES))
        .put("minSize", s.integer("minSize", 1, 1, 10_000));
  }

  @Override
  public Bound bind(List<String> labels, JsonNode settings) {
    return new Bound(this, labels, settings.get("maxBoxes").intValue(), settings.get("minSize").intValue());
  }

  /** The type bound to a campaign's labels and settings. */
  public record Bound(BoxesType type, List<String> labels, int maxBoxes, int minSize)
      implements CampaignAnswers<List<Box>, List<ScoredBox>> {
    public Bound {
      labels = List.copyOf(labels);
    }

    @Override
    public void checkItem(JsonNode data) {
      JsonNode image = data.get("image");
      if (image == null || !image.isTextual() || !absolute(image.textValue())) {
        throw new IllegalArgumentException("'data.image' must be the image's absolute URL (https://...)");
      }
      side(data, "width");
      side(data, "height");
    }

    private static boolean absolute(String url) {
      try {
        URI uri = new URI(url);
        return uri.isAbsolute() && uri.getScheme() != null;
      } catch (URISyntaxException e) {
        return false;
      }
    }

    private static int side(JsonNode data, String name) {
      JsonNode value = data.get(name);
      if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
          || value.intValue() > MAX_SIDE) {
        throw new IllegalArgumentException("'data." + name + "' must be the image's " + name
            + " in pixels, an integer from 1 to " + MAX_SIDE);
      }
      return value.intValue();
    }

    @Override
    public String gold(JsonNode gold) {
      return Answers.asGold(() -> {
        List<Box> boxes = boxes(gold);
        boxes.sort(null);
        String text = answerText(boxes);
        parse(text);
        return text;
      });
    }

    @Override
    public List<Box> parse(String answer) {
      List<Box> boxes = boxes(CanonicalJson.parse(NAME, answer));
      for (int i = 1; i < boxes.size(); i++) {
        int order = boxes.get(i - 1).compareTo(boxes.get(i));
        if (order == 0) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'boxes' repeats " + boxes.get(i));
        }
        if (order > 0) { // RFC 8785 keeps array order: ours is sorted
          List<Box> sorted = new ArrayList<>(boxes);
          sorted.sort(null);
          String canonical = answerText(sorted);
          throw new ApiException(ErrorCode.ANSWER_NOT_CANONICAL, Map.of("canonical", canonical), NAME, canonical);
        }
      }
      return List.copyOf(boxes);
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
    public List<Box> parse(String answer, JsonNode itemData) {
      List<Box> boxes = parse(answer);
      int width = itemData.path("width").asInt();
      int height = itemData.path("height").asInt();
      for (Box b : boxes) {
        if ((long) b.x() + b.w() > width || (long) b.y() + b.h() > height) {
          throw new ApiException(ErrorCode.BOX_OUTSIDE_IMAGE, Map.of("width", width, "height", height), b.x(), b.y(),
              b.w(), b.h(), "it is " + width + "x" + height + " pixels");
        }
      }
      return boxes;
    }

    /** The boxes of an answer object, each checked on its own; not yet checked for order or the image. */
    private List<Box> boxes(JsonNode node) {
      JsonNode list = Answers.member(NAME, node, "boxes",
          "{\"boxes\":[{\"h\":H,\"label\":\"L\",\"w\":W,\"x\":X,\"y\":Y},...]}");
      if (!list.isArray()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "'boxes' must be an array of boxes");
      }
      if (list.size() > maxBoxes) {
        throw new ApiException(ErrorCode.ANNOTATIONS_TOO_MANY, Map.of("max", maxBoxes), list.size(), "boxes",
            maxBoxes);
      }
      List<Box> boxes = new ArrayList<>(list.size());
      for (JsonNode element : list) {
        if (!element.isObject() || element.size() != 5) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME,
              "each box must be {\"h\":H,\"label\":\"L\",\"w\":W,\"x\":X,\"y\":Y}");
        }
        int x = pixels(element.get("x"), "x");
        int y = pixels(element.get("y"), "y");
        int w = pixels(element.get("w"), "w");
        int h = pixels(element.get("h"), "h");
        JsonNode label = element.get("label");
        if (label == null || !label.isTextual()) {
          throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "a box's 'label' must be a string");
        }
        if (!labels.contains(label.textValue())) {
          throw new ApiException(ErrorCode.ANSWER_NOT_IN_LABEL_SET, Map.of("labels", labels), label.textValue(),
              labels);
        }
        if (w <= 0 || h <= 0) {
          throw new ApiException(ErrorCode.BOX_SIZE_INVALID, w, h);
        }
        if (w < minSize || h < minSize) {
          throw new ApiException(ErrorCode.BOX_TOO_SMALL, Map.of("minSize", minSize), w, h, minSize);
        }
        if (x < 0 || y < 0) {
          throw new ApiException(ErrorCode.BOX_OUTSIDE_IMAGE, x, y, w, h, "x and y start at 0, its top-left corner");
        }
        boxes.add(new Box(x, y, w, h, label.textValue()));
      }
      return boxes;
    }

    private static int pixels(JsonNode value, String name) {
      if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
        throw new ApiException(ErrorCode.ANSWER_MALFORMED, NAME, "a box's '" + name + "' must be an integer"
            + " (pixels)");
      }
      return value.intValue();
    }

    @Override
    public Map<String, Object> answerSchema() {
      Map<String, Object> box = Map.of("type", "object", "additionalProperties", false,
          "required", List.of("h", "label", "w", "x", "y"),
          "properties", Map.of("x", Map.of("type", "integer", "minimum", 0),
              "y", Map.of("type", "integer", "minimum", 0), "w", Map.of("type", "integer", "minimum", minSize),
              "h", Map.of("type", "integer", "minimum", minSize), "label", Map.of("enum", labels)));
      return Map.of("description", "RFC 8785 canonical JSON: boxes in whole pixels of the item's image (x right, y"
              + " down from its top-left corner), inside it, sorted by x, y, w, h, label; no repeats",
          "type", "object", "additionalProperties", false, "required", List.of("boxes"),
          "properties", Map.of("boxes", Map.of("type", "array", "maxItems", maxBoxes, "items", box)),
          "example", answerText(labels.isEmpty() ? List.of()
              : List.of(new Box(10, 20, Math.max(30, minSize), Math.max(40, minSize), labels.get(0)))));
    }

    @Override
    public TypedModel<List<Box>, List<ScoredBox>> model() {
      return new BoxModel(labels);
    }

    @Override
    public List<ScoredBox> goldAggregate(String goldAnswer) {
      return parse(goldAnswer).stream().map(b -> new ScoredBox(b, 1)).toList();
    }

    @Override
    public String aggregateText(List<ScoredBox> aggregate) {
      return CanonicalJson.of(Map.of("boxes", elements(aggregate)));
    }

    @Override
    public List<ScoredBox> parseAggregate(String text) {
      List<ScoredBox> out = new ArrayList<>();
      for (JsonNode b : CanonicalJson.read(text).get("boxes")) {
        out.add(new ScoredBox(new Box(b.get("x").intValue(), b.get("y").intValue(), b.get("w").intValue(),
            b.get("h").intValue(), b.get("label").textValue()), b.get("confidence").doubleValue()));
      }
      return List.copyOf(out);
    }

    @Override
    public boolean agrees(List<Box> answer, List<ScoredBox> aggregate) {
      return RegionMatch.f1(regions(answer), regions(aggregate.stream().map(ScoredBox::box).toList()), MATCH_IOU)
          >= AGREEMENT;
    }

    @Override
    public List<String> distributionKeys(List<ScoredBox> aggregate) {
      return aggregate.stream().map(b -> b.box().label()).toList();
    }

    /** {@code boxes}: the aggregate's boxes, pixels with label and confidence (COCO is its own format). */
    @Override
    public List<ExportColumn> exportSchema() {
      return List.of(new ExportColumn("boxes", ExportColumn.Kind.JSON));
    }

    @Override
    public Map<String, Object> exportColumns(List<ScoredBox> aggregate) {
      return Map.of("boxes", new ExportColumn.JsonText(CanonicalJson.of(elements(aggregate))));
    }

    private Regions regions(List<Box> boxes) {
      Regions.Builder out = Regions.builder(2);
      for (Box b : boxes) {
        out.add(labels.indexOf(b.label()), b.x(), b.x() + b.w(), b.y(), b.y() + b.h());
      }
      return out.build();
    }
  }

  /** The canonical answer text of boxes already sorted. */
  static String answerText(List<Box> boxes) {
    List<Map<String, Object>> out = new ArrayList<>(boxes.size());
    for (Box b : boxes) {
      out.add(Map.of("h", b.h(), "label", b.label(), "w", b.w(), "x", b.x(), "y", b.y()));
    }
    return CanonicalJson.of(Map.of("boxes", out));
  }

  /** An aggregate's boxes as JSON values, sorted, each with its confidence to four decimals. */
  static List<Map<String, Object>> elements(List<ScoredBox> aggregate) {
    List<ScoredBox> sorted = new ArrayList<>(aggregate);
    sorted.sort((a, b) -> a.box().compareTo(b.box()));
    List<Map<String, Object>> out = new ArrayList<>(sorted.size());
    for (ScoredBox b : sorted) {
      Map<String, Object> element = new LinkedHashMap<>();
      element.put("confidence", Math.round(b.confidence() * 10_000) / 10_000.0);
      element.put("h", b.box().h());
      element.put("label", b.box().label());
      element.put("w", b.box().w());
      element.put("x", b.box().x());
      element.put("y", b.box().y());
      out.add(element);
    }
    return out;
  }
}
