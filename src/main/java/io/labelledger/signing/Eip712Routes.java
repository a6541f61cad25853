package io.labelledger.signing;

import io.labelledger.answer.AnswerTypes;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/eip712} (public): the domains and struct types the service accepts, in the JSON
 * form of eth_signTypedData_v4, so any wallet can build what it signs without reading our code.
 */
public final class Eip712Routes implements ApiModule {
  private final Optional<SigningDomains> domains;
  private final JsonCodec json;

  public Eip712Routes(Optional<SigningDomains> domains, JsonCodec json) {
    this.domains = domains;
    this.json = json;
  }

  /**
   * @param primaryTypes for each signable type, the key of its domain in {@code domains}
   * @param contributionAnswers what {@code Contribution.answer} holds for each task type
   */
  public record Reply(long chainId, Map<String, TypedDomain> domains, Map<String, List<TypedField>> types,
      Map<String, String> primaryTypes, Map<String, String> contributionAnswers) {}

  /**
   * The answer encodings, per task type. Each task ({@code tasks/next}) also carries the JSON Schema
   * of its campaign's answers ({@code answerSchema}).
   */
  private static Map<String, String> answers() {
    Map<String, String> out = new LinkedHashMap<>();
    AnswerTypes.all().forEach(t -> out.put(t.wireName(), t.answerEncoding()));
    return out;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/eip712").handler(ctx -> {
      SigningDomains d = domains.orElseThrow(() -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE,
          "no chain is configured for this service"));
      Map<String, TypedDomain> byContract = new LinkedHashMap<>();
      byContract.put("ConsentRegistry", TypedDomain.of(d.consent()));
      byContract.put("ProvenanceRegistry", TypedDomain.of(d.provenance()));
      Map<String, List<TypedField>> types = new LinkedHashMap<>();
      types.put(SignedTypes.DOMAIN, SignedTypes.DOMAIN_FIELDS);
      types.put(SignedTypes.CONSENT, SignedTypes.CONSENT_FIELDS);
      types.put(SignedTypes.REVOCATION, SignedTypes.REVOCATION_FIELDS);
      types.put(SignedTypes.CONTRIBUTION, SignedTypes.CONTRIBUTION_FIELDS);
      Map<String, String> primary = new LinkedHashMap<>();
      primary.put(SignedTypes.CONSENT, "ConsentRegistry");
      primary.put(SignedTypes.REVOCATION, "ConsentRegistry");
      primary.put(SignedTypes.CONTRIBUTION, "ProvenanceRegistry");
      json.respond(ctx, 200, new Reply(d.consent().chainId(), byContract, types, primary, answers()));
    });
  }
}
