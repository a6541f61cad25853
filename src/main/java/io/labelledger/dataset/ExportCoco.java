package io.labelledger.dataset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.answer.CanonicalJson;
import io.labelledger.answer.boxes.Box;
import io.labelledger.answer.boxes.ScoredBox;
import io.labelledger.chain.Hex;
import java.net.URI;
import java.util.List;

/**
 * A boxes version as one COCO object-detection document, written in pieces so that it streams:
 * {@code {"info","licenses","categories","images":[...],"annotations":[...]}}.
 *
 * <ul>
 *   <li>{@code categories}: the campaign's labels in order, ids from 1.
 *   <li>{@code images}: one per item, {@code id} the item's id, {@code file_name} the last segment of
 *       its image URL's path (the item's id where there is none), {@code coco_url} the URL,
 *       {@code width}/{@code height} as uploaded; and {@code labelledger}: the item's external id, the
 *       aggregate's confidence and the {@code leaves} (EIP-712 digests of the contributions behind
 *       it) that prove it against the version's content root.
 *   <li>{@code annotations}: one per aggregated box, {@code bbox} {@code [x, y, w, h]} in pixels from
 *       the top-left corner (COCO's convention, and the signed answers'), {@code area} w × h,
 *       {@code iscrowd} 0, and {@code score}: the model's confidence that the box is a real object.
 *       Ids number the boxes from 1 in the export's order, which is the version's.
 * </ul>
 */
final class ExportCoco {
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();
  private final List<String> labels;
  private long images;
  private long annotations;

  ExportCoco(List<String> labels) {
    this.labels = List.copyOf(labels);
  }

  /** Everything before the first image. */
  String head(String name) {
    StringBuilder out = new StringBuilder("{\"info\":{\"description\":\"");
    ENCODER.quoteAsString(name, out);
    out.append("\",\"contributor\":\"LabelLedger\"},\"licenses\":[],\"categories\":[");
    for (int i = 0; i < labels.size(); i++) {
      out.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"name\":\"");
      ENCODER.quoteAsString(labels.get(i), out);
      out.append("\",\"supercategory\":\"object\"}");
    }
    return out.append("],\"images\":[").toString();
  }

  String between() {
    return "],\"annotations\":[";
  }

  String tail() {
    return "]}";
  }

  /** Appends the item's image entry. */
  boolean image(StringBuilder out, ExportRow row) {
    JsonNode data = CanonicalJson.read(row.dataJson());
    String url = data.path("image").asText("");
    out.append(images++ == 0 ? "" : ",").append("{\"id\":").append(row.itemId()).append(",\"file_name\":\"");
    ENCODER.quoteAsString(fileName(url, row.externalId()), out);
    out.append("\",\"coco_url\":\"");
    ENCODER.quoteAsString(url, out);
    out.append("\",\"width\":").append(data.path("width").asLong())
        .append(",\"height\":").append(data.path("height").asLong())
        .append(",\"labelledger\":{\"item\":\"");
    ENCODER.quoteAsString(row.externalId(), out);
    out.append("\",\"confidence\":").append(row.confidence()).append(",\"leaves\":[");
    for (int i = 0; i < row.leaves().size(); i++) {
      out.append(i == 0 ? "\"" : ",\"").append(Hex.encode(row.leaves().get(i))).append('"');
    }
    out.append("]}}");
    return true;
  }

  /** Appends the item's aggregated boxes (its label, parsed) as annotations. */
  boolean annotations(StringBuilder out, long itemId, List<ScoredBox> boxes) {
    for (ScoredBox scored : boxes) {
      Box b = scored.box();
      out.append(annotations++ == 0 ? "" : ",").append("{\"id\":").append(annotations)
          .append(",\"image_id\":").append(itemId)
          .append(",\"category_id\":").append(labels.indexOf(b.label()) + 1)
          .append(",\"bbox\":[").append(b.x()).append(',').append(b.y()).append(',')
          .append(b.w()).append(',').append(b.h()).append("],\"area\":").append((long) b.w() * b.h())
          .append(",\"iscrowd\":0,\"score\":").append(Math.round(scored.confidence() * 10_000) / 10_000.0)
          .append('}');
    }
    return true;
  }

  /** The image's file name in a folder of the downloaded images: its URL's last path segment. */
  static String fileName(String url, String fallback) {
    try {
      String path = URI.create(url).getPath();
      if (path != null) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (!last.isEmpty()) {
          return last;
        }
      }
    } catch (IllegalArgumentException e) {
      // not a URI: fall back
    }
    return fallback;
  }
}
