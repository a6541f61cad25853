package io.labelledger.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/**
 * Strict parser of the EIP-4361 message format: fields in the order the ABNF gives, LF line
 * ends only, nothing before or after. The one leniency: without a statement, both the ABNF form
 * (two empty lines after the address) and the common single empty line are accepted, since
 * widely used libraries produce the latter.
 */
public final class SiweParser {
  private static final String HEADER_SUFFIX = " wants you to sign in with your Ethereum account:";
  private static final Pattern HEADER = Pattern.compile(
      "(?:([A-Za-z][A-Za-z0-9+\\-.]*)://)?([A-Za-z0-9.\\-\\[\\]:@%_~!$&'()*+,;=]+)"
          + Pattern.quote(HEADER_SUFFIX));
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{8,}");
  private static final Pattern CHAIN_ID = Pattern.compile("[1-9][0-9]{0,17}");
  private static final int MAX_LENGTH = 8192;

  private SiweParser() {}

  /** Thrown with a reason naming the offending line or field. */
  public static final class InvalidSiweMessage extends Exception {
    public InvalidSiweMessage(String reason) {
      super(reason, null, false, false);
    }
  }

  public static SiweMessage parse(String raw) throws InvalidSiweMessage {
    if (raw == null || raw.isEmpty()) {
      throw new InvalidSiweMessage("message is empty");
    }
    if (raw.length() > MAX_LENGTH) {
      throw new InvalidSiweMessage("message is longer than " + MAX_LENGTH + " characters");
    }
    if (raw.indexOf('\r') >= 0) {
      throw new InvalidSiweMessage("lines must end with LF only (found CR)");
    }
    Lines lines = new Lines(raw.split("\n", -1));

    Matcher header = HEADER.matcher(lines.next("header"));
    if (!header.matches()) {
      throw new InvalidSiweMessage("line 1 must be '<domain>" + HEADER_SUFFIX + "'");
    }
    String scheme = header.group(1);
    String domain = header.group(2);

    String address = lines.next("address");
    if (!ADDRESS.matcher(address).matches()) {
      throw new InvalidSiweMessage("line 2 must be a 0x-prefixed 20-byte hex address");
    }
    if (!Keys.toChecksumAddress(address).equals(address)) {
      throw new InvalidSiweMessage("address must be in EIP-55 mixed-case checksum form");
    }
    lines.expectEmpty();

    String statement = null;
    String line = lines.peek();
    if (line != null && line.isEmpty()) {
      lines.next("blank");                 // ABNF: no statement, second empty line
    } else if (line != null && !line.startsWith("URI: ")) {
      statement = lines.next("statement");
      lines.expectEmpty();
    }

    String uri = lines.field("URI");
    requireAbsoluteUri(uri);
    String version = lines.field("Version");
    if (!"1".equals(version)) {
      throw new InvalidSiweMessage("Version must be 1");
    }
    String chainIdText = lines.field("Chain ID");
    if (!CHAIN_ID.matcher(chainIdText).matches()) {
      throw new InvalidSiweMessage("Chain ID must be a positive decimal integer");
    }
    String nonce = lines.field("Nonce");
    if (!NONCE.matcher(nonce).matches()) {
      throw new InvalidSiweMessage("Nonce must be at least 8 alphanumeric characters");
    }
    Instant issuedAt = timestamp("Issued At", lines.field("Issued At"));
    String expirationText = lines.optionalField("Expiration Time");
    Instant expirationTime = expirationText == null ? null : timestamp("Expiration Time", expirationText);
    String notBeforeText = lines.optionalField("Not Before");
    Instant notBefore = notBeforeText == null ? null : timestamp("Not Before", notBeforeText);
    String requestId = lines.optionalField("Request ID");
    List<String> resources = new ArrayList<>();
    if ("Resources:".equals(lines.peek())) {
      lines.next("Resources");
      while (lines.peek() != null && lines.peek().startsWith("- ")) {
        String resource = lines.next("resource").substring(2);
        requireAbsoluteUri(resource);
        resources.add(resource);
      }
    }
    if (lines.hasMore()) {
      throw new InvalidSiweMessage("unexpected content at line " + lines.number() + ": fields out of order or unknown");
    }
    return new SiweMessage(raw, scheme, domain, address, statement, uri, version,
        Long.parseLong(chainIdText), nonce, issuedAt, expirationTime, notBefore, requestId, resources);
  }

  private static void requireAbsoluteUri(String value) throws InvalidSiweMessage {
    try {
      if (!new URI(value).isAbsolute()) {
        throw new InvalidSiweMessage("'" + value + "' is not an absolute URI");
      }
    } catch (URISyntaxException e) {
      throw new InvalidSiweMessage("'" + value + "' is not a URI");
    }
  }

  private static Instant timestamp(String field, String value) throws InvalidSiweMessage {
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidSiweMessage(field + " must be an RFC 3339 date-time (e.g. 2025-01-01T00:00:00Z)");
    }
  }

  /** A cursor over the message's lines; a single trailing LF at the very end is tolerated. */
  private static final class Lines {
    private final String[] lines;
    private final int end;
    private int next;

    Lines(String[] lines) {
      this.lines = lines;
      this.end = lines.length > 1 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    }

    String peek() {
      return next < end ? lines[next] : null;
    }

    boolean hasMore() {
      return next < end;
    }

    int number() {
      return next + 1;
    }

    String next(String what) throws InvalidSiweMessage {
      if (next >= end) {
        throw new InvalidSiweMessage("message ends before the " + what + " line");
      }
      return lines[next++];
    }

    void expectEmpty() throws InvalidSiweMessage {
      int at = number();
      if (!next("empty").isEmpty()) {
        throw new InvalidSiweMessage("line " + at + " must be empty");
      }
    }

    String field(String name) throws InvalidSiweMessage {
      int at = number();
      String line = next(name);
      String prefix = name + ": ";
      if (!line.startsWith(prefix) || line.length() == prefix.length()) {
        throw new InvalidSiweMessage("line " + at + " must be '" + prefix + "<value>'");
      }
      return line.substring(prefix.length());
    }

    String optionalField(String name) throws InvalidSiweMessage {
      String line = peek();
      return line != null && line.startsWith(name + ": ") ? field(name) : null;
    }
  }
}
