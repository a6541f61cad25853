package io.labelledger.chain;

import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.chain.contracts.TestToken;
import java.io.IOException;
import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * Deploys the marketplace's contracts with one key, which becomes their admin, the anchorer, the
 * curator, the terms admin and the treasury: the single-operator set-up of a local run (the
 * anchorer may be another key, granted ANCHORER_ROLE at deployment). Production deployments split
 * the other roles afterwards with AccessControl's grant/revoke.
 */
public final class ContractDeployer {
  private static final Logger LOG = LoggerFactory.getLogger(ContractDeployer.class);

  private final Web3j web3j;
  private final TransactionManager tx;
  private final ContractGasProvider gas;

  public ContractDeployer(Web3j web3j, TransactionManager tx, ContractGasProvider gas) {
    this.web3j = web3j;
    this.tx = tx;
    this.gas = gas;
  }

  /** Deploys all four contracts (the payment token is the local test token) and returns where. */
  public Deployment deployAll(Credentials operator, long chainId, int feeBps) throws Exception {
    return deployAll(operator, operator.getAddress(), chainId, feeBps);
  }

  /** As {@link #deployAll(Credentials, long, int)}, with ANCHORER_ROLE granted to {@code anchorer} instead. */
  public Deployment deployAll(Credentials operator, String anchorer, long chainId, int feeBps) throws Exception {
    String admin = operator.getAddress();
    BigInteger block = web3j.ethBlockNumber().send().getBlockNumber();
    ConsentRegistry consent = ConsentRegistry.deploy(web3j, tx, gas, admin).send();
    ProvenanceRegistry provenance = ProvenanceRegistry.deploy(web3j, tx, gas, admin, anchorer).send();
    DataMarketplace market = DataMarketplace.deploy(web3j, tx, gas, admin, admin, BigInteger.valueOf(feeBps)).send();
    TestToken token = TestToken.deploy(web3j, tx, gas).send();
    Deployment deployment = new Deployment(chainId, consent.getContractAddress(), provenance.getContractAddress(),
        market.getContractAddress(), token.getContractAddress(), admin, block.longValueExact());
    LOG.info("deployed ConsentRegistry {} ProvenanceRegistry {} DataMarketplace {} TestToken {} on chain {}",
        deployment.consentRegistry(), deployment.provenanceRegistry(), deployment.marketplace(),
        deployment.paymentToken(), chainId);
    return deployment;
  }

  /** Whether every contract of a recorded deployment still has code on this chain. */
  public boolean isLive(Deployment deployment) throws IOException {
    for (String address : new String[] {deployment.consentRegistry(), deployment.provenanceRegistry(),
        deployment.marketplace(), deployment.paymentToken()}) {
      String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
      if (code == null || code.length() <= 2) {
        return false;
      }
    }
    return true;
  }
}
