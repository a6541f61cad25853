package io.labelledger.signing;

import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;

/** The two EIP-712 domains of this service's deployment. */
public record SigningDomains(Eip712.Domain consent, Eip712.Domain provenance) {
  public static SigningDomains of(Deployment deployment) {
    return new SigningDomains(ConsentMessages.domain(deployment.chainId(), deployment.consentRegistry()),
        ContributionMessage.domain(deployment.chainId(), deployment.provenanceRegistry()));
  }
}
