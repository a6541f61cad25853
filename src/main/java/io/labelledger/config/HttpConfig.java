package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** @param port 0 picks a free port (tests); the bound port is logged and returned by the App. */
public record HttpConfig(@NotBlank String host, @Min(0) @Max(65535) int port) {}
