package io.labelledger.auth;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/auth/siwe}: the exact signed EIP-4361 text and its personal_sign signature. */
public record SiweRequest(
    @NotNull @Size(min = 1, max = 8192) String message,
    @NotNull @Size(min = 1, max = 200) String signature) {}
