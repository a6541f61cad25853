package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.Response;

/** Revert bytes out of the error replies of the nodes we run on: each puts them somewhere else. */
class RevertDataTest {
  private static final String BYTES = "0x9c4eef12000000000000000000000000000000000000000000000000000000000000000c";

  private static String of(String data) {
    Response.Error error = new Response.Error(3, "execution reverted");
    error.setData(data);
    return RevertDecoder.revertData(error);
  }

  @Test
  void plainHexAsGethAndGanacheSendIt() {
    assertThat(of(BYTES)).isEqualTo(BYTES);
    assertThat(of("\"" + BYTES + "\"")).isEqualTo(BYTES);
  }

  @Test
  void hardhatsObjectWhoseMessageRepeatsTheBytesInProse() {
    String hardhat = "{\"message\":\"Error: VM Exception while processing transaction: reverted with an unrecognized"
        + " custom error (return data: " + BYTES + ")\",\"data\":\"" + BYTES + "\"}";
    assertThat(of(hardhat)).isEqualTo(BYTES);
  }

  @Test
  void ganachesObjectWithTheBytesUnderResult() {
    assertThat(of("{\"hash\":\"0x" + "ab".repeat(32) + "\",\"programCounter\":12,\"result\":\"" + BYTES
        + "\",\"reason\":null}")).isEqualTo(BYTES);
  }

  @Test
  void nothingWhenTheReplyHoldsNoBytes() {
    assertThat(of(null)).isNull();
    assertThat(of("execution reverted")).isNull();
    assertThat(of("{\"message\":\"out of gas\"}")).isNull();
    assertThat(RevertDecoder.revertData(null)).isNull();
  }
}
