package io.labelledger.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** Builds EIP-4361 messages and signs them as a wallet's personal_sign would. */
public final class Siwe {
  private Siwe() {}

  /** A message builder with sensible defaults; change fields with the withers. */
  public record Message(String domain, String address, String statement, String uri, long chainId, String nonce,
      Instant issuedAt, Instant expirationTime) {

    public static Message of(String domain, Credentials account, long chainId, String nonce, Instant issuedAt) {
      return new Message(domain, Keys.toChecksumAddress(account.getAddress()),
          "Sign in to LabelLedger.", "https://" + domain + "/", chainId, nonce, issuedAt, null);
    }

    public Message withDomain(String d) {
      return new Message(d, address, statement, uri, chainId, nonce, issuedAt, expirationTime);
    }

    public Message withChainId(long c) {
      return new Message(domain, address, statement, uri, c, nonce, issuedAt, expirationTime);
    }

    public Message withNonce(String n) {
      return new Message(domain, address, statement, uri, chainId, n, issuedAt, expirationTime);
    }

    public Message withIssuedAt(Instant t) {
      return new Message(domain, address, statement, uri, chainId, nonce, t, expirationTime);
    }

    public Message withExpirationTime(Instant t) {
      return new Message(domain, address, statement, uri, chainId, nonce, issuedAt, t);
    }

    public Message withStatement(String s) {
      return new Message(domain, address, s, uri, chainId, nonce, issuedAt, expirationTime);
    }

    /** The text exactly as EIP-4361's ABNF lays it out. */
    public String text() {
      StringBuilder b = new StringBuilder()
          .append(domain).append(" wants you to sign in with your Ethereum account:\n")
          .append(address).append("\n\n");
      if (statement != null) {
        b.append(statement).append('\n');
      }
      b.append('\n')
          .append("URI: ").append(uri).append('\n')
          .append("Version: 1\n")
          .append("Chain ID: ").append(chainId).append('\n')
          .append("Nonce: ").append(nonce).append('\n')
          .append("Issued At: ").append(issuedAt);
      if (expirationTime != null) {
        b.append("\nExpiration Time: ").append(expirationTime);
      }
      return b.toString();
    }
  }

  /** EIP-191 personal_sign of {@code text}: 0x ‖ r ‖ s ‖ v (v = 27/28). */
  public static String personalSign(String text, Credentials signer) {
    Sign.SignatureData sig = Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), signer.getEcKeyPair());
    byte[] out = new byte[65];
    System.arraycopy(sig.getR(), 0, out, 0, 32);
    System.arraycopy(sig.getS(), 0, out, 32, 32);
    out[64] = sig.getV()[0];
    return Numeric.toHexString(out);
  }
}
