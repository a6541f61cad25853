package io.labelledger.bench;

import io.labelledger.db.DatabaseCoordinates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the anchorer paid during a benchmark, from the database: waits (up to a limit) until every
 * stored contribution is in an anchored batch, then sums the batches' gas. One call at the end of a
 * bench; blocking, so never on an event loop.
 */
public final class AnchorFigures {
  private AnchorFigures() {}

  /** {batches, anchored, unanchored, gas_used, gas_per_contribution, waited_s}. */
  public static Map<String, Object> after(DatabaseCoordinates db, int maxWaitSeconds) throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(maxWaitSeconds);
    long unanchored;
    long batches;
    long anchored;
    long gas;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password().reveal());
         Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet rs = s.executeQuery("select (select count(*) from contributions c left join anchor_batches b "
            + "on b.id = c.batch_id where b.state is distinct from 'anchored') as unanchored, count(*) as batches, "
            + "coalesce(sum(leaf_count), 0)::bigint as anchored, coalesce(sum(gas_used), 0)::bigint as gas "
            + "from anchor_batches where state = 'anchored'")) {
          rs.next();
          unanchored = rs.getLong("unanchored");
          batches = rs.getLong("batches");
          anchored = rs.getLong("anchored");
          gas = rs.getLong("gas");
        }
        if (unanchored == 0 || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(500);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("batches", batches);
    r.put("anchored", anchored);
    r.put("unanchored", unanchored);
    r.put("gas_used", gas);
    r.put("gas_per_contribution", anchored == 0 ? null : Math.round(10.0 * gas / anchored) / 10.0);
    r.put("waited_s", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
    return r;
  }
}
