package io.labelledger.bench;

import static io.labelledger.ops.LocalFiles.deleteRecursively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.audit.AuditBundle;
import io.labelledger.audit.AuditBundleWriter;
import io.labelledger.chain.ContractDeployer;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.Signatures;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.market.SharesTree;
import io.labelledger.provenance.LeafStore;
import io.labelledger.provenance.StandardMerkleRoot;
import io.labelledger.provenance.StandardMerkleTree;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * {@code scripts/bench audit}: verifies a synthetic audit bundle of {@code audit.contributions}
 * (1,000,000) contributions by {@code audit.contributors} (2,000) contributors against a local
 * Ganache, with {@code labelledger audit} run as a separate JVM exactly as a user runs it, and
 * writes {@code audit.json}: contributions per second, CPU time, peak heap and peak RSS of the
 * verifier.
 *
 * <p>The bundle is real: contributors' consents relayed on ConsentRegistry, every contribution
 * signed with its contributor's key, batches of {@code audit.batch} (4,096) anchored on
 * ProvenanceRegistry, the dataset listed with its content and shares roots, bought once and claimed
 * by some contributors. Generating it takes minutes, so the chain (Ganache's database) and the
 * bundle are cached under {@code target/bench/audit-cache-N/} and reused by later runs.
 */
public final class AuditBench {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final BigInteger PRICE = BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(100));
  private static final String[] LABELS = {"positive", "negative", "neutral", "mixed"};
  private static final double TARGET = 20_000;

  private final int contributions;
  private final int contributors;
  private final int batchSize;
  private final String verifierHeap;

  private AuditBench(int contributions, int contributors, int batchSize, String verifierHeap) {
    this.contributions = contributions;
    this.contributors = contributors;
    this.batchSize = batchSize;
    this.verifierHeap = verifierHeap;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path nodeDir = Path.of(args.length > 1 ? args[1] : "node");
    new AuditBench(Integer.getInteger("audit.contributions", 1_000_000), Integer.getInteger("audit.contributors", 2_000),
        Integer.getInteger("audit.batch", 4_096), System.getProperty("audit.verifierHeap", "512m"))
        .run(out, nodeDir);
  }

  private record Meta(int contributions, int contributors, int batchSize, String datasetId, long bundleBytes,
      double generationSeconds) {}

  private void run(Path out, Path nodeDir) throws Exception {
    Path cache = out.resolve("audit-cache-" + contributions + "-" + contributors + "-" + batchSize);
    Path metaFile = cache.resolve("meta.json");
    Path bundle = cache.resolve("bundle.json");
    boolean cached = Files.isRegularFile(metaFile) && Files.isRegularFile(bundle);
    if (!cached) {
      deleteRecursively(cache);
      Files.createDirectories(cache);
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("LABELLEDGER_CHAIN_PORT", "0"));
    try (LocalGanache ganache = LocalGanache.start(nodeDir, port, cache.resolve("chain"))) {
      Meta meta;
      if (cached) {
        meta = JSON.readValue(metaFile.toFile(), Meta.class);
        System.out.printf(Locale.ROOT, "bundle: cached %s (%,d contributions, %,d MB)%n", bundle,
            meta.contributions(), meta.bundleBytes() >> 20);
      } else {
        long t0 = System.nanoTime();
        BigInteger datasetId = generate(ganache.rpcUrl(), bundle);
        meta = new Meta(contributions, contributors, batchSize, datasetId.toString(), Files.size(bundle),
            (System.nanoTime() - t0) / 1e9);
        JSON.writeValue(metaFile.toFile(), meta); // last: marks the cache complete
        System.out.printf(Locale.ROOT, "bundle: generated in %.0f s (%,d MB), cached in %s%n",
            meta.generationSeconds(), meta.bundleBytes() >> 20, cache);
      }
      Map<String, Object> result = verify(ganache.rpcUrl(), bundle, meta, cached);
      Files.createDirectories(out);
      JSON.writeValue(out.resolve("audit.json").toFile(), result);
      System.out.println("wrote " + out.resolve("audit.json"));
    }
  }

  // ------------------------------------------------------------------ verification, as a user runs it

  private Map<String, Object> verify(String rpcUrl, Path bundle, Meta meta, boolean cached) throws Exception {
    double loadBefore = loadAverage();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + verifierHeap));
    // Extra JVM options for the verifier alone, e.g. a JFR recording: -Daudit.verifierJavaOpts="…"
    for (String option : System.getProperty("audit.verifierJavaOpts", "").trim().split("\\s+")) {
      if (!option.isEmpty()) {
        cmd.add(option);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.labelledger.cli.LabelLedgerCli", "audit", "--rpc", rpcUrl, "--bundle", bundle.toString(), "--json", "--progress"));
    System.out.printf(Locale.ROOT, "verify: labelledger audit (-Xmx%s) on %d cores, load average %.2f...%n",
        verifierHeap, Runtime.getRuntime().availableProcessors(), loadBefore);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    double loadAfter = loadAverage();
    String text = new String(stdout, StandardCharsets.UTF_8);
    int start = text.startsWith("{") ? 0 : text.indexOf("\n{") + 1; // JVM options may log lines before the report
    JsonNode report = JSON.readTree(text.substring(start));
    if (exit != 0) {
      System.out.println(new String(stdout, StandardCharsets.UTF_8));
      throw new IllegalStateException("the verifier exited " + exit + " on the synthetic bundle");
    }
    JsonNode stats = report.get("stats");
    long n = report.at("/checked/contributions").asLong();
    double seconds = stats.get("seconds").asDouble();
    double cpu = stats.get("cpuSeconds").asDouble();
    double perSecond = n / seconds;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("contributions", n);
    r.put("contributors", report.at("/checked/contributors").asLong());
    r.put("batches", report.at("/checked/batches").asLong());
    r.put("bundle_bytes", meta.bundleBytes());
    r.put("ok", report.get("ok").asBoolean());
    r.put("contributions_per_s", Math.round(perSecond));
    r.put("seconds", seconds);
    r.put("process_seconds", Math.round(wall * 1000) / 1000.0);
    r.put("cpu_seconds", cpu);
    r.put("cpu_us_per_contribution", Math.round(cpu / n * 1e6 * 10) / 10.0);
    // Derived, not measured: what the cores would verify if no other process shared them (CPU time
    // per contribution spread over every core; the serial tail of the phases is ignored).
    r.put("cpu_bound_contributions_per_s", Math.round(Runtime.getRuntime().availableProcessors() * n / cpu));
    r.put("threads", stats.get("threads").asInt());
    r.put("cores", Runtime.getRuntime().availableProcessors());
    r.put("max_heap", verifierHeap);
    r.put("peak_heap_bytes", stats.get("peakHeapBytes").asLong());
    r.put("peak_rss_bytes", stats.get("peakRssBytes").asLong());
    r.put("phase_seconds", stats.get("phaseSeconds"));
    r.put("native_secp256k1", Signatures.isNative());
    r.put("load_average_before", loadBefore);
    r.put("load_average_after", loadAfter);
    r.put("bundle_cached", cached);
    r.put("target_contributions_per_s", TARGET);
    r.put("target_met", perSecond >= TARGET);
    System.out.printf(Locale.ROOT, "%-34s %s%n", "contributions", String.format(Locale.ROOT, "%,d", n));
    System.out.printf(Locale.ROOT, "%-34s %,.0f (target >= %,.0f: %s)%n", "contributions/s", perSecond, TARGET,
        perSecond >= TARGET ? "met" : "NOT met");
    System.out.printf(Locale.ROOT, "%-34s %.2f s wall, %.2f s CPU (%.1f us CPU a contribution)%n", "verification",
        seconds, cpu, cpu / n * 1e6);
    System.out.printf(Locale.ROOT, "%-34s %,d/s (all %d cores / CPU a contribution; derived)%n", "if no one shared the cores",
        Math.round(Runtime.getRuntime().availableProcessors() * n / cpu), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-34s %,d MiB heap (of %s), %,d MiB RSS%n", "peak memory",
        stats.get("peakHeapBytes").asLong() >> 20, verifierHeap, stats.get("peakRssBytes").asLong() >> 20);
    System.out.printf(Locale.ROOT, "%-34s %.2f before, %.2f after (shared machine)%n", "load average", loadBefore,
        loadAfter);
    return r;
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  // ------------------------------------------------------------------ generation

  private BigInteger generate(String rpcUrl, Path bundle) throws Exception {
    Web3j web3j = Web3j.build(new HttpService(rpcUrl));
    try {
      return new Generator(web3j).run(bundle);
    } finally {
      web3j.shutdown();
    }
  }

  /** Builds the chain state and writes the bundle. */
  private final class Generator {
    private final Web3j web3j;
    private final Credentials operator = Credentials.create(LocalGanache.DEV_OPERATOR_KEY);
    private final ContractGasProvider gas = new StaticGasProvider(BigInteger.valueOf(1_000_000_000L),
        BigInteger.valueOf(30_000_000L));
    private final TransactionManager tx;
    private final long chainId = LocalGanache.CHAIN_ID;
    private final Credentials[] keys = new Credentials[contributors];
    private final String[] addresses = new String[contributors];

    Generator(Web3j web3j) {
      this.web3j = web3j;
      this.tx = new FastRawTransactionManager(web3j, operator, chainId,
          new PollingTransactionReceiptProcessor(web3j, 20, 3000));
    }

    BigInteger run(Path bundle) throws Exception {
      long t = System.nanoTime();
      Deployment d = new ContractDeployer(web3j, tx, gas).deployAll(operator, chainId, 500);
      ConsentRegistry consent = ConsentRegistry.load(d.consentRegistry(), web3j, tx, gas);
      ProvenanceRegistry provenance = ProvenanceRegistry.load(d.provenanceRegistry(), web3j, tx, gas);
      DataMarketplace market = DataMarketplace.load(d.marketplace(), web3j, tx, gas);
      TestToken token = TestToken.load(d.paymentToken(), web3j, tx, gas);
      byte[] terms = Eip712.keccak("LabelLedger audit benchmark terms v1");
      consent.registerTerms(terms, "https://labelledger.example/terms/bench").send();

      for (int i = 0; i < contributors; i++) {
        keys[i] = Credentials.create(Numeric.toHexString(Eip712.keccak("labelledger audit bench contributor " + i)));
        addresses[i] = keys[i].getAddress().toLowerCase(Locale.ROOT);
      }
      grantConsents(consent, d, terms);
      System.out.printf(Locale.ROOT, "generate: contracts and %,d consents (%.0f s)%n", contributors, secondsSince(t));

      long submittedAt = latestTimestamp() - 3_600;
      AuditBundle.Chain chain = new AuditBundle.Chain(chainId, d.consentRegistry(), d.provenanceRegistry(),
          d.marketplace(), d.paymentToken());
      byte[] separator = chain.contributionDomain().separator();
      LeafStore leaves = new LeafStore();
      leaves.ensureCapacity(contributions);
      IntStream.range(0, contributions).parallel().forEach(i ->
          leaves.set(i, AuditBundle.leafOf(digest(separator, i, terms, submittedAt))));
      int batches = (contributions + batchSize - 1) / batchSize;
      long firstBatch = provenance.batchCount().send().longValueExact() + 1;
      for (int b = 0; b < batches; b++) {
        StandardMerkleTree tree = batchTree(leaves, b);
        provenance.anchor(tree.root(), BigInteger.valueOf(tree.size())).send();
      }
      System.out.printf(Locale.ROOT, "generate: %,d leaves in %,d anchored batches (%.0f s)%n", contributions,
          batches, secondsSince(t));

      byte[] contentRoot = StandardMerkleRoot.of(leaves, contributions, (a, b) -> {
        throw new IllegalStateException("duplicate synthetic contribution " + a);
      });
      List<AuditBundle.Share> shares = shares();
      SharesTree sharesTree = SharesTree.of(shares.stream().map(s -> new SharesTree.Entry(s.account(), s.shares()))
          .toList());
      var listed = market.list(new DataMarketplace.ListingParams(contentRoot, sharesTree.root(),
          sharesTree.totalShares(), d.paymentToken(), PRICE, terms, BigInteger.ZERO)).send();
      BigInteger datasetId = DataMarketplace.getDatasetListedEvents(listed).get(0).datasetId;
      token.faucet(operator.getAddress(), PRICE).send();
      token.approve(d.marketplace(), PRICE).send();
      market.purchase(datasetId, PRICE).send();
      for (int i = 0; i < Math.min(10, shares.size()); i++) {
        AuditBundle.Share s = shares.get(i);
        market.claim(datasetId, BigInteger.valueOf(s.index()), s.account(), s.shares(), sharesTree.proof(i)).send();
      }
      System.out.printf(Locale.ROOT, "generate: dataset %s listed, bought, 10 claims (%.0f s)%n", datasetId,
          secondsSince(t));

      DataMarketplace.DatasetInfo info = market.dataset(datasetId).send();
      AuditBundle.Header header = new AuditBundle.Header(chain, new AuditBundle.Dataset(datasetId, info.contentRoot,
          info.sharesRoot, info.totalShares, info.termsHash, contributions),
          AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION);
      writeBundle(bundle, header, separator, leaves, terms, submittedAt, firstBatch, shares);
      System.out.printf(Locale.ROOT, "generate: bundle written, every contribution signed (%.0f s)%n",
          secondsSince(t));
      return datasetId;
    }

    private void grantConsents(ConsentRegistry consent, Deployment d, byte[] terms) throws Exception {
      long now = latestTimestamp();
      var domain = ConsentMessages.domain(chainId, d.consentRegistry());
      for (int from = 0; from < contributors; from += 100) {
        List<ConsentRegistry.ConsentGrant> grants = new ArrayList<>();
        List<byte[]> signatures = new ArrayList<>();
        for (int i = from; i < Math.min(contributors, from + 100); i++) {
          long expiresAt = now + 365L * 86_400;
          long deadline = now + 86_400;
          var message = new ConsentMessages.Consent(addresses[i], Numeric.toHexString(terms), expiresAt,
              BigInteger.ZERO, deadline);
          signatures.add(Signatures.sign(message.digest(domain), keys[i]));
          grants.add(new ConsentRegistry.ConsentGrant(addresses[i], terms, BigInteger.valueOf(expiresAt),
              BigInteger.ZERO, BigInteger.valueOf(deadline)));
        }
        consent.grantBatchWithSig(grants, signatures).send();
      }
    }

    /** Contribution i: item i of campaign 1, by contributor i mod contributors, one of four labels. */
    private byte[] digest(byte[] separator, int i, byte[] terms, long submittedAt) {
      return AuditBundle.digest(separator, addresses[i % contributors], BigInteger.ONE, BigInteger.valueOf(i + 1L),
          AuditBundle.answerHash(LABELS[i % LABELS.length]), terms, submittedAt);
    }

    private StandardMerkleTree batchTree(LeafStore leaves, int b) {
      int from = b * batchSize;
      int to = Math.min(contributions, from + batchSize);
      List<byte[]> batch = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        batch.add(leaves.get(i));
      }
      return StandardMerkleTree.of(batch);
    }

    private List<AuditBundle.Share> shares() {
      long[] counts = new long[contributors];
      for (int i = 0; i < contributions; i++) {
        counts[i % contributors]++;
      }
      List<AuditBundle.Share> shares = new ArrayList<>();
      for (int k = 0; k < contributors; k++) {
        if (counts[k] > 0) {
          shares.add(new AuditBundle.Share(shares.size(), addresses[k], BigInteger.valueOf(counts[k])));
        }
      }
      return shares;
    }

    private void writeBundle(Path file, AuditBundle.Header header, byte[] separator, LeafStore leaves, byte[] terms,
        long submittedAt, long firstBatch, List<AuditBundle.Share> shares) throws IOException {
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
          AuditBundleWriter w = AuditBundleWriter.to(os)) {
        w.begin(header);
        int batches = (contributions + batchSize - 1) / batchSize;
        for (int b = 0; b < batches; b++) {
          StandardMerkleTree tree = batchTree(leaves, b);
          int from = b * batchSize;
          long batchId = firstBatch + b;
          // Signing is the slow part (native, about 150 us each): every core signs, the writer keeps order.
          List<AuditBundle.Contribution> signed = IntStream.range(0, tree.size()).parallel().mapToObj(k -> {
            int i = from + k;
            byte[] digest = digest(separator, i, terms, submittedAt);
            return new AuditBundle.Contribution("bench-" + (i + 1), addresses[i % contributors], BigInteger.ONE,
                BigInteger.valueOf(i + 1L), AuditBundle.answerHash(LABELS[i % LABELS.length]), terms, submittedAt,
                Signatures.sign(digest, keys[i % contributors]), tree.leaf(k), batchId, tree.proof(k));
          }).toList();
          signed.forEach(w::contribution);
          if (b % 25 == 0) {
            System.out.printf(Locale.ROOT, "generate: signed and wrote %,d of %,d%n", w.contributionsWritten(),
                contributions);
          }
        }
        shares.forEach(w::share);
        w.finish();
      }
    }

    private long latestTimestamp() throws IOException {
      return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp()
          .longValueExact();
    }
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

}
