package io.labelledger.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.NodeScript;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.utils.Numeric;

/** Our tree must give the same roots and proofs as OpenZeppelin's own JS library. */
class StandardMerkleTreeCompatibilityIT {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64, 333})
  void sharesTreeMatchesOpenZeppelin(int n) {
    Random random = new Random(n);
    List<List<String>> values = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] account = new byte[20];
      random.nextBytes(account);
      BigInteger shares = BigInteger.valueOf(1 + random.nextInt(1_000_000));
      String address = Numeric.toHexString(account);
      values.add(List.of(Integer.toString(i), address, shares.toString()));
      String encoded = TypeEncoder.encode(new Uint256(i)) + TypeEncoder.encode(new Address(address))
          + TypeEncoder.encode(new Uint256(shares));
      leaves.add(StandardMerkleTree.leafHash(Numeric.hexStringToByteArray(encoded)));
    }
    assertSameAsReference(StandardMerkleTree.of(leaves),
        NodeScript.run("merkle.js", Map.of("types", List.of("uint256", "address", "uint256"), "values", values)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 256})
  void digestTreeMatchesOpenZeppelin(int n) {
    Random random = new Random(1000 + n);
    List<List<String>> values = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      values.add(List.of(Numeric.toHexString(digest)));
      leaves.add(StandardMerkleTree.leafHash(Numeric.hexStringToByteArray(TypeEncoder.encode(new Bytes32(digest)))));
    }
    assertSameAsReference(StandardMerkleTree.of(leaves),
        NodeScript.run("merkle.js", Map.of("types", List.of("bytes32"), "values", values)));
  }

  private static void assertSameAsReference(StandardMerkleTree tree, JsonNode reference) {
    assertThat(Numeric.toHexString(tree.root())).isEqualTo(reference.get("root").asText());
    for (int i = 0; i < tree.size(); i++) {
      List<String> expected = new ArrayList<>();
      reference.get("proofs").get(i).forEach(node -> expected.add(node.asText()));
      assertThat(tree.proof(i).stream().map(Numeric::toHexString).toList()).as("proof of leaf %d", i)
          .isEqualTo(expected);
      assertThat(StandardMerkleTree.verify(tree.root(), tree.leaf(i), tree.proof(i))).isTrue();
    }
  }
}
