package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bundle route's memory stays flat: a listed version of {@value #CONTRIBUTIONS} synthetic
 * contributions in 4096-leaf batches (written straight into the tables: this is about streaming,
 * not about signatures; {@code DatasetAuditIT} checks real ones) is read by a client slower than
 * the service, and the service's heap (this JVM's, measured after collections while the transfer
 * runs) grows by far less than the bundle's size: the route waits for the response to drain
 * instead of queueing the bundle.
 */
@ExtendWith(ChainExtension.class)
class AuditBundleStreamingIT {
  private static final int CONTRIBUTIONS = 60_000;
  private static final int BATCH = 4096;
  private static TestApp app;
  private static long dataset;

  @BeforeAll
  static void start(TestChain chain) throws Exception {
    app = TestApp.start("audit_streaming", Map.of(), chain);
    dataset = synthetic(CONTRIBUTIONS, BATCH);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aLargeBundleIsStreamedToASlowClientWithTheHeapFlat() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // a first read at full speed, so that what the service keeps between requests (pooled buffers,
    // prepared statements, compiled code) is in the baseline
    try (InputStream in = open().getInputStream()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong();
    java.util.List<Long> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    // HttpURLConnection reads the socket only as the reader asks (an 8 KiB buffer): what waits is
    // in the kernel's socket buffers and the service's write queue, not in this JVM's client
    HttpURLConnection response = open();
    assertThat(response.getResponseCode()).isEqualTo(200);
    assertThat(response.getHeaderField("Content-Disposition"))
        .isEqualTo("attachment; filename=\"dataset-" + dataset + "-v1.audit.json\"");

    AtomicLong contributions = new AtomicLong();
    AtomicLong shares = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    try (InputStream counted = new FilterInputStream(response.getInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        bytes.addAndGet(Math.max(n, 0));
        return n;
      }
    }) {
      AuditBundleReader.read(counted, new AuditBundleReader.Visitor() {
        @Override
        public void header(AuditBundle.Header h) {
          assertThat(h.dataset().contributionCount()).isEqualTo(CONTRIBUTIONS);
        }

        @Override
        public void contribution(long index, AuditBundle.Contribution c) {
          assertThat(c.proof()).hasSizeBetween(1, 12);
          if (contributions.incrementAndGet() % 2_500 == 0) {
            System.gc(); // what the service holds now, not what it has let go of
            long held = memory.getHeapMemoryUsage().getUsed() - baseline;
            samples.add(held / 1_000_000);
            peak.accumulateAndGet(held, Math::max);
            pause(); // a slow client: the service must wait for it, not queue the bundle
          }
        }

        @Override
        public void malformedContribution(long index, String message) {
          throw new AssertionError("contribution " + index + ": " + message);
        }

        @Override
        public void share(long position, AuditBundle.Share share) {
          shares.incrementAndGet();
        }

        @Override
        public void malformedShare(long position, String message) {
          throw new AssertionError("share " + position + ": " + message);
        }
      });
    }
    assertThat(contributions.get()).isEqualTo(CONTRIBUTIONS);
    assertThat(shares.get()).isEqualTo(CONTRIBUTIONS);
    System.out.printf("audit bundle streaming: %d contributions, %.1f MB, heap growth peak %.1f MB (MB every 2,500: %s)%n",
        contributions.get(), bytes.get() / 1e6, peak.get() / 1e6, samples);
    assertThat(bytes.get()).as("a bundle much larger than the bound below").isGreaterThan(60_000_000L);
    assertThat(peak.get()).as("heap held above the baseline while streaming").isLessThan(16_000_000L);
  }

  private static HttpURLConnection open() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(app.baseUrl() + "/api/datasets/" + dataset + "/audit-bundle")
        .toURL().openConnection();
    c.setReadTimeout(120_000);
    return c;
  }

  private static void pause() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A listed version of {@code n} contributions (one each of {@code n} accounts) in anchored batches of {@code batch}. */
  private static long synthetic(int n, int batch) throws Exception {
    int batches = (n + batch - 1) / batch;
    try (Connection c = TestDatabase.connect(app.database()); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("insert into terms (terms_hash, text) values ('0x' || repeat('ab', 32), 'synthetic terms')");
      long campaign = id(s, """
          insert into campaigns (name, instructions, task_type, overlap, max_overlap, gold_rate, accuracy_floor,
                                 target_confidence, terms_hash, item_count)
          values ('synthetic', 'label it', 'single_choice', 1, 1, 0, 0.5, 0.9, '0x' || repeat('ab', 32), %d)
          returning id""".formatted(n));
      s.execute("""
          insert into items (campaign_id, external_id, payload, answers_wanted)
          select %d, 'item-' || g, '{}'::jsonb, 1 from generate_series(1, %d) g""".formatted(campaign, n));
      s.execute("""
          insert into anchor_batches (root, leaf_count, tree, state, chain_batch_id, block_number, gas_used)
          select sha256(('root-' || g)::bytea), least(%2$d, %1$d - g * %2$d),
                 decode(repeat('5a', 32 * (2 * least(%2$d, %1$d - g * %2$d) - 1)), 'hex'), 'anchored', g + 1, 1, 1
            from generate_series(0, %3$d - 1) g""".formatted(n, batch, batches));
      s.execute("""
          insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at, signature,
                                     digest, status, batch_id, leaf_index)
          select %1$d, i.id, '0x' || lpad(to_hex(g), 40, '0'), 'yes', '0x' || repeat('ab', 32), 1700000000,
                 decode(repeat('cd', 64) || '1b', 'hex'), sha256(int8send(g)), 'accepted',
                 (select b.id from anchor_batches b where b.chain_batch_id = (g - 1) / %2$d + 1), (g - 1) %% %2$d
            from generate_series(1, %3$d) g join items i on i.campaign_id = %1$d and i.external_id = 'item-' || g
          """.formatted(campaign, batch, n));
      long id = id(s, """
          insert into datasets (campaign_id, version, name, status, terms_hash, payment_token, price, confidence_bar,
                                content_root, shares_root, total_shares, item_count, contribution_count,
                                contributor_count, batch_ids, quality, built_at, chain_dataset_id, listed_at)
          values (%1$d, 1, 'synthetic', 'listed', '0x' || repeat('ab', 32), '0x' || repeat('11', 20), 1000, 0.9,
                  '0x' || repeat('22', 32), '0x' || repeat('33', 32), %2$d, %2$d, %2$d, %2$d,
                  (select array_agg(id order by id) from anchor_batches), '{}', now(), 424242, now())
          returning id""".formatted(campaign, n));
      s.execute("""
          insert into dataset_contributions (dataset_id, leaf_index, contribution_id, item_id, contributor, digest,
                                             batch_id, batch_leaf)
          select %1$d, row_number() over (order by c.id) - 1, c.id, c.item_id, c.contributor, c.digest,
                 c.batch_id, c.leaf_index
            from contributions c where c.campaign_id = %2$d""".formatted(id, campaign));
      s.execute("""
          insert into dataset_shares (dataset_id, leaf_index, account, shares)
          select %1$d, row_number() over (order by c.contributor) - 1, c.contributor, 1
            from contributions c where c.campaign_id = %2$d""".formatted(id, campaign));
      c.commit();
      return id;
    }
  }

  private static long id(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
