package io.labelledger.provenance;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.LocalGanache;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chain outage on a node of its own (a Ganache process with its state on disk): while the node
 * is down the service accepts contributions and reports the chain down (degraded, not unready), a
 * restart during the outage starts from the recorded deployment, and once the node is back with
 * its state the backlog is anchored, each contribution once. The same with two endpoints configured
 * of which the first never answers (a dead port): the service fails over to the second throughout,
 * and the outage of the second is an outage of the chain.
 */
class ChainOutageIT {
  @TempDir
  Path dir;

  @Test
  void contributionsAreAcceptedWhileTheChainIsDownAndAnchoredOnceItIsBack() throws Exception {
    outage(ganacheUrl -> ganacheUrl, "ChainOutageIT");
  }

  @Test
  void theSameWithOneOfTwoEndpointsDownThroughout() throws Exception {
    int dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      dead = s.getLocalPort(); // closed again: connections to it are refused
    }
    String deadUrl = "http://127.0.0.1:" + dead;
    outage(ganacheUrl -> deadUrl + "," + ganacheUrl, "ChainOutageIT_two");
  }

  private void outage(java.util.function.UnaryOperator<String> rpcUrl, String dbHint) throws Exception {
    Path node = ChainExtension.ProjectPaths.root().resolve("node");
    Path chainState = dir.resolve("chain");
    Path data = Files.createDirectories(dir.resolve("data"));
    LocalGanache ganache = LocalGanache.start(node, 0, chainState);
    int port = ganache.port();
    Map<String, String> env = new HashMap<>();
    env.put("LABELLEDGER_RPC_URL", rpcUrl.apply(ganache.rpcUrl()));
    env.put("LABELLEDGER_RELAYER_KEY", TestChain.DEV_KEYS.get(0));
    env.put("LABELLEDGER_ANCHORER_KEY", TestChain.DEV_KEYS.get(1));
    env.put("LABELLEDGER_RELAY_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_INDEX_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_ANCHOR_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0");
    DatabaseCoordinates db = TestDatabase.freshDatabase(dbHint);
    TestApp app = TestApp.startOnNode(db, env, data); // deploys, records data/deployment.json
    TestChain chain = TestChain.connect(ganache.rpcUrl(), TestChain.DEV_KEYS.get(0), "outage");
    try {
      String terms = app.publishTerms("Chain outage IT terms");
      Contributor c = WorkFixtures.consenting(app, chain, terms);
      long campaign = AnchorFixtures.campaign(app, terms, 20);
      AnchorFixtures.contribute(app, c, campaign, 2);
      app.anchor();
      assertThat(AnchorFixtures.batchCount(app, chain)).isEqualTo(1);
      assertThat(readiness(app)).isEqualTo("200 up up");

      ganache.close(); // the node goes away (its state stays on disk)
      assertThat(readiness(app)).isEqualTo("200 degraded down");
      AnchorFixtures.contribute(app, c, campaign, 3);
      app.anchor(); // fails: nothing reaches the chain, nothing is lost
      assertThat(count(app, "select count(*) from anchor_batches where state = 'anchored'")).isEqualTo(1);

      app.close(); // and the service restarts while the node is still down
      app = TestApp.startOnNode(db, env, data);
      assertThat(readiness(app)).isEqualTo("200 degraded down");
      AnchorFixtures.contribute(app, c, campaign, 2);
      assertThat(count(app, "select count(*) from contributions")).isEqualTo(7);

      ganache = LocalGanache.start(node, port, chainState); // back, with its state
      assertThat(readiness(app)).isEqualTo("200 up up");
      app.anchor();
      assertThat(count(app, "select count(*) from contributions c join anchor_batches b on b.id = c.batch_id "
          + "where b.state = 'anchored'")).as("the backlog caught up").isEqualTo(7);
      assertThat(AnchorFixtures.batchCount(app, chain)).isGreaterThanOrEqualTo(2);
      AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
    } finally {
      app.close();
      chain.close();
      ganache.close();
    }
  }

  /** "status health.status checks.chain" of /health/ready. */
  private static String readiness(TestApp app) {
    Reply reply = app.get("/health/ready");
    return reply.status() + " " + reply.json().get("status").asText() + " " + reply.json().at("/checks/chain").asText();
  }
}
