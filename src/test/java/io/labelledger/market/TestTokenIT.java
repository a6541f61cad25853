package io.labelledger.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;

@ExtendWith(ChainExtension.class)
class TestTokenIT {
  private static final BigInteger ONE = BigInteger.TEN.pow(18);
  private static TestChain chain;
  private static TestToken token;

  @BeforeAll
  static void deploy(TestChain testChain) throws Exception {
    chain = testChain;
    token = TestToken.deploy(chain.web3j(), chain.txManager(chain.funder()), chain.gas()).send();
  }

  @Test
  void faucetMintsOnALocalChain() throws Exception {
    Credentials someone = chain.newAccount(0);
    token.faucet(someone.getAddress(), ONE.multiply(BigInteger.valueOf(5))).send();
    assertThat(token.balanceOf(someone.getAddress()).send()).isEqualTo(ONE.multiply(BigInteger.valueOf(5)));
    assertThat(token.decimals().send()).isEqualTo(BigInteger.valueOf(18));
  }

  @Test
  void faucetRefusesMoreThanItsCapPerCall() {
    BigInteger tooMuch = ONE.multiply(BigInteger.valueOf(1_000_001));
    var error = chain.expectRevert(chain.funder().getAddress(), token.getContractAddress(),
        faucet(chain.funder().getAddress(), tooMuch), "TestTokenFaucetAmountTooLarge");
    assertThat(error.args()).containsExactly(tooMuch, ONE.multiply(BigInteger.valueOf(1_000_000)));
  }

  @Test
  void faucetIsDisabledOffLocalChains() throws Exception {
    try (LocalGanache other = LocalGanache.start(
        ChainExtension.ProjectPaths.root().resolve("node"), 0, null, 8888)) {
      var foreign = io.labelledger.testsupport.TestChain.connect(other.rpcUrl(), TestChain.DEV_KEYS.get(0), "foreign");
      try (foreign) {
        TestToken there = TestToken.deploy(foreign.web3j(), foreign.txManager(foreign.funder()), foreign.gas()).send();
        var error = foreign.expectRevert(foreign.funder().getAddress(), there.getContractAddress(),
            faucet(foreign.funder().getAddress(), ONE), "TestTokenFaucetDisabled");
        assertThat(error.args()).containsExactly(BigInteger.valueOf(8888));
      }
    }
  }

  private static Function faucet(String to, BigInteger amount) {
    return new Function("faucet", List.of(new Address(to), new Uint256(amount)), List.of());
  }
}
