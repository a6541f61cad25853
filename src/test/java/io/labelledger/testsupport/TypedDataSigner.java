package io.labelledger.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Deployment;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/**
 * Builds eth_signTypedData_v4 objects as a wallet would and signs them with web3j's generic
 * StructuredDataEncoder: an implementation independent of the service's own EIP-712 hashing.
 */
public final class TypedDataSigner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Map<String, String>> DOMAIN = fields(
      "name", "string", "version", "string", "chainId", "uint256", "verifyingContract", "address");
  private static final List<Map<String, String>> CONSENT = fields("contributor", "address", "termsHash", "bytes32",
      "expiresAt", "uint256", "nonce", "uint256", "deadline", "uint256");
  private static final List<Map<String, String>> REVOCATION = fields("contributor", "address", "termsHash", "bytes32",
      "nonce", "uint256", "deadline", "uint256");

  private static final List<Map<String, String>> CONTRIBUTION = fields("contributor", "address", "campaignId",
      "uint256", "itemId", "uint256", "answer", "string", "termsHash", "bytes32", "submittedAt", "uint256");

  private TypedDataSigner() {}

  /** A Contribution (domain = ProvenanceRegistry), as the task route hands it out with the answer filled in. */
  public static ObjectNode contribution(Deployment d, String contributor, long campaignId, long itemId, String answer,
      String termsHash, long submittedAt) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("contributor", contributor);
    message.put("campaignId", campaignId);
    message.put("itemId", itemId);
    message.put("answer", answer);
    message.put("termsHash", termsHash);
    message.put("submittedAt", submittedAt);
    return typedData("Contribution", CONTRIBUTION, domain("LabelLedger Provenance", d.chainId(),
        d.provenanceRegistry()), message);
  }

  public static ObjectNode consent(Deployment d, String contributor, String termsHash, long expiresAt, long nonce,
      long deadline) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("contributor", contributor);
    message.put("termsHash", termsHash);
    message.put("expiresAt", expiresAt);
    message.put("nonce", nonce);
    message.put("deadline", deadline);
    return typedData("Consent", CONSENT, domain("LabelLedger ConsentRegistry", d.chainId(), d.consentRegistry()),
        message);
  }

  public static ObjectNode revocation(Deployment d, String contributor, String termsHash, long nonce, long deadline) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("contributor", contributor);
    message.put("termsHash", termsHash);
    message.put("nonce", nonce);
    message.put("deadline", deadline);
    return typedData("Revocation", REVOCATION, domain("LabelLedger ConsentRegistry", d.chainId(), d.consentRegistry()),
        message);
  }

  public static Map<String, Object> domain(String name, long chainId, String contract) {
    Map<String, Object> domain = new LinkedHashMap<>();
    domain.put("name", name);
    domain.put("version", "1");
    domain.put("chainId", chainId);
    domain.put("verifyingContract", contract);
    return domain;
  }

  private static ObjectNode typedData(String primary, List<Map<String, String>> fields, Map<String, Object> domain,
      Map<String, Object> message) {
    Map<String, Object> types = new LinkedHashMap<>();
    types.put("EIP712Domain", DOMAIN);
    types.put(primary, fields);
    Map<String, Object> td = new LinkedHashMap<>();
    td.put("types", types);
    td.put("primaryType", primary);
    td.put("domain", domain);
    td.put("message", message);
    return JSON.valueToTree(td);
  }

  /** The 65-byte (r, s, v = 27/28) signature of the typed data's EIP-712 digest, as 0x-hex. */
  public static String sign(JsonNode typedData, Credentials signer) {
    try {
      byte[] digest = new StructuredDataEncoder(JSON.writeValueAsString(typedData)).hashStructuredData();
      Sign.SignatureData sig = Sign.signMessage(digest, signer.getEcKeyPair(), false);
      byte[] out = new byte[65];
      System.arraycopy(sig.getR(), 0, out, 0, 32);
      System.arraycopy(sig.getS(), 0, out, 32, 32);
      out[64] = sig.getV()[0];
      return Numeric.toHexString(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code {"typedData": ..., "signature": ...}}: the body of every signed request. */
  public static Map<String, Object> body(JsonNode typedData, String signature) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("typedData", typedData);
    body.put("signature", signature);
    return body;
  }

  public static Map<String, Object> signed(JsonNode typedData, Credentials signer) {
    return body(typedData, sign(typedData, signer));
  }

  private static List<Map<String, String>> fields(String... pairs) {
    List<Map<String, String>> out = new java.util.ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("name", pairs[i]);
      f.put("type", pairs[i + 1]);
      out.add(f);
    }
    return out;
  }
}
