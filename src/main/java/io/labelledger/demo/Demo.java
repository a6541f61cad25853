package io.labelledger.demo;

import static io.labelledger.ops.LocalFiles.deleteRecursively;
import static io.labelledger.ops.LocalFiles.freePort;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.App;
import io.labelledger.chain.NodeChainRuntime;
import io.labelledger.config.AppConfig;
import io.labelledger.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.web3j.crypto.Credentials;

/**
 * {@code scripts/demo}: the service on embedded defaults (its own Ganache and PostgreSQL, data in
 * {@code target/demo/data}, wiped first; free ports; the service's log in {@code
 * target/demo/service.log}), started in this process by the classes {@code scripts/start} runs,
 * then {@link MarketplaceStory} (and the audit of its first dataset), {@link PairwiseStory},
 * {@link AnnotationStory} and {@link CollectionStory}. Prints each story's summary and ends with
 * {@code demo: ok} only when every figure of all four checked out, otherwise {@code demo: FAILED:
 * <story>: <check>: <why>} for each that did not and exit status 1. Writes {@code
 * target/demo/demo.json} (the marketplace story: service and RPC URLs, contracts, the dataset's ids,
 * every figure), {@code target/demo/pairwise.json}, {@code target/demo/annotation.json} and {@code
 * target/demo/collection.json} (the other stories').
 * {@code --keep-running} leaves the service up afterwards until Ctrl-C.
 */
public final class Demo {
  /** Ganache's third deterministic account (public test mnemonic): funds the story's wallets on the local chain. */
  static final String DEV_FUNDER_KEY = "0x6370fd033278c143179d81c5526140625662b8daa446c22ee2d73db3707e620c";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Exception | Error e) {
      System.out.println("demo: FAILED: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    boolean keepRunning = java.util.Arrays.asList(args).contains("--keep-running");
    Path root = Path.of(System.getProperty("labelledger.root", ".")).toAbsolutePath().normalize();
    Path dir = root.resolve("target").resolve("demo");
    Path data = dir.resolve("data");
    deleteRecursively(data);
    Files.createDirectories(data);
    // before anything logs: the service's log goes to a file, the terminal gets the story
    System.setProperty("labelledger.demo.log", dir.resolve("service.log").toString());
    System.setProperty("logback.configurationFile", "labelledger/demo-logback.xml");
    PrintStream out = System.out;
    long t0 = System.nanoTime();

    int httpPort = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LABELLEDGER_DATA_DIR", data.toString());
    env.put("LABELLEDGER_HTTP_HOST", "127.0.0.1");
    env.put("LABELLEDGER_HTTP_PORT", Integer.toString(httpPort));
    env.put("LABELLEDGER_DB_EMBEDDED_PORT", Integer.toString(freePort()));
    env.put("LABELLEDGER_CHAIN_PORT", Integer.toString(freePort()));
    env.put("LABELLEDGER_SIWE_DOMAIN", "127.0.0.1:" + httpPort);
    env.put("LABELLEDGER_OPERATOR_TOKEN", HexFormat.of().formatHex(new SecureRandom().generateSeed(24)));
    env.putAll(storySettings());
    AppConfig config = new ConfigLoader(env, dir).load();

    out.printf("demo: starting the service on embedded defaults (data in %s, log in %s)%n", root.relativize(data),
        root.relativize(dir.resolve("service.log")));
    NodeChainRuntime chain = NodeChainRuntime.start(config.chain(), config.anchor().key(), config.dataPath(),
        root.resolve("node"));
    App app;
    try {
      app = App.start(config, Clock.systemUTC(), Optional.of(chain));
    } catch (RuntimeException e) {
      chain.close();
      throw e;
    }
    String serviceUrl = "http://127.0.0.1:" + app.port();
    out.printf("demo: service on %s, chain %d at %s (started in %.1f s)%n%n", serviceUrl, chain.chainId(),
        chain.rpcUrl(), (System.nanoTime() - t0) / 1e9);
    StorySetup setup = new StorySetup(serviceUrl, config.auth().operatorToken().reveal(), chain.rpcUrl(),
        Credentials.create(DEV_FUNDER_KEY), chain.operator(), dir, out);
    List<String> failures = new ArrayList<>();
    story("marketplace story", failures, out, () -> {
      MarketplaceStory.Outcome outcome = new MarketplaceStory(setup, MarketplaceStory.Plan.standard()).run();
      Path record = write(dir.resolve("demo.json"), outcome);
      out.printf("%nrecord: %s (service %s, RPC %s, dataset %d = DataMarketplace id %d)%n", root.relativize(record),
          outcome.serviceUrl(), outcome.rpcUrl(), outcome.datasetId(), outcome.chainDatasetId());
      out.printf("audit: labelledger audit verified %s%n", StorySteps.audit(new StoryHttp(serviceUrl), chain.rpcUrl(),
          outcome.datasetId(), dir));
      out.printf("timings (s): %s%n", outcome.seconds());
    });
    out.printf("%ndemo: the pairwise story%n");
    story("pairwise story", failures, out, () -> {
      PairwiseStory.Outcome outcome = new PairwiseStory(setup, PairwiseStory.Plan.standard()).run();
      Path record = write(dir.resolve("pairwise.json"), outcome);
      out.printf("%nrecord: %s (campaign %d, dataset %d = DataMarketplace id %d: %d pairs, %d DPO rows, %d ties;"
          + " %d choices, %d accepted)%n", root.relativize(record), outcome.campaignId(), outcome.datasetId(),
          outcome.chainDatasetId(), outcome.items(), outcome.preferenceRows(), outcome.ties(),
          outcome.contributionsSent(), outcome.acceptedContributions().size());
      out.printf("timings (s): %s%n", outcome.seconds());
    });
    out.printf("%ndemo: the annotation story%n");
    story("annotation story", failures, out, () -> {
      AnnotationStory.Outcome outcome = new AnnotationStory(setup, AnnotationStory.Plan.standard()).run();
      Path record = write(dir.resolve("annotation.json"), outcome);
      out.printf("%nrecord: %s (spans dataset %d, boxes dataset %d: %d entities, %d tokens, %d objects as %d COCO"
          + " annotations; %d annotations signed, %d accepted)%n", root.relativize(record), outcome.spansDatasetId(),
          outcome.boxesDatasetId(), outcome.entities(), outcome.tokens(), outcome.objects(), outcome.cocoAnnotations(),
          outcome.contributionsSent(), outcome.acceptedContributions().size());
      out.printf("timings (s): %s%n", outcome.seconds());
    });
    out.printf("%ndemo: the collection story%n");
    story("collection story", failures, out, () -> {
      CollectionStory.Outcome outcome = new CollectionStory(setup, CollectionStory.Plan.standard()).run();
      Path record = write(dir.resolve("collection.json"), outcome);
      out.printf("%nrecord: %s (campaign %d, validation campaign %d, dataset %d = DataMarketplace id %d: %d"
          + " recordings, %d rejected, %d votes, %d files checked; %s withdrew, %d of their files erased)%n",
          root.relativize(record), outcome.campaignId(), outcome.validationCampaignId(), outcome.datasetId(),
          outcome.chainDatasetId(), outcome.uploads(), outcome.rejectedUploads(), outcome.votes(),
          outcome.filesChecked(), outcome.withdrawn(), outcome.erasedFiles().size());
      out.printf("timings (s): %s%n", outcome.seconds());
    });
    failures.forEach(f -> out.println("demo: FAILED: " + f));
    int status = failures.isEmpty() ? 0 : 1;
    if (status == 0) {
      out.println("demo: ok");
    }
    if (keepRunning && status == 0) {
      out.printf("demo: the service keeps running on %s (operator token in %s); Ctrl-C stops it%n", serviceUrl,
          root.relativize(writeToken(dir, setupToken(config))));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        app.close();
        stopped.countDown();
      }, "demo-stop"));
      stopped.await();
      return;
    }
    app.close();
    System.exit(status);
  }

  /**
   * Short worker periods and small thresholds so the story takes a minute, not an hour: every
   * worker still does its own work on its own timer. The integration test runs with the same.
   */
  public static Map<String, String> storySettings() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LABELLEDGER_RATE_LIMIT_PER_SECOND", "100000");
    env.put("LABELLEDGER_RATE_LIMIT_BURST", "100000");
    env.put("LABELLEDGER_RELAY_INTERVAL_MS", "200");
    env.put("LABELLEDGER_INDEX_INTERVAL_MS", "200");
    env.put("LABELLEDGER_PURCHASE_INDEX_INTERVAL_MS", "200");
    env.put("LABELLEDGER_QUALITY_INTERVAL_MS", "100");
    env.put("LABELLEDGER_QUALITY_REESTIMATE_INTERVAL_MS", "2000");
    env.put("LABELLEDGER_QUALITY_FLOOR_MIN_GOLD", Integer.toString(MarketplaceStory.Plan.standard().floorMinGold()));
    env.put("LABELLEDGER_ANCHOR_INTERVAL_MS", "200");
    env.put("LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "500");
    // the collection story waits for the erasure round after a withdrawal
    env.put("LABELLEDGER_BLOB_ERASURE_INTERVAL_MS", "500");
    return env;
  }

  /** Runs one story; its failure, named, goes to {@code failures} so the next story still runs. */
  private static void story(String name, List<String> failures, PrintStream out, Runnable story) {
    try {
      story.run();
    } catch (StoryFailure e) {
      failures.add(name + ": " + e.getMessage());
    } catch (RuntimeException e) {
      failures.add(name + ": " + e);
      e.printStackTrace(out);
    }
  }

  private static Path write(Path file, Object outcome) {
    try {
      StoryHttp.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), outcome);
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String setupToken(AppConfig config) {
    return config.auth().operatorToken().reveal();
  }

  private static Path writeToken(Path dir, String token) throws IOException {
    Path file = dir.resolve("operator-token");
    Files.writeString(file, token);
    return file;
  }

}
