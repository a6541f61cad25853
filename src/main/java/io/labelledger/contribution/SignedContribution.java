package io.labelledger.contribution;

import io.labelledger.http.HexString;
import io.labelledger.signing.TypedData;
import io.labelledger.signing.TypedDomain;
import io.labelledger.signing.TypedField;
import io.labelledger.signing.Uint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/contributions}: the eth_signTypedData_v4 object of a Contribution
 * exactly as signed (what {@code tasks/next} handed out, with the answer filled in) and its
 * signature. Also the shape {@code tasks/next} replies with.
 */
public final class SignedContribution {
  private SignedContribution() {}

  public record Fields(
      @NotNull @HexString(digits = 40) String contributor,
      @NotNull Uint campaignId,
      @NotNull Uint itemId,
      @NotNull @Size(max = 10_000) String answer,
      @NotNull @HexString(digits = 64) String termsHash,
      @NotNull Uint submittedAt) {}

  /**
   * {@code types} is not validated member by member: {@link io.labelledger.signing.TypedDataChecks}
   * compares it with ours exactly, so a missing or malformed member is refused there
   * (TYPED_DATA_MISMATCH), and the hot path of the service does not pay for a cascade into every
   * member of every type of every submission.
   */
  public record Typed(
      @NotNull Map<String, List<TypedField>> types,
      @NotNull String primaryType,
      @NotNull @Valid TypedDomain domain,
      @NotNull @Valid Fields message) implements TypedData {}

  public record Request(@NotNull @Valid Typed typedData, @NotNull String signature) {}
}
