package io.labelledger.consent;

import io.labelledger.signing.TypedData;
import io.labelledger.signing.TypedDomain;
import io.labelledger.signing.TypedField;
import io.labelledger.signing.Uint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * Bodies of {@code POST /api/consents} and {@code POST /api/revocations}: the eth_signTypedData_v4
 * object exactly as the wallet signed it, and the signature. Decoded strictly (unknown fields are
 * refused at any depth) and validated once at the edge.
 */
public final class SignedConsentRequests {
  private SignedConsentRequests() {}

  private static final String ADDRESS = "0x[0-9a-fA-F]{40}";
  private static final String BYTES32 = "0x[0-9a-fA-F]{64}";

  public record ConsentFields(
      @NotNull @Pattern(regexp = ADDRESS, message = "must be 0x + 40 hex digits") String contributor,
      @NotNull @Pattern(regexp = BYTES32, message = "must be 0x + 64 hex digits") String termsHash,
      @NotNull Uint expiresAt,
      @NotNull Uint nonce,
      @NotNull Uint deadline) {}

  public record RevocationFields(
      @NotNull @Pattern(regexp = ADDRESS, message = "must be 0x + 40 hex digits") String contributor,
      @NotNull @Pattern(regexp = BYTES32, message = "must be 0x + 64 hex digits") String termsHash,
      @NotNull Uint nonce,
      @NotNull Uint deadline) {}

  public record ConsentTypedData(
      @NotNull Map<String, @NotNull List<@NotNull @Valid TypedField>> types,
      @NotNull String primaryType,
      @NotNull @Valid TypedDomain domain,
      @NotNull @Valid ConsentFields message) implements TypedData {}

  public record RevocationTypedData(
      @NotNull Map<String, @NotNull List<@NotNull @Valid TypedField>> types,
      @NotNull String primaryType,
      @NotNull @Valid TypedDomain domain,
      @NotNull @Valid RevocationFields message) implements TypedData {}

  public record ConsentRequest(@NotNull @Valid ConsentTypedData typedData, @NotNull String signature) {}

  public record RevocationRequest(@NotNull @Valid RevocationTypedData typedData, @NotNull String signature) {}
}
