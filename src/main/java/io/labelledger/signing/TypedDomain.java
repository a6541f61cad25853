package io.labelledger.signing;

import io.labelledger.chain.Eip712;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** The {@code domain} of a typed-data request. */
public record TypedDomain(
    @NotNull String name,
    @NotNull String version,
    @NotNull @Valid Uint chainId,
    @NotNull @Pattern(regexp = "0x[0-9a-fA-F]{40}", message = "must be 0x + 40 hex digits") String verifyingContract) {

  public static TypedDomain of(Eip712.Domain domain) {
    return new TypedDomain(domain.name(), domain.version(), Uint.of(domain.chainId()), domain.verifyingContract());
  }
}
