package io.labelledger.signing;

import jakarta.validation.constraints.NotNull;

/** One member of an EIP-712 struct type, as eth_signTypedData_v4 lists it: {@code {"name", "type"}}. */
public record TypedField(@NotNull String name, @NotNull String type) {}
