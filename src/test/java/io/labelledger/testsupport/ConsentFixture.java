package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.RevertDecoder;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.ConsentRegistry.ConsentGrant;
import io.labelledger.chain.contracts.ConsentRegistry.ConsentRevocation;
import io.labelledger.consent.ConsentMessages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A deployed ConsentRegistry (admin = a fresh account of its own) and what its tests do with it: register
 * terms, sign Consent / Revocation messages in Java as a wallet would, build the raw calls that
 * {@link TestChain#expectRevert} simulates, and simulate calls that must succeed.
 */
public final class ConsentFixture {
  private final TestChain chain;
  private final Credentials adminAccount;
  private final ConsentRegistry admin;
  private final Eip712.Domain domain;

  private ConsentFixture(TestChain chain, Credentials adminAccount, ConsentRegistry admin) {
    this.chain = chain;
    this.adminAccount = adminAccount;
    this.admin = admin;
    this.domain = ConsentMessages.domain(chain.chainId(), admin.getContractAddress());
  }

  public static ConsentFixture deploy(TestChain chain) {
    Credentials adminAccount = chain.newAccount(10);
    try {
      return new ConsentFixture(chain, adminAccount, ConsentRegistry.deploy(chain.web3j(),
          chain.txManager(adminAccount), chain.gas(), adminAccount.getAddress()).send());
    } catch (Exception e) {
      throw new IllegalStateException("cannot deploy ConsentRegistry", e);
    }
  }

  /** The account holding DEFAULT_ADMIN_ROLE and TERMS_ADMIN_ROLE. */
  public Credentials admin() {
    return adminAccount;
  }

  /** The registry, sending as its admin. */
  public ConsentRegistry registry() {
    return admin;
  }

  public String address() {
    return admin.getContractAddress();
  }

  /** The EIP-712 domain of this registry on this chain. */
  public Eip712.Domain domain() {
    return domain;
  }

  /** The registry, sending as {@code who}. */
  public ConsentRegistry as(Credentials who) {
    return ConsentRegistry.load(address(), chain.web3j(), chain.txManager(who), chain.gas());
  }

  /** Registers {@code text}'s hash as terms; returns the hash. */
  public byte[] registerTerms(String text) {
    byte[] hash = Eip712.keccak(text);
    try {
      admin.registerTerms(hash, "https://labelledger.example/terms/" + Hex.encode(hash)).send();
    } catch (Exception e) {
      throw new IllegalStateException("cannot register terms", e);
    }
    return hash;
  }

  /** Registers fresh terms no other test uses. */
  public byte[] newTerms() {
    return registerTerms("LabelLedger terms " + UUID.randomUUID());
  }

  public BigInteger nonceOf(Credentials contributor, byte[] terms) throws Exception {
    return admin.nonceOf(contributor.getAddress(), terms).send();
  }

  public ConsentRegistry.ConsentRecord consentOf(Credentials contributor, byte[] terms) throws Exception {
    return admin.consentOf(contributor.getAddress(), terms).send();
  }

  // ------------------------------------------------------------------ signing

  /** A grant as relayed, with the signature that goes with it. */
  public record SignedGrant(ConsentGrant grant, byte[] signature) {}

  /** A revocation as relayed, with the signature that goes with it. */
  public record SignedRevocation(ConsentRevocation revocation, byte[] signature) {}

  /** A Consent signed by the contributor for this registry. */
  public SignedGrant signGrant(Credentials contributor, byte[] terms, long expiresAt, long nonce, long deadline) {
    return signGrant(domain, contributor, contributor.getAddress(), terms, expiresAt, nonce, deadline);
  }

  /** A Consent claiming {@code contributor}, signed by {@code signer} for {@code domain}. */
  public static SignedGrant signGrant(Eip712.Domain domain, Credentials signer, String contributor, byte[] terms,
      long expiresAt, long nonce, long deadline) {
    var message = new ConsentMessages.Consent(contributor, Hex.encode(terms), expiresAt, BigInteger.valueOf(nonce),
        deadline);
    var grant = new ConsentGrant(contributor, terms, BigInteger.valueOf(expiresAt), BigInteger.valueOf(nonce),
        BigInteger.valueOf(deadline));
    return new SignedGrant(grant, Eip712.sign(message.digest(domain), signer));
  }

  /** A Revocation signed by the contributor for this registry. */
  public SignedRevocation signRevocation(Credentials contributor, byte[] terms, long nonce, long deadline) {
    return signRevocation(domain, contributor, contributor.getAddress(), terms, nonce, deadline);
  }

  /** A Revocation claiming {@code contributor}, signed by {@code signer} for {@code domain}. */
  public static SignedRevocation signRevocation(Eip712.Domain domain, Credentials signer, String contributor,
      byte[] terms, long nonce, long deadline) {
    var message = new ConsentMessages.Revocation(contributor, Hex.encode(terms), BigInteger.valueOf(nonce), deadline);
    var revocation = new ConsentRevocation(contributor, terms, BigInteger.valueOf(nonce), BigInteger.valueOf(deadline));
    return new SignedRevocation(revocation, Eip712.sign(message.digest(domain), signer));
  }

  // ------------------------------------------------------------------ raw calls, for simulations

  public static Function registerTermsCall(byte[] terms, String uri) {
    return new Function("registerTerms",
        List.of(new Bytes32(terms), new org.web3j.abi.datatypes.Utf8String(uri)), List.of());
  }

  public static Function grantCall(byte[] terms, BigInteger expiresAt) {
    return new Function("grant", List.of(new Bytes32(terms), new Uint256(expiresAt)), List.of());
  }

  public static Function revokeCall(byte[] terms) {
    return new Function("revoke", List.of(new Bytes32(terms)), List.of());
  }

  public static Function grantWithSigCall(SignedGrant signed) {
    return new Function("grantWithSig", List.of(signed.grant(), new DynamicBytes(signed.signature())), List.of());
  }

  public static Function revokeWithSigCall(SignedRevocation signed) {
    return new Function("revokeWithSig", List.of(signed.revocation(), new DynamicBytes(signed.signature())),
        List.of());
  }

  public static Function grantBatchCall(List<ConsentGrant> grants, List<byte[]> signatures) {
    return new Function("grantBatchWithSig",
        List.of(new DynamicArray<>(ConsentGrant.class, grants), signatures(signatures)),
        List.of(new TypeReference<Uint256>() {}));
  }

  public static Function revokeBatchCall(List<ConsentRevocation> revocations, List<byte[]> signatures) {
    return new Function("revokeBatchWithSig",
        List.of(new DynamicArray<>(ConsentRevocation.class, revocations), signatures(signatures)),
        List.of(new TypeReference<Uint256>() {}));
  }

  public static Function historyAtCall(String contributor, byte[] terms, long index) {
    return new Function("historyAt", List.of(new org.web3j.abi.datatypes.Address(contributor), new Bytes32(terms),
        new Uint256(index)), List.of());
  }

  private static DynamicArray<DynamicBytes> signatures(List<byte[]> signatures) {
    return new DynamicArray<>(DynamicBytes.class, signatures.stream().map(DynamicBytes::new).toList());
  }

  /**
   * Simulates {@code function} on this registry from {@code from} by eth_call, asserts that it does
   * not revert, and returns its decoded outputs (for the return value of a state-changing call).
   */
  public List<Type> simulate(String from, Function function) {
    try {
      EthCall call = chain.web3j().ethCall(Transaction.createFunctionCallTransaction(from, null,
          TestChain.GAS_PRICE, TestChain.GAS_LIMIT, address(), BigInteger.ZERO, FunctionEncoder.encode(function)),
          DefaultBlockParameterName.LATEST).send();
      assertThat(call.hasError() || call.isReverted())
          .as("%s reverted with %s", function.getName(), call.hasError()
              ? RevertDecoder.instance().decode(RevertDecoder.revertData(call.getError()))
                  .map(Object::toString).orElse(call.getError().getMessage())
              : call.getRevertReason())
          .isFalse();
      return FunctionReturnDecoder.decode(call.getValue(), function.getOutputParameters());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ chain facts

  /** The timestamp of the block that included the receipt's transaction. */
  public long blockTime(TransactionReceipt receipt) {
    try {
      return chain.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp()
          .longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The 4-byte selector of an error signature, as the bytes4 a ConsentRelaySkipped event carries. */
  public static String selector(String errorSignature) {
    return RevertDecoder.selector(errorSignature);
  }

  public static String hex(byte[] bytes) {
    return Numeric.toHexString(bytes);
  }
}
