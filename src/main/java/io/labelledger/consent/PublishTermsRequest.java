package io.labelledger.consent;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/terms}. The text is hashed exactly as sent (UTF-8, no normalisation). */
public record PublishTermsRequest(
    @NotNull @NotBlank @Size(max = 60_000) String text,
    @Size(max = 2048) @Pattern(regexp = "(https?|ipfs|ar)://\\S+", message = "must be an http(s), ipfs or ar URI")
    String uri) {}
