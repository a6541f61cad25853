package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V11 rewrote the hex-string checks ({@code ^0x[0-9a-f]{40}$} and {@code {64}}) in a form that is
 * cheaper to evaluate. The tables must accept and refuse exactly what they did before: each sample
 * is written to an address column and to a hash column, and the outcome is compared with the
 * original regular expression, evaluated by PostgreSQL itself.
 */
class HexChecksMigrationIT {
  private static final String ADDRESS = "0x" + "0123456789abcdef0123".repeat(2);
  private static final String HASH = "0x" + "0123456789abcdef".repeat(4);

  private static DatabaseCoordinates db;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase("HexChecksMigrationIT");
    Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal())
        .locations("classpath:db/migration").load().migrate();
  }

  @Test
  void addressesAreAcceptedExactlyWhenTheOldRuleAcceptedThem() throws SQLException {
    for (String sample : samples(ADDRESS)) {
      assertThat(accepted("insert into sessions (token_hash, address, expires_at) values (sha256(convert_to(?, 'UTF8')), ?,"
          + " now())", sample, sample))
          .as("sessions.address = '%s'", sample).isEqualTo(oldRule(sample, 40));
    }
  }

  @Test
  void hashesAreAcceptedExactlyWhenTheOldRuleAcceptedThem() throws SQLException {
    for (String sample : samples(HASH)) {
      assertThat(accepted("insert into terms (terms_hash, text) values (?, 't')", sample))
          .as("terms.terms_hash = '%s'", sample).isEqualTo(oldRule(sample, 64));
    }
  }

  @Test
  void aRefusedValueNamesTheSameConstraintAsBefore() throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("insert into terms (terms_hash, text) values ('0x" + "AB".repeat(32) + "', 't')"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("terms_terms_hash_check");
    }
  }

  @Test
  void noHexCheckUsesACountedRepetitionAnyMore() throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select conname from pg_constraint where contype = 'c'"
             + " and pg_get_constraintdef(oid) ~ '\\[0-9a-f\\]\\{'")) {
      List<String> left = new ArrayList<>();
      while (rs.next()) {
        left.add(rs.getString(1));
      }
      assertThat(left).isEmpty();
    }
  }

  /** A valid value and its near misses: case, length, prefix, foreign and multi-byte characters. */
  private static List<String> samples(String valid) {
    String digits = valid.substring(2);
    return List.of(valid, valid.toUpperCase(), "0X" + digits, "00" + digits, digits + "ab",
        valid.substring(0, valid.length() - 1), valid + "0", valid + "\n", valid.substring(0, valid.length() - 1) + "g",
        valid.substring(0, valid.length() - 2) + "é", valid.substring(0, valid.length() - 1) + " ",
        "0x", "", "0x" + "0".repeat(digits.length()));
  }

  private static boolean accepted(String sql, String... args) throws SQLException {
    try (Connection c = TestDatabase.connect(db); PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      p.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (!"23514".equals(e.getSQLState())) { // check_violation: anything else is a broken test
        throw e;
      }
      return false;
    }
  }

  private static boolean oldRule(String sample, int digits) throws SQLException {
    try (Connection c = TestDatabase.connect(db);
         PreparedStatement p = c.prepareStatement("select ? ~ ('^0x[0-9a-f]{' || ? || '}$')")) {
      p.setString(1, sample);
      p.setInt(2, digits);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
