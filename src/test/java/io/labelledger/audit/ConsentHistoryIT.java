package io.labelledger.audit;

import static io.labelledger.testsupport.MarketplaceFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.ConsentFixture;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * The verifier reads a contributor's consent once (consentOf + historyAt) and answers "valid at t"
 * for every batch itself: its answers must be the contract's wasValidAt, at every boundary.
 */
@ExtendWith(ChainExtension.class)
class ConsentHistoryIT {
  @Test
  void answersAsWasValidAtAroundEveryGrantRevocationAndExpiry(TestChain chain) throws Exception {
    ConsentFixture registry = ConsentFixture.deploy(chain);
    byte[] terms = registry.newTerms();
    Credentials who = chain.newAccount(1);
    var as = registry.as(who);
    TreeSet<Long> moments = new TreeSet<>();
    long start = chain.latestTimestamp();
    moments.add(start);

    call(() -> as.grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 1_000)).send()); // expires on its own
    moments.add(chain.latestTimestamp());
    chain.increaseTime(2_000);
    call(() -> as.grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 5_000)).send());
    moments.add(chain.latestTimestamp());
    chain.increaseTime(100);
    call(() -> as.revoke(terms).send());
    moments.add(chain.latestTimestamp());
    chain.increaseTime(100);
    call(() -> as.grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 300)).send()); // renewed...
    moments.add(chain.latestTimestamp());
    chain.increaseTime(50);
    call(() -> as.grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 10_000)).send()); // ...while active
    moments.add(chain.latestTimestamp());
    chain.increaseTime(20_000);
    moments.add(chain.latestTimestamp());

    try (AuditChain reader = AuditChain.connect(chain.rpcUrl())) {
      reader.pinLatestBlock();
      String address = who.getAddress().toLowerCase();
      AuditChain.ConsentRecord record = reader.consentRecords(registry.address(), List.of(address), List.of(terms))
          .get(0);
      assertThat(record.historyLength()).isEqualTo(3);
      List<Long> indexes = List.of(0L, 1L, 2L);
      List<long[]> closed = reader.history(registry.address(), List.of(address, address, address),
          List.of(terms, terms, terms), indexes);
      ConsentHistory history = new ConsentHistory(record, closed.toArray(new long[0][]));

      List<Long> times = new ArrayList<>();
      for (long[] interval : closed) {
        moments.add(interval[0]);
        moments.add(interval[1]);
      }
      moments.add(record.grantedAt());
      moments.add(record.expiresAt());
      for (long m : moments) {
        for (long t = m - 2; t <= m + 2; t++) {
          times.add(t);
        }
      }
      List<Boolean> onChain = reader.wasValidAt(registry.address(), times.stream().map(t -> address).toList(),
          times.stream().map(t -> terms).toList(), times);
      int valid = 0;
      for (int i = 0; i < times.size(); i++) {
        assertThat(history.validAt(times.get(i))).as("valid at %d", times.get(i)).isEqualTo(onChain.get(i));
        valid += onChain.get(i) ? 1 : 0;
      }
      assertThat(valid).as("some moments are valid, some not").isBetween(1, times.size() - 1);
    }
  }
}
