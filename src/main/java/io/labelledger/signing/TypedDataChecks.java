package io.labelledger.signing;

import io.labelledger.chain.Eip712;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The checks every signed request passes before its digest is computed: the typed data is exactly
 * one of ours (primary type and types, member for member), and its domain is the service's
 * contract on the service's chain. Each mismatch has its own error code.
 */
public final class TypedDataChecks {
  private TypedDataChecks() {}

  public static void check(TypedData typedData, String primaryType, Eip712.Domain expected) {
    if (!primaryType.equals(typedData.primaryType())) {
      throw new ApiException(ErrorCode.TYPED_DATA_MISMATCH, Map.of("field", "typedData.primaryType"),
          "primaryType must be '" + primaryType + "', not '" + typedData.primaryType() + "'");
    }
    Map<String, List<TypedField>> types = typedData.types();
    Map<String, List<TypedField>> ours = SignedTypes.typesOf(primaryType);
    if (!types.keySet().equals(ours.keySet())) {
      throw new ApiException(ErrorCode.TYPED_DATA_MISMATCH, Map.of("field", "typedData.types"),
          "types must define exactly " + ours.keySet() + ", not " + types.keySet());
    }
    ours.forEach((name, fields) -> {
      if (!fields.equals(types.get(name))) {
        throw new ApiException(ErrorCode.TYPED_DATA_MISMATCH, Map.of("field", "typedData.types." + name),
            "types." + name + " must be " + describe(fields) + " (see GET /api/eip712)");
      }
    });
    TypedDomain domain = typedData.domain();
    if (!expected.name().equals(domain.name()) || !expected.version().equals(domain.version())) {
      throw new ApiException(ErrorCode.DOMAIN_MISMATCH,
          Map.of("expected", expected.name() + " v" + expected.version(), "actual", domain.name() + " v" + domain.version()),
          domain.name() + "' version '" + domain.version(), expected.name() + "' version '" + expected.version());
    }
    if (!domain.chainId().value().equals(BigInteger.valueOf(expected.chainId()))) {
      throw new ApiException(ErrorCode.CHAIN_ID_MISMATCH,
          Map.of("expected", expected.chainId(), "actual", domain.chainId().value()),
          domain.chainId().value(), expected.chainId());
    }
    if (!expected.verifyingContract().equalsIgnoreCase(domain.verifyingContract())) {
      throw new ApiException(ErrorCode.VERIFYING_CONTRACT_MISMATCH,
          Map.of("expected", expected.verifyingContract(), "actual", domain.verifyingContract().toLowerCase()),
          domain.verifyingContract().toLowerCase(), expected.name(), expected.verifyingContract());
    }
  }

  /** A uint that must fit a long (times in unix seconds, database ids). */
  public static long longValue(Uint value, String field) {
    if (!value.fitsLong()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, Map.of("field", field), field + " is too large");
    }
    return value.value().longValueExact();
  }

  private static String describe(List<TypedField> fields) {
    StringBuilder b = new StringBuilder("[");
    for (TypedField f : fields) {
      b.append(b.length() > 1 ? ", " : "").append(f.type()).append(' ').append(f.name());
    }
    return b.append(']').toString();
  }
}
