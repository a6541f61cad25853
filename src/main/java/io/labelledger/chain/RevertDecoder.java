package io.labelledger.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Turns the revert data of a failed call into the custom error that produced it, for every
 * error declared in the project's contract ABIs (bundled on the classpath under
 * {@code contracts/}). This is the one place that knows the selectors.
 */
public final class RevertDecoder {
  /** A decoded custom error: its name, canonical signature and argument values. */
  public record ContractError(String name, String signature, List<Object> args) {
    @Override
    public String toString() {
      return name + args;
    }
  }

  private record ErrorDef(String name, String signature, List<TypeReference<Type>> types) {}

  private static final String[] CONTRACTS = {
    "ConsentRegistry", "ProvenanceRegistry", "DataMarketplace", "TestToken", "HostileToken"
  };
  private static final RevertDecoder INSTANCE = new RevertDecoder(loadAll());

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, ErrorDef> bySelector;

  private RevertDecoder(Map<String, ErrorDef> bySelector) {
    this.bySelector = Map.copyOf(bySelector);
  }

  public static RevertDecoder instance() {
    return INSTANCE;
  }

  /** The 4-byte selector, as 0x-prefixed hex, of an error signature like {@code Foo(uint256)}. */
  public static String selector(String signature) {
    return Hash.sha3String(signature).substring(0, 10);
  }

  /** The known error names, for tests that must cover every one of them. */
  public List<String> signatures() {
    return bySelector.values().stream().map(ErrorDef::signature).sorted().distinct().toList();
  }

  /** The name of the custom error with this 4-byte selector (0x + 8 hex digits), e.g. from ConsentRelaySkipped. */
  public Optional<String> errorName(String selector) {
    ErrorDef def = selector == null ? null : bySelector.get(selector.toLowerCase());
    return Optional.ofNullable(def).map(ErrorDef::name);
  }

  /**
   * The revert bytes a node put in a JSON-RPC error reply, or null when it holds none. Nodes differ:
   * a plain hex string (geth, Anvil, Ganache for calls), an object with the bytes under
   * {@code result} (Ganache for some transactions) or under {@code data} (Hardhat, whose
   * {@code message} repeats them inside prose).
   */
  public static String revertData(org.web3j.protocol.core.Response.Error error) {
    return error == null ? null : revertBytes(error.getData());
  }

  private static String revertBytes(Object data) {
    if (data == null) {
      return null;
    }
    if (data instanceof Map<?, ?> object) {
      for (String key : List.of("data", "result")) {
        String found = revertBytes(object.get(key));
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    String text = data.toString().trim();
    if (text.startsWith("{")) { // web3j keeps an object as its JSON text (then each member is parsed)
      try {
        return revertBytes(JSON.readValue(text, Map.class));
      } catch (IOException notJson) {
        return null;
      }
    }
    text = text.replace("\"", "");
    return text.matches("0x[0-9a-fA-F]*") ? text : null;
  }

  /**
   * Decodes revert data ({@code 0x} + selector + ABI-encoded arguments).
   *
   * @return the error, or empty when the data is absent or not one of the project's errors
   */
  public Optional<ContractError> decode(String revertData) {
    if (revertData == null || revertData.length() < 10) {
      return Optional.empty();
    }
    String hex = Numeric.prependHexPrefix(revertData.trim());
    ErrorDef def = bySelector.get(hex.substring(0, 10).toLowerCase());
    if (def == null) {
      return Optional.empty();
    }
    List<Type> values = FunctionReturnDecoder.decode("0x" + hex.substring(10), def.types());
    List<Object> args = new ArrayList<>(values.size());
    for (Type value : values) {
      args.add(value.getValue() instanceof byte[] b ? Numeric.toHexString(b) : value.getValue());
    }
    return Optional.of(new ContractError(def.name(), def.signature(), List.copyOf(args)));
  }

  private static Map<String, ErrorDef> loadAll() {
    ObjectMapper json = new ObjectMapper();
    Map<String, ErrorDef> out = new HashMap<>();
    for (String contract : CONTRACTS) {
      String resource = "contracts/" + contract + ".abi";
      try (InputStream in = RevertDecoder.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing ABI on the classpath: " + resource);
        }
        for (JsonNode entry : json.readTree(in)) {
          if ("error".equals(entry.path("type").asText())) {
            ErrorDef def = toDef(entry);
            out.put(selector(def.signature()), def);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static ErrorDef toDef(JsonNode entry) {
    List<String> canonical = new ArrayList<>();
    List<TypeReference<Type>> types = new ArrayList<>();
    for (JsonNode input : entry.path("inputs")) {
      String type = canonicalType(input);
      canonical.add(type);
      try {
        types.add((TypeReference<Type>) (TypeReference<?>) TypeReference.makeTypeReference(type));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("unsupported error argument type " + type, e);
      }
    }
    String name = entry.path("name").asText();
    return new ErrorDef(name, name + "(" + String.join(",", canonical) + ")", types);
  }

  private static String canonicalType(JsonNode input) {
    String type = input.path("type").asText();
    if (!type.startsWith("tuple")) {
      return type;
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode component : input.path("components")) {
      parts.add(canonicalType(component));
    }
    return "(" + String.join(",", parts) + ")" + type.substring("tuple".length());
  }
}
