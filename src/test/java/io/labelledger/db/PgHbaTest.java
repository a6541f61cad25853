package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PgHbaTest {
  @Test
  void initdbsTrustFileTrusts() {
    assertThat(PgHba.trustsAnyone(List.of(
        "# TYPE  DATABASE        USER            ADDRESS                 METHOD",
        "local   all             all                                     trust",
        "host    all             all             127.0.0.1/32            scram-sha-256"))).isTrue();
  }

  @Test
  void scramOnlyFileTrustsNobodyEvenWhereACommentSaysTrust() {
    assertThat(PgHba.trustsAnyone(PgHba.SCRAM_ONLY.lines().toList())).isFalse();
    assertThat(PgHba.trustsAnyone(List.of("host all all ::1/128 scram-sha-256  # was trust"))).isFalse();
  }
}
