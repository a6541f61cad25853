package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongIntMapTest {
  @Test
  void behavesAsAMapThroughManyGrowths() {
    AuditVerifier.LongIntMap map = new AuditVerifier.LongIntMap();
    Map<Long, Integer> reference = new HashMap<>();
    Random random = new Random(3);
    for (int i = 0; i < 200_000; i++) {
      long key = random.nextInt(4) == 0 ? random.nextLong() : ((long) random.nextInt(3000) << 32) | random.nextInt(300);
      int value = random.nextInt(Integer.MAX_VALUE);
      map.put(key, value);
      reference.put(key, value);
    }
    reference.forEach((k, v) -> assertThat(map.get(k)).isEqualTo(v));
    assertThat(map.get(Long.MIN_VALUE + 12345)).isEqualTo(reference.getOrDefault(Long.MIN_VALUE + 12345, -1));
  }
}
