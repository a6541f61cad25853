package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What counts as LabelLedger's code at an address: the compiled runtime code, whatever its
 * constructor wrote into the immutables and whatever metadata hash solc appended, and nothing else.
 */
class ContractCodeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void recognisesTheCompiledCodeWhateverItsImmutablesAndMetadataHold() throws IOException {
    ContractCode registry = ContractCode.of("ProvenanceRegistry");
    JsonNode compiled = compiled("ProvenanceRegistry");
    byte[] deployed = Hex.decode(compiled.get("code").asText());
    assertThat(compiled.get("immutables")).as("the EIP-712 domain's cached values").isNotEmpty();
    for (JsonNode r : compiled.get("immutables")) {
      Arrays.fill(deployed, r.get("start").asInt(), r.get("start").asInt() + r.get("length").asInt(), (byte) 0x5a);
    }
    int metadata = compiled.get("metadataLength").asInt();
    deployed[deployed.length - metadata + 10] ^= 1; // another source text, e.g. a comment changed
    assertThat(registry.difference(deployed)).isEmpty();
  }

  @Test
  void refusesCodeThatDiffersInOneExecutableByte() throws IOException {
    ContractCode market = ContractCode.of("DataMarketplace");
    byte[] deployed = Hex.decode(compiled("DataMarketplace").get("code").asText());
    assertThat(market.difference(deployed)).isEmpty();
    deployed[1234] ^= 1;
    assertThat(market.difference(deployed)).hasValueSatisfying(d ->
        assertThat(d).contains("differs from LabelLedger's DataMarketplace at byte 1234"));
  }

  @Test
  void refusesAnotherContractAndAnAccountWithoutCode() throws IOException {
    ContractCode market = ContractCode.of("DataMarketplace");
    byte[] registry = Hex.decode(compiled("ProvenanceRegistry").get("code").asText());
    assertThat(market.difference(registry)).hasValueSatisfying(d ->
        assertThat(d).contains(registry.length + " bytes of code, not LabelLedger's DataMarketplace"));
    assertThat(market.difference(new byte[0])).hasValue("no contract (no code)");
  }

  private static JsonNode compiled(String contract) throws IOException {
    try (InputStream in = ContractCodeTest.class.getClassLoader()
        .getResourceAsStream("contracts/" + contract + ".runtime.json")) {
      return JSON.readTree(in);
    }
  }
}
