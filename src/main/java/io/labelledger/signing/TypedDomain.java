package io.labelledger.signing;

import io.labelledger.chain.Eip712;
import io.labelledger.http.HexString;
import jakarta.validation.constraints.NotNull;

/** The {@code domain} of a typed-data request. */
public record TypedDomain(
    @NotNull String name,
    @NotNull String version,
    @NotNull Uint chainId,
    @NotNull @HexString(digits = 40) String verifyingContract) {

  public static TypedDomain of(Eip712.Domain domain) {
    return new TypedDomain(domain.name(), domain.version(), Uint.of(domain.chainId()), domain.verifyingContract());
  }
}
