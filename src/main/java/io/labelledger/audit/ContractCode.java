package io.labelledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How the verifier recognises one of LabelLedger's contracts at an address: its deployed code is
 * the runtime code solc produced for it in this build ({@code contracts/<Name>.runtime.json} on the
 * classpath, written by {@code node/compile.js}), byte for byte, except where two honest
 * deployments of the same contract differ:
 *
 * <ul>
 *   <li>immutables, written into the code by the constructor (the EIP-712 domain's cached name,
 *       version, chain id, address and separator); what the domain holds is checked apart, through
 *       {@code eip712Domain()};
 *   <li>the CBOR metadata solc appends (a hash of the sources' text, comments included, and the
 *       compiler version), which is never executed.
 * </ul>
 *
 * Another contract, a modified copy, a proxy in front of ours or an account without code all
 * differ. Asking view functions would not do: any contract can answer them with plausible words.
 * Immutable after loading; thread-safe.
 */
final class ContractCode {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String contract;
  private final byte[] code;
  /** {start, length} of each immutable's bytes in {@link #code}. */
  private final List<int[]> immutables;
  private final int metadataLength;

  private ContractCode(String contract, byte[] code, List<int[]> immutables, int metadataLength) {
    if (metadataLength < 2 || metadataLength > code.length) {
      throw new IllegalStateException(contract + ": metadata length " + metadataLength + " does not fit its "
          + code.length + " bytes of code");
    }
    for (int[] r : immutables) {
      if (r[0] < 0 || r[1] <= 0 || r[0] + r[1] > code.length - metadataLength) {
        throw new IllegalStateException(contract + ": immutable at " + r[0] + " (+" + r[1] + ") is outside its code");
      }
    }
    this.contract = contract;
    this.code = mask(code, immutables);
    this.immutables = List.copyOf(immutables);
    this.metadataLength = metadataLength;
  }

  /** The contract as compiled into this build; fails when the build did not put it on the classpath. */
  static ContractCode of(String contract) {
    String resource = "contracts/" + contract + ".runtime.json";
    try (InputStream in = ContractCode.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing on the classpath: " + resource + " (written by node/compile.js)");
      }
      JsonNode json = JSON.readTree(in);
      List<int[]> immutables = new ArrayList<>();
      for (JsonNode r : json.path("immutables")) {
        immutables.add(new int[] {r.path("start").asInt(), r.path("length").asInt()});
      }
      return new ContractCode(contract, Hex.decode(json.path("code").asText()), immutables,
          json.path("metadataLength").asInt());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  String contract() {
    return contract;
  }

  /** Empty when {@code deployed} (the code at an address) is this contract's; else how it differs. */
  Optional<String> difference(byte[] deployed) {
    if (deployed.length == 0) {
      return Optional.of("no contract (no code)");
    }
    if (deployed.length != code.length) {
      return Optional.of(deployed.length + " bytes of code, not LabelLedger's " + contract + " (" + code.length
          + " bytes)");
    }
    byte[] masked = mask(deployed, immutables);
    int executable = code.length - metadataLength;
    int at = Arrays.mismatch(masked, 0, executable, code, 0, executable);
    if (at >= 0) {
      return Optional.of("code that differs from LabelLedger's " + contract + " at byte " + at + " of " + code.length);
    }
    return Optional.empty();
  }

  private static byte[] mask(byte[] code, List<int[]> immutables) {
    byte[] out = code.clone();
    for (int[] r : immutables) {
      Arrays.fill(out, r[0], r[0] + r[1], (byte) 0);
    }
    return out;
  }
}
