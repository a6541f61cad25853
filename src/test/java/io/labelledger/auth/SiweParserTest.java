package io.labelledger.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SiweParserTest {
  private static final String ADDRESS = "0x90F8bf6A479f320ead074411a4B0e7944Ea8c9C1";
  private static final String FULL = """
      https://service.example wants you to sign in with your Ethereum account:
      0x90F8bf6A479f320ead074411a4B0e7944Ea8c9C1

      I accept the LabelLedger terms.

      URI: https://service.example/login
      Version: 1
      Chain ID: 1337
      Nonce: abcdEFGH1234
      Issued At: 2025-01-02T03:04:05.678Z
      Expiration Time: 2025-01-02T04:04:05+01:00
      Not Before: 2025-01-02T03:00:00Z
      Request ID: req-1
      Resources:
      - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
      - https://example.com/my-web2-claim.json""";

  private static String minimal(String between) {
    return "service.example wants you to sign in with your Ethereum account:\n" + ADDRESS + "\n" + between
        + "URI: https://service.example\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2025-01-02T03:04:05Z";
  }

  @Test
  void parsesEveryFieldOfAFullMessage() throws Exception {
    SiweMessage m = SiweParser.parse(FULL);
    assertThat(m.scheme()).isEqualTo("https");
    assertThat(m.domain()).isEqualTo("service.example");
    assertThat(m.address()).isEqualTo(ADDRESS);
    assertThat(m.statement()).isEqualTo("I accept the LabelLedger terms.");
    assertThat(m.uri()).isEqualTo("https://service.example/login");
    assertThat(m.chainId()).isEqualTo(1337);
    assertThat(m.nonce()).isEqualTo("abcdEFGH1234");
    assertThat(m.issuedAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
    assertThat(m.expirationTime()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
    assertThat(m.notBefore()).isEqualTo(Instant.parse("2025-01-02T03:00:00Z"));
    assertThat(m.requestId()).isEqualTo("req-1");
    assertThat(m.resources()).hasSize(2);
    assertThat(m.raw()).isEqualTo(FULL);
  }

  @Test
  void acceptsNoStatementInTheAbnfFormAndTheCommonLibraryForm() throws Exception {
    assertThat(SiweParser.parse(minimal("\n\n")).statement()).isNull();
    assertThat(SiweParser.parse(minimal("\n")).statement()).isNull();
  }

  @Test
  void acceptsDomainWithPort() throws Exception {
    assertThat(SiweParser.parse(minimal("\n\n").replace("service.example wants", "localhost:8080 wants")).domain())
        .isEqualTo("localhost:8080");
  }

  private static void assertRefused(String message, String reasonFragment) {
    assertThatThrownBy(() -> SiweParser.parse(message))
        .isInstanceOf(SiweParser.InvalidSiweMessage.class)
        .hasMessageContaining(reasonFragment);
  }

  @Test
  void refusesAddressWithoutValidChecksum() {
    assertRefused(minimal("\n\n").replace(ADDRESS, ADDRESS.toLowerCase()), "EIP-55");
  }

  @Test
  void refusesOtherVersions() {
    assertRefused(minimal("\n\n").replace("Version: 1", "Version: 2"), "Version must be 1");
  }

  @Test
  void refusesShortNonce() {
    assertRefused(minimal("\n\n").replace("Nonce: 12345678", "Nonce: 1234"), "Nonce");
  }

  @Test
  void refusesTimestampsThatAreNotRfc3339() {
    assertRefused(minimal("\n\n").replace("2025-01-02T03:04:05Z", "yesterday"), "Issued At");
    assertRefused(minimal("\n\n").replace("2025-01-02T03:04:05Z", "2025-01-02T03:04:05"), "Issued At");
  }

  @Test
  void refusesFieldsOutOfOrder() {
    assertRefused(minimal("\n\n").replace("Version: 1\nChain ID: 1", "Chain ID: 1\nVersion: 1"), "Version");
  }

  @Test
  void refusesTrailingContent() {
    assertRefused(minimal("\n\n") + "\nSomething: else", "unexpected content");
  }

  @Test
  void refusesCarriageReturns() {
    assertRefused(minimal("\n\n").replace("\n", "\r\n"), "LF");
  }

  @Test
  void refusesMissingHeaderAndTruncatedMessages() {
    assertRefused("hello", "line 1");
    assertRefused(minimal("\n\n").substring(0, 120), "");
  }

  @Test
  void refusesNonAbsoluteUri() {
    assertRefused(minimal("\n\n").replace("URI: https://service.example", "URI: /relative"), "absolute");
  }
}
