package io.labelledger.answer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for typed answers: a typed answer is signed as the
 * canonical JSON of its value, and the service refuses any other spelling of it, so one answer has
 * exactly one string and so one EIP-712 digest. Canonicalization itself is the reference
 * implementation's ({@code org.erdtman.jcs}); duplicate keys, which RFC 8785 leaves to the parser,
 * are refused.
 */
public final class CanonicalJson {
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private CanonicalJson() {}

  /**
   * Parses a signed answer of {@code type} and checks that it is already canonical.
   *
   * @throws ApiException ANSWER_MALFORMED when it is not one JSON value, ANSWER_NOT_CANONICAL (with
   *     the canonical form in its details) when it is another spelling of one
   */
  public static JsonNode parse(String type, String answer) {
    JsonNode node;
    try {
      node = STRICT.readTree(answer);
    } catch (JacksonException e) {
      throw new ApiException(ErrorCode.ANSWER_MALFORMED, type, "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new ApiException(ErrorCode.ANSWER_MALFORMED, type, "empty");
    }
    String canonical = of(node);
    if (!canonical.equals(answer)) {
      throw new ApiException(ErrorCode.ANSWER_NOT_CANONICAL, Map.of("canonical", canonical), type, canonical);
    }
    return node;
  }

  /** The canonical text of a JSON value. */
  public static String of(JsonNode node) {
    try {
      return new JsonCanonicalizer(STRICT.writeValueAsString(node)).getEncodedString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The canonical text of a Java value (maps, lists, strings, numbers, booleans). */
  public static String of(Object value) {
    return of(STRICT.valueToTree(value));
  }

  /** A number as RFC 8785 writes it (shortest round-trip form, no exponent for ordinary magnitudes). */
  public static String number(double value) {
    try {
      return NumberToJSON.serializeNumber(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON number: " + value, e);
    }
  }

  /** Reads stored canonical JSON (written by the service itself). */
  public static JsonNode read(String json) {
    try {
      return STRICT.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("stored answer is not JSON: " + json, e);
    }
  }
}
