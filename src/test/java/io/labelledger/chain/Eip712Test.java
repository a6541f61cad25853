package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/** Our direct EIP-712 hashing must equal web3j's generic encoder of the same typed-data JSON. */
class Eip712Test {
  private static final String REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  private static final String TERMS = "0x" + "ab".repeat(32);

  @Test
  void consentDigestMatchesTheGenericEncoder() throws Exception {
    var consent = new ConsentMessages.Consent(
        "0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1", TERMS, 1_900_000_000L, BigInteger.valueOf(3), 1_800_000_000L);
    String json = """
        {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},
        {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
        "Consent":[{"name":"contributor","type":"address"},{"name":"termsHash","type":"bytes32"},
        {"name":"expiresAt","type":"uint256"},{"name":"nonce","type":"uint256"},{"name":"deadline","type":"uint256"}]},
        "primaryType":"Consent",
        "domain":{"name":"LabelLedger ConsentRegistry","version":"1","chainId":1337,"verifyingContract":"%s"},
        "message":{"contributor":"0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1","termsHash":"%s",
        "expiresAt":1900000000,"nonce":3,"deadline":1800000000}}
        """.formatted(REGISTRY, TERMS);
    byte[] expected = new StructuredDataEncoder(json).hashStructuredData();
    assertThat(consent.digest(ConsentMessages.domain(1337, REGISTRY))).isEqualTo(expected);
  }

  @Test
  void contributionDigestMatchesTheGenericEncoderAndSignatureRecovers() throws Exception {
    Credentials signer = Credentials.create(Keys.createEcKeyPair());
    var message = new ContributionMessage(signer.getAddress(), BigInteger.valueOf(7), BigInteger.valueOf(42),
        "positive — «ünïcode»", TERMS, 1_750_000_000L);
    String json = """
        {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},
        {"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
        "Contribution":[{"name":"contributor","type":"address"},{"name":"campaignId","type":"uint256"},
        {"name":"itemId","type":"uint256"},{"name":"answer","type":"string"},{"name":"termsHash","type":"bytes32"},
        {"name":"submittedAt","type":"uint256"}]},
        "primaryType":"Contribution",
        "domain":{"name":"LabelLedger Provenance","version":"1","chainId":1337,"verifyingContract":"%s"},
        "message":{"contributor":"%s","campaignId":7,"itemId":42,"answer":"positive — «ünïcode»",
        "termsHash":"%s","submittedAt":1750000000}}
        """.formatted(REGISTRY, signer.getAddress(), TERMS);
    byte[] digest = message.digest(ContributionMessage.domain(1337, REGISTRY));
    assertThat(digest).isEqualTo(new StructuredDataEncoder(json).hashStructuredData());

    byte[] sig = Eip712.sign(digest, signer);
    var data = new Sign.SignatureData(sig[64], java.util.Arrays.copyOfRange(sig, 0, 32),
        java.util.Arrays.copyOfRange(sig, 32, 64));
    BigInteger key = Sign.signedMessageHashToKey(digest, data);
    assertThat("0x" + Keys.getAddress(key)).isEqualTo(signer.getAddress());
    assertThat(Numeric.toHexString(message.answerHash())).hasSize(66);
  }
}
