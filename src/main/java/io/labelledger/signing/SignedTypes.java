package io.labelledger.signing;

import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EIP-712 struct types the service accepts, in the JSON form of eth_signTypedData_v4, derived
 * from the type strings the contracts hash (so the published form and the hashed form cannot drift).
 */
public final class SignedTypes {
  public static final String DOMAIN = "EIP712Domain";
  public static final String CONSENT = "Consent";
  public static final String REVOCATION = "Revocation";
  public static final String CONTRIBUTION = "Contribution";

  public static final List<TypedField> DOMAIN_FIELDS = parse(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  public static final List<TypedField> CONSENT_FIELDS = parse(ConsentMessages.CONSENT_TYPE);
  public static final List<TypedField> REVOCATION_FIELDS = parse(ConsentMessages.REVOCATION_TYPE);
  public static final List<TypedField> CONTRIBUTION_FIELDS = parse(ContributionMessage.TYPE);

  private SignedTypes() {}

  /** {@code types} of a typed-data object whose primary type is {@code primary}. */
  public static Map<String, List<TypedField>> typesOf(String primary) {
    Map<String, List<TypedField>> types = new LinkedHashMap<>();
    types.put(DOMAIN, DOMAIN_FIELDS);
    types.put(primary, fieldsOf(primary));
    return types;
  }

  public static List<TypedField> fieldsOf(String primary) {
    return switch (primary) {
      case CONSENT -> CONSENT_FIELDS;
      case REVOCATION -> REVOCATION_FIELDS;
      case CONTRIBUTION -> CONTRIBUTION_FIELDS;
      default -> throw new IllegalArgumentException("not a signed type of ours: " + primary);
    };
  }

  /** {@code Name(type a,type b)} → [{a, type}, {b, type}]. */
  static List<TypedField> parse(String encodedType) {
    String inner = encodedType.substring(encodedType.indexOf('(') + 1, encodedType.length() - 1);
    List<TypedField> fields = new ArrayList<>();
    for (String member : inner.split(",")) {
      String[] parts = member.trim().split(" ");
      fields.add(new TypedField(parts[1], parts[0]));
    }
    return List.copyOf(fields);
  }
}
