package io.labelledger.chain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where the contracts live on one chain, as recorded at deployment (in {@code dataDir/deployment.json})
 * so that restarts reuse them. {@code paymentToken} is the local test token, or whichever ERC-20 a
 * production deployment names.
 */
@JsonIgnoreProperties(ignoreUnknown = true) // labelledger deploy adds transactions, roles, compiler
public record Deployment(
    long chainId,
    String consentRegistry,
    String provenanceRegistry,
    String marketplace,
    String paymentToken,
    String deployer,
    long deployedAtBlock) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Deployment {
    Hex.requireAddress(consentRegistry);
    Hex.requireAddress(provenanceRegistry);
    Hex.requireAddress(marketplace);
    Hex.requireAddress(paymentToken);
  }

  public static Deployment read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), Deployment.class);
  }

  /** Writes atomically: a crash mid-write never leaves a half record that a restart would trust. */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
