package io.labelledger.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@link AuditBundle} in one pass with Jackson's streaming parser, handing each part to a
 * {@link Visitor} as soon as it is parsed: memory stays flat whatever the number of contributions.
 *
 * <p>Two kinds of problems: a file that is not a version-1 bundle (not JSON, another format or
 * version, members out of order, an unknown member, a bad header) stops the read with a
 * {@link BundleFormatException}; a single contribution or share with a missing or malformed field
 * is reported to the visitor ({@link Visitor#malformedContribution}, {@link Visitor#malformedShare})
 * and reading goes on, so that the verifier names it among the failures.
 *
 * <p>Not thread-safe; {@link #bytesRead()} may be read from another thread (progress display).
 */
public final class AuditBundleReader {
  private static final JsonFactory JSON = new JsonFactory();

  /** Receives the bundle's parts in file order. Exceptions thrown here abort the read. */
  public interface Visitor {
    /** The members before the contributions; called once, before anything else. */
    void header(AuditBundle.Header header);

    /** The contribution at {@code index} (0-based position in the array). */
    void contribution(long index, AuditBundle.Contribution contribution);

    /** The contribution at {@code index} could not be read; {@code message} says why. */
    void malformedContribution(long index, String message);

    /** The shares-tree leaf at {@code position} in the shares array. */
    void share(long position, AuditBundle.Share share);

    /** The shares entry at {@code position} could not be read. */
    void malformedShare(long position, String message);
  }

  private final JsonParser parser;
  private volatile long bytesRead;

  private AuditBundleReader(JsonParser parser) {
    this.parser = parser;
  }

  /** Reads the whole bundle from {@code in} (closed at the end) into {@code visitor}. */
  public static void read(InputStream in, Visitor visitor) throws IOException {
    new AuditBundleReader(JSON.createParser(in)).readInto(visitor);
  }

  /** A reader whose {@link #bytesRead()} can be watched while {@link #readInto} runs. */
  public static AuditBundleReader open(InputStream in) throws IOException {
    return new AuditBundleReader(JSON.createParser(in));
  }

  /** Bytes consumed so far (updated every few contributions). */
  public long bytesRead() {
    return bytesRead;
  }

  /** Reads the whole bundle into {@code visitor}; closes the input. */
  public void readInto(Visitor visitor) throws IOException {
    try (JsonParser p = parser) {
      readDocument(visitor);
    } catch (JsonParseException e) {
      throw new BundleFormatException("not valid JSON: " + e.getOriginalMessage() + " " + where());
    }
  }

  private void readDocument(Visitor visitor) throws IOException {
    expect(parser.nextToken(), JsonToken.START_OBJECT, "the bundle must be a JSON object");
    String format = null;
    Integer version = null;
    AuditBundle.Chain chain = null;
    AuditBundle.Dataset dataset = null;
    AuditBundle.SharesRule rule = null;
    boolean headerSent = false;
    boolean contributionsSeen = false;
    boolean sharesSeen = false;
    String name;
    while ((name = parser.nextFieldName()) != null) {
      switch (name) {
        case "format" -> {
          format = text("format");
          if (!AuditBundle.FORMAT.equals(format)) {
            throw new BundleFormatException("format is \"" + format + "\", not \"" + AuditBundle.FORMAT + "\"");
          }
        }
        case "version" -> {
          if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new BundleFormatException("version must be an integer " + where());
          }
          version = parser.getIntValue();
          if (version != AuditBundle.VERSION) {
            throw new BundleFormatException("bundle version " + version + " is not supported (this verifier reads "
                + AuditBundle.VERSION + ")");
          }
        }
        case "chain" -> chain = header("chain", this::readChain);
        case "dataset" -> dataset = header("dataset", this::readDataset);
        case "sharesRule" -> rule = header("sharesRule", this::readRule);
        case "contributions" -> {
          if (contributionsSeen) {
            throw new BundleFormatException("contributions appears twice");
          }
          headerSent = sendHeader(visitor, format, version, chain, dataset, rule, headerSent);
          readContributions(visitor);
          contributionsSeen = true;
        }
        case "shares" -> {
          if (sharesSeen) {
            throw new BundleFormatException("shares appears twice");
          }
          headerSent = sendHeader(visitor, format, version, chain, dataset, rule, headerSent);
          readShares(visitor);
          sharesSeen = true;
        }
        default -> throw new BundleFormatException("unknown member \"" + name + "\" " + where());
      }
    }
    if (!contributionsSeen || !sharesSeen) {
      throw new BundleFormatException("the bundle lacks " + (contributionsSeen ? "shares" : "contributions"));
    }
    if (parser.nextToken() != null) {
      throw new BundleFormatException("content after the end of the bundle " + where());
    }
    bytesRead = parser.currentLocation().getByteOffset();
  }

  private boolean sendHeader(Visitor visitor, String format, Integer version, AuditBundle.Chain chain,
      AuditBundle.Dataset dataset, AuditBundle.SharesRule rule, boolean alreadySent) throws BundleFormatException {
    if (alreadySent) {
      return true;
    }
    List<String> missing = new ArrayList<>();
    if (format == null) {
      missing.add("format");
    }
    if (version == null) {
      missing.add("version");
    }
    if (chain == null) {
      missing.add("chain");
    }
    if (dataset == null) {
      missing.add("dataset");
    }
    if (rule == null) {
      missing.add("sharesRule");
    }
    if (!missing.isEmpty()) {
      throw new BundleFormatException("members " + missing + " must come before contributions and shares");
    }
    visitor.header(new AuditBundle.Header(chain, dataset, rule));
    return true;
  }

  private interface ObjectReader<T> {
    T read() throws IOException;
  }

  private <T> T header(String member, ObjectReader<T> reader) throws IOException {
    expect(parser.nextToken(), JsonToken.START_OBJECT, member + " must be an object");
    try {
      return reader.read();
    } catch (IllegalArgumentException | MemberException e) {
      throw new BundleFormatException(member + ": " + e.getMessage());
    }
  }

  private AuditBundle.Chain readChain() throws IOException {
    Long chainId = null;
    String consent = null;
    String provenance = null;
    String market = null;
    String token = null;
    String name;
    while ((name = parser.nextFieldName()) != null) {
      switch (name) {
        case "chainId" -> chainId = longValue(name);
        case "consentRegistry" -> consent = text(name);
        case "provenanceRegistry" -> provenance = text(name);
        case "marketplace" -> market = text(name);
        case "paymentToken" -> token = text(name);
        default -> throw new MemberException("unknown member \"" + name + "\"");
      }
    }
    return new AuditBundle.Chain(required(chainId, "chainId"), consent, provenance, market, token);
  }

  private AuditBundle.Dataset readDataset() throws IOException {
    BigInteger id = null;
    byte[] contentRoot = null;
    byte[] sharesRoot = null;
    BigInteger totalShares = null;
    byte[] terms = null;
    Long count = null;
    String name;
    while ((name = parser.nextFieldName()) != null) {
      switch (name) {
        case "id" -> id = decimal(name);
        case "contentRoot" -> contentRoot = hex(name, 32);
        case "sharesRoot" -> sharesRoot = hex(name, 32);
        case "totalShares" -> totalShares = decimal(name);
        case "termsHash" -> terms = hex(name, 32);
        case "contributionCount" -> count = longValue(name);
        default -> throw new MemberException("unknown member \"" + name + "\"");
      }
    }
    return new AuditBundle.Dataset(required(id, "id"), required(contentRoot, "contentRoot"),
        required(sharesRoot, "sharesRoot"), required(totalShares, "totalShares"), required(terms, "termsHash"),
        required(count, "contributionCount"));
  }

  private AuditBundle.SharesRule readRule() throws IOException {
    String id = null;
    String description = null;
    java.util.TreeMap<BigInteger, Long> weights = new java.util.TreeMap<>();
    String name;
    while ((name = parser.nextFieldName()) != null) {
      switch (name) {
        case "id" -> id = text(name);
        case "description" -> description = text(name);
        case "weights" -> readWeights(weights);
        default -> throw new MemberException("unknown member \"" + name + "\"");
      }
    }
    return new AuditBundle.SharesRule(required(id, "id"), description, weights);
  }

  /** {@code {"<campaign id>": shares, ...}}: campaign ids as decimal member names, shares as integers. */
  private void readWeights(java.util.TreeMap<BigInteger, Long> weights) throws IOException {
    if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
      throw new MemberException("\"weights\" must be an object");
    }
    String campaign;
    while ((campaign = parser.nextFieldName()) != null) {
      if (!campaign.matches("0|[1-9][0-9]{0,77}")) {
        throw new MemberException("\"weights\" names campaign \"" + campaign + "\", not a decimal id");
      }
      long shares = longValue("weights." + campaign);
      if (weights.put(new BigInteger(campaign), shares) != null) {
        throw new MemberException("\"weights\" names campaign " + campaign + " twice");
      }
    }
  }

  private void readContributions(Visitor visitor) throws IOException {
    expect(parser.nextToken(), JsonToken.START_ARRAY, "contributions must be an array");
    long index = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new BundleFormatException("the contributions array is not closed");
      }
      if (token != JsonToken.START_OBJECT) {
        parser.skipChildren();
        visitor.malformedContribution(index++, "not a JSON object");
        continue;
      }
      AuditBundle.Contribution c;
      try {
        c = readContribution();
      } catch (IllegalArgumentException | MemberException e) {
        finishObject();
        visitor.malformedContribution(index++, e.getMessage());
        continue;
      }
      visitor.contribution(index++, c);
      if ((index & 255) == 0) {
        bytesRead = parser.currentLocation().getByteOffset();
      }
    }
  }

  private AuditBundle.Contribution readContribution() throws IOException {
    String id = null;
    String contributor = null;
    BigInteger campaignId = null;
    BigInteger itemId = null;
    byte[] answerHash = null;
    byte[] termsHash = null;
    Long submittedAt = null;
    byte[] signature = null;
    byte[] leaf = null;
    Long batchId = null;
    List<byte[]> proof = null;
    String name;
    while ((name = parser.nextFieldName()) != null) {
      switch (name) {
        case "id" -> id = text(name);
        case "contributor" -> contributor = text(name);
        case "campaignId" -> campaignId = decimal(name);
        case "itemId" -> itemId = decimal(name);
        case "answerHash" -> answerHash = hex(name, 32);
        case "termsHash" -> termsHash = hex(name, 32);
        case "submittedAt" -> submittedAt = longValue(name);
        case "signature" -> signature = hex(name, 65);
        case "leaf" -> leaf = hex(name, 32);
        case "batchId" -> batchId = longValue(name);
        case "proof" -> proof = proof();
        default -> throw new MemberException("unknown member \"" + name + "\"");
      }
    }
    return new AuditBundle.Contribution(id, required(contributor, "contributor"), required(campaignId, "campaignId"),
        required(itemId, "itemId"), required(answerHash, "answerHash"), required(termsHash, "termsHash"),
        required(submittedAt, "submittedAt"), required(signature, "signature"), required(leaf, "leaf"),
        required(batchId, "batchId"), required(proof, "proof"));
  }

  private List<byte[]> proof() throws IOException {
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      parser.skipChildren();
      throw new MemberException("proof must be an array of bytes32");
    }
    List<byte[]> nodes = new ArrayList<>(20);
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_STRING) {
        parser.skipChildren();
        skipRestOfArray();
        throw new MemberException("proof must be an array of bytes32");
      }
      byte[] node = decodeHex(32);
      if (node == null) {
        skipRestOfArray();
        throw new MemberException("proof node " + nodes.size() + " is not a bytes32 (0x + 64 hex digits)");
      }
      nodes.add(node);
    }
    return nodes;
  }

  private void readShares(Visitor visitor) throws IOException {
    expect(parser.nextToken(), JsonToken.START_ARRAY, "shares must be an array");
    long position = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new BundleFormatException("the shares array is not closed");
      }
      if (token != JsonToken.START_OBJECT) {
        parser.skipChildren();
        visitor.malformedShare(position++, "not a JSON object");
        continue;
      }
      try {
        Long index = null;
        String account = null;
        BigInteger shares = null;
        String name;
        while ((name = parser.nextFieldName()) != null) {
          switch (name) {
            case "index" -> index = longValue(name);
            case "account" -> account = text(name);
            case "shares" -> shares = decimal(name);
            default -> throw new MemberException("unknown member \"" + name + "\"");
          }
        }
        visitor.share(position++, new AuditBundle.Share(required(index, "index"), account,
            required(shares, "shares")));
      } catch (IllegalArgumentException | MemberException e) {
        finishObject();
        visitor.malformedShare(position++, e.getMessage());
      }
    }
  }

  // ------------------------------------------------------------------ values

  /** A problem with one member's value: the enclosing object is malformed. */
  private static final class MemberException extends RuntimeException {
    MemberException(String message) {
      super(message, null, false, false);
    }
  }

  private String text(String name) throws IOException {
    if (parser.nextToken() != JsonToken.VALUE_STRING) {
      parser.skipChildren();
      throw new MemberException(name + " must be a string");
    }
    return parser.getText();
  }

  private long longValue(String name) throws IOException {
    if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
        && parser.getNumberType() != JsonParser.NumberType.LONG) {
      parser.skipChildren();
      throw new MemberException(name + " must be an integer");
    }
    return parser.getLongValue();
  }

  private BigInteger decimal(String name) throws IOException {
    if (parser.nextToken() != JsonToken.VALUE_STRING) {
      parser.skipChildren();
      throw new MemberException(name + " must be a decimal string");
    }
    // Read in place (no String) unless the value is long or wrong: two of these a contribution.
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int len = parser.getTextLength();
    boolean digits = len > 0 && len <= 78 && (len == 1 || chars[offset] != '0');
    long small = 0;
    for (int i = 0; digits && i < len; i++) {
      char ch = chars[offset + i];
      digits = ch >= '0' && ch <= '9';
      small = small * 10 + (ch - '0'); // exact while len <= 18
    }
    if (!digits) {
      throw new MemberException(name + " must be a decimal string without leading zeros: \""
          + abbreviate(new String(chars, offset, len)) + "\"");
    }
    return len <= 18 ? BigInteger.valueOf(small) : new BigInteger(new String(chars, offset, len));
  }

  private byte[] hex(String name, int length) throws IOException {
    if (parser.nextToken() != JsonToken.VALUE_STRING) {
      parser.skipChildren();
      throw new MemberException(name + " must be a string");
    }
    byte[] value = decodeHex(length);
    if (value == null) {
      throw new MemberException(name + " must be 0x + " + (2 * length) + " hex digits");
    }
    return value;
  }

  /** Decodes the current string token as 0x + 2·length hex digits, or null when it is not. */
  private byte[] decodeHex(int length) throws IOException {
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int len = parser.getTextLength();
    if (len != 2 + 2 * length || chars[offset] != '0' || (chars[offset + 1] != 'x' && chars[offset + 1] != 'X')) {
      return null;
    }
    byte[] out = new byte[length];
    int at = offset + 2;
    int bad = 0;
    for (int i = 0; i < length; i++) {
      char h = chars[at++];
      char l = chars[at++];
      int hi = h < 128 ? HEX[h] : -1;
      int lo = l < 128 ? HEX[l] : -1;
      bad |= hi | lo; // negative as soon as one digit is not hex
      out[i] = (byte) ((hi << 4) | lo);
    }
    return bad < 0 ? null : out;
  }

  /** Value of an ASCII hex digit, -1 for any other character. */
  private static final int[] HEX = new int[128];

  static {
    java.util.Arrays.fill(HEX, -1);
    for (int i = 0; i < 10; i++) {
      HEX['0' + i] = i;
    }
    for (int i = 0; i < 6; i++) {
      HEX['a' + i] = 10 + i;
      HEX['A' + i] = 10 + i;
    }
  }

  private static <T> T required(T value, String name) {
    if (value == null) {
      throw new MemberException(name + " is missing");
    }
    return value;
  }

  /** Moves past the end of the array element being read, unless its closing brace was read already. */
  private void finishObject() throws IOException {
    if (!parser.getParsingContext().inArray()) {
      skipRestOfObject();
    }
  }

  private void skipRestOfObject() throws IOException {
    int depth = 1;
    while (depth > 0) {
      JsonToken t = parser.nextToken();
      if (t == null) {
        throw new BundleFormatException("unexpected end of the bundle");
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        depth--;
      }
    }
  }

  private void skipRestOfArray() throws IOException {
    skipRestOfObject(); // same depth counting: ends after the closing bracket
  }

  private void expect(JsonToken token, JsonToken wanted, String message) throws BundleFormatException {
    if (token != wanted) {
      throw new BundleFormatException(message + " " + where());
    }
  }

  private String where() {
    var at = parser.currentLocation();
    return "(line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private static String abbreviate(String text) {
    return text.length() <= 20 ? text : text.substring(0, 20) + "...";
  }
}
